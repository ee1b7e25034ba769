import Crypto
import Foundation

/// A moderation action as received, before it is trusted.
public struct ActionClaim: Sendable, Hashable {
    public var actionID: String
    public var flagID: String?
    public var messageID: String?
    public var groupID: String
    public var actorID: String
    public var claimedRole: ActorRole
    public var action: ActionKind
    /// When the actor acted; `nil` means "when received".
    public var at: Date?
    public var atText: String?
    public var signature: String?

    public init(
        actionID: String, flagID: String?, messageID: String?, groupID: String, actorID: String,
        claimedRole: ActorRole, action: ActionKind, at: Date?, atText: String?, signature: String?
    ) {
        self.actionID = actionID
        self.flagID = flagID
        self.messageID = messageID
        self.groupID = groupID
        self.actorID = actorID
        self.claimedRole = claimedRole
        self.action = action
        self.at = at
        self.atText = atText
        self.signature = signature
    }

    /// The bytes the platform signs: the fields below in this order, each as `name=value`,
    /// joined by `\n` (absent fields as an empty value), UTF-8.
    /// `action_id, flag_id, message_id, group_id, actor_id, actor_role, action, at`.
    public var canonicalBody: [UInt8] {
        let fields: [(String, String)] = [
            ("action_id", actionID), ("flag_id", flagID ?? ""), ("message_id", messageID ?? ""), ("group_id", groupID),
            ("actor_id", actorID), ("actor_role", claimedRole.rawValue), ("action", action.rawValue),
            ("at", atText ?? ""),
        ]
        return Array(fields.map { "\($0.0)=\($0.1)" }.joined(separator: "\n").utf8)
    }

    /// The lower-case hex HMAC-SHA256 of ``canonicalBody`` under `key`.
    public func signature(key: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: canonicalBody, using: SymmetricKey(data: key))
        return mac.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }
}

/// Why an action was refused. Raw values are metric labels and DLQ reasons.
public enum ActionRefusal: String, Sendable, Hashable, Error {
    case missingSignature = "missing_signature"
    case badSignature = "bad_signature"
    case unauthorizedActor = "unauthorized_actor"
    case roleMismatch = "role_mismatch"
    case unknownFlag = "unknown_flag"
    case groupMismatch = "group_mismatch"
}

/// Decides whether an action may count: signature first (when a key is configured), then the
/// actor's real role in the group's latest snapshot, or a provider.
public struct ActionAuthorizer: Sendable {
    /// `nil` disables signature checks.
    public var signingKey: [UInt8]?
    /// Actor ids allowed to act as the provider. Empty: any actor claiming `provider` on a signed
    /// action (the platform's own service accounts sign).
    public var providerActors: Set<String>

    public init(signingKey: [UInt8]? = nil, providerActors: Set<String> = []) {
        self.signingKey = signingKey
        self.providerActors = providerActors
    }

    public func authorize(_ claim: ActionClaim, snapshot: GroupSnapshot?, receivedAt: Date) -> Result<
        AuthorizedAction, ActionRefusal
    > {
        if let signingKey {
            guard let given = claim.signature?.lowercased() else { return .failure(.missingSignature) }
            guard Self.constantTimeEqual(Array(given.utf8), Array(claim.signature(key: signingKey).utf8)) else {
                return .failure(.badSignature)
            }
        }
        let role: ActorRole
        switch claim.claimedRole {
        case .provider:
            if providerActors.isEmpty {
                // Without a provider list, only signed actions may speak for the provider.
                guard signingKey != nil else { return .failure(.unauthorizedActor) }
            } else {
                guard providerActors.contains(claim.actorID) else { return .failure(.unauthorizedActor) }
            }
            role = .provider
        case .owner, .admin:
            guard let actual = snapshot?.role(of: claim.actorID) else { return .failure(.unauthorizedActor) }
            guard actual == claim.claimedRole else { return .failure(.roleMismatch) }
            role = actual
        }
        return .success(
            AuthorizedAction(
                actionID: claim.actionID, actorID: claim.actorID, role: role, action: claim.action,
                at: claim.at ?? receivedAt))
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
