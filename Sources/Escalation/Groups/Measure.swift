/// Graded measures the Regulations (arts. 7 and 11) give platforms, against groups and against
/// their owners and admins, mildest first.
public enum Measure: String, Sendable, Codable, CaseIterable {
    /// 警示整改
    case warnAndRectify = "warn_and_rectify"
    /// 暂停发布
    case suspendPosting = "suspend_posting"
    /// 关闭群组
    case closeGroup = "close_group"
    /// 降低信用等级
    case lowerCredit = "lower_credit"
    /// 暂停管理权限
    case suspendAdminRights = "suspend_admin_rights"
    /// 取消建群资格
    case revokeGroupCreation = "revoke_group_creation"

    /// The ladder: how hard to respond on the `alertCount`-th alert for a group (1 = first).
    public static func ladder(alertCount: Int, reason: GroupAlert.Reason) -> [Measure] {
        switch (reason, alertCount) {
        case (.primarilyIllegalContent, ...1): [.warnAndRectify, .suspendPosting, .lowerCredit]
        case (.primarilyIllegalContent, _): [.closeGroup, .suspendAdminRights, .revokeGroupCreation]
        case (.repeatedOwnerNegligence, ...1): [.warnAndRectify, .lowerCredit]
        case (.repeatedOwnerNegligence, _): [.suspendAdminRights, .lowerCredit, .revokeGroupCreation]
        }
    }
}
