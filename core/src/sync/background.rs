//! The desktop app's sync loop: one tokio task that wakes on a tick or on a
//! command ("sync now", stop), probes `/v1/health`, and when the endpoint
//! answers runs an exchange. It opens its own connection to the desk database
//! (SQLite in WAL mode lets the window keep writing meanwhile), and publishes
//! its status on a watch channel the shell can show and subscribe to.
//!
//! A loop that fails (its database cannot be opened) or panics is shown as
//! not running, with why, and started again after the backoff (growing with
//! each failure in a row); "sync now" restarts it at once. `restarts` counts
//! how often that happened, for the window and the tests.
//!
//! Pacing: the next wake is the tick interval after a good exchange, the
//! backoff (or `Retry-After`) after a transient failure, 15 minutes after the
//! endpoint refused the credentials. After a problem that needs a person (400,
//! 409, ack ahead) pushing pauses for an hour or until "sync now", while
//! pulling goes on at the interval: ICE's "release now" must still arrive.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::{sleep_until, Instant};

use super::client::{Endpoint, EndpointConfig, Reply};
use super::decision::{MAX_RETRY_AFTER, SKEW_WARN_SECONDS};
use super::outbox;
use super::problem::{Problem, Transient};
use super::session::{RoundEnd, Session, SyncEnv};
use super::status::{status, SyncStatus};
use super::SyncError;
use crate::time::parse_instant;
use crate::Desk;

/// How long a refused token waits before the loop tries again by itself.
pub const CREDENTIALS_RETRY: Duration = Duration::from_secs(15 * 60);
/// A stopped push is retried by the loop at most this often (a person may have
/// fixed the endpoint side); "sync now" retries at once.
pub const STOPPED_RETRY: Duration = Duration::from_secs(60 * 60);

#[derive(Clone, Debug)]
pub struct LoopConfig {
    pub db: PathBuf,
    pub key_file: Option<PathBuf>,
    pub endpoint: EndpointConfig,
    /// Time between exchanges when all is well.
    pub interval: Duration,
}

/// What the shell shows: the stored status plus what only the loop knows.
#[derive(Debug, Clone, Serialize)]
pub struct LoopStatus {
    pub running: bool,
    /// Whether the last health probe was answered.
    pub reachable: Option<bool>,
    pub syncing: bool,
    /// Seconds until the loop tries again by itself.
    pub next_attempt_in_seconds: Option<u64>,
    pub sync: Option<SyncStatus>,
    /// Set when the loop itself cannot work (database or settings), or failed.
    pub error: Option<String>,
    /// How often the loop failed and was started again.
    pub restarts: u32,
}

enum Command {
    SyncNow,
    Stop,
}

pub struct SyncLoop {
    commands: mpsc::Sender<Command>,
    status: watch::Receiver<LoopStatus>,
    task: Option<JoinHandle<()>>,
}

