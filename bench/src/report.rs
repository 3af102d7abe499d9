//! Timings and the printed table. Every figure is a row with its comparison
//! beside it (measured in the same run), the ratio between them and the
//! target, so one glance says whether the product is within its limits.

use std::time::{Duration, Instant};

/// Wall-clock samples of one operation.
#[derive(Default, Clone)]
pub struct Samples(Vec<Duration>);

impl Samples {
    pub fn push(&mut self, d: Duration) {
        self.0.push(d);
    }

    /// Take in every sample of `other` (one desk's, into the whole run's).
    pub fn extend(&mut self, other: &Samples) {
        self.0.extend_from_slice(&other.0);
    }

    /// Time `f` once and keep the sample; hands back what `f` returned.
    pub fn time<T>(&mut self, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.0.push(start.elapsed());
        out
    }

    /// Nearest-rank percentile (p in 0..=100); zero when empty.
    pub fn percentile(&self, p: f64) -> Duration {
        if self.0.is_empty() {
            return Duration::ZERO;
        }
        let mut sorted = self.0.clone();
        sorted.sort();
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    }

    pub fn p50(&self) -> Duration {
        self.percentile(50.0)
    }
    pub fn p99(&self) -> Duration {
        self.percentile(99.0)
    }
    pub fn max(&self) -> Duration {
        self.0.iter().copied().max().unwrap_or_default()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

/// Milliseconds with enough digits for sub-millisecond figures.
pub fn ms(d: Duration) -> String {
    let v = d.as_secs_f64() * 1000.0;
    if v < 10.0 {
        format!("{v:.3} ms")
    } else {
        format!("{v:.1} ms")
    }
}

/// Whether a row met its target: the doc and CI read this word, not the numbers.
#[derive(Clone, Copy)]
pub enum Verdict {
    Met,
    Missed,
    Info,
}

impl Verdict {
    pub fn from(ok: bool) -> Verdict {
        if ok {
            Verdict::Met
        } else {
            Verdict::Missed
        }
    }
    fn word(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::Missed => "MISSED",
            Verdict::Info => "-",
        }
    }
}

pub struct Row {
    pub figure: String,
    pub measured: String,
    pub compared: String,
    pub ratio: String,
    pub target: String,
    pub verdict: Verdict,
}

/// The rows so far; printed as a Markdown table so it pastes into docs/benchmarks.md.
#[derive(Default)]
pub struct Table(Vec<Row>);

impl Table {
    pub fn add(&mut self, row: Row) {
        // Print each row as it lands too: a long run shows progress, and a
        // crash later still leaves the figures measured so far.
        eprintln!(
            "  {} | {} | {} | {} | {} | {}",
            row.figure,
            row.measured,
            row.compared,
            row.ratio,
            row.target,
            row.verdict.word()
        );
        self.0.push(row);
    }

    pub fn missed(&self) -> usize {
        self.0
            .iter()
            .filter(|r| matches!(r.verdict, Verdict::Missed))
            .count()
    }

    pub fn print(&self) {
        println!("| figure | measured | compared with (same run) | ratio | target | verdict |");
        println!("| --- | --- | --- | --- | --- | --- |");
        for r in &self.0 {
            println!(
                "| {} | {} | {} | {} | {} | {} |",
                r.figure,
                r.measured,
                r.compared,
                r.ratio,
                r.target,
                r.verdict.word()
            );
        }
    }
}
