//! Accounts and sessions in the real window, checked against core: the idle
//! lock core decides while polls keep running, the password an admin issued,
//! the Users screen (roles, deactivation, the last admin), the account
//! lockout and the key holder's way back, and sign-out's audit record.
//! Commands are also sent straight over the IPC bridge, as a page script
//! could, to show the refusals come from the shell and core, not the screens.
//! Run by `scripts/test.sh` under Xvfb with tauri-driver.

use std::time::{Duration, Instant};

use chrono::Utc;
use fantoccini::Locator;
use serde_json::{json, Value};
use wso_core::audit::AuditRecord;
use wso_core::auth::Role;
use wso_core::desk::UserRow;
use wso_desk_e2e::desk::{TestDesk, DEPUTY, SUPERVISOR};
use wso_desk_e2e::{within, Result, Window};

const ADMIN: (&str, &str) = ("admin", "demo-admin-pass");
/// Core's one answer to any refused sign-in.
const NOT_ACCEPTED: &str = "username or password not accepted";

/// Call a shell command through the page's IPC bridge. `{"ok": value}` or
/// the public error `{"code", "field", "message"}`.
async fn invoke(w: &Window, cmd: &str, args: Value) -> Result<Value> {
    Ok(w.client
        .execute_async(
            r#"const [cmd, args, done] = arguments;
               window.__TAURI_INTERNALS__.invoke(cmd, args).then(
                 value => done({ ok: value === undefined ? null : value }),
                 e => done(typeof e === 'object' && e ? e : { code: String(e) }));"#,
            vec![json!(cmd), args],
        )
        .await?)
}

fn code(answer: &Value) -> &str {
    answer["code"].as_str().unwrap_or("")
}

/// The newest audit records, read through core as a supervisor would.
fn audit(desk: &TestDesk) -> Result<Vec<AuditRecord>> {
    let d = desk.open()?;
    let reader = d.actor(SUPERVISOR.0)?;
    Ok(d.recent_audit(&reader, 500, Utc::now())?)
}

/// `username`'s account as core lists it to the demo admin, or to `admin2`
/// when a test has one (a locked admin cannot list users).
fn user_row(desk: &TestDesk, username: &str) -> Result<UserRow> {
    let d = desk.open()?;
    let admin = d.actor("admin2").or_else(|_| d.actor(ADMIN.0))?;
    d.users(&admin)?
        .into_iter()
        .find(|u| u.username == username)
        .ok_or_else(|| format!("no user {username}").into())
}

