import Testing
@testable import KafkaClient

@Suite struct KafkaClientModuleTests {
    @Test func moduleIsNamed() {
        #expect(KafkaClientModule.name == "KafkaClient")
    }
}
