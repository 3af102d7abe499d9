//! `wso-bench`: WSO Desk measured against the limits it should reach, each
//! figure beside its comparison taken in the same run (issue 8). Prints the
//! machine, the load while it ran and a Markdown table for docs/benchmarks.md.
//!
//! Build and run in release: `cargo build --release -p wso-bench` (plus
//! `-p wso-endpoint` for the sync figure and `-p wso-core --bin wsoctl` for
//! the whole-process list), then `target/release/wso-bench`. The endpoint and
//! `wsoctl` binaries are looked for beside this one.
//!
//! `wso-bench load` is the other mode: many desks of several facilities
//! against one endpoint process, on SQLite and on PostgreSQL (`load.rs`).
//!
//! The app figures (cold start, memory, idle CPU) need a display and the
//! desktop build; they live in `bench/app-bench.sh`.

mod board;
mod commit;
mod cpu;
mod drain;
mod endpoint;
mod fixture;
mod load;
mod report;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "wso-bench",
    about = "WSO Desk against its limits, side by side with a baseline"
)]
struct Args {
    #[command(subcommand)]
    mode: Option<Mode>,
    /// Figures to run, from a,b,c,d
    #[arg(long, value_delimiter = ',', default_value = "a,b,c,d")]
    only: Vec<String>,
    /// (a) holds opened (each beside one raw insert)
    #[arg(long, default_value_t = 500)]
    opens: usize,
    /// (b) open holds on the board
    #[arg(long, default_value_t = 500)]
    open: usize,
    /// (b) closed holds behind them
    #[arg(long, default_value_t = 50_000)]
    closed: usize,
    /// (c) open holds on the handoff sheet
    #[arg(long, default_value_t = 200)]
    handoff_open: usize,
    /// (d) events queued for the drain
    #[arg(long, default_value_t = 10_000)]
    events: usize,
    /// Folder for the databases (default: a temp folder, removed after)
    #[arg(long, global = true)]
    dir: Option<PathBuf>,
    /// The reference endpoint binary (default: beside this binary)
    #[arg(long, global = true)]
    endpoint_bin: Option<PathBuf>,
    /// The wsoctl binary (default: beside this binary)
    #[arg(long)]
    wsoctl: Option<PathBuf>,
    /// Instead of measuring: create a demo desk at PATH with `--open` open
    /// holds (for bench/app-bench.sh) and exit
    #[arg(long, value_name = "PATH")]
    prepare_desk: Option<PathBuf>,
    /// With --prepare-desk: every hold in one of the agreement's states
    /// (notices on time and late, claims to report and reported)
    #[arg(long, requires = "prepare_desk")]
    agreement: bool,
}

#[derive(Subcommand)]
enum Mode {
    /// Many desks of several facilities pushing and reading their feeds
    /// against one endpoint, on SQLite and PostgreSQL (issue 13)
    Load(load::LoadArgs),
}

fn beside_me(name: &str) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    Some(exe.parent()?.join(name)).filter(|p| p.exists())
}

fn first_line(path: &str, prefix: &str) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(prefix))
        .and_then(|l| l.split(':').nth(1))
        .unwrap_or("?")
        .trim()
        .to_owned()
}

/// The machine and its load, so a figure is never read without its context.
fn machine() -> String {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    format!(
        "{cpus} CPUs ({}), RAM {}, load average {}",
        first_line("/proc/cpuinfo", "model name"),
        first_line("/proc/meminfo", "MemTotal"),
        load.join(" ")
    )
}

/// A demo desk (accounts as in the app's first run) with `open` live holds.
fn prepare_desk(path: &Path, open: usize, agreement: bool) -> ExitCode {
    let (Some(dir), Some(name)) = (path.parent(), path.file_stem().and_then(|s| s.to_str())) else {
        eprintln!("wso-bench: --prepare-desk needs a file path such as /tmp/desk.db");
        return ExitCode::from(2);
    };
    if path.exists() || path.extension().is_none_or(|e| e != "db") {
        eprintln!(
            "wso-bench: --prepare-desk wants a new PATH ending in .db; {} exists or does not",
            path.display()
        );
        return ExitCode::from(2);
    }
    let now = chrono::Utc::now();
    let mut bench = fixture::demo_desk(dir, name, now);
    bench.fast_fill(true);
    if agreement {
        bench.agreement_holds("app", open, now);
    } else {
        bench.open_holds("app", open, now);
    }
    bench.fast_fill(false);
    println!("{}", bench.path.display());
    ExitCode::SUCCESS
}

const NO_ENDPOINT: &str = "no wso-endpoint beside this binary; build it with \
     `cargo build --release -p wso-endpoint` or pass --endpoint-bin";

/// `wso-bench load`: the machine, the growth table and every level's figures.
fn load_mode(args: &load::LoadArgs, dir: &Path, endpoint_bin: Option<&Path>) -> ExitCode {
    let Some(bin) = endpoint_bin else {
        eprintln!("wso-bench: {NO_ENDPOINT}");
        return ExitCode::from(2);
    };
    let kinds = match args.stores() {
        Ok(k) => k,
        Err(e) => {
            eprintln!("wso-bench: load: {e}");
            return ExitCode::from(2);
        }
    };
    let started = machine();
    eprintln!("wso-bench: {started}; databases in {}", dir.display());
    let mut table = report::Table::default();
    let detail = match load::run(args, kinds, dir, bin, &mut table) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("wso-bench: load: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("Machine at start: {started}");
    println!("Machine at end:   {}", machine());
    println!();
    table.print();
    println!();
    print!("{detail}");
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let args = Args::parse();
    if let Some(path) = &args.prepare_desk {
        return prepare_desk(path, args.open, args.agreement);
    }
    let temp = tempfile::Builder::new()
        .prefix("wso-bench")
        .tempdir_in(args.dir.as_deref().unwrap_or(&std::env::temp_dir()));
    let temp = match temp {
        Ok(t) => t,
        Err(e) => {
            eprintln!("wso-bench: cannot create a work folder: {e}");
            return ExitCode::FAILURE;
        }
    };
    let dir: &Path = temp.path();
    let endpoint_bin = args
        .endpoint_bin
        .clone()
        .or_else(|| beside_me("wso-endpoint"));
    if let Some(Mode::Load(load_args)) = &args.mode {
        return load_mode(load_args, dir, endpoint_bin.as_deref());
    }
    let wants = |f: &str| args.only.iter().any(|o| o == f);
    let started = machine();
    eprintln!("wso-bench: {started}; databases in {}", dir.display());
    let mut table = report::Table::default();

    if wants("a") {
        commit::run(dir, args.opens, &mut table);
    }
    if wants("b") {
        let wsoctl = args.wsoctl.clone().or_else(|| beside_me("wsoctl"));
        board::list(dir, args.open, args.closed, wsoctl.as_deref(), &mut table);
    }
    if wants("c") {
        board::handoff_pdf(dir, args.handoff_open, &mut table);
    }
    if wants("d") {
        match &endpoint_bin {
            Some(bin) => drain::run(dir, args.events, bin, &mut table),
            None => eprintln!("wso-bench: (d) skipped: {NO_ENDPOINT}"),
        }
    }

    println!("Machine at start: {started}");
    println!("Machine at end:   {}", machine());
    println!();
    table.print();
    if table.missed() > 0 {
        eprintln!("wso-bench: {} target(s) missed", table.missed());
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
