import Crypto

/// Flag ids are derived from the message id, so a replayed message maps to the same flag.
public enum FlagID {
    /// `flag-` and the first 24 hex digits of SHA-256(message_id).
    public static func forMessage(_ messageID: String) -> String {
        let digest = SHA256.hash(data: Array(messageID.utf8))
        return "flag-"
            + digest.prefix(12).map { byte in
                let hex = String(byte, radix: 16)
                return hex.count == 1 ? "0" + hex : hex
            }.joined()
    }
}