/// Wait until core's record of `username` satisfies `ok`.
async fn wait_user<F: Fn(&UserRow) -> bool>(
    desk: &TestDesk,
    username: &str,
    ok: F,
) -> Result<UserRow> {
    let deadline = Instant::now() + wso_desk_e2e::PATIENCE;
    loop {
        let row = user_row(desk, username)?;
        if ok(&row) {
            return Ok(row);
        }
        if Instant::now() > deadline {
            return Err(format!("core never showed the change to {username}: {row:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Type a username and password on the sign-in screen and return what it
/// answered when refused (the banner must already be acknowledged).
async fn refused_sign_in(w: &Window, username: &str, password: &str) -> Result<String> {
    w.fill("Username", username).await?;
    w.fill("Password", password).await?;
    w.click("Sign in").await?;
    w.wait_text(
        "form[aria-labelledby='signin-title'] .form-error",
        NOT_ACCEPTED,
    )
    .await
}

fn failures(records: &[AuditRecord], username: &str) -> Vec<AuditRecord> {
    records
        .iter()
        .filter(|r| r.action == "sign_in" && r.actor == username && r.outcome == "failure")
        .cloned()
        .collect()
}

async fn key_down(w: &Window) -> Result<()> {
    w.client
        .execute(
            "window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Shift' }))",
            vec![],
        )
        .await?;
    Ok(())
}

/// The idle lock is core's: the UI is given input core never hears of, so
/// the UI's own timer could not have fired yet when the lock shows, while
/// the sync panel (and this test) keep polling. After the limit a command
/// sent over IPC is refused `locked`.
#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn core_locks_an_idle_session_while_polls_keep_running() -> Result<()> {
    within(async {
        let desk = TestDesk::new()?;
        let hold = desk.book("E2E-8101", "Thorvaldsen", 2)?;
        let hold_id = desk
            .open()?
            .list_holds(Utc::now(), false)?
            .into_iter()
            .find(|h| h.booking_number == hold.booking_number)
            .map(|h| h.hold_id)
            .ok_or("the booked hold is not listed")?;
        let env = [("WSO_IDLE_LOCK_MINUTES", "1")];
        let w = Window::start_with_env(&desk.db, &desk.key_file, &env).await?;
        // The window passes input on to core at most every 15 s, counted
        // from page load: let the page age past that first.
        let age = w.client.execute("return performance.now()", vec![]).await?;
        let age = Duration::from_millis(age.as_f64().unwrap_or(0.0) as u64);
        tokio::time::sleep(Duration::from_secs(16).saturating_sub(age)).await;
        w.sign_in(DEPUTY.0, DEPUTY.1).await?;
        let row = format!("tr[data-booking='{}']", hold.booking_number);
        w.wait_text(&row, "Thorvaldsen").await?;

        // Core's last input: this command, then one key the window passes on.
        let opened = invoke(&w, "hold_detail", json!({ "hold_id": hold_id })).await?;
        assert!(opened.get("ok").is_some(), "an active session opens a hold: {opened}");
        key_down(&w).await?;
        let core_input = Instant::now();
        // A key 13 s later: the window's idle clock restarts, but it does not
        // tell core (less than 15 s since it last did).
        tokio::time::sleep(Duration::from_secs(13)).await;
        key_down(&w).await?;
        let ui_input = Instant::now();

        let mut polls: Vec<(Duration, String)> = Vec::new();
        let mut next_poll = Instant::now();
        let lock_form = "form[aria-label='Session locked']";
        loop {
            if Instant::now() >= next_poll {
                let answer = invoke(&w, "sync_status", json!({})).await?;
                let outcome = if answer.get("ok").is_some() { "ok" } else { code(&answer) };
                polls.push((core_input.elapsed(), outcome.to_owned()));
                next_poll += Duration::from_secs(5);
            }
            if !w.client.find_all(Locator::Css(lock_form)).await?.is_empty() {
                break;
            }
            if core_input.elapsed() > Duration::from_secs(100) {
                return Err(format!("the window never locked; polls: {polls:?}").into());
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let since_core = core_input.elapsed();
        let since_ui = ui_input.elapsed();
        assert!(
            since_core >= Duration::from_secs(55),
            "locked {since_core:?} after core's last input, before the 1-minute limit"
        );
        assert!(
            since_ui < Duration::from_secs(59),
            "locked {since_ui:?} after the window's last input: the window's own timer could have done it"
        );
        // The polls ran all along and were answered until the limit.
        let answered: Vec<_> = polls.iter().filter(|(_, o)| o == "ok").collect();
        assert!(
            answered.len() >= 10 && answered.iter().any(|(t, _)| *t >= Duration::from_secs(50)),
            "polls did not run through the idle minute: {polls:?}"
        );
        assert!(
            polls
                .iter()
                .all(|(t, o)| o == "ok" || *t >= Duration::from_secs(55)),
            "a poll was refused before the limit: {polls:?}"
        );
        // Core refuses a command that needs a live session, and polls too.
        let refused = invoke(&w, "hold_detail", json!({ "hold_id": hold_id })).await?;
        assert_eq!(code(&refused), "locked", "{refused}");
        let poll = invoke(&w, "sync_status", json!({})).await?;
        assert_eq!(code(&poll), "locked", "{poll}");
        let hidden = w.wait_text(&row, "hidden while locked").await?;
        assert!(!hidden.contains("Thorvaldsen"), "{hidden}");
        w.stop().await
    })
    .await
}

/// An account an admin set up must choose its own password first: the
/// window shows the change-password screen and core refuses the board.
#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn an_issued_password_must_change_before_the_board() -> Result<()> {
    within(async {
        let desk = TestDesk::new()?;
        desk.book("E2E-8202", "Oyelaran", 1)?;
        {
            let mut d = desk.open()?;
            let admin = d.actor(ADMIN.0)?;
            d.add_user(
                &admin,
                "dep.new",
                "Deputy Ola New",
                Role::Deputy,
                "Issued-Heron-Pass-41",
                desk.now,
            )?;
        }
        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.click("Acknowledge").await?;
        w.fill("Username", "dep.new").await?;
        w.fill("Password", "Issued-Heron-Pass-41").await?;
        w.click("Sign in").await?;
        w.wait_text("form.panel h1", "Choose a new password")
            .await?;
        assert!(
            w.client
                .find_all(Locator::Css("h1#board-title"))
                .await?
                .is_empty(),
            "the board is on screen before the password changed"
        );
        for (cmd, args) in [
            ("board", json!({ "all": false })),
            ("sync_status", json!({})),
            ("officers", json!({})),
        ] {
            let answer = invoke(&w, cmd, args).await?;
            assert_eq!(code(&answer), "password_change_required", "{cmd}: {answer}");
        }
        w.fill("Current password", "Issued-Heron-Pass-41").await?;
        w.fill("New password", "Slow-Heron-Ledger-58").await?;
        w.click("Change password").await?;
        w.wait_text("h1#board-title", "Open holds").await?;
        let board = invoke(&w, "board", json!({ "all": false })).await?;
        let listed = board["ok"]["holds"].to_string();
        assert!(listed.contains("E2E-8202"), "{board}");
        assert!(!user_row(&desk, "dep.new")?.must_change_password);
        w.stop().await
    })
    .await
}

/// The Users screen: a role changed and changed back, a deactivated user
/// who then gets a wrong password's answer, and the last active admin kept,
/// with core's refusal in that user's row. Core's audit log has each.
#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn an_admin_changes_roles_and_deactivates_but_keeps_the_last_admin() -> Result<()> {
    within(async {
        let desk = TestDesk::new()?;
        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.sign_in(ADMIN.0, ADMIN.1).await?;
        w.click("Users").await?;
        w.wait_text("tr[data-user='dep.jones']", "Active").await?;

        w.choose("Role of dep.jones", "supervisor").await?;
        wait_user(&desk, "dep.jones", |u| u.role == Role::Supervisor).await?;
        w.choose("Role of dep.jones", "deputy").await?;
        wait_user(&desk, "dep.jones", |u| u.role == Role::Deputy).await?;

        w.click("Deactivate dep.jones").await?;
        w.client.accept_alert().await?;
        w.wait_text("tr[data-user='dep.jones']", "Inactive").await?;
        assert!(!user_row(&desk, "dep.jones")?.active);

        // The last active admin: core refuses, the row says why, nothing changes.
        w.click("Deactivate admin").await?;
        w.client.accept_alert().await?;
        let said = w
            .wait_text("tr[data-user='admin'] .field-error", "last active admin")
            .await?;
        assert!(said.contains("deactivating"), "{said}");
        w.choose("Role of admin", "supervisor").await?;
        let said = w
            .wait_text("tr[data-user='admin'] .field-error", "last active admin")
            .await?;
        assert!(said.contains("demoting"), "{said}");
        let shown = w.field("Role of admin").await?.prop("value").await?;
        assert_eq!(
            shown.as_deref(),
            Some("admin"),
            "the select kept the refused role"
        );
        let admin = user_row(&desk, ADMIN.0)?;
        assert!(admin.active && admin.role == Role::Admin, "{admin:?}");

        // The deactivated deputy gets the same answer as a wrong password.
        w.click("Sign out").await?;
        w.click("Acknowledge").await?;
        let inactive = refused_sign_in(&w, DEPUTY.0, DEPUTY.1).await?;
        let wrong = refused_sign_in(&w, SUPERVISOR.0, "not-the-password").await?;
        assert_eq!(inactive, wrong);
        w.stop().await?;

        let records = audit(&desk)?;
        let roles: Vec<_> = records
            .iter()
            .filter(|r| r.action == "user.role" && r.actor == ADMIN.0)
            .map(|r| (r.target.clone(), r.detail.clone()))
            .collect();
        let dep = Some(DEPUTY.0.to_owned());
        assert_eq!(
            roles,
            vec![
                (dep.clone(), Some("supervisor to deputy".to_owned())),
                (dep.clone(), Some("deputy to supervisor".to_owned())),
            ],
            "newest first, and none for the refused demotion"
        );
        let deactivations: Vec<_> = records
            .iter()
            .filter(|r| r.action == "user.deactivate")
            .map(|r| (r.actor.as_str(), r.target.clone()))
            .collect();
        assert_eq!(deactivations, vec![(ADMIN.0, dep)]);
        let refused = failures(&records, DEPUTY.0);
        assert_eq!(refused.len(), 1, "{refused:?}");
        assert_eq!(refused[0].detail.as_deref(), Some("account inactive"));
        Ok(())
    })
    .await
}

/// Five wrong passwords lock the account; the right one then gets the same
/// answer; the holder of the database key unlocks it and the admin is back.
#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn five_wrong_passwords_lock_until_the_key_holder_unlocks() -> Result<()> {
    within(async {
        let desk = TestDesk::new()?;
        {
            // A second admin, to read the locked admin's account through core.
            let mut d = desk.open()?;
            let admin = d.actor(ADMIN.0)?;
            d.add_user(
                &admin,
                "admin2",
                "Second Admin",
                Role::Admin,
                "Issued-Heron-Pass-41",
                desk.now,
            )?;
        }
        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.click("Acknowledge").await?;
        let mut answers = Vec::new();
        for attempt in 1..=5 {
            answers.push(refused_sign_in(&w, ADMIN.0, "not-the-admin-pass").await?);
            // Each refusal is counted in core before the next is typed.
            let deadline = Instant::now() + wso_desk_e2e::PATIENCE;
            while failures(&audit(&desk)?, ADMIN.0).len() < attempt {
                if Instant::now() > deadline {
                    return Err(format!("attempt {attempt} was not recorded").into());
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        assert!(
            user_row(&desk, ADMIN.0)?.locked,
            "five failures did not lock"
        );
        let right = refused_sign_in(&w, ADMIN.0, ADMIN.1).await?;
        assert!(
            answers.iter().all(|a| *a == right),
            "{answers:?} vs {right:?}"
        );

        let records = audit(&desk)?;
        let sixth = failures(&records, ADMIN.0);
        assert_eq!(sixth.len(), 6, "{sixth:?}");
        assert_eq!(sixth[0].detail.as_deref(), Some("account locked"));
        assert!(
            records.iter().any(|r| r.action == "user.lock"
                && r.actor == "system"
                && r.target.as_deref() == Some(ADMIN.0)),
            "no lock record"
        );

        // `wsoctl user unlock admin --with-key` runs this.
        let key = desk.key_file.display().to_string();
        desk.open()?.unlock_with_key(ADMIN.0, &key, Utc::now())?;
        w.fill("Username", ADMIN.0).await?;
        w.fill("Password", ADMIN.1).await?;
        w.click("Sign in").await?;
        w.wait_text("h1#board-title", "Open holds").await?;
        w.stop().await?;
        let records = audit(&desk)?;
        assert!(
            records.iter().any(|r| r.action == "user.unlock"
                && r.actor == "key-holder"
                && r.target.as_deref() == Some(ADMIN.0)),
            "no key-holder unlock record"
        );
        assert!(
            records
                .iter()
                .any(|r| r.action == "sign_in" && r.actor == ADMIN.0 && r.outcome == "success"),
            "the admin's sign-in after the unlock is not recorded"
        );
        Ok(())
    })
    .await
}

/// Signing out, from the board and from the lock screen, is audited.
#[tokio::test]
#[ignore = "needs Xvfb + tauri-driver: run by scripts/test.sh"]
async fn signing_out_of_the_window_is_audited() -> Result<()> {
    within(async {
        let desk = TestDesk::new()?;
        let w = Window::start(&desk.db, &desk.key_file).await?;
        w.sign_in(DEPUTY.0, DEPUTY.1).await?;
        w.click("Sign out").await?;
        w.sign_in(DEPUTY.0, DEPUTY.1).await?;
        w.click("Lock").await?;
        w.find(Locator::Css("form[aria-label='Session locked']"))
            .await?;
        w.click("Sign out").await?;
        w.button("Acknowledge").await?;
        let after = invoke(&w, "board", json!({ "all": false })).await?;
        assert_eq!(code(&after), "unauthenticated", "{after}");
        w.stop().await?;
        let outs: Vec<_> = audit(&desk)?
            .into_iter()
            .filter(|r| r.action == "sign_out")
            .map(|r| (r.actor, r.outcome, r.detail))
            .collect();
        let one = (
            DEPUTY.0.to_owned(),
            "success".to_owned(),
            Some("window".to_owned()),
        );
        assert_eq!(outs, vec![one.clone(), one]);
        Ok(())
    })
    .await
}
