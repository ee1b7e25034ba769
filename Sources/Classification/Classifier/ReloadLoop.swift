import ServiceLifecycle
import UnixSignals

/// The watchers' loop: `reload(false)` every `pollInterval` (reload only what changed) and
/// `reload(true)` on each SIGHUP, until graceful shutdown or cancellation.
func runReloadLoop(
    pollInterval: Duration, reloadOnSIGHUP: Bool, reload: @escaping @Sendable (_ force: Bool) -> Void
) async throws {
    try await cancelWhenGracefulShutdown {
        try await withThrowingTaskGroup(of: Void.self) { group in
            if reloadOnSIGHUP {
                group.addTask {
                    for await _ in await UnixSignalsSequence(trapping: .sighup) { reload(true) }
                }
            }
            group.addTask {
                while true {
                    try await Task.sleep(for: pollInterval)
                    reload(false)
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }
}
