//! The window under the WSO agreement (agreement.md): a late service shows
//! its gap and the incident before saving, and the deadline counts from the
//! criminal release; a citizenship claim shows "Report claim" with its
//! countdown; the oversight report saves a PDF.
//!
//! Run by `scripts/test.sh`: `cargo test -p wso-desk-e2e --test agreement_window -- --ignored --test-threads=1`.
//! With `WSO_SCREENSHOTS=DIR` set, the late-service preview and the report
//! screen are saved as `DIR/late-service.png` and `DIR/report.png`.

use std::path::PathBuf;
use std::process::Command;

use chrono::Duration;
use wso_core::time::local_text;
use wso_desk_e2e::desk::{TestDesk, OFFICER, SUPERVISOR};
use wso_desk_e2e::{within, Result, Window};

/// The facility's wall clock, to the minute, `minutes_ago` back (what a deputy types).
fn wall_clock(desk: &TestDesk, minutes_ago: i64) -> (String, chrono::DateTime<chrono::Utc>) {
    let t = desk.now - Duration::minutes(minutes_ago);
    let t = wso_core::time::truncate(t - Duration::seconds(t.timestamp() % 60));
    (local_text(t, desk.timezone())[..16].to_owned(), t)
}

fn screenshots() -> Option<PathBuf> {
    std::env::var_os("WSO_SCREENSHOTS").map(PathBuf::from)
}

#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn a_late_service_shows_the_gap_and_the_incident_before_saving() -> Result<()> {
    within(async {
        let desk = TestDesk::new()?;
        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.sign_in(SUPERVISOR.0, SUPERVISOR.1).await?;
        w.click("New booking").await?;
        // Released from criminal custody at 3 h 10 min ago, served 10 min ago:
        // 3 hours held with no authority at all.
        let (served_typed, _) = wall_clock(&desk, 10);
        let (released_typed, released) = wall_clock(&desk, 190);
        w.fill("Family name", "Castellanos").await?;
        w.fill("Given names", "Rubén").await?;
        w.fill("Date of birth", "1985-06-14").await?;
        w.fill("Booking number", "E2E-LATE-1").await?;
        w.fill("Warrant number", "W-2026-LATE").await?;
        w.choose("Serving officer", OFFICER).await?;
        w.fill("Served at", &served_typed).await?;
        w.fill_criminal_release(&released_typed).await?;
        w.choose("Zone", "booking").await?;
        w.click("Book hold").await?;
        let late = w.wait_text(".late", "3 h 00 min").await?;
        assert!(late.contains("no authority"), "{late}");
        // The incident saving will record, in core's words for its kind.
        w.wait_text(".incident-preview", "Held without authority")
            .await?;
        // The 48 hours count from the release, not from the service.
        let expected = desk.deadline_text(released);
        w.wait_text(".deadline-preview", &expected).await?;
        if let Some(out) = screenshots() {
            w.screenshot(&out.join("late-service.png")).await?;
        }
        assert!(
            !desk
                .open_booking_numbers()?
                .contains(&"E2E-LATE-1".to_owned()),
            "saved before confirming"
        );
        w.click("Confirm booking").await?;
        w.wait_text("tr[data-booking='E2E-LATE-1']", &expected)
            .await?;
        // The incident was written with the booking, and supervisors see it.
        w.click("Incidents").await?;
        let text = w
            .wait_text(
                "section[aria-labelledby='incidents-title'] tbody",
                "Held without authority",
            )
            .await?;
        assert!(
            text.contains("03:00:00"),
            "the gap in the incident row: {text}"
        );
        w.stop().await
    })
    .await
}

#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn a_citizenship_claim_shows_report_claim_with_its_countdown() -> Result<()> {
    within(async {
        let desk = TestDesk::new()?;
        let hold = desk.book("E2E-CLAIM-1", "Whitfield", 1)?;
        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.sign_in(SUPERVISOR.0, SUPERVISOR.1).await?;
        w.click(&format!("{}, Test", hold.family_name)).await?;
        w.wait_text("h1#detail-title", &hold.booking_number).await?;
        w.click("Record citizenship claim").await?;
        w.fill("What the person said, in their words", "I was born in Ohio")
            .await?;
        w.click("Save claim").await?;
        // Due 60 minutes after the claim (made now): a countdown under an hour.
        let due = w.wait_text(".claim-due", "REPORT CLAIM").await?;
        assert!(due.contains(":") && due.contains("left"), "{due}");
        let left = due.split(": ").nth(1).unwrap_or_default();
        assert!(
            left.starts_with("00:5") || left.starts_with("01:00"),
            "about an hour left: {due}"
        );
        // The board says so too, in words, before anything else but release.
        w.click("Back to board").await?;
        w.wait_text("tr[data-booking='E2E-CLAIM-1'] td.status", "REPORT CLAIM")
            .await?;
        w.stop().await
    })
    .await
}

#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn the_report_screen_saves_a_pdf() -> Result<()> {
    within(async {
        let desk = TestDesk::new()?;
        desk.book("E2E-REP-1", "Oyelaran", 3)?;
        let pdf = desk.dir.path().join("report.pdf");
        let pdf_text = pdf.to_string_lossy().into_owned();
        let w = Window::start_with_env(
            &desk.db,
            &desk.key_file,
            &[("WSO_TEST_SAVE_PATH", &pdf_text)],
        )
        .await?;
        w.sign_in(SUPERVISOR.0, SUPERVISOR.1).await?;
        w.click("Reports").await?;
        w.click("Show report").await?;
        let services = w.wait_text("tr[data-key='services'] td.total", "").await?;
        assert!(
            services.trim().parse::<u32>().is_ok_and(|n| n >= 1),
            "services: {services}"
        );
        if let Some(out) = screenshots() {
            w.screenshot(&out.join("report.png")).await?;
        }
        w.click("Save as PDF").await?;
        w.wait_text("p.notice", "Saved").await?;
        let text = Command::new("pdftotext").arg(&pdf).arg("-").output()?;
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.contains("Page 1 of"), "{text}");
        assert!(text.contains("Services"), "{text}");
        w.stop().await
    })
    .await
}
