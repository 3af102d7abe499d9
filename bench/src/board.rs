//! (b) the board a deputy watches: `Desk::list_holds` on a desk with 500 open
//! holds and 50,000 closed ones (a year or more of bookings), and (c) the
//! shift handoff sheet with 200 open holds, built and rendered to PDF.
//!
//! The open list must not slow down as closed history piles up, which is
//! what the `hold_open_by_deadline` index is for; the `--all` list and the
//! whole `wsoctl hold list` process are shown beside it for scale.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use chrono::Utc;
use wso_core::handoff::{self, pdf::Paper};
use wso_core::Desk;

use crate::fixture::demo_desk;
use crate::report::{ms, Row, Samples, Table, Verdict};

pub fn list(dir: &Path, open: usize, closed: usize, wsoctl: Option<&Path>, table: &mut Table) {
    let now = Utc::now();
    let mut bench = demo_desk(dir, "board", now);
    let fill = Instant::now();
    bench.fast_fill(true);
    bench.closed_holds("closed", closed, now);
    bench.open_holds("open", open, now);
    bench.fast_fill(false);
    eprintln!(
        "  filled {closed} closed + {open} open holds via Desk calls in {:.1} s",
        fill.elapsed().as_secs_f64()
    );
    // The demo desk books 4 holds of its own; they are on the board too.
    let mut open_t = Samples::default();
    for _ in 0..5 {
        bench.desk.list_holds(now, false).expect("warm-up list");
    }
    let mut shown = 0;
    for _ in 0..100 {
        shown = open_t
            .time(|| bench.desk.list_holds(now, false).expect("list"))
            .len();
    }
    let mut all_t = Samples::default();
    let mut all_shown = 0;
    for _ in 0..5 {
        all_shown = all_t
            .time(|| bench.desk.list_holds(now, true).expect("list --all"))
            .len();
    }
    table.add(Row {
        figure: format!("(b) list_holds, {shown} open / {closed} closed, p99 of 100"),
        measured: ms(open_t.p99()),
        compared: format!(
            "p50 {}; --all ({all_shown} rows) p50 {}",
            ms(open_t.p50()),
            ms(all_t.p50())
        ),
        ratio: "-".into(),
        target: "<= 10 ms".into(),
        verdict: Verdict::from(open_t.p99().as_secs_f64() <= 0.010),
    });
    // Why the CLI process is slower than the list: opening runs PRAGMA
    // quick_check over the whole (encrypted) file before anything else.
    let mut open_t = Samples::default();
    for _ in 0..3 {
        open_t.time(|| Desk::open(&bench.path, None).expect("opening the desk"));
    }
    let mut check_t = Samples::default();
    for _ in 0..3 {
        check_t.time(|| {
            bench
                .desk
                .conn()
                .query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0))
                .expect("quick_check")
        });
    }
    table.add(Row {
        figure: format!(
            "(b'') Desk::open of that desk ({} MiB), p50 of 3",
            file_mib(&bench.path)
        ),
        measured: ms(open_t.p50()),
        compared: format!("PRAGMA quick_check alone {}", ms(check_t.p50())),
        ratio: "-".into(),
        target: "-".into(),
        verdict: Verdict::Info,
    });
    if let Some(wsoctl) = wsoctl {
        // The whole CLI process: key, open, quick_check, migrate check, the
        // session check and its read audit record, list, JSON. Signed in
        // once beforehand, as a deputy at a kiosk would be (cli.md).
        let runtime = dir.join("run");
        std::fs::create_dir_all(&runtime).expect("runtime dir");
        let (deputy, _, _, password) = wso_core::demo::ACCOUNTS[2];
        let mut login = Command::new(wsoctl)
            .arg("--db")
            .arg(&bench.path)
            .args(["login", "--as", deputy, "--password-stdin"])
            .env("XDG_RUNTIME_DIR", &runtime)
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("running wsoctl login");
        if let Some(mut stdin) = login.stdin.take() {
            use std::io::Write;
            let _ = writeln!(stdin, "{password}");
        }
        assert!(
            login.wait().expect("wsoctl login").success(),
            "wsoctl login failed"
        );
        let mut cli_t = Samples::default();
        for _ in 0..5 {
            let out = cli_t.time(|| {
                Command::new(wsoctl)
                    .arg("--db")
                    .arg(&bench.path)
                    .args(["hold", "list", "--json", "--as", deputy])
                    .env("XDG_RUNTIME_DIR", &runtime)
                    .output()
                    .expect("running wsoctl")
            });
            assert!(
                out.status.success(),
                "wsoctl hold list failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        table.add(Row {
            figure: "(b') `wsoctl hold list --json`, same desk, whole process, p50 of 5".into(),
            measured: ms(cli_t.p50()),
            compared: "-".into(),
            ratio: "-".into(),
            target: "-".into(),
            verdict: Verdict::Info,
        });
    }
}

pub fn handoff_pdf(dir: &Path, open: usize, table: &mut Table) {
    let now = Utc::now();
    let mut bench = demo_desk(dir, "handoff", now);
    bench.fast_fill(true);
    bench.open_holds("handoff", open, now);
    bench.closed_holds("handoff-closed", 50, now);
    bench.fast_fill(false);
    let mut t = Samples::default();
    let mut pages = 0;
    let mut bytes = 0;
    // The first render is kept: a supervisor prints once, cold, at shift change.
    for _ in 0..10 {
        let rendered = t.time(|| {
            let sheet = handoff::sheet(&bench.desk, now, &bench.supervisor).expect("handoff sheet");
            handoff::pdf::render(&sheet, Paper::Letter).expect("handoff pdf")
        });
        pages = rendered.pages;
        bytes = rendered.bytes.len();
    }
    table.add(Row {
        figure: format!("(c) handoff sheet + PDF, {open}+4 open holds, worst of 10"),
        measured: ms(t.max()),
        compared: format!("p50 {}; {pages} pages, {} KiB", ms(t.p50()), bytes / 1024),
        ratio: "-".into(),
        target: "<= 500 ms".into(),
        verdict: Verdict::from(t.max().as_secs_f64() <= 0.5),
    });
}

fn file_mib(path: &Path) -> u64 {
    std::fs::metadata(path)
        .map(|m| m.len() / (1024 * 1024))
        .unwrap_or(0)
}
