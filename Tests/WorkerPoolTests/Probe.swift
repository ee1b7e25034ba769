import Foundation
import Synchronization

/// A value tests observe: updated by the code under test, awaited by the test with a bounded
/// wait that resumes as soon as a predicate holds (no sleeping to synchronise).
final class Probe<Value: Sendable>: Sendable {
    struct TimedOut: Error, CustomStringConvertible {
        var description: String
    }

    private struct Waiter {
        var predicate: @Sendable (Value) -> Bool
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var value: Value
        var waiters: [UUID: Waiter] = [:]
    }

    private let state: Mutex<State>

    init(_ value: Value) {
        state = Mutex(State(value: value))
    }

    var value: Value { state.withLock { $0.value } }

    /// Changes the value and wakes every waiter whose predicate now holds.
    func update<R>(_ body: (inout Value) -> R) -> R {
        let (result, woken) = state.withLock { state -> (R, [CheckedContinuation<Void, Never>]) in
            let result = body(&state.value)
            var woken: [CheckedContinuation<Void, Never>] = []
            for (id, waiter) in state.waiters where waiter.predicate(state.value) {
                woken.append(waiter.continuation)
                state.waiters[id] = nil
            }
            return (result, woken)
        }
        for continuation in woken { continuation.resume() }
        return result
    }

    /// Returns once `predicate` holds; throws `TimedOut` after `timeout`.
    func wait(
        _ what: String, timeout: Duration = .seconds(20), until predicate: @escaping @Sendable (Value) -> Bool
    ) async throws {
        let id = UUID()
        let met = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withTaskCancellationHandler {
                    await withCheckedContinuation { continuation in
                        let now = self.state.withLock { state -> Bool in
                            if predicate(state.value) || Task.isCancelled { return true }
                            state.waiters[id] = Waiter(predicate: predicate, continuation: continuation)
                            return false
                        }
                        if now { continuation.resume() }
                    }
                } onCancel: {
                    self.state.withLock { $0.waiters.removeValue(forKey: id) }?.continuation.resume()
                }
                return true
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next()!
            group.cancelAll()
            return first && predicate(self.value)
        }
        guard met || predicate(value) else {
            throw TimedOut(description: "timed out after \(timeout) waiting for \(what)")
        }
    }
}

/// Evaluates its argument before `#expect` sees it (the macro cannot decompose mutating calls).
func take<T>(_ value: T) -> T { value }
