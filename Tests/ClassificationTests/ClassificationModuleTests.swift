import Testing
@testable import Classification

@Suite struct ClassificationModuleTests {
    @Test func moduleIsNamed() {
        #expect(ClassificationModule.name == "Classification")
    }
}
