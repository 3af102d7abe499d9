//! The load figures as table rows: each level's growth beside the 5-desk
//! level of the same run (the 5-desk level beside the single desk), pushes
//! alone beside the same desks reading too, and every level's raw figures.

use std::fmt::Write as _;
use std::time::Duration;

use super::Level;
use crate::report::{ms, Row, Table, Verdict};

/// Where a level is compared: the 5-desk level for more desks, the smallest
/// level for the 5-desk one (the smallest has nothing beside it); pushes
/// alone, with the same desks pushing and reading.
fn baseline(levels: &[Level], l: &Level) -> Option<usize> {
    let with_feed = |b: &Level| b.feed;
    if !l.feed {
        return levels
            .iter()
            .position(|b| with_feed(b) && b.desks == l.desks);
    }
    let five = levels.iter().position(|b| with_feed(b) && b.desks == 5);
    match five {
        Some(i) if l.desks > 5 => Some(i),
        _ => Some(0).filter(|_| levels[0].desks < l.desks),
    }
}

pub(super) fn desks(n: usize) -> String {
    if n == 1 {
        "1 desk".to_owned()
    } else {
        format!("{n} desks")
    }
}

fn vs(now: f64, then: f64) -> String {
    format!("{:.2}x", now / then.max(1e-9))
}

/// A rate and the p99 of its requests: one side of a comparison.
#[derive(Clone, Copy)]
struct Flow {
    rate: f64,
    p99: Duration,
}

impl Level {
    fn pushes(&self) -> Flow {
        Flow {
            rate: self.push_rate(),
            p99: self.push.p99(),
        }
    }
    fn reads(&self) -> Flow {
        Flow {
            rate: self.pull_rate(),
            p99: self.page.p99(),
        }
    }
}

/// The "compared with" and "ratio" cells: `now` beside `then` (named), or dashes.
fn beside(now: Flow, then: Option<(String, Flow)>, p99_name: &str) -> (String, String) {
    let Some((name, then)) = then else {
        return ("-".into(), "-".into());
    };
    (
        format!("{name}: {:.0} ev/s, {p99_name} {}", then.rate, ms(then.p99)),
        format!(
            "{} ev/s, {} {p99_name}",
            vs(now.rate, then.rate),
            vs(now.p99.as_secs_f64(), then.p99.as_secs_f64())
        ),
    )
}

/// A row with no target: the load figures are read for where growth stops.
fn info(figure: String, measured: String, (compared, ratio): (String, String)) -> Row {
    Row {
        figure,
        measured,
        compared,
        ratio,
        target: "-".into(),
        verdict: Verdict::Info,
    }
}

pub(super) fn add(levels: &[Level], batch: usize, table: &mut Table) {
    for l in levels {
        let base = baseline(levels, l).map(|i| &levels[i]);
        let store = l.store.label();
        let retried = if l.push_errors > 0 {
            format!("; {} pushes retried", l.push_errors)
        } else {
            String::new()
        };
        let pushed = format!(
            "{:.0} ev/s; p50 {}, p99 {}{retried}",
            l.push_rate(),
            ms(l.push.p50()),
            ms(l.push.p99())
        );
        if !l.feed {
            // Beside the same desks pushing and reading.
            let then = base.map(|b| ("reading too".to_owned(), b.pushes()));
            table.add(info(
                format!(
                    "(L'') {store}, {}: the same pushes, no feed reads",
                    desks(l.desks)
                ),
                pushed,
                beside(l.pushes(), then, "p99"),
            ));
            continue;
        }
        table.add(info(
            format!(
                "(L) {store}, {} / {} facilities: push {} events, {batch} per push",
                desks(l.desks),
                l.facilities,
                l.pushed
            ),
            pushed,
            beside(
                l.pushes(),
                base.map(|b| (desks(b.desks), b.pushes())),
                "p99",
            ),
        ));
        table.add(info(
            format!(
                "(L') {store}, {}: every desk reads its facility's feed to the end, {} events read",
                desks(l.desks),
                l.pulled
            ),
            format!("{:.0} ev/s; page p99 {}", l.pull_rate(), ms(l.page.p99())),
            beside(
                l.reads(),
                base.map(|b| (desks(b.desks), b.reads())),
                "page p99",
            ),
        ));
    }
}

/// Every level's raw figures, as a second Markdown table.
pub(super) fn detail(levels: &[Level]) -> String {
    let mut out = String::from(
        "| store | feed | desks | facilities | events pushed | push phase | push ev/s | push p50 | push p99 | push max | retried | events read | whole run | read ev/s | page p99 | endpoint CPU | bench CPU | machine busy |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for l in levels {
        // Pushes alone read nothing: dashes, not a rate of zero.
        let (read, read_rate, page) = if l.feed {
            (
                l.pulled.to_string(),
                format!("{:.0}", l.pull_rate()),
                ms(l.page.p99()),
            )
        } else {
            ("-".into(), "-".into(), "-".into())
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {:.2} s | {:.0} | {} | {} | {} | {} | {read} | {:.2} s | {read_rate} | {page} | {:.2} s ({:.0}% of one core) | {:.2} s | {:.0}% of {} cores |",
            l.store.label(),
            if l.feed { "read" } else { "none" },
            l.desks,
            l.facilities,
            l.pushed,
            l.push_time.as_secs_f64(),
            l.push_rate(),
            ms(l.push.p50()),
            ms(l.push.p99()),
            ms(l.push.max()),
            l.push_errors,
            l.run_time.as_secs_f64(),
            l.endpoint_cpu.as_secs_f64(),
            100.0 * l.endpoint_cpu.as_secs_f64() / l.run_time.as_secs_f64().max(1e-9),
            l.bench_cpu.as_secs_f64(),
            100.0 * l.machine_busy,
            std::thread::available_parallelism().map_or(0, |n| n.get()),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::store::StoreKind;

    fn level(desks: usize, feed: bool) -> Level {
        Level::new(StoreKind::Sqlite, feed, desks, 5.min(desks))
    }

    #[test]
    fn growth_is_read_against_five_desks_and_five_against_one() {
        let levels = [
            level(1, true),
            level(5, true),
            level(10, true),
            level(50, true),
            level(50, false),
        ];
        let at = |i: usize| baseline(&levels, &levels[i]);
        assert_eq!(at(0), None, "the single desk has nothing beside it");
        assert_eq!(at(1), Some(0));
        assert_eq!(at(2), Some(1));
        assert_eq!(at(3), Some(1));
        // Pushes alone are set beside the same desks pushing and reading.
        assert_eq!(at(4), Some(3));
    }

    #[test]
    fn without_five_desks_the_smallest_level_is_the_baseline() {
        let levels = [level(2, true), level(20, true)];
        assert_eq!(baseline(&levels, &levels[1]), Some(0));
        assert_eq!(baseline(&levels, &levels[0]), None);
    }
}
