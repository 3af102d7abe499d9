//! The window's sync strip and endpoint settings against the real reference
//! endpoint process (`wso-endpoint serve` on 127.0.0.1:0, from `tests/`).
//! The desk is prepared with `wso_core` (settings saved as an admin would);
//! what the test expects on screen comes from the store and the endpoint.
//!
//! Run by `scripts/test.sh` (which provides Xvfb, dbus and tauri-driver):
//! `cargo test -p wso-desk-e2e --test sync_window -- --ignored --test-threads=1`
//! With `WSO_SCREENSHOTS=DIR` set, the tests also save screenshots there.

use std::path::PathBuf;

use wso_core::sync::{save_endpoint_settings, status, SyncStatus};
use wso_core::time::{local_text, stored};
use wso_desk_e2e::desk::{board_time_text, TestDesk, DEPUTY};
use wso_desk_e2e::{within, Result, Window};
use wso_tests::{EndpointOptions, EndpointProcess, TOKEN};

const ADMIN: (&str, &str) = ("admin", "demo-admin-pass");

fn screenshot_dir() -> Option<PathBuf> {
    std::env::var_os("WSO_SCREENSHOTS").map(PathBuf::from)
}

async fn screenshot(w: &Window, name: &str) -> Result<()> {
    match screenshot_dir() {
        Some(dir) => w.screenshot(&dir.join(name)).await,
        None => Ok(()),
    }
}

fn desk_status(desk: &TestDesk) -> Result<SyncStatus> {
    Ok(status(desk.open()?.conn())?)
}

/// Store the endpoint's URL and token as the admin would (core's settings).
fn configure(desk: &TestDesk, url: &str, token: &str) -> Result<()> {
    let mut d = desk.open()?;
    let admin = d.actor(ADMIN.0)?;
    save_endpoint_settings(&mut d, &admin, url, Some(token), desk.now)?;
    Ok(())
}

/// Build `wso-endpoint` (once per run) before the clock of `within` starts:
/// waiting for cargo's lock is not the window being slow.
fn build_the_endpoint() {
    let _ = wso_tests::endpoint_path();
}

fn waiting(n: i64) -> String {
    format!("{n} event{} waiting", if n == 1 { "" } else { "s" })
}

#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn waiting_events_are_delivered_by_sync_now() -> Result<()> {
    // A long interval: once the first pass is over, only "Sync now" can
    // explain a delivery. The app inherits this through tauri-driver.
    std::env::set_var("WSO_SYNC_INTERVAL_SECONDS", "3600");
    build_the_endpoint();
    within(async {
        let desk = TestDesk::new()?;
        desk.book("E2E-3001", "Marchetti", 2)?;
        let mut ep = EndpointProcess::start(desk.dir.path(), &EndpointOptions::default());
        configure(&desk, &ep.url, TOKEN)?;
        let queued = desk_status(&desk)?.events_waiting;
        assert!(
            queued >= 2,
            "the demo desk and the booking wrote events: {queued}"
        );

        // The endpoint is down when the app starts: the desk still opens, and
        // says so, with every event kept.
        ep.kill();
        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.sign_in(DEPUTY.0, DEPUTY.1).await?;
        w.wait_text(".sync-reachable", "Not reachable").await?;
        w.wait_text(".sync-waiting", &waiting(queued)).await?;
        w.wait_text(".sync-last-success", "Last successful sync: never")
            .await?;
        screenshot(&w, "sync-unreachable.png").await?;

        // Back on the same address: "Sync now" delivers everything, in order.
        let listen = ep
            .url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned();
        let ep = EndpointProcess::start(
            desk.dir.path(),
            &EndpointOptions {
                listen,
                ..EndpointOptions::default()
            },
        );
        w.click("Sync now").await?;
        w.wait_text(".sync-waiting", &waiting(0)).await?;
        w.wait_text(".sync-reachable", "Reachable").await?;
        let after = desk_status(&desk)?;
        let success = after
            .last_success_at
            .as_deref()
            .ok_or("the store records no successful sync")?;
        let shown = board_time_text(&local_text(stored(success)?, desk.timezone()));
        w.wait_text(
            ".sync-last-success",
            &format!("Last successful sync: {shown}"),
        )
        .await?;
        let clock = w.wait_text(".sync-clock", "Clock difference:").await?;
        assert!(
            !clock.contains("not measured"),
            "the health probe measured the clocks: {clock}"
        );
        let seqs: Vec<i64> = ep
            .events()
            .iter()
            .filter_map(|e| e["seq"].as_i64())
            .collect();
        // The acknowledgement of each booking is its notice to ICE; bookings
        // served more than 15 minutes before it record a `notice_late`
        // incident, sent in the same run: the desk's outbox grew past `queued`.
        let last: i64 = desk
            .open()?
            .conn()
            .query_row("SELECT max(seq) FROM event", [], |r| r.get(0))?;
        assert!(last >= queued, "nothing queued was lost: {last} < {queued}");
        assert_eq!(
            seqs,
            (1..=last).collect::<Vec<_>>(),
            "the endpoint holds each of the desk's events once, in order"
        );

        // A hold booked while the window runs waits until "Sync now" (the
        // interval is an hour), and then reaches the endpoint.
        desk.book("E2E-3002", "Okafor", 1)?;
        w.wait_text(".sync-waiting", &waiting(1)).await?;
        screenshot(&w, "sync-waiting.png").await?;
        assert_eq!(ep.events().len() as i64, last, "delivered before Sync now");
        w.click("Sync now").await?;
        w.wait_text(".sync-waiting", &waiting(0)).await?;
        let now_last: i64 =
            desk.open()?
                .conn()
                .query_row("SELECT max(seq) FROM event", [], |r| r.get(0))?;
        assert!(now_last > last, "the new booking was recorded");
        assert_eq!(ep.events().len() as i64, now_last);
        screenshot(&w, "sync-delivered.png").await?;
        w.stop().await
    })
    .await
}

