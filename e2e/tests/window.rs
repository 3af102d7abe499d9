//! The real WSO Desk window, driven through WebDriver under Xvfb. Each test
//! prepares its own database with `wso_core`, starts the built app on it and
//! checks what a deputy or supervisor would see.
//!
//! Run by `scripts/test.sh` (which provides Xvfb, dbus and tauri-driver):
//! `cargo test -p wso-desk-e2e -- --ignored --test-threads=1`

use chrono::Duration;
use fantoccini::Locator;
use wso_core::time::local_text;
use wso_desk_e2e::desk::{TestDesk, DEPUTY, EXPIRED_OFFICER, OFFICER, SUPERVISOR};
use wso_desk_e2e::{within, Result, Window};

fn row(booking: &str) -> String {
    format!("tr[data-booking='{booking}']")
}

/// The facility's wall clock, to the minute, `hours_ago` hours back (what a deputy types).
fn wall_clock(desk: &TestDesk, hours_ago: i64) -> (String, chrono::DateTime<chrono::Utc>) {
    let served = desk.now - Duration::hours(hours_ago);
    let served = wso_core::time::truncate(served - Duration::seconds(served.timestamp() % 60));
    (local_text(served, desk.timezone())[..16].to_owned(), served)
}

#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn board_shows_a_hold_from_the_database() -> Result<()> {
    within(async {
        let desk = TestDesk::new()?;
        let hold = desk.book("E2E-1001", "Marchetti", 3)?;
        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.sign_in(DEPUTY.0, DEPUTY.1).await?;
        // The facility name and the hold's deadline come from the database.
        w.wait_text(
            "section[aria-labelledby='board-title']",
            "Pinellas County Jail",
        )
        .await?;
        let text = w
            .wait_text(&row(&hold.booking_number), &hold.deadline_local)
            .await?;
        assert!(text.contains("Marchetti"), "row shows the name: {text}");
        assert!(
            text.contains("Booking (inside)"),
            "row shows zone and perimeter mark: {text}"
        );
        // Served 3 h ago: 45 h left, ticking down (44:59:xx or 45:00:00).
        let left = w
            .wait_text(&format!("{} td.countdown", row(&hold.booking_number)), ":")
            .await?;
        assert!(
            left.starts_with("44:5") || left.starts_with("45:00"),
            "countdown {left}"
        );
        assert!(
            text.contains("On time"),
            "urgency in words, not only colour: {text}"
        );
        // Booked offline 3 h ago with no notice to ICE: the duty shows first.
        assert!(
            text.contains("NOTIFY ICE"),
            "action_required in words: {text}"
        );
        w.stop().await
    })
    .await
}

#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn booking_a_hold_shows_it_on_the_board_with_its_deadline() -> Result<()> {
    within(async {
        let desk = TestDesk::new()?;
        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.sign_in(DEPUTY.0, DEPUTY.1).await?;
        w.click("New booking").await?;
        // Only zones inside the perimeter are offered.
        let zone_options = w
            .field("Zone")
            .await?
            .find_all(Locator::Css("option"))
            .await?;
        let mut offered = Vec::new();
        for o in zone_options {
            offered.push(o.attr("value").await?.unwrap_or_default());
        }
        assert!(offered.contains(&"booking".to_owned()), "{offered:?}");
        assert!(
            !offered.contains(&"court-annex".to_owned()),
            "outside zone offered: {offered:?}"
        );

        let (typed, served) = wall_clock(&desk, 2);
        w.fill("Family name", "Okonkwo").await?;
        w.fill("Given names", "Chidi").await?;
        w.fill("Date of birth", "1988-02-29").await?;
        w.fill("Booking number", "E2E-2002").await?;
        w.fill("Warrant number", "W-2026-9001").await?;
        w.choose("Serving officer", OFFICER).await?;
        w.fill("Served at", &typed).await?;
        w.fill_criminal_release(&typed).await?;
        w.choose("Zone", "housing-a").await?;
        w.click("Book hold").await?;
        // The confirmation shows the deadline core computed, before anything is saved.
        let expected = desk.deadline_text(served);
        w.wait_text(".deadline-preview", &expected).await?;
        assert!(
            !desk
                .open_booking_numbers()?
                .contains(&"E2E-2002".to_owned()),
            "saved before confirming"
        );
        w.click("Confirm booking").await?;
        let text = w.wait_text(&row("E2E-2002"), &expected).await?;
        assert!(text.contains("Okonkwo"), "{text}");
        assert!(
            desk.open_booking_numbers()?
                .contains(&"E2E-2002".to_owned()),
            "not in the store"
        );
        w.stop().await
    })
    .await
}

