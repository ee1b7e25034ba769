import Classification
import Foundation
import KafkaClient
import Metrics
import WorkerPool

/// The `chat.group.messages` handler: privacy gate, then classification, then the chain.
///
/// Private chats (direct, family) stop at the envelope: their text and attachments are never
/// parsed, classified, stored or logged; they are only counted.
///
/// Classification is part of `decode`: it is pure and cannot fail, and with the verdict in hand
/// `handleImmediately` finishes most clean messages (and every private one) on the worker without
/// waiting for anything.
public struct MessageRecordHandler: RecordHandler {
    public enum Message: Sendable {
        case privateChat
        case group(GroupMessage, Verdict)
    }

    let decoder: ContractDecoder
    let classifier: any Classifier
    let core: ModerationCore
    let topic: String
    private let privateMessages: Counter
    private let privateRecords: Counter

    public init(decoder: ContractDecoder, classifier: any Classifier, core: ModerationCore, topic: String) {
        self.decoder = decoder
        self.classifier = classifier
        self.core = core
        self.topic = topic
        privateMessages = Counter(label: MetricName.privateMessages)
        privateRecords = Counter(label: MetricName.records, dimensions: [("topic", topic), ("outcome", "private")])
    }

    public func decode(_ record: KafkaRecord) throws -> Message {
        guard let message = try decoder.groupMessage(record.value ?? []) else { return .privateChat }
        let verdict = classifier.classify(
            text: message.text,
            attachments: message.attachments.map {
                MessageAttachment(kind: $0.kind.rawValue, url: $0.url, pdq: $0.pdq, md5: $0.md5, name: $0.name)
            })
        return .group(message, verdict)
    }

    public func handleImmediately(_ message: Message, record: KafkaRecord) -> Bool {
        switch message {
        case .privateChat:
            countPrivate()
            return true
        case .group(let groupMessage, let verdict):
            return core.countCleanMessage(groupMessage, verdict: verdict)
        }
    }

    public func handle(_ message: Message, record: KafkaRecord) async throws {
        switch message {
        case .privateChat:
            countPrivate()
        case .group(let groupMessage, let verdict):
            // The pool counts handled records (groupwarden_records_total{outcome="handled"}).
            try await core.handle(message: groupMessage, verdict: verdict)
        }
    }

    private func countPrivate() {
        privateMessages.increment()
        privateRecords.increment()
    }
}

/// The `moderation.actions` handler.
public struct ActionRecordHandler: RecordHandler {
    let decoder: ContractDecoder
    let core: ModerationCore
    let topic: String

    public init(decoder: ContractDecoder, core: ModerationCore, topic: String) {
        self.decoder = decoder
        self.core = core
        self.topic = topic
    }

    public func decode(_ record: KafkaRecord) throws -> (action: ModerationAction, atText: String?) {
        try decoder.signedAction(record.value ?? [])
    }

    public func handle(_ message: (action: ModerationAction, atText: String?), record: KafkaRecord) async throws {
        try await core.handle(action: message.action, atText: message.atText)
    }
}