#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn without_an_endpoint_the_desk_works_offline_and_says_so() -> Result<()> {
    within(async {
        let desk = TestDesk::new()?;
        let queued = desk_status(&desk)?.events_waiting;
        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.sign_in(DEPUTY.0, DEPUTY.1).await?;
        w.wait_text(".sync-reachable", "No ICE endpoint configured")
            .await?;
        w.wait_text(".sync-waiting", &waiting(queued)).await?;
        // Nothing to sync with: no button that could only fail.
        w.wait_gone("button.sync-now").await?;
        w.stop().await
    })
    .await
}

#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn refused_credentials_are_shown_with_what_to_do() -> Result<()> {
    build_the_endpoint();
    within(async {
        let desk = TestDesk::new()?;
        let ep = EndpointProcess::start(desk.dir.path(), &EndpointOptions::default());
        configure(&desk, &ep.url, "a-token-the-endpoint-never-issued")?;
        let queued = desk_status(&desk)?.events_waiting;
        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.sign_in(DEPUTY.0, DEPUTY.1).await?;
        let problem = w
            .wait_text(
                ".sync-problems li[data-code='credentials_refused']",
                "refused this desk's credentials",
            )
            .await?;
        assert!(
            problem.contains("What to do: An administrator must check the desk token"),
            "the deputy is told who fixes it: {problem}"
        );
        w.wait_text(".sync-waiting", &waiting(queued)).await?;
        assert!(
            ep.events().is_empty(),
            "nothing was stored with a refused token"
        );
        screenshot(&w, "sync-refused.png").await?;
        w.stop().await
    })
    .await
}

#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn an_admin_tests_and_saves_the_endpoint_settings() -> Result<()> {
    build_the_endpoint();
    within(async {
        let desk = TestDesk::new()?;
        let ep = EndpointProcess::start(desk.dir.path(), &EndpointOptions::default());
        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.sign_in(ADMIN.0, ADMIN.1).await?;
        w.click("Endpoint").await?;
        w.fill("Endpoint URL", &ep.url).await?;

        // A wrong token is refused by the endpoint, and the screen says so.
        w.fill("Desk token", "not-the-token").await?;
        w.click("Test connection").await?;
        w.wait_text(".check", "refused this desk's credentials")
            .await?;

        w.fill("Desk token", TOKEN).await?;
        w.click("Test connection").await?;
        let check = w.wait_text(".check", "Desk token accepted: yes").await?;
        assert!(check.contains("Endpoint reachable: yes"), "{check}");
        assert!(
            ep.events().is_empty(),
            "Test connection sends no event and saves nothing"
        );
        screenshot(&w, "endpoint-settings.png").await?;

        w.click("Save endpoint settings").await?;
        w.wait_text(".saved", "Endpoint settings saved").await?;
        // The loop restarts with the new settings and drains the outbox.
        w.wait_text(".sync-reachable", "Reachable").await?;
        w.wait_text(".sync-waiting", &waiting(0)).await?;
        let stored_settings = wso_core::sync::endpoint_config(&desk.open()?)?
            .ok_or("the settings were not stored")?;
        assert_eq!(
            stored_settings.token, TOKEN,
            "the token went to the encrypted database"
        );
        assert!(
            !ep.events().is_empty(),
            "the restarted loop delivered the events"
        );
        w.stop().await
    })
    .await
}
