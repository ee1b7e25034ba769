/// Who runs a group, as the latest message showed it.
public struct GroupSnapshot: Sendable, Codable, Hashable {
    /// `nil` when the group has no owner.
    public var ownerID: String?
    public var adminIDs: [String]
    public var memberCount: Int

    public init(ownerID: String?, adminIDs: [String], memberCount: Int) {
        self.ownerID = ownerID
        self.adminIDs = adminIDs
        self.memberCount = memberCount
    }

    /// The role `actorID` holds in this group, if any.
    public func role(of actorID: String) -> ActorRole? {
        if let ownerID, ownerID == actorID { return .owner }
        if adminIDs.contains(actorID) { return .admin }
        return nil
    }
}
