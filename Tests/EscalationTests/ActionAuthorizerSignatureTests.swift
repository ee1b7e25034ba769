import Foundation
import Testing

@testable import Escalation

/// The canonical body and its HMAC as a platform would compute them independently, and the
/// provider and snapshot rules of the authoriser.
@Suite struct ActionAuthorizerSignatureTests {
    let snapshot = GroupSnapshot(ownerID: "u-1", adminIDs: ["u-2"], memberCount: 40)
    let now = ChainFixtures.t0
    let key = Array("secret".utf8)

    var contractExample: ActionClaim {
        ActionClaim(
            actionID: "a-1", flagID: "flag-x", messageID: "m-8812", groupID: "g-42", actorID: "u-1",
            claimedRole: .owner, action: .deleteMessage, at: now, atText: "2026-11-22T09:03:00Z", signature: nil)
    }

    var bareProviderClaim: ActionClaim {
        ActionClaim(
            actionID: "a-2", flagID: nil, messageID: nil, groupID: "g-42", actorID: "ops", claimedRole: .provider,
            action: .banUser, at: nil, atText: nil, signature: nil)
    }

    @Test func canonicalBodyIsNameValueLinesInContractOrder() {
        let body = String(decoding: contractExample.canonicalBody, as: UTF8.self)
        #expect(
            body == """
                action_id=a-1
                flag_id=flag-x
                message_id=m-8812
                group_id=g-42
                actor_id=u-1
                actor_role=owner
                action=delete_message
                at=2026-11-22T09:03:00Z
                """)
        let bare = String(decoding: bareProviderClaim.canonicalBody, as: UTF8.self)
        #expect(bare.hasPrefix("action_id=a-2\nflag_id=\nmessage_id=\n"))
        #expect(bare.hasSuffix("\nat="))
    }

    @Test func signatureMatchesAnIndependentHMACSHA256() {
        // Computed with Python's hmac module over the same canonical bodies, key "secret".
        #expect(
            contractExample.signature(key: key) == "f8488b90d16562e35540a30eb91f44d0942be959311b39a834a559d684a34102")
        #expect(
            bareProviderClaim.signature(key: key) == "35af4871061fb93e3e0d19e5a3d8efbb51a6015f7b24ccbb113585cfd30e22e6")
    }

    @Test func upperCaseHexSignaturesAreAccepted() throws {
        var claim = contractExample
        claim.signature = claim.signature(key: key).uppercased()
        let result = ActionAuthorizer(signingKey: key).authorize(claim, snapshot: snapshot, receivedAt: now)
        #expect(try result.get().role == .owner)
    }

    @Test(arguments: ["actionID", "action", "at", "role", "group"])
    func changingAnySignedFieldBreaksTheSignature(field: String) {
        var claim = contractExample
        claim.signature = claim.signature(key: key)
        switch field {
        case "actionID": claim.actionID = "a-9"
        case "action": claim.action = .dismiss
        case "at": claim.atText = "2026-11-22T09:02:59Z"
        case "role": claim.claimedRole = .admin
        default: claim.groupID = "g-43"
        }
        let result = ActionAuthorizer(signingKey: key).authorize(claim, snapshot: snapshot, receivedAt: now)
        #expect(throws: ActionRefusal.badSignature) { try result.get() }
    }

    @Test(arguments: ["", "zz", "f8488b90"])
    func malformedSignaturesAreBad(signature: String) {
        var claim = contractExample
        claim.signature = signature
        let result = ActionAuthorizer(signingKey: key).authorize(claim, snapshot: snapshot, receivedAt: now)
        #expect(throws: ActionRefusal.badSignature) { try result.get() }
    }

    @Test func signaturesAreIgnoredWithoutAKey() throws {
        var claim = contractExample
        claim.signature = "not-a-signature"
        #expect(try ActionAuthorizer().authorize(claim, snapshot: snapshot, receivedAt: now).get().role == .owner)
    }

    @Test func theSignatureIsCheckedBeforeTheActorsRole() {
        var stranger = contractExample
        stranger.actorID = "u-9"
        let result = ActionAuthorizer(signingKey: key).authorize(stranger, snapshot: snapshot, receivedAt: now)
        #expect(throws: ActionRefusal.missingSignature) { try result.get() }
    }

    @Test func listedProvidersActUnsignedAndOthersAreRefused() throws {
        let auth = ActionAuthorizer(providerActors: ["ops"])
        let ok = try auth.authorize(bareProviderClaim, snapshot: nil, receivedAt: now).get()
        #expect(ok.role == .provider)
        #expect(ok.at == now)
        var impostor = bareProviderClaim
        impostor.actorID = "u-1"
        #expect(throws: ActionRefusal.unauthorizedActor) {
            try auth.authorize(impostor, snapshot: snapshot, receivedAt: now).get()
        }
    }

    @Test func withAKeyAndAProviderListBothMustHold() {
        let auth = ActionAuthorizer(signingKey: key, providerActors: ["ops"])
        var unlisted = bareProviderClaim
        unlisted.actorID = "intruder"
        unlisted.signature = unlisted.signature(key: key)
        #expect(throws: ActionRefusal.unauthorizedActor) {
            try auth.authorize(unlisted, snapshot: nil, receivedAt: now).get()
        }
    }

    @Test func ownerOrAdminWithoutASnapshotIsRefused() {
        #expect(throws: ActionRefusal.unauthorizedActor) {
            try ActionAuthorizer().authorize(contractExample, snapshot: nil, receivedAt: now).get()
        }
    }

    @Test func anAdminClaimingToBeOwnerIsARoleMismatchAndTheRealRoleIsUsed() throws {
        var claim = contractExample
        claim.actorID = "u-2"
        #expect(throws: ActionRefusal.roleMismatch) {
            try ActionAuthorizer().authorize(claim, snapshot: snapshot, receivedAt: now).get()
        }
        claim.claimedRole = .admin
        let authorised = try ActionAuthorizer().authorize(claim, snapshot: snapshot, receivedAt: now).get()
        #expect(authorised.role == .admin)
        #expect(authorised.actionID == "a-1")
        #expect(authorised.action == .deleteMessage)
    }

    @Test func aDemotedOwnerIsJudgedByTheLatestSnapshot() {
        let latest = GroupSnapshot(ownerID: "u-5", adminIDs: ["u-2"], memberCount: 40)
        #expect(throws: ActionRefusal.unauthorizedActor) {
            try ActionAuthorizer().authorize(contractExample, snapshot: latest, receivedAt: now).get()
        }
    }

    @Test func actionTimeDefaultsToReceiptAndOtherwiseIsTheClaimed() throws {
        var claim = contractExample
        let claimed = now.addingTimeInterval(-30)
        claim.at = claimed
        #expect(try ActionAuthorizer().authorize(claim, snapshot: snapshot, receivedAt: now).get().at == claimed)
        claim.at = nil
        #expect(try ActionAuthorizer().authorize(claim, snapshot: snapshot, receivedAt: now).get().at == now)
    }

    @Test func constantTimeComparisonComparesLengthAndEveryByte() {
        #expect(ActionAuthorizer.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!ActionAuthorizer.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!ActionAuthorizer.constantTimeEqual([9, 2, 3], [1, 2, 3]))
        #expect(!ActionAuthorizer.constantTimeEqual([1, 2], [1, 2, 3]))
        #expect(ActionAuthorizer.constantTimeEqual([], []))
    }
}
