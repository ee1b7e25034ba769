import Testing
@testable import WorkerPool

@Suite struct WorkerPoolModuleTests {
    @Test func moduleIsNamed() {
        #expect(WorkerPoolModule.name == "WorkerPool")
    }
}
