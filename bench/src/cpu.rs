//! CPU time as the kernel counts it: one process's (the endpoint's), and the
//! whole machine's busy share, so a throughput figure says whether it was
//! bounded by the two cores or by something waiting (a lock, a disk).

use std::time::Duration;

/// Clock ticks per second of `/proc` times (`USER_HZ`).
fn ticks_per_second() -> f64 {
    // SAFETY: sysconf reads a constant of the running kernel; no memory is touched.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if hz > 0 {
        hz as f64
    } else {
        100.0
    }
}

/// User + system CPU time of a process so far (zero if it cannot be read).
pub fn process(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The command name (field 2) may hold spaces; fields after its ')' are plain.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 after ')'.
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i)?.parse::<u64>().ok())
        .sum();
    Duration::from_secs_f64(ticks as f64 / ticks_per_second())
}

/// The machine's CPU counters: (busy, total) ticks over every core.
#[derive(Clone, Copy, Default)]
pub struct MachineTicks {
    busy: u64,
    total: u64,
}

pub fn machine() -> MachineTicks {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let Some(line) = stat.lines().find(|l| l.starts_with("cpu ")) else {
        return MachineTicks::default();
    };
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal (guest is inside user).
    let total: u64 = v.iter().take(8).sum();
    let idle = v.get(3).copied().unwrap_or(0) + v.get(4).copied().unwrap_or(0);
    MachineTicks {
        busy: total.saturating_sub(idle),
        total,
    }
}

impl MachineTicks {
    /// Share of all cores busy (any process) between `self` and `later`, 0..=1.
    pub fn busy_until(self, later: MachineTicks) -> f64 {
        let total = later.total.saturating_sub(self.total);
        if total == 0 {
            return 0.0;
        }
        later.busy.saturating_sub(self.busy) as f64 / total as f64
    }
}
