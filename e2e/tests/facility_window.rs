//! One jail, several desks (sync-protocol.md v1.1) in the window: desk A is
//! the app window on its own database, desk B a second database driven by
//! the real `wsoctl`, and both sync with the real endpoint process over
//! loopback HTTP. What the test expects on screen comes from desk A's store
//! (core's freshness lines, core's words), not from the test.
//!
//! Run by `scripts/test.sh` (which provides Xvfb, dbus and tauri-driver):
//! `cargo test -p wso-desk-e2e --test facility_window -- --ignored --test-threads=1`
//! With `WSO_SCREENSHOTS=DIR` set, the tests also save screenshots there.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::Utc;
use fantoccini::Locator;
use wso_core::desk::{Freshness, OtherDesk};
use wso_core::sync::save_endpoint_settings;
use wso_core::time::utc_text;
use wso_core::vocabulary::vocabulary;
use wso_desk_e2e::desk::{TestDesk, DEPUTY, SUPERVISOR};
use wso_desk_e2e::{within, Result, Window, PATIENCE};
use wso_tests::{
    DeskFixture, EndpointOptions, EndpointProcess, SECOND_DESK_ID, SECOND_TOKEN, TOKEN,
};

const ADMIN: &str = "admin";

async fn screenshot(w: &Window, name: &str) -> Result<()> {
    match std::env::var_os("WSO_SCREENSHOTS").map(PathBuf::from) {
        Some(dir) => w.screenshot(&dir.join(name)).await,
        None => Ok(()),
    }
}

fn row(hold_id: &str) -> String {
    format!("tr[data-hold-id='{hold_id}']")
}

/// Desk A (the window's database) knows the endpoint, as its admin set it.
fn configure(desk: &TestDesk, url: &str) -> Result<()> {
    let mut d = desk.open()?;
    let admin = d.actor(ADMIN)?;
    save_endpoint_settings(&mut d, &admin, url, Some(TOKEN), desk.now)?;
    Ok(())
}

/// Desk B books a hold with `wsoctl hold open` on `warrant`; its hold id.
fn book_at_b(b: &DeskFixture, warrant: &str, booking: &str) -> Result<String> {
    let served = utc_text(Utc::now() - chrono::Duration::minutes(5));
    let out = b
        .wsoctl(&[
            "hold",
            "open",
            "--family-name",
            "Okafor",
            "--given-names",
            "Chidi",
            "--dob",
            "1985-03-09",
            "--booking-number",
            booking,
            "--warrant-form",
            "I-200",
            "--warrant-number",
            warrant,
            "--officer",
            "WSO-1",
            "--served-at",
            &served,
            "--criminal-release-at",
            &served,
            "--criminal-release-basis",
            "bond",
            "--ice-supervisor",
            "SDDO K. Patel",
            "--zone",
            "booking",
            "--as",
            ADMIN,
            "--json",
        ])
        .success();
    Ok(out.json()["hold_id"]
        .as_str()
        .ok_or("wsoctl hold open printed no hold_id")?
        .to_owned())
}

