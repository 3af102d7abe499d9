//! The load run (issue 13): many desks of several facilities against one
//! real endpoint process on loopback, each desk pushing its own hash chain
//! in batches and, after every push, reading its facility's feed to the end
//! (`wso-bench load`). Measured at several desk counts, on SQLite and on
//! PostgreSQL, each level against an empty store of its own: events pushed
//! per second, push latency, feed events read per second, and the CPU the
//! endpoint spent. Each level is set beside the 5-desk level of the same run
//! (and the 5-desk level beside the single desk), so the growth is read
//! from one machine under one load.

mod desk;
mod rows;
mod store;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::Value;
use wso_core::sync::outbox;

use crate::cpu;
use crate::endpoint::{EndpointProcess, Tokens};
use crate::fixture::demo_desk;
use crate::report::{Samples, Table};
use desk::SimDesk;
use store::{FreshStore, StoreChoice, StoreKind, PG_URL_VAR};

#[derive(clap::Args)]
pub struct LoadArgs {
    /// sqlite, postgres or both (postgres needs WSO_BENCH_PG_URL, an
    /// administrator's URL; `both` skips it when unset)
    #[arg(long, value_enum, default_value_t = StoreChoice::Both)]
    store: StoreChoice,
    /// Desk counts to measure, each against a fresh store
    #[arg(long, value_delimiter = ',', default_value = "1,5,10,25,50")]
    desks: Vec<usize>,
    /// Events each desk pushes
    #[arg(long, default_value_t = 2000)]
    events: usize,
    /// Facilities the desks are spread over (desk i at facility i mod N)
    #[arg(long, default_value_t = 5)]
    facilities: usize,
    /// Events per push (the protocol allows up to 500)
    #[arg(long, default_value_t = 100)]
    batch: usize,
}

/// One measured level: `desks` desks against one endpoint and an empty store.
pub(crate) struct Level {
    store: StoreKind,
    /// Whether the desks read their feeds (false: pushes alone).
    feed: bool,
    desks: usize,
    facilities: usize,
    pushed: usize,
    /// From the start until the last push was acknowledged.
    push_time: Duration,
    push: Samples,
    push_errors: usize,
    pulled: usize,
    /// From the start until the last desk had read its whole facility.
    run_time: Duration,
    page: Samples,
    endpoint_cpu: Duration,
    bench_cpu: Duration,
    machine_busy: f64,
}

impl Level {
    /// A level before its figures are in.
    fn new(store: StoreKind, feed: bool, desks: usize, facilities: usize) -> Level {
        Level {
            store,
            feed,
            desks,
            facilities,
            pushed: 0,
            push_time: Duration::ZERO,
            push: Samples::default(),
            push_errors: 0,
            pulled: 0,
            run_time: Duration::ZERO,
            page: Samples::default(),
            endpoint_cpu: Duration::ZERO,
            bench_cpu: Duration::ZERO,
            machine_busy: 0.0,
        }
    }

    fn push_rate(&self) -> f64 {
        self.pushed as f64 / self.push_time.as_secs_f64().max(1e-9)
    }
    fn pull_rate(&self) -> f64 {
        self.pulled as f64 / self.run_time.as_secs_f64().max(1e-9)
    }
}

fn facility_id(i: usize) -> String {
    format!("load-facility-{}", i + 1)
}

/// Two events a real desk wrote: a hold booked and released through `Desk`,
/// read from its outbox. Every simulated event is a re-stamped copy.
fn templates(dir: &Path) -> Vec<Value> {
    let now = Utc::now();
    let mut bench = demo_desk(dir, "load-template", now);
    bench.closed_holds("load", 1, now);
    let events = outbox::batch(bench.desk.conn(), 0, 500).expect("reading the outbox");
    let wanted = ["hold.opened", "hold.released"];
    let picked: Vec<Value> = events
        .into_iter()
        .filter(|e| wanted.contains(&e["type"].as_str().unwrap_or_default()))
        .rev()
        .take(2)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    assert_eq!(
        picked.len(),
        2,
        "the template desk has no booked and released hold"
    );
    picked
}

impl LoadArgs {
    /// What the run will measure, or why it cannot start (a usage error).
    pub fn stores(&self) -> Result<Vec<StoreKind>, String> {
        if self.desks.contains(&0) || self.events == 0 || self.facilities == 0 {
            return Err("--desks, --events and --facilities must be at least 1".into());
        }
        store::kinds(self.store, std::env::var_os(PG_URL_VAR).is_some())
    }
}

