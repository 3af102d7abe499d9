//! Harness for the cross-crate tests: the real `wsoctl` and the real
//! `wso-endpoint` binaries, as processes, on temp dirs and `127.0.0.1:0`.
//! No mocks: a desk is prepared with `wsoctl init / officer add / hold open`
//! and synced with `wsoctl sync`; the endpoint misbehaves through its
//! test-only fault switch (`--test-faults`, `POST /admin/faults`).
//!
//! Every test that starts an endpoint runs on both of its stores: listed in
//! `on_both_stores!`, it runs as `sqlite::NAME` (a file in the test's temp dir)
//! and as `postgres::NAME` (a fresh database on the cluster `WSO_TEST_PG_URL`
//! names, created for the test and dropped after it; see `on_postgres`).
//!
//! The binaries are built once per test run with `cargo build` (cargo does
//! not build other packages' binaries for a package's tests) and found beside
//! the test executable.

pub mod facility;
pub mod http;

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use chrono::Utc;
use serde_json::Value;
use tempfile::TempDir;
use wso_endpoint::store::scratch::{test_admin_url, ScratchDatabase};

pub const DESK_ID: &str = "booking-desk-1";
pub const FACILITY_ID: &str = "pinellas-main";
pub const TOKEN: &str = "desk-1-token-for-tests";
/// A desk of another facility, known to every test endpoint: its token must
/// never reach the test desk's data, nor the test desk's token its data.
pub const OTHER_DESK_ID: &str = "hillsborough-desk-1";
pub const OTHER_FACILITY_ID: &str = "hillsborough-central";
pub const OTHER_TOKEN: &str = "other-facility-token-for-tests";
/// A second desk of the test desk's facility (several desks, sync-protocol v1.1).
pub const SECOND_DESK_ID: &str = "booking-desk-2";
pub const SECOND_TOKEN: &str = "desk-2-token-for-tests";
/// A third desk of the test desk's facility: it goes on while another breaks.
pub const THIRD_DESK_ID: &str = "booking-desk-3";
pub const THIRD_TOKEN: &str = "desk-3-token-for-tests";
pub const ADMIN_TOKEN: &str = "admin-token-for-tests";
const PASSWORD: &str = "harbor-lantern-42";

/// The directory holding the built binaries (`target/debug`).
fn bin_dir() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let exe = std::env::current_exe().expect("test executable path");
            // target/debug/deps/wso_tests-<hash> -> target/debug
            let dir = exe
                .parent()
                .and_then(Path::parent)
                .expect("target dir")
                .to_path_buf();
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let mut cmd = Command::new(cargo);
            cmd.args([
                "build",
                "--quiet",
                "-p",
                "wso-core",
                "--bin",
                "wsoctl",
                "-p",
                "wso-endpoint",
                "--bin",
                "wso-endpoint",
            ]);
            if dir.ends_with("release") {
                cmd.arg("--release");
            }
            let status = cmd
                .status()
                .expect("running cargo build for the binaries under test");
            assert!(status.success(), "building wsoctl and wso-endpoint failed");
            dir
        })
        .clone()
}

pub fn wsoctl_path() -> PathBuf {
    bin_dir().join("wsoctl")
}

pub fn endpoint_path() -> PathBuf {
    bin_dir().join("wso-endpoint")
}

/// The PostgreSQL cluster of the test running on this thread, if it runs on
/// PostgreSQL, and the database of each temp dir its endpoints were started in.
struct PostgresTest {
    test: String,
    admin_url: String,
    databases: HashMap<PathBuf, Arc<ScratchDatabase>>,
}

thread_local! {
    static POSTGRES: RefCell<Option<PostgresTest>> = const { RefCell::new(None) };
}

/// While alive, the endpoints this thread starts use PostgreSQL: one fresh
/// database per temp dir, as on SQLite one file per dir (so an endpoint
/// restarted in the same dir finds its events again).
pub struct OnPostgres(());

/// Run the calling test's endpoints on PostgreSQL, or None when no cluster is
/// given (the test is skipped; under CI it fails instead).
pub fn on_postgres(test: &str) -> Option<OnPostgres> {
    let admin_url = test_admin_url(test)?;
    POSTGRES.with(|p| {
        *p.borrow_mut() = Some(PostgresTest {
            test: test.to_owned(),
            admin_url,
            databases: HashMap::new(),
        })
    });
    Some(OnPostgres(()))
}

