//! The shift handoff in the real window: a supervisor's preview lists the open
//! holds in core's order with their local deadlines, "Save as PDF" writes a
//! real PDF (checked with `pdftotext -layout`) and is audited, the incoming
//! supervisor acknowledges the handoff, and a deputy is never offered it.
//!
//! "Save as PDF" normally opens the native save dialog, which WebDriver cannot
//! drive; the app writes to `WSO_TEST_SAVE_PATH` instead when it is set.
//!
//! Run by `scripts/test.sh` (which provides Xvfb, dbus and tauri-driver):
//! `cargo test -p wso-desk-e2e --test handoff_window -- --ignored --test-threads=1`
//! With `WSO_SCREENSHOTS=DIR` set, the preview is also saved as
//! `DIR/handoff-screen.png`.

use std::path::PathBuf;
use std::process::Command;

use fantoccini::Locator;
use wso_core::auth::Role;
use wso_desk_e2e::desk::{TestDesk, DEPUTY, SUPERVISOR};
use wso_desk_e2e::{within, Result, Window};

const SHEET: &str = "article.sheet";

/// Booking numbers of the preview's open-holds table, top to bottom.
async fn previewed_bookings(w: &Window) -> Result<Vec<String>> {
    let rows = w
        .client
        .find_all(Locator::Css("table.open-holds tbody tr"))
        .await?;
    let mut bookings = Vec::new();
    for row in rows {
        bookings.push(row.attr("data-booking").await?.unwrap_or_default());
    }
    Ok(bookings)
}

fn audit_count(desk: &TestDesk, action: &str) -> Result<i64> {
    let d = desk.open()?;
    Ok(d.conn().query_row(
        "SELECT COUNT(*) FROM audit WHERE action = ?1",
        [action],
        |r| r.get(0),
    )?)
}

#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn a_supervisor_previews_the_sheet_and_saves_it_as_pdf() -> Result<()> {
    within(async {
        let desk = TestDesk::new()?;
        // Served 40 h ago (8 h left) and 5 h ago (43 h left): the first must come first.
        let soon = desk.book("H26-7001", "Nakamura", 40)?;
        let later = desk.book("H26-7002", "Haddad", 5)?;
        let pdf = desk.dir.path().join("handoff.pdf");
        let pdf_text = pdf.to_string_lossy().into_owned();
        let w = Window::start_with_env(
            &desk.db,
            &desk.key_file,
            &[("WSO_TEST_SAVE_PATH", &pdf_text)],
        )
        .await?;
        w.sign_in(SUPERVISOR.0, SUPERVISOR.1).await?;
        w.click("Handoff").await?;
        w.wait_text(SHEET, "Shift handoff sheet").await?;

        for hold in [&soon, &later] {
            let row = format!("{SHEET} tr[data-booking='{}']", hold.booking_number);
            let text = w.wait_text(&row, &hold.deadline_local).await?;
            assert!(
                text.contains(&hold.family_name),
                "row names the person: {text}"
            );
        }
        // The preview shows core's order, not one the UI worked out.
        let shown = previewed_bookings(&w).await?;
        let expected: Vec<String> = {
            let d = desk.open()?;
            let supervisor = d.actor(SUPERVISOR.0)?;
            wso_core::handoff::sheet(&d, chrono::Utc::now(), &supervisor)?
                .open_holds
                .into_iter()
                .map(|h| h.booking_number)
                .collect()
        };
        assert_eq!(shown, expected, "preview order is the sheet's order");
        let at = |b: &str| shown.iter().position(|s| s == b);
        assert!(
            at(&soon.booking_number) < at(&later.booking_number),
            "soonest deadline first: {shown:?}"
        );

        if let Some(dir) = std::env::var_os("WSO_SCREENSHOTS").map(PathBuf::from) {
            w.screenshot(&dir.join("handoff-screen.png")).await?;
        }

        w.choose("Paper", "a4").await?;
        w.click("Save as PDF").await?;
        w.wait_text("p.notice", "Saved").await?;
        let out = Command::new("pdftotext")
            .args(["-layout"])
            .arg(&pdf)
            .arg("-")
            .output()?;
        assert!(
            out.status.success(),
            "pdftotext failed on {}",
            pdf.display()
        );
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains(&soon.booking_number),
            "hold on the PDF: {text}"
        );
        assert!(
            text.contains("Page 1 of"),
            "page numbers on the PDF: {text}"
        );
        assert_eq!(
            audit_count(&desk, "handoff.print")?,
            1,
            "a saved sheet is recorded in the audit log"
        );
        w.stop().await
    })
    .await
}

#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn the_incoming_supervisor_acknowledges_the_handoff() -> Result<()> {
    within(async {
        let desk = TestDesk::new()?;
        {
            // The outgoing supervisor: another person, made as an admin would.
            let mut d = desk.open()?;
            let admin = d.actor("admin")?;
            d.add_user(
                &admin,
                "sgt.okafor",
                "Sgt. Ngozi Okafor",
                Role::Supervisor,
                "handoff-outgoing-pass-1",
                desk.now,
            )?;
        }
        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.sign_in(SUPERVISOR.0, SUPERVISOR.1).await?;
        w.click("Handoff").await?;
        w.wait_text(".last-ack", "No handoff has been acknowledged")
            .await?;
        // Nobody can take a shift over from themselves: core refuses, shown at the field.
        w.fill("Outgoing supervisor (username)", SUPERVISOR.0)
            .await?;
        w.click("Acknowledge handoff").await?;
        w.wait_text("#err-outgoing", "own handoff").await?;

        w.fill("Outgoing supervisor (username)", "sgt.okafor")
            .await?;
        w.click("Acknowledge handoff").await?;
        w.wait_text("p.notice", "Sgt. Ngozi Okafor").await?;
        // The next sheet shows who took over from whom.
        w.wait_text(".last-ack", "took over from Sgt. Ngozi Okafor")
            .await?;
        assert_eq!(audit_count(&desk, "handoff.acknowledge")?, 1);
        w.stop().await
    })
    .await
}

#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn a_deputy_is_not_offered_the_handoff() -> Result<()> {
    within(async {
        let desk = TestDesk::new()?;
        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.sign_in(DEPUTY.0, DEPUTY.1).await?;
        w.button("New booking").await?;
        let handoff = w
            .client
            .find_all(Locator::XPath(
                "//nav//button[normalize-space(.)='Handoff']",
            ))
            .await?;
        assert!(handoff.is_empty(), "a deputy sees a Handoff button");
        w.stop().await
    })
    .await
}