/// Measure every desk count on every store in `kinds` (from `LoadArgs::stores`);
/// hands back the table of raw figures per level.
pub fn run(
    args: &LoadArgs,
    kinds: Vec<StoreKind>,
    dir: &Path,
    endpoint_bin: &Path,
    table: &mut Table,
) -> Result<String, String> {
    let templates = templates(dir);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))?;
    let most = args.desks.iter().copied().max().unwrap_or(1);
    let mut levels = Vec::new();
    for kind in kinds {
        let first = levels.len();
        let level = |n: usize, feed: bool| {
            let how = if feed {
                "pushing and reading"
            } else {
                "pushing only"
            };
            eprintln!(
                "wso-bench: load, {}, {} {how} ...",
                kind.label(),
                rows::desks(n)
            );
            measure(kind, n, feed, args, &templates, dir, endpoint_bin, &runtime)
        };
        for &n in &args.desks {
            levels.push(level(n, true)?);
        }
        // The most desks again without their feed reads: what reading costs the pushes.
        levels.push(level(most, false)?);
        rows::add(&levels[first..], args.batch, table);
    }
    Ok(rows::detail(&levels))
}

#[allow(clippy::too_many_arguments)]
fn measure(
    kind: StoreKind,
    n: usize,
    feed: bool,
    args: &LoadArgs,
    templates: &[Value],
    dir: &Path,
    endpoint_bin: &Path,
    runtime: &tokio::runtime::Runtime,
) -> Result<Level, String> {
    let facilities = args.facilities.min(n);
    let desks: Vec<SimDesk> = (1..=n)
        .map(|i| {
            let facility = facility_id((i - 1) % facilities);
            SimDesk::new(i, &facility, args.events, args.batch, templates)
        })
        .collect();
    let mut per_facility: HashMap<String, usize> = HashMap::new();
    let mut lines = String::new();
    for d in &desks {
        *per_facility.entry(d.facility_id.clone()).or_default() += d.events();
        let _ = writeln!(lines, "{}@{}={}", d.desk_id, d.facility_id, d.token);
    }
    let name = format!(
        "{}-{n}{}",
        kind.label().to_lowercase(),
        if feed { "" } else { "-push" }
    );
    let tokens = dir.join(format!("tokens-{name}.txt"));
    std::fs::write(&tokens, lines).map_err(|e| format!("writing {}: {e}", tokens.display()))?;
    let store = FreshStore::new(kind, dir, &name)?;
    let endpoint = EndpointProcess::start(endpoint_bin, &store.db, Tokens::File(&tokens))?;

    let endpoint_cpu = cpu::process(endpoint.pid());
    let bench_cpu = cpu::process(std::process::id());
    let machine = cpu::machine();
    let start = Instant::now();
    let runs = runtime.block_on(async {
        let tasks: Vec<_> = desks
            .into_iter()
            .map(|d| {
                let total = feed.then(|| per_facility[&d.facility_id]);
                tokio::spawn(desk::run(d, endpoint.url.clone(), total))
            })
            .collect();
        let mut runs = Vec::new();
        for t in tasks {
            runs.push(t.await.map_err(|e| format!("a desk task failed: {e}"))??);
        }
        Ok::<_, String>(runs)
    })?;
    let machine_busy = machine.busy_until(cpu::machine());
    let endpoint_cpu = cpu::process(endpoint.pid()).saturating_sub(endpoint_cpu);
    let bench_cpu = cpu::process(std::process::id()).saturating_sub(bench_cpu);
    drop(endpoint);
    drop(store);

    let since = |at: Option<Instant>| at.map_or(Duration::ZERO, |t| t - start);
    let mut level = Level {
        endpoint_cpu,
        bench_cpu,
        machine_busy,
        ..Level::new(kind, feed, n, facilities)
    };
    for r in runs {
        level.pushed += r.pushed;
        level.pulled += r.pulled;
        level.push_errors += r.push_errors;
        level.push_time = level.push_time.max(since(r.pushed_at));
        level.run_time = level.run_time.max(since(r.caught_up_at));
        level.push.extend(&r.push);
        level.page.extend(&r.page);
    }
    Ok(level)
}
