import Testing
@testable import Ledger

@Suite struct LedgerModuleTests {
    @Test func moduleIsNamed() {
        #expect(LedgerModule.name == "Ledger")
    }
}
