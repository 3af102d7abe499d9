//! The supervisor's duties in the window: complaints due on the board (an
//! overdue one marked as such, in words and colour; deputies see none), and
//! the Complaints screen adding one and marking it reported; the agency CA
//! file on the endpoint settings screen.
//!
//! Run by `scripts/test.sh`: `cargo test -p wso-desk-e2e --test duties_window -- --ignored --test-threads=1`.

use std::process::Command;

use chrono::Duration;
use wso_core::desk::NewComplaint;
use wso_core::time::utc_text;
use wso_desk_e2e::desk::{TestDesk, DEPUTY, OFFICER, SUPERVISOR};
use wso_desk_e2e::{within, Result, Window};

/// A complaint about the officer received `days_ago`, straight into the store.
fn complaint_received(desk: &TestDesk, days_ago: i64, summary: &str) -> wso_core::Result<String> {
    let mut d = desk.open()?;
    let supervisor = d.actor(SUPERVISOR.0)?;
    let c = d.add_complaint(
        &supervisor,
        &NewComplaint {
            received_at: utc_text(desk.now - Duration::days(days_ago)),
            about_officer: Some(OFFICER.into()),
            summary: summary.into(),
            ..NewComplaint::default()
        },
        desk.now,
    )?;
    Ok(c.complaint_id)
}

#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn a_supervisor_sees_an_overdue_complaint_on_the_board_and_a_deputy_does_not() -> Result<()> {
    within(async {
        let desk = TestDesk::new()?;
        desk.book("E2E-DUTY-1", "Marchetti", 2)?;
        // Eight days ago: past due whatever weekends fell in between.
        let id = complaint_received(&desk, 8, "Rough handling at intake")?;
        let row = format!("table.complaints-due tr[data-complaint-id='{id}']");

        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.sign_in(SUPERVISOR.0, SUPERVISOR.1).await?;
        let status = w.wait_text(&format!("{row} td.status"), "OVERDUE").await?;
        assert_eq!(status.trim(), "REPORT OVERDUE");
        w.wait_text(&row, OFFICER).await?;
        let left = w.wait_text(&format!("{row} td.countdown"), ":").await?;
        assert!(
            left.trim().starts_with('-'),
            "a negative countdown when overdue: {left}"
        );
        // In colour too: the row carries the release colour class.
        let class = w
            .find(fantoccini::Locator::Css(&row))
            .await?
            .attr("class")
            .await?
            .unwrap_or_default();
        assert!(class.contains("u-release"), "row class: {class}");
        w.stop().await?;

        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.sign_in(DEPUTY.0, DEPUTY.1).await?;
        w.wait_text("tr[data-booking='E2E-DUTY-1']", "Marchetti")
            .await?;
        w.wait_gone("table.complaints-due").await?;
        w.stop().await
    })
    .await
}

#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn the_complaints_screen_adds_a_complaint_and_marks_it_reported() -> Result<()> {
    within(async {
        let desk = TestDesk::new()?;
        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.sign_in(SUPERVISOR.0, SUPERVISOR.1).await?;
        w.click("Complaints").await?;
        w.fill("About officer (credential)", OFFICER).await?;
        w.fill("Summary", "Denied a phone call").await?;
        w.click("Add complaint").await?;
        let row = w
            .wait_text(
                "section[aria-labelledby='complaints-title'] tbody tr",
                "Denied a phone call",
            )
            .await?;
        assert!(row.contains("not yet"), "{row}");
        let stored = desk
            .open()?
            .complaints(&desk.open()?.actor(SUPERVISOR.0)?, true, desk.now)?;
        assert_eq!(stored.len(), 1);
        let id = stored[0].complaint_id.clone();

        w.click("Mark reported").await?;
        w.fill("Reported to", "SDDO K. Patel").await?;
        w.click("Save").await?;
        w.wait_text(
            "section[aria-labelledby='complaints-title']",
            "No complaints waiting",
        )
        .await?;
        let c = desk.open()?.complaint(&id, desk.now)?;
        assert_eq!(c.reported_to.as_deref(), Some("SDDO K. Patel"));
        assert!(c.reported_at.is_some());
        w.stop().await
    })
    .await
}

#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn the_agency_ca_file_is_saved_through_core_and_shown() -> Result<()> {
    within(async {
        let desk = TestDesk::new()?;
        let dir = desk.dir.path();
        let not_pem = dir.join("not-a-cert.txt");
        std::fs::write(&not_pem, "hello")?;
        let pem = dir.join("agency-ca.pem");
        let made = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            ])
            .args(["-subj", "/CN=Agency CA", "-keyout"])
            .arg(dir.join("agency-ca.key"))
            .arg("-out")
            .arg(&pem)
            .output()?;
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stderr)
        );

        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.sign_in("admin", "demo-admin-pass").await?;
        w.click("Endpoint").await?;
        // A file that holds no certificate is refused at the field, nothing stored.
        w.fill("Agency CA file", &not_pem.to_string_lossy()).await?;
        w.click("Save CA file").await?;
        let refused = w.wait_text("#ep-ca-error", "not-a-cert.txt").await?;
        assert!(refused.contains("PEM"), "{refused}");
        let stored = wso_core::sync::endpoint_settings(&desk.open()?)?;
        assert_eq!(stored.ca_file, None);

        let pem_text = pem.to_string_lossy().into_owned();
        w.fill("Agency CA file", &pem_text).await?;
        w.click("Save CA file").await?;
        w.wait_text(".saved", "CA file saved").await?;
        w.wait_text(".ca-state", &pem_text).await?;
        let stored = wso_core::sync::endpoint_settings(&desk.open()?)?;
        assert_eq!(stored.ca_file.as_deref(), Some(pem_text.as_str()));
        // Shown again when the screen is opened anew.
        w.click("Board").await?;
        w.click("Endpoint").await?;
        w.wait_text(".ca-state", &pem_text).await?;
        w.stop().await
    })
    .await
}
