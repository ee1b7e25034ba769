import Foundation

/// CPU time this process has used (user + system, every thread), from getrusage. Wall-clock
/// rates on a shared two-core machine swing by a third between runs of the same binary; CPU
/// time per record is the steadier measure of a change's cost.
enum ProcessCPUTime {
    static func now() -> Duration {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func duration(_ time: timeval) -> Duration {
            .seconds(Int64(time.tv_sec)) + .microseconds(Int64(time.tv_usec))
        }
        return duration(usage.ru_utime) + duration(usage.ru_stime)
    }

    /// Microseconds of CPU per record between two readings.
    static func microsecondsPerRecord(_ spent: Duration, records: Int) -> Double {
        let (seconds, attoseconds) = spent.components
        return (Double(seconds) * 1e6 + Double(attoseconds) / 1e12) / Double(max(1, records))
    }
}