impl Drop for OnPostgres {
    fn drop(&mut self) {
        // Each database is dropped with the last endpoint process holding it.
        POSTGRES.with(|p| p.borrow_mut().take());
    }
}

/// Each named test (a plain `fn NAME()`, or after `async:` an `async fn
/// NAME()` run on a two-worker runtime) as `sqlite::NAME` and `postgres::NAME`.
#[macro_export]
macro_rules! on_both_stores {
    ($($name:ident),* $(,)? $(; async: $($async_name:ident),* $(,)?)?) => {
        mod sqlite {
            $(#[test]
            fn $name() {
                super::$name()
            })*
            $($(#[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $async_name() {
                super::$async_name().await
            })*)?
        }
        mod postgres {
            $(#[test]
            fn $name() {
                let Some(_pg) = $crate::on_postgres(stringify!($name)) else {
                    return;
                };
                super::$name()
            })*
            // The test's own future runs on this thread (block_on), where
            // `on_postgres` holds the databases its endpoints use.
            $($(#[::tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $async_name() {
                let Some(_pg) = $crate::on_postgres(stringify!($async_name)) else {
                    return;
                };
                super::$async_name().await
            })*)?
        }
    };
}

/// Options for one endpoint process.
#[derive(Clone)]
pub struct EndpointOptions {
    pub listen: String,
    pub max_batch: usize,
    pub page_size: u32,
    /// `--request-timeout-ms` (the endpoint's default is the protocol's 30 s).
    pub request_timeout_ms: Option<u64>,
    /// `--tls-cert` and `--tls-key` (PEM files).
    pub tls: Option<(PathBuf, PathBuf)>,
    /// More `--token DESK_ID@FACILITY_ID=TOKEN` entries (more desks).
    pub extra_tokens: Vec<String>,
}

impl Default for EndpointOptions {
    fn default() -> Self {
        EndpointOptions {
            listen: "127.0.0.1:0".into(),
            max_batch: 500,
            page_size: 200,
            request_timeout_ms: None,
            tls: None,
            extra_tokens: Vec::new(),
        }
    }
}

/// A running `wso-endpoint serve`, killed on drop.
pub struct EndpointProcess {
    child: Child,
    pub url: String,
    /// Its `--db`: the SQLite file's path, or the PostgreSQL URL.
    pub db: String,
    postgres: Option<Arc<ScratchDatabase>>,
}

/// The `--db` of an endpoint started now for a test in `dir`, and its PostgreSQL database.
fn endpoint_db(dir: &Path) -> (String, Option<Arc<ScratchDatabase>>) {
    let db = POSTGRES.with(|p| {
        let mut p = p.borrow_mut();
        let pg = p.as_mut()?;
        let db = pg.databases.entry(dir.to_path_buf()).or_insert_with(|| {
            let db = ScratchDatabase::create_blocking(&pg.admin_url)
                .unwrap_or_else(|e| panic!("{}: creating a PostgreSQL database: {e}", pg.test));
            Arc::new(db)
        });
        Some(db.clone())
    });
    match db {
        Some(db) => (db.url().to_owned(), Some(db)),
        None => (dir.join("endpoint.db").to_string_lossy().into_owned(), None),
    }
}

impl EndpointProcess {
    /// The `serve` command line for these options.
    pub fn command(dir: &Path, options: &EndpointOptions) -> Command {
        let (db, _) = endpoint_db(dir);
        let mut cmd = Command::new(endpoint_path());
        cmd.args(["serve", "--db", &db])
            .args(["--listen", &options.listen, "--facility", FACILITY_ID])
            .args(["--token", &format!("{DESK_ID}={TOKEN}")])
            .args(["--token", &format!("{SECOND_DESK_ID}={SECOND_TOKEN}")])
            .args(["--token", &format!("{THIRD_DESK_ID}={THIRD_TOKEN}")])
            .args([
                "--token",
                &format!("{OTHER_DESK_ID}@{OTHER_FACILITY_ID}={OTHER_TOKEN}"),
            ])
            .args(["--admin-token", ADMIN_TOKEN, "--test-faults"])
            .args([
                "--max-batch",
                &options.max_batch.to_string(),
                "--page-size",
                &options.page_size.to_string(),
            ])
            .env("WSO_LOG", "warn");
        for token in &options.extra_tokens {
            cmd.args(["--token", token]);
        }
        if let Some(ms) = options.request_timeout_ms {
            cmd.args(["--request-timeout-ms", &ms.to_string()]);
        }
        if let Some((cert, key)) = &options.tls {
            cmd.arg("--tls-cert").arg(cert).arg("--tls-key").arg(key);
        }
        cmd
    }

