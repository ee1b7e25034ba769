/// When a group's statistics raise an alert.
public struct GroupAlertPolicy: Sendable, Hashable {
    /// Groups smaller than this are never alerted for content share (the judicial threshold is 30).
    public var minMembers: Int
    /// Share of the window's messages that were flagged.
    public var flaggedShare: Double
    /// At least this many flagged messages in the window.
    public var minFlagged: Int
    public var window: Duration
    /// Missed owner deadlines within `window` that raise `repeated_owner_negligence`.
    public var negligenceMisses: Int

    public init(
        minMembers: Int = 30, flaggedShare: Double = 0.3, minFlagged: Int = 10, window: Duration = .seconds(3600),
        negligenceMisses: Int = 3
    ) {
        self.minMembers = minMembers
        self.flaggedShare = flaggedShare
        self.minFlagged = minFlagged
        self.window = window
        self.negligenceMisses = negligenceMisses
    }
}
