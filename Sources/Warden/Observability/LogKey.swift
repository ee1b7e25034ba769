/// Metadata keys used in every log line. Values are ids and positions, never message text or
/// personal data: senders, owners and texts stay out of logs.
public enum LogKey {
    public static let workerID = "worker_id"
    public static let topic = "topic"
    public static let partition = "partition"
    public static let offset = "offset"
    public static let flagID = "flag_id"
    public static let eventType = "event_type"
    public static let error = "error"
    public static let role = "role"
}
