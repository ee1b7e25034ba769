import Testing
@testable import Escalation

@Suite struct EscalationModuleTests {
    @Test func moduleIsNamed() {
        #expect(EscalationModule.name == "Escalation")
    }
}
