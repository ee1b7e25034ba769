import Testing
@testable import Warden

@Suite struct WardenModuleTests {
    @Test func moduleIsNamed() {
        #expect(WardenModule.name == "Warden")
    }
}