#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn refused_bookings_show_the_error_at_the_field_and_store_nothing() -> Result<()> {
    within(async {
        let desk = TestDesk::new()?;
        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.sign_in(DEPUTY.0, DEPUTY.1).await?;
        w.click("New booking").await?;
        let (typed, _) = wall_clock(&desk, 1);
        w.fill("Family name", "Lindqvist").await?;
        w.fill("Given names", "Astrid").await?;
        w.fill("Date of birth", "1979-10-03").await?;
        w.fill("Booking number", "E2E-3003").await?;
        w.fill("Warrant number", "W-2026-9002").await?;
        w.choose("Serving officer", OFFICER).await?;
        w.fill("Served at", &typed).await?;
        w.fill_criminal_release(&typed).await?;
        w.choose("Zone", "booking").await?;
        // A point in the Gulf of Mexico, well outside the jail's perimeter polygon.
        w.fill("Latitude", "27.7000").await?;
        w.fill("Longitude", "-82.9000").await?;
        // Core's preview runs every booking rule: the refusal shows before any
        // confirmation step.
        w.click("Book hold").await?;
        let shown = w.wait_text("#err-lat", "outside").await?;
        assert!(
            shown.starts_with("Latitude"),
            "error sits at the Latitude field: {shown}"
        );
        assert_eq!(
            w.field("Latitude")
                .await?
                .attr("aria-invalid")
                .await?
                .as_deref(),
            Some("true")
        );

        // An expired credential is refused at "Serving officer".
        w.fill("Latitude", "").await?;
        w.fill("Longitude", "").await?;
        w.choose("Serving officer", EXPIRED_OFFICER).await?;
        w.click("Book hold").await?;
        let shown = w
            .wait_text("#err-officer_credential", "Serving officer")
            .await?;
        assert!(
            shown.len() > "Serving officer: ".len(),
            "a reason is given: {shown}"
        );
        assert!(
            !desk
                .open_booking_numbers()?
                .contains(&"E2E-3003".to_owned()),
            "a refused booking was stored"
        );
        w.stop().await
    })
    .await
}

#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn recording_a_release_takes_the_hold_off_the_board() -> Result<()> {
    within(async {
        let desk = TestDesk::new()?;
        let hold = desk.book("E2E-4004", "Szabo", 5)?;
        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.sign_in(DEPUTY.0, DEPUTY.1).await?;
        w.wait_text(&row(&hold.booking_number), &hold.family_name)
            .await?;
        w.click(&format!("{}, Test", hold.family_name)).await?;
        w.wait_text("h1#detail-title", &hold.booking_number).await?;
        w.wait_text("ol.history", "Hold opened").await?;
        w.click("Record release").await?;
        w.choose("Release reason", "court_order").await?;
        w.click("Save release").await?;
        w.wait_text("ol.history", "Released").await?;
        w.click("Back to board").await?;
        w.wait_text("h1#board-title", "Open holds").await?;
        w.wait_gone(&row(&hold.booking_number)).await?;
        assert!(!desk.open_booking_numbers()?.contains(&hold.booking_number));
        w.stop().await
    })
    .await
}

