import Foundation
import Testing

@testable import Escalation

@Suite struct ActionAuthorizerTests {
    let snapshot = GroupSnapshot(ownerID: "u-1", adminIDs: ["u-2"], memberCount: 10)
    let now = Date(timeIntervalSince1970: 1_795_338_000)

    func claim(actor: String = "u-1", role: ActorRole = .owner, signature: String? = nil) -> ActionClaim {
        ActionClaim(
            actionID: "a-1", flagID: "f", messageID: nil, groupID: "g", actorID: actor, claimedRole: role,
            action: .deleteMessage, at: nil, atText: nil, signature: signature)
    }

    @Test func ownerAndAdminPerSnapshotAreAuthorised() throws {
        let auth = ActionAuthorizer()
        #expect(try auth.authorize(claim(), snapshot: snapshot, receivedAt: now).get().role == .owner)
        #expect(
            try auth.authorize(claim(actor: "u-2", role: .admin), snapshot: snapshot, receivedAt: now).get().at == now)
    }

    @Test(arguments: [
        ("u-9", ActorRole.owner, ActionRefusal.unauthorizedActor),
        ("u-2", .owner, .roleMismatch),
        ("u-1", .provider, .unauthorizedActor),
    ])
    func strangersAndFalseRolesAreRefused(actor: String, role: ActorRole, refusal: ActionRefusal) {
        let result = ActionAuthorizer().authorize(claim(actor: actor, role: role), snapshot: snapshot, receivedAt: now)
        #expect(throws: refusal) { try result.get() }
    }

    @Test func signaturesAreRequiredAndCheckedWhenAKeyIsSet() throws {
        let key = Array("secret".utf8)
        let auth = ActionAuthorizer(signingKey: key)
        #expect(throws: ActionRefusal.missingSignature) {
            try auth.authorize(claim(), snapshot: snapshot, receivedAt: now).get()
        }
        let good = claim().signature(key: key)
        #expect(good.count == 64)
        #expect(try auth.authorize(claim(signature: good), snapshot: snapshot, receivedAt: now).get().role == .owner)
        let forged = claim().signature(key: Array("other".utf8))
        #expect(throws: ActionRefusal.badSignature) {
            try auth.authorize(claim(signature: forged), snapshot: snapshot, receivedAt: now).get()
        }
        // A signed provider action is accepted without a snapshot role.
        let provider = claim(actor: "ops", role: .provider)
        var signed = provider
        signed.signature = provider.signature(key: key)
        #expect(try auth.authorize(signed, snapshot: nil, receivedAt: now).get().role == .provider)
    }
}

@Suite struct CreditRatingTests {
    let t0 = Date(timeIntervalSince1970: 1_795_338_000)
    let policy = CreditRating.Policy()

    @Test func violationsLowerAndTimeRecovers() {
        var rating = CreditRating(updatedAt: t0)
        rating = rating.applying(.violation(.critical), now: t0, policy: policy)
        #expect(rating.current(now: t0, policy: policy) == 75)
        #expect(rating.current(now: t0.addingTimeInterval(10 * 86_400), policy: policy) == 85)
        #expect(rating.current(now: t0.addingTimeInterval(100 * 86_400), policy: policy) == 100)
    }

    @Test func repeatedViolationsBlacklist() {
        var rating = CreditRating(updatedAt: t0)
        for _ in 0..<3 { rating = rating.applying(.violation(.critical), now: t0, policy: policy) }
        #expect(rating.isBlacklisted(now: t0, policy: policy) == true)
        #expect(rating.applying(.missedDeadline, now: t0, policy: policy).score == 20)
    }
}
