import WorkerPool

extension ContractError: WorkerPoolFailure {
    public var reason: String { description }
}

/// A record the pipeline refuses, or a transient problem it wants retried.
public struct PipelineFailure: WorkerPoolFailure, Sendable, Equatable, CustomStringConvertible {
    public var code: String
    public var isRetriable: Bool

    public init(_ code: String, retriable: Bool) {
        self.code = code
        self.isRetriable = retriable
    }

    public var reason: String { code }
    public var description: String { code }
}