impl SyncLoop {
    /// Start the loop on the current tokio runtime. Fails at once on unusable
    /// settings (URL, token) so the settings screen can say so.
    pub fn start(config: LoopConfig, env: SyncEnv) -> Result<SyncLoop, SyncError> {
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| SyncError::Config {
            what: "sync".into(),
            why:
                "the sync loop must be started from within a tokio runtime; use SyncLoop::start_on"
                    .into(),
        })?;
        Self::start_on(&runtime, config, env)
    }

    /// Start the loop on a given runtime (the desktop shell passes its own).
    pub fn start_on(
        runtime: &tokio::runtime::Handle,
        config: LoopConfig,
        env: SyncEnv,
    ) -> Result<SyncLoop, SyncError> {
        let endpoint = Endpoint::new(&config.endpoint)?;
        let (tx, rx) = mpsc::channel(8);
        let initial = LoopStatus {
            running: true,
            reachable: None,
            syncing: false,
            next_attempt_in_seconds: None,
            sync: None,
            error: None,
            restarts: 0,
        };
        let (status_tx, status_rx) = watch::channel(initial);
        let task = runtime.spawn(supervise(
            config,
            Arc::new(endpoint),
            env,
            Arc::new(tokio::sync::Mutex::new(rx)),
            Arc::new(status_tx),
        ));
        Ok(SyncLoop {
            commands: tx,
            status: status_rx,
            task: Some(task),
        })
    }

    /// "Sync now": wake the loop, clear any backoff or stop.
    pub fn sync_now(&self) {
        // A full queue already holds a wake-up.
        let _ = self.commands.try_send(Command::SyncNow);
    }

    pub fn status(&self) -> LoopStatus {
        self.status.borrow().clone()
    }

    pub fn subscribe(&self) -> watch::Receiver<LoopStatus> {
        self.status.clone()
    }

    /// Stop after the current request (if any) and wait for the task to end.
    pub async fn stop(mut self) {
        let _ = self.commands.send(Command::Stop).await;
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for SyncLoop {
    fn drop(&mut self) {
        // Dropped without stop(): do not leave a task writing to the database.
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// The command channel outlives a failed loop: the next one takes it over.
type Commands = Arc<tokio::sync::Mutex<mpsc::Receiver<Command>>>;
type Publish = Arc<watch::Sender<LoopStatus>>;

/// How one run of the loop ended.
enum Ended {
    Stopped,
    Failed(String),
}

/// Aborts the loop's task when the supervisor itself is dropped or aborted.
struct AbortOnDrop(JoinHandle<Ended>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Run the loop; when it fails or panics, show it stopped and start it again.
async fn supervise(
    config: LoopConfig,
    endpoint: Arc<Endpoint>,
    env: SyncEnv,
    commands: Commands,
    publish: Publish,
) {
    let mut failures: u32 = 0;
    loop {
        let mut inner = AbortOnDrop(tokio::spawn(run(
            config.clone(),
            endpoint.clone(),
            env.clone(),
            commands.clone(),
            publish.clone(),
        )));
        let why = match (&mut inner.0).await {
            Ok(Ended::Stopped) => break,
            Ok(Ended::Failed(why)) => why,
            Err(e) if e.is_panic() => format!("the sync loop failed: {}", panic_text(e)),
            Err(_) => break,
        };
        tracing::error!(reason = %why, "sync loop stopped; restarting");
        let wait = env.backoff.delay(failures, 1.0);
        failures = failures.saturating_add(1);
        publish.send_modify(|s| {
            s.running = false;
            s.syncing = false;
            s.next_attempt_in_seconds = Some(wait.as_secs());
            s.error = Some(format!("{why}; it starts again by itself"));
        });
        let mut rx = commands.lock().await;
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            command = rx.recv() => match command {
                Some(Command::SyncNow) => {}
                Some(Command::Stop) | None => break,
            },
        }
        drop(rx);
        publish.send_modify(|s| {
            s.running = true;
            s.restarts = s.restarts.saturating_add(1);
        });
    }
    publish.send_modify(|s| {
        s.running = false;
        s.syncing = false;
        s.next_attempt_in_seconds = None;
    });
}

fn panic_text(e: tokio::task::JoinError) -> String {
    let payload = e.into_panic();
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "it panicked".into())
        .chars()
        .take(300)
        .collect()
}

async fn run(
    config: LoopConfig,
    endpoint: Arc<Endpoint>,
    env: SyncEnv,
    commands: Commands,
    publish: Publish,
) -> Ended {
    let mut commands = commands.lock().await;
    let mut desk = match Desk::open(&config.db, config.key_file.as_deref()) {
        Ok(desk) => desk,
        Err(e) => return Ended::Failed(e.to_string()),
    };
    let mut next_wake = Instant::now();
    // Set after a problem that needs a person: pulls go on, pushes wait for it or "sync now".
    let mut push_paused_until: Option<Instant> = None;
    let mut attempt: u32 = 0;
    loop {
        let wait = next_wake.saturating_duration_since(Instant::now());
        publish.send_modify(|s| s.next_attempt_in_seconds = Some(wait.as_secs()));
        tokio::select! {
            _ = sleep_until(next_wake) => {}
            command = commands.recv() => match command {
                Some(Command::SyncNow) => { push_paused_until = None; attempt = 0; }
                Some(Command::Stop) | None => break,
            },
        }
        publish.send_modify(|s| s.syncing = true);
        let push_stopped = push_paused_until.is_some_and(|t| Instant::now() < t);
        let (reachable, pause) = tick(&mut desk, &endpoint, &env, push_stopped, &mut attempt).await;
        if pause.is_ok() {
            // A good round clears what an earlier failure left on screen.
            publish.send_if_modified(|s| s.error.take().is_some());
        }
        let pause = match pause {
            Ok((pause, push_pause)) => {
                if let Some(p) = push_pause {
                    push_paused_until = Some(wake_after(p));
                }
                pause
            }
            Err(e) => {
                tracing::warn!(error = %e, "sync loop could not record its work");
                publish.send_modify(|s| s.error = Some(e.to_string()));
                None
            }
        };
        next_wake = wake_after(pause.unwrap_or(config.interval));
        let sync = status(desk.conn()).ok();
        publish.send_modify(|s| {
            s.syncing = false;
            s.reachable = Some(reachable);
            s.sync = sync;
        });
    }
    Ended::Stopped
}

/// The instant `wait` from now; checked, so no configured or answered wait can panic.
fn wake_after(wait: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(wait)
        .or_else(|| now.checked_add(MAX_RETRY_AFTER))
        .unwrap_or(now)
}

/// (pause before the next wake-up, None: the interval; pause pushing for this long).
type Pause = Result<(Option<Duration>, Option<Duration>), SyncError>;

/// One wake-up: probe, then exchange. Returns whether the endpoint answered,
/// and the pauses.
async fn tick(
    desk: &mut Desk,
    endpoint: &Endpoint,
    env: &SyncEnv,
    push_stopped: bool,
    attempt: &mut u32,
) -> (bool, Pause) {
    let now = env.clock.now();
    let probe = endpoint.health().await;
    let skew = match &probe {
        Reply::Response {
            status: 200, body, ..
        } => server_skew(body, now),
        _ => {
            let why = match probe {
                Reply::Timeout => Transient::Timeout,
                Reply::Response { status, .. } => Transient::ServerError { status },
                Reply::Unreachable(_) => Transient::Unreachable,
                Reply::TooLarge => Transient::AnswerTooLarge,
            };
            let backoff = env.backoff.delay(*attempt, env.jitter.sample());
            *attempt = attempt.saturating_add(1);
            let recorded =
                outbox::record_failure(desk.conn(), Some(outbox::Failure::Transient(why)), now);
            return (
                false,
                recorded
                    .map(|_| (Some(backoff), None))
                    .map_err(SyncError::from),
            );
        }
    };
    if let Some(seconds) = skew {
        if let Err(e) = record_skew(desk, seconds) {
            return (true, Err(e.into()));
        }
    }
    let mut session = Session::new(desk, endpoint, env.clone());
    let round = if push_stopped {
        session.pull_only().await
    } else {
        session.sync_once().await
    };
    let round = match round {
        Ok(r) => r,
        Err(e) => return (true, Err(e)),
    };
    let pause = match round.end {
        RoundEnd::Complete => {
            *attempt = 0;
            (None, None)
        }
        RoundEnd::Retry { wait, .. } => {
            *attempt = attempt.saturating_add(1);
            (Some(wait), None)
        }
        // Pulling would be refused too: the whole loop waits.
        RoundEnd::Stopped(Problem::CredentialsRefused { .. }) => (Some(CREDENTIALS_RETRY), None),
        RoundEnd::Stopped(p) if p.stops_push() => (None, Some(STOPPED_RETRY)),
        RoundEnd::Stopped(_) => (None, None),
    };
    (true, Ok(pause))
}

fn server_skew(body: &[u8], now: chrono::DateTime<chrono::Utc>) -> Option<i64> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let server = parse_instant("server_time", v["server_time"].as_str()?).ok()?;
    Some((server - now).num_seconds())
}

fn record_skew(desk: &Desk, seconds: i64) -> crate::Result<()> {
    if seconds.abs() > SKEW_WARN_SECONDS {
        tracing::warn!(seconds, "desk clock differs from the endpoint's");
    }
    crate::store::sync_state::set_skew(desk.conn(), seconds)
}
