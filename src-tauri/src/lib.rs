//! WSO Desk's desktop shell: opens the desk database (creating the demo desk
//! only when asked, `--demo`), keeps the signed-in session, exposes thin commands over
//! `wso_core` to the window, and sends deadline notifications.

pub mod bindings;
pub mod clock;
pub mod commands;
pub mod notify;
pub mod startup;
pub mod state;
pub mod sync;
pub mod watch;
pub mod webview;

use std::path::PathBuf;

use tauri::Manager;

use crate::state::{idle_minutes_from_env, Shell};

/// The database the window opens: `WSO_DB` (as `wsoctl` reads it), else the
/// platform data folder; key file from `WSO_DB_KEY_FILE` when set.
pub fn database_from_env() -> (PathBuf, Option<PathBuf>) {
    let db = std::env::var_os("WSO_DB")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(wso_core::store::default_db_path);
    let key_file = std::env::var_os("WSO_DB_KEY_FILE")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from);
    (db, key_file)
}

/// The demo desk was asked for: `wso-desk --demo` (scripts/run.sh) or
/// `WSO_DEMO=1`. Without it the window never makes one (wso_core::demo).
pub fn demo_requested() -> bool {
    std::env::args().skip(1).any(|a| a == "--demo")
        || std::env::var("WSO_DEMO").is_ok_and(|v| v == "1")
}

pub fn run() {
    let (db, key_file) = database_from_env();
    // The desk opens (key, schema check) while GTK and WebKit start: the
    // window is not kept waiting for the database (issue 14, start-up).
    let opening = {
        let (db, key_file) = (db.clone(), key_file.clone());
        std::thread::spawn(move || {
            wso_core::demo::open_or_create(
                &db,
                key_file.as_deref(),
                demo_requested(),
                commands::now(),
            )
        })
    };
    let context = tauri::generate_context!();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_notification::init())
        .manage(sync::BackgroundSync::new(db.clone(), key_file.clone()))
        .manage(clock::ClockWarning::default())
        .invoke_handler(tauri::generate_handler![
            commands::session::app_info,
            commands::session::sign_in,
            commands::session::sign_out,
            commands::session::touch_session,
            commands::session::lock_session,
            commands::session::unlock_session,
            commands::session::change_password,
            commands::holds::board,
            commands::holds::hold_detail,
            commands::holds::preview_hold,
            commands::holds::open_hold,
            commands::holds::move_hold,
            commands::holds::transfer_hold,
            commands::holds::release_hold,
            commands::holds::correct_hold,
            commands::facility::void_hold,
            commands::facility::facility_freshness,
            commands::people::officers,
            commands::people::add_officer,
            commands::people::users,
            commands::people::add_user,
            commands::people::unlock_user,
            commands::people::deactivate_user,
            commands::people::set_user_role,
            commands::sync::sync_status,
            commands::sync::sync_now,
            commands::sync::endpoint_settings,
            commands::sync::save_endpoint_settings,
            commands::sync::save_endpoint_ca_file,
            commands::sync::test_endpoint_connection,
            commands::handoff::handoff_sheet,
            commands::handoff::save_handoff_pdf,
            commands::handoff::record_handoff_print,
            commands::handoff::acknowledge_handoff,
            commands::clock::clock_status,
            commands::clock::acknowledge_clock_jump,
            commands::vocabulary::vocabulary,
            commands::complaints::complaints,
            commands::complaints::add_complaint,
            commands::complaints::complaint_reported,
            commands::report::oversight_report,
            commands::report::save_report_pdf,
            commands::duties::notify_ice,
            commands::duties::record_claim,
            commands::duties::claim_reported,
            commands::duties::place_under_agreement,
            commands::duties::incidents,
            commands::duties::review_incident,
            commands::duties::withdraw_officer,
        ])
        .setup(move |app| {
            webview::software_compositing(app.handle());
            let opened = opening.join().unwrap_or_else(|_| {
                Err(wso_core::Error::Database {
                    message: "opening the desk stopped unexpectedly".into(),
                })
            });
            match opened {
                Ok(desk) => {
                    app.manage(Shell::new(desk, idle_minutes_from_env()));
                    watch::spawn(app.handle().clone());
                    notify::spawn(app.handle().clone());
                    clock::spawn(app.handle().clone());
                    sync::start_with_app(app.handle());
                }
                Err(e) => {
                    // The window still opens and says why (see `startup`).
                    eprintln!("WSO Desk cannot open {}: {e}", db.display());
                    app.manage(startup::StartupError(startup::cannot_open(&db, &e)));
                }
            }
            Ok(())
        })
        .build(context)
        .map(|app| {
            app.run(|app, event| {
                sync::on_run_event(app, &event);
                startup::on_run_event(app, &event);
            })
        });
    if let Err(e) = result {
        eprintln!("WSO Desk stopped: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    /// A command given to the window (`generate_handler!`) but not declared
    /// in build.rs and granted in the capability is answered "not allowed"
    /// in the window only: `set_user_role` and `deactivate_user` once were.
    #[test]
    fn every_registered_command_is_declared_and_granted() {
        let lib = include_str!("lib.rs");
        let build = include_str!("../build.rs");
        let capability = include_str!("../capabilities/default.json");
        let handler = lib
            .split("generate_handler![")
            .nth(1)
            .and_then(|rest| rest.split(']').next())
            .expect("lib.rs registers its commands with generate_handler!");
        let names: Vec<&str> = handler
            .split(',')
            .map(str::trim)
            .filter(|path| !path.is_empty())
            .filter_map(|path| path.rsplit("::").next())
            .collect();
        assert!(names.len() > 20, "{names:?}");
        for name in names {
            assert!(
                build.contains(&format!("\"{name}\"")),
                "{name} is missing from build.rs COMMANDS"
            );
            let permission = format!("\"allow-{}\"", name.replace('_', "-"));
            assert!(
                capability.contains(&permission),
                "{permission} is missing from capabilities/default.json"
            );
        }
    }
}
