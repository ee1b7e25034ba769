import Foundation
import Warden

/// Prints this process's resident set size at a fixed interval, for the load test's "no growth
/// after warm-up" check.
enum MemorySampler {
    /// Resident set size in MiB, from /proc/self/status (nil where that file does not exist).
    static func residentMiB() -> Double? {
        guard let status = ProcFile.read("/proc/self/status"),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return nil }
        return kilobytes / 1024
    }

    /// Prints `rss_mib t=<seconds> value=<MiB>` every `interval` until cancelled.
    static func printEvery(_ interval: Duration) async {
        let start = ContinuousClock.now
        while !Task.isCancelled {
            if let resident = residentMiB() {
                print(
                    "rss_mib t=\(Int((ContinuousClock.now - start).components.seconds)) value=\(String(format: "%.1f", resident))"
                )
            }
            try? await Task.sleep(for: interval)
        }
    }
}
