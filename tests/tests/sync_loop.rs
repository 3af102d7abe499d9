//! The app's background sync loop (`wso_core::sync::SyncLoop`) against the
//! real endpoint process: it drains the outbox by itself, "sync now" wakes it
//! at once, it reports an unreachable endpoint, and it stops cleanly.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use wso_core::sync::{
    test_connection, BackoffPolicy, Clock, EndpointConfig, LoopConfig, LoopStatus, SyncEnv,
    SyncLoop,
};
use wso_tests::{
    assert_delivered_exactly_once, free_port, DeskFixture, EndpointOptions, EndpointProcess,
    DESK_ID, FACILITY_ID, TOKEN,
};

fn config(desk: &DeskFixture, url: &str, interval: Duration) -> LoopConfig {
    LoopConfig {
        db: desk.db.clone(),
        key_file: None,
        endpoint: EndpointConfig::new(url, TOKEN),
        interval,
    }
}

fn env() -> SyncEnv {
    SyncEnv {
        backoff: BackoffPolicy {
            base: Duration::from_millis(50),
            cap: Duration::from_millis(200),
        },
        ..SyncEnv::default()
    }
}

/// Wait (at most 15 s) until the published status satisfies `done`.
async fn wait_for(sync: &SyncLoop, what: &str, done: impl Fn(&LoopStatus) -> bool) -> LoopStatus {
    let mut rx = sync.subscribe();
    let waited = tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            if done(&rx.borrow_and_update()) {
                return;
            }
            if rx.changed().await.is_err() {
                return;
            }
        }
    })
    .await;
    assert!(
        waited.is_ok(),
        "timed out waiting for {what}: {:?}",
        sync.status()
    );
    sync.status()
}

fn drained(s: &LoopStatus) -> bool {
    !s.syncing
        && s.sync
            .as_ref()
            .is_some_and(|x| x.events_waiting == 0 && x.last_seq > 0)
}

async fn the_loop_drains_the_outbox_and_sync_now_wakes_it() {
    let mut desk = DeskFixture::new(2);
    let ep = EndpointProcess::start(desk.dir.path(), &EndpointOptions::default());
    // A long interval: after the first pass only "sync now" can explain a second one.
    let sync = SyncLoop::start(config(&desk, &ep.url, Duration::from_secs(3600)), env()).unwrap();
    let status = wait_for(&sync, "the first drain", drained).await;
    assert_eq!(status.reachable, Some(true));
    desk.open_holds(1);
    sync.sync_now();
    wait_for(&sync, "the drain after sync now", |s| {
        drained(s) && s.sync.as_ref().is_some_and(|x| x.last_seq == 3)
    })
    .await;
    assert_delivered_exactly_once(&ep.events(), &desk.outbox());
    sync.stop().await;
}

async fn an_unreachable_endpoint_is_shown_and_the_loop_stops_cleanly() {
    let desk = DeskFixture::new(1);
    let url = format!("http://127.0.0.1:{}", free_port());
    let sync = SyncLoop::start(config(&desk, &url, Duration::from_millis(100)), env()).unwrap();
    let status = wait_for(&sync, "a failed probe", |s| s.reachable == Some(false)).await;
    assert_eq!(
        status.sync.map(|s| s.events_waiting),
        Some(1),
        "events stay in the outbox"
    );
    sync.stop().await;
    // Stopped means stopped: nothing holds the database afterwards.
    assert_eq!(desk.status().events_waiting, 1);
}

fn plain_http_to_another_host_is_refused_at_start() {
    let desk = DeskFixture::new(0);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let _guard = rt.enter();
    let refused = SyncLoop::start(
        config(&desk, "http://192.0.2.1/wso", Duration::from_secs(1)),
        env(),
    );
    assert!(refused.is_err(), "the settings screen must be told at once");
}

async fn test_connection_checks_reachability_and_the_token() {
    let desk = DeskFixture::new(0);
    let ep = EndpointProcess::start(desk.dir.path(), &EndpointOptions::default());
    let now = chrono::Utc::now();
    let good = test_connection(
        &EndpointConfig::new(&ep.url, TOKEN),
        DESK_ID,
        FACILITY_ID,
        now,
    )
    .await
    .unwrap();
    assert!(good.reachable && good.credentials_accepted, "{good:?}");
    assert_eq!(good.acked_seq, Some(0));
    let bad = test_connection(
        &EndpointConfig::new(&ep.url, "wrong"),
        DESK_ID,
        FACILITY_ID,
        now,
    )
    .await
    .unwrap();
    assert!(bad.reachable && !bad.credentials_accepted);
    assert!(bad.message.contains("credentials"), "{}", bad.message);
    let down = format!("http://127.0.0.1:{}", free_port());
    let gone = test_connection(&EndpointConfig::new(down, TOKEN), DESK_ID, FACILITY_ID, now)
        .await
        .unwrap();
    assert!(!gone.reachable);
    // Nothing was sent: a check must never deliver or write anything.
    assert!(ep.events().is_empty());
}

/// A clock that panics the first time it is read: the loop's task dies the
/// way an overflow once killed it (a huge Retry-After), at a real call site.
struct PanicsOnce(AtomicU32);

impl Clock for PanicsOnce {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        if self.0.fetch_add(1, Ordering::SeqCst) == 0 {
            panic!("clock failed on purpose");
        }
        wso_core::time::truncate(chrono::Utc::now())
    }
}

async fn a_panicked_loop_shows_as_stopped_then_restarts_and_drains() {
    let desk = DeskFixture::new(2);
    let ep = EndpointProcess::start(desk.dir.path(), &EndpointOptions::default());
    let env = SyncEnv {
        clock: Arc::new(PanicsOnce(AtomicU32::new(0))),
        // The first restart waits the base: long enough to see "stopped".
        backoff: BackoffPolicy {
            base: Duration::from_millis(1500),
            cap: Duration::from_secs(3),
        },
        ..SyncEnv::default()
    };
    let sync = SyncLoop::start(config(&desk, &ep.url, Duration::from_secs(3600)), env).unwrap();
    let stopped = wait_for(&sync, "the loop to show it stopped", |s| !s.running).await;
    assert!(
        stopped
            .error
            .as_deref()
            .is_some_and(|e| e.contains("clock failed on purpose")),
        "{stopped:?}"
    );
    let status = wait_for(&sync, "the restarted loop to drain", |s| {
        s.running && s.restarts == 1 && drained(s)
    })
    .await;
    assert_eq!(status.error, None, "a good round clears the failure");
    assert_delivered_exactly_once(&ep.events(), &desk.outbox());
    sync.stop().await;
}

wso_tests::on_both_stores!(
    plain_http_to_another_host_is_refused_at_start;
    async: the_loop_drains_the_outbox_and_sync_now_wakes_it, an_unreachable_endpoint_is_shown_and_the_loop_stops_cleanly, test_connection_checks_reachability_and_the_token, a_panicked_loop_shows_as_stopped_then_restarts_and_drains,
);