/// Wait until desk A's own store holds `hold_id` (the window's sync pulled
/// the facility feed): the board can only show what the store has.
async fn wait_in_store(desk: &TestDesk, hold_id: &str) -> Result<()> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let held = desk
            .open()?
            .list_holds(Utc::now(), true)?
            .iter()
            .any(|h| h.hold_id == hold_id);
        if held {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(
                format!("desk A never received hold {hold_id} from the facility feed").into(),
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Back to the board as a deputy would (another screen, then "Board"): the
/// board is read anew.
async fn reopen_board(w: &Window) -> Result<()> {
    w.click("New booking").await?;
    w.click("Board").await?;
    w.wait_text("h1#board-title", "Open holds").await?;
    Ok(())
}

/// The text of the element `css`, or empty when there is none.
async fn text_of(w: &Window, css: &str) -> Result<String> {
    Ok(match w.client.find_all(Locator::Css(css)).await?.first() {
        Some(el) => el.text().await?,
        None => String::new(),
    })
}

fn build_the_binaries() {
    let _ = wso_tests::endpoint_path();
}

#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn a_hold_booked_at_desk_b_shows_on_desk_as_board_with_the_freshness_line() -> Result<()> {
    // Only the first pass and "Sync now" sync: nothing else moves the store.
    std::env::set_var("WSO_SYNC_INTERVAL_SECONDS", "3600");
    build_the_binaries();
    within(async {
        let desk = TestDesk::new()?;
        let ep = EndpointProcess::start(desk.dir.path(), &EndpointOptions::default());
        configure(&desk, &ep.url)?;
        let mut b = DeskFixture::at_desk(SECOND_DESK_ID, SECOND_TOKEN, 0);
        let at_b = b.open_holds(1).remove(0);
        b.sync(&ep.url, 20).success();

        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.sign_in(DEPUTY.0, DEPUTY.1).await?;
        w.click("Sync now").await?;
        wait_in_store(&desk, &at_b).await?;
        reopen_board(&w).await?;

        let v = vocabulary();
        let text = w
            .wait_text(
                &row(&at_b),
                &format!("{} {SECOND_DESK_ID}", v.facility.booked_at_desk),
            )
            .await?;
        assert!(
            !text.contains(v.facility.possible_duplicate) && !text.contains(v.facility.conflict),
            "a hold with no duplicate or conflict is not flagged: {text}"
        );
        // The freshness line: core's line for desk B, and core's summary.
        let fresh = desk.open()?.freshness(Utc::now())?;
        let other = desk_b_in(&fresh)?;
        assert!(!other.stale && other.problem.is_none(), "{other:?}");
        let desk_line = format!(".facility-desk[data-desk-id='{SECOND_DESK_ID}']");
        w.wait_text(&desk_line, &other.line).await?;
        w.wait_text(".facility-summary", &fresh.summary).await?;
        let line = text_of(&w, ".facility-view").await?;
        assert!(line.contains(SECOND_DESK_ID), "{line}");
        assert!(
            w.client
                .find_all(Locator::Css(".facility-view.behind"))
                .await?
                .is_empty(),
            "a desk heard from a minute ago does not stand out as behind"
        );
        // This desk's own holds name no desk.
        let own = desk.book("E2E-6001", "Marchetti", 1)?;
        reopen_board(&w).await?;
        let own_row = w
            .wait_text(
                &format!("tr[data-booking='{}']", own.booking_number),
                &own.family_name,
            )
            .await?;
        assert!(!own_row.contains(v.facility.booked_at_desk), "{own_row}");
        screenshot(&w, "facility-board.png").await?;
        w.stop().await
    })
    .await
}

#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn one_warrant_booked_at_both_desks_is_flagged_until_a_supervisor_voids_one() -> Result<()> {
    std::env::set_var("WSO_SYNC_INTERVAL_SECONDS", "3600");
    build_the_binaries();
    within(async {
        let desk = TestDesk::new()?;
        let ep = EndpointProcess::start(desk.dir.path(), &EndpointOptions::default());
        configure(&desk, &ep.url)?;
        let b = DeskFixture::at_desk(SECOND_DESK_ID, SECOND_TOKEN, 0);
        // Apart: both desks book warrant W-E2E-7001.
        let booked = desk.book("E2E-7001", "Okafor", 1)?;
        let at_a = desk
            .open()?
            .list_holds(Utc::now(), false)?
            .into_iter()
            .find(|h| h.booking_number == booked.booking_number)
            .ok_or("desk A's booking is not on its board")?
            .hold_id;
        let at_b = book_at_b(&b, "W-E2E-7001", "B-7001")?;
        b.sync(&ep.url, 20).success();

        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.sign_in(SUPERVISOR.0, SUPERVISOR.1).await?;
        w.click("Sync now").await?;
        wait_in_store(&desk, &at_b).await?;
        reopen_board(&w).await?;
        let v = vocabulary();
        for id in [&at_a, &at_b] {
            w.wait_text(&row(id), v.facility.possible_duplicate).await?;
        }
        screenshot(&w, "facility-duplicate.png").await?;

        // The hold detail names the other booking and offers the void.
        w.find(Locator::Css(&format!("{} button.link", row(&at_b))))
            .await?
            .click()
            .await?;
        w.wait_text(
            "section[aria-labelledby='detail-title']",
            v.facility.possible_duplicates_heading,
        )
        .await?;
        w.find(Locator::Css(&format!(
            "ul.duplicates button[data-hold-id='{at_a}']"
        )))
        .await?;
        w.click(v.facility.void_action).await?;
        // Without a note nothing is written, and the note field says why.
        let events_before = event_count(&desk)?;
        w.click(v.facility.void_save).await?;
        let why = w.wait_text("#a-vnote ~ .field-error", "required").await?;
        assert!(!why.is_empty());
        assert_eq!(
            event_count(&desk)?,
            events_before,
            "a refused void wrote an event"
        );
        // The hold kept is chosen among the possible duplicates.
        w.choose(v.facility.void_kept, &at_a).await?;
        w.fill(v.facility.void_note, "booked at desk 1 first")
            .await?;
        w.click(v.facility.void_save).await?;

        // Back on the board: the voided hold is gone, the kept one stands unflagged.
        w.wait_text("h1#board-title", "Open holds").await?;
        w.wait_gone(&row(&at_b)).await?;
        let kept_row = w.wait_text(&row(&at_a), &booked.family_name).await?;
        assert!(
            !kept_row.contains(v.facility.possible_duplicate),
            "the hold kept is no longer a possible duplicate: {kept_row}"
        );
        let voided = desk.open()?.show_hold(&at_b, Utc::now())?;
        assert_eq!(voided.hold.kept_hold_id.as_deref(), Some(at_a.as_str()));
        assert!(voided.hold.voided_at.is_some());
        let void_event = voided
            .events
            .iter()
            .find(|e| e["type"] == "hold.voided")
            .ok_or("no hold.voided event in the voided hold's history")?;
        assert_eq!(void_event["recorded_by"], SUPERVISOR.0, "{void_event}");
        assert_eq!(void_event["body"]["note"], "booked at desk 1 first");

        // The window's sync delivers the void to the endpoint, for every
        // other desk of the facility to apply.
        w.click("Sync now").await?;
        wait_delivered(&desk).await?;
        let stored = ep.events();
        let delivered = stored
            .iter()
            .find(|e| e["type"] == "hold.voided" && e["hold_id"] == at_b.as_str())
            .ok_or("the endpoint holds no hold.voided event for the voided hold")?;
        assert_eq!(delivered["desk_id"], wso_core::demo::DESK_ID, "{delivered}");
        assert_eq!(
            delivered["body"]["kept_hold_id"],
            at_a.as_str(),
            "{delivered}"
        );
        // Desk B applies it: the voided hold leaves its list too, and the
        // hold kept is no longer flagged there.
        b.sync(&ep.url, 20).success();
        let at_b_list = b
            .wsoctl(&["hold", "list", "--json", "--as", "admin"])
            .success()
            .json();
        let listed = at_b_list
            .as_array()
            .ok_or("desk B's list is not an array")?;
        assert!(
            !listed.iter().any(|h| h["hold_id"] == at_b.as_str()),
            "the voided hold is still on desk B's list"
        );
        let kept_at_b = listed
            .iter()
            .find(|h| h["hold_id"] == at_a.as_str())
            .ok_or("the hold kept is not on desk B's list")?;
        assert_eq!(kept_at_b["possible_duplicate_of"], serde_json::json!([]));

        // The handoff preview says how fresh its facility view is, as the board does.
        w.click("Handoff").await?;
        let fresh = desk.open()?.freshness(Utc::now())?;
        w.wait_text(
            &format!("article.sheet .facility-desk[data-desk-id='{SECOND_DESK_ID}']"),
            &desk_b_in(&fresh)?.line,
        )
        .await?;
        w.stop().await
    })
    .await
}

/// Desk B as desk A's store last heard from it.
fn desk_b_in(fresh: &Freshness) -> Result<&OtherDesk> {
    Ok(fresh
        .desks
        .iter()
        .find(|d| d.desk_id == SECOND_DESK_ID)
        .ok_or("desk A's store does not know desk B")?)
}

fn event_count(desk: &TestDesk) -> Result<i64> {
    Ok(desk
        .open()?
        .conn()
        .query_row("SELECT count(*) FROM event", [], |r| r.get(0))?)
}

/// Wait until desk A's outbox is empty (the endpoint holds all its events).
async fn wait_delivered(desk: &TestDesk) -> Result<()> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        if wso_core::sync::status(desk.open()?.conn())?.events_waiting == 0 {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err("desk A never delivered its events".into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