#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn a_deputy_cannot_edit_the_roster_but_a_supervisor_can() -> Result<()> {
    within(async {
        let desk = TestDesk::new()?;
        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.sign_in(DEPUTY.0, DEPUTY.1).await?;
        let nav = w.wait_text("nav", "New booking").await?;
        assert!(
            !nav.contains("Officers"),
            "a deputy is offered the roster: {nav}"
        );
        assert!(w
            .client
            .find_all(Locator::XPath("//button[normalize-space(.)='Add officer']"))
            .await?
            .is_empty());
        w.click("Sign out").await?;
        w.sign_in(SUPERVISOR.0, SUPERVISOR.1).await?;
        w.click("Officers").await?;
        // WSO-1187's credential expires in 20 days (demo data): highlighted.
        let roster = w
            .wait_text("section[aria-labelledby='roster-title']", "WSO-1187")
            .await?;
        assert!(roster.contains("Expires within 30 days"), "{roster}");
        w.button("Add officer").await?;
        w.stop().await
    })
    .await
}

#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn an_overdue_hold_comes_first_and_says_release_required() -> Result<()> {
    within(async {
        let desk = TestDesk::new()?;
        // Served 49 hours ago: an hour past the 48-hour deadline.
        let hold = desk.book("E2E-5005", "Moreau", 49)?;
        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.sign_in(DEPUTY.0, DEPUTY.1).await?;
        let first = w
            .wait_text("tbody tr:first-child", &hold.booking_number)
            .await?;
        assert!(first.contains("RELEASE REQUIRED"), "{first}");
        assert!(first.contains(&hold.deadline_local), "{first}");
        let left = w
            .wait_text("tbody tr:first-child td.countdown", "-")
            .await?;
        assert!(
            left.starts_with("-00:5") || left.starts_with("-01:00"),
            "time past the deadline: {left}"
        );
        w.wait_text(
            "section[aria-labelledby='board-title'] .release-alert",
            "1 RELEASE REQUIRED",
        )
        .await?;
        // Nothing on the row dismisses it: its one control opens the hold.
        let buttons = w
            .find(Locator::Css("tbody tr:first-child"))
            .await?
            .find_all(Locator::Css("button"))
            .await?;
        assert_eq!(buttons.len(), 1);
        assert_eq!(buttons[0].text().await?, "Moreau, Test");
        w.stop().await
    })
    .await
}

/// Screenshots of the main screens for README (docs/screenshots/), taken from the real window.
#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn screenshots_of_the_main_screens() -> Result<()> {
    within(async {
        let Some(out) = std::env::var_os("WSO_SCREENSHOTS") else {
            return Ok(());
        };
        let out = std::path::PathBuf::from(out);
        let desk = TestDesk::new()?;
        desk.book("B26-10199", "Adeyemi", 49)?;
        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.button("Acknowledge").await?;
        w.screenshot(&out.join("banner.png")).await?;
        w.sign_in(SUPERVISOR.0, SUPERVISOR.1).await?;
        w.wait_text("td.countdown", ":").await?;
        w.screenshot(&out.join("board.png")).await?;
        w.click("New booking").await?;
        w.field("Family name").await?;
        w.screenshot(&out.join("booking.png")).await?;
        w.click("Officers").await?;
        w.wait_text("section[aria-labelledby='roster-title']", "WSO-1187")
            .await?;
        w.screenshot(&out.join("roster.png")).await?;
        w.click("Board").await?;
        w.click("O'Brien, Siobhán").await?;
        w.wait_text("ol.history", "Hold opened").await?;
        w.click("Record release").await?;
        w.screenshot(&out.join("hold-detail.png")).await?;
        w.click("Cancel").await?;
        w.click("Back to board").await?;
        w.click("Lock").await?;
        w.wait_text("tbody", "hidden while locked").await?;
        w.screenshot(&out.join("locked.png")).await?;
        w.stop().await
    })
    .await
}