    pub fn start(dir: &Path, options: &EndpointOptions) -> EndpointProcess {
        let (db, postgres) = endpoint_db(dir);
        let mut child = Self::command(dir, options)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting wso-endpoint");
        let stdout = child.stdout.take().expect("endpoint stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("reading the endpoint's first line");
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("endpoint said {line:?} instead of its address"))
            .to_owned();
        EndpointProcess {
            child,
            url,
            db,
            postgres,
        }
    }

    /// Run SQL in the endpoint's own database (a test playing a broken or hostile endpoint).
    pub fn execute_sql(&self, sql: &str) {
        match &self.postgres {
            Some(db) => db
                .execute_blocking(sql)
                .expect("SQL in the endpoint's database"),
            None => rusqlite::Connection::open(&self.db)
                .and_then(|c| c.execute_batch(sql))
                .expect("SQL in the endpoint's database"),
        }
    }

    fn admin(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let (status, text) = http::request(
            method,
            &format!("{}{path}", self.url),
            ADMIN_TOKEN,
            body.map(Value::to_string).as_deref(),
        );
        assert_eq!(status, 200, "{method} {path}: {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    pub fn set_faults(&self, faults: Value) {
        self.admin("POST", "/admin/faults", Some(&faults));
    }

    /// Every event the endpoint stored for the test desk, in seq order.
    pub fn events(&self) -> Vec<Value> {
        self.desk_events(DESK_ID)
    }

    /// Every event the endpoint stored for a desk, in seq order.
    pub fn desk_events(&self, desk: &str) -> Vec<Value> {
        match self.admin("GET", &format!("/admin/desks/{desk}/events"), None) {
            Value::Array(events) => events,
            other => panic!("events: {other}"),
        }
    }

    pub fn forget_after(&self, seq: i64) {
        self.admin(
            "POST",
            &format!("/admin/desks/{DESK_ID}/forget-after/{seq}"),
            None,
        );
    }

    /// Queue an update with the operator's command (`wso-endpoint queue-update`).
    pub fn queue_update(&self, hold: &str, kind: &str, details: Value, update_id: &str, at: &str) {
        self.queue_update_for(FACILITY_ID, hold, kind, details, update_id, at);
    }

    /// Push a raw body to `/v1/desks/{desk}/events` with a token: (status, JSON answer).
    pub fn push_raw(&self, token: &str, desk: &str, body: &Value) -> (u16, Value) {
        let (status, text) = http::request(
            "POST",
            &format!("{}/v1/desks/{desk}/events", self.url),
            token,
            Some(&body.to_string()),
        );
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// GET a path with a token: (status, JSON answer).
    pub fn get(&self, token: &str, path: &str) -> (u16, Value) {
        let (status, text) = http::request("GET", &format!("{}{path}", self.url), token, None);
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub fn queue_update_for(
        &self,
        facility: &str,
        hold: &str,
        kind: &str,
        details: Value,
        update_id: &str,
        at: &str,
    ) {
        let out = Command::new(endpoint_path())
            .args(["queue-update", "--db", &self.db])
            .args([
                "--facility",
                facility,
                "--hold",
                hold,
                "--kind",
                kind,
                "--details",
                &details.to_string(),
            ])
            .args(["--update-id", update_id, "--at", at])
            .output()
            .expect("running wso-endpoint queue-update");
        assert!(
            out.status.success(),
            "queue-update: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for EndpointProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A desk database in a temp dir, prepared with the real `wsoctl`.
pub struct DeskFixture {
    pub dir: TempDir,
    pub db: PathBuf,
    pub token_file: PathBuf,
    opened: usize,
}

impl DeskFixture {
    /// `wsoctl init` with the demo facility, an officer, and `holds` holds.
    pub fn new(holds: usize) -> DeskFixture {
        Self::at_desk(DESK_ID, TOKEN, holds)
    }

    /// The same, as another desk of the facility (`desk_id`, its `token`).
    pub fn at_desk(desk_id: &str, token: &str, holds: usize) -> DeskFixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("desk.db");
        let token_file = dir.path().join("token");
        std::fs::write(&token_file, format!("{token}\n")).expect("writing the token file");
        let facility = dir.path().join("facility.toml");
        std::fs::write(&facility, wso_core::demo::FACILITY_TOML)
            .expect("writing the facility file");
        let mut desk = DeskFixture {
            dir,
            db,
            token_file,
            opened: 0,
        };
        let fac = facility.to_string_lossy().into_owned();
        desk.wsoctl_stdin(
            &[
                "init",
                "--facility",
                &fac,
                "--desk-id",
                desk_id,
                "--admin",
                "admin",
                "--password-stdin",
            ],
            PASSWORD,
        )
        .success();
        // cli.md: `--as` needs a signed-in user; this desk's own runtime dir.
        std::fs::create_dir(desk.runtime_dir()).expect("runtime dir");
        std::fs::set_permissions(
            desk.runtime_dir(),
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .expect("runtime dir mode");
        desk.wsoctl_stdin(&["login", "--as", "admin", "--password-stdin"], PASSWORD)
            .success();
        let today = Utc::now().date_naive();
        let (from, to) = (
            (today - chrono::Duration::days(30)).to_string(),
            (today + chrono::Duration::days(300)).to_string(),
        );
        desk.wsoctl(&[
            "officer",
            "add",
            "--credential",
            "WSO-1",
            "--name",
            "Officer One",
            "--trained-on",
            &from,
            "--expires-on",
            &to,
            "--authorized-on",
            &from,
            "--as",
            "admin",
        ])
        .success();
        desk.open_holds(holds);
        desk
    }

    pub fn open_holds(&mut self, n: usize) -> Vec<String> {
        // Served five minutes ago: the sync acknowledging `hold.opened` is the
        // notice to ICE, in time, so no `notice_late` incident joins the outbox.
        let served = wso_core::time::utc_text(Utc::now() - chrono::Duration::minutes(5));
        (0..n)
            .map(|_| {
                self.opened += 1;
                // Numbers unique across the desks of a test (two desks booking
                // one warrant is a possible duplicate, tested on purpose).
                let desk = self.tag();
                let number = format!("W-{desk}-{:04}", self.opened);
                let booking = format!("B-{desk}-{:04}", self.opened);
                self.hold_open(
                    ("Nguyễn", "Thị Lan", "1990-04-02"),
                    &booking,
                    &number,
                    &served,
                )
            })
            .collect()
    }

    /// A short name unique to this desk's temp dir, for numbers that must not
    /// repeat across the desks of a test.
    pub fn tag(&self) -> String {
        self.dir
            .path()
            .file_name()
            .map(|n| {
                n.to_string_lossy()
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `wsoctl hold open` of (family, given, date of birth) on `warrant`,
    /// served (and released from criminal custody) at `served`, by WSO-1 in
    /// booking; returns the hold id.
    pub fn hold_open(
        &self,
        (family, given, dob): (&str, &str, &str),
        booking: &str,
        warrant: &str,
        served: &str,
    ) -> String {
        self.wsoctl(&[
            "hold",
            "open",
            "--family-name",
            family,
            "--given-names",
            given,
            "--dob",
            dob,
            "--booking-number",
            booking,
            "--warrant-form",
            "I-200",
            "--warrant-number",
            warrant,
            "--officer",
            "WSO-1",
            "--served-at",
            served,
            "--criminal-release-at",
            served,
            "--criminal-release-basis",
            "bond",
            "--ice-supervisor",
            "SDDO K. Patel",
            "--zone",
            "booking",
            "--as",
            "admin",
            "--json",
        ])
        .success()
        .json()["hold_id"]
            .as_str()
            .expect("hold_id")
            .to_owned()
    }

    /// `$XDG_RUNTIME_DIR` of this desk's `wsoctl` runs: its login tokens.
    pub fn runtime_dir(&self) -> PathBuf {
        self.dir.path().join("run")
    }

    pub fn command(&self) -> Command {
        let mut cmd = Command::new(wsoctl_path());
        cmd.arg("--db").arg(&self.db);
        // Short backoff and timeout so fault scenarios take seconds, not minutes.
        cmd.env("WSO_SYNC_BACKOFF_BASE_MS", "50")
            .env("WSO_SYNC_BACKOFF_CAP_MS", "400")
            .env("WSO_SYNC_REQUEST_TIMEOUT_MS", "1500")
            .env_remove("WSO_DB")
            .env_remove("WSO_DB_KEY_FILE")
            .env_remove("WSO_USER")
            .env_remove("WSO_PASSWORD_FILE")
            .env("XDG_RUNTIME_DIR", self.runtime_dir());
        cmd
    }

    pub fn wsoctl(&self, args: &[&str]) -> Run {
        Run(self.command().args(args).output().expect("running wsoctl"))
    }

    fn wsoctl_stdin(&self, args: &[&str], input: &str) -> Run {
        let mut child = self
            .command()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("running wsoctl");
        if let Some(mut stdin) = child.stdin.take() {
            let _ = writeln!(stdin, "{input}");
        }
        Run(child.wait_with_output().expect("waiting for wsoctl"))
    }

    /// `wsoctl sync --endpoint URL --token-file FILE --until-empty --max-wait SECS --json`
    pub fn sync(&self, url: &str, max_wait: u64) -> Run {
        self.wsoctl(
            &self
                .sync_args(url, max_wait)
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        )
    }

    pub fn sync_args(&self, url: &str, max_wait: u64) -> Vec<String> {
        let token = self.token_file.to_string_lossy().into_owned();
        [
            "sync",
            "--endpoint",
            url,
            "--token-file",
            &token,
            "--until-empty",
            "--max-wait",
            &max_wait.to_string(),
            "--json",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    pub fn open(&self) -> wso_core::Desk {
        wso_core::Desk::open(&self.db, None).expect("opening the desk database")
    }

    pub fn status(&self) -> wso_core::sync::SyncStatus {
        wso_core::sync::status(self.open().conn()).expect("sync status")
    }

    /// The desk's own outbox, envelopes in seq order.
    pub fn outbox(&self) -> Vec<Value> {
        let desk = self.open();
        let mut stmt = desk
            .conn()
            .prepare("SELECT envelope FROM event ORDER BY seq")
            .expect("query");
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).expect("rows");
        rows.map(|t| serde_json::from_str(&t.expect("row")).expect("json"))
            .collect()
    }
}

/// A finished process, with assertions that print its output when they fail.
pub struct Run(pub Output);

impl Run {
    pub fn code(&self) -> i32 {
        self.0.status.code().unwrap_or(-1)
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }
    #[track_caller]
    pub fn success(self) -> Run {
        assert_eq!(
            self.code(),
            0,
            "stdout: {}\nstderr: {}",
            self.stdout(),
            self.stderr()
        );
        self
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.0.stdout)
            .unwrap_or_else(|_| panic!("not JSON: {}", self.stdout()))
    }
}

/// Check that the endpoint holds exactly the desk's events: same envelopes,
/// seq 1..n once each, in order, with an intact chain (checked with core's hash).
#[track_caller]
pub fn assert_delivered_exactly_once(endpoint: &[Value], desk: &[Value]) {
    let seqs: Vec<i64> = endpoint
        .iter()
        .map(|e| e["seq"].as_i64().unwrap_or(0))
        .collect();
    let expected: Vec<i64> = (1..=desk.len() as i64).collect();
    assert_eq!(
        seqs, expected,
        "endpoint must hold seq 1..n once each, in order"
    );
    assert_eq!(
        endpoint, desk,
        "endpoint must hold the desk's envelopes unchanged"
    );
    let mut prev = wso_core::events::GENESIS_HASH.to_owned();
    for e in endpoint {
        assert_eq!(
            e["prev_hash"].as_str(),
            Some(prev.as_str()),
            "chain link at seq {}",
            e["seq"]
        );
        assert_eq!(
            wso_core::events::envelope_hash(e),
            e["hash"].as_str().unwrap_or_default(),
            "hash at seq {}",
            e["seq"]
        );
        prev = e["hash"].as_str().unwrap_or_default().to_owned();
    }
}

/// A free loopback port (bound, then released) for "endpoint down, then up".
pub fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("binding a probe port");
    l.local_addr().expect("probe port").port()
}

pub fn wait_a_moment(ms: u64) {
    std::thread::sleep(Duration::from_millis(ms));
}
