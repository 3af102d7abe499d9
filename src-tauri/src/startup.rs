//! When the database cannot be opened (wrong or missing key, a newer schema,
//! a damaged file), the window still opens, showing why in words an IT person
//! can act on, instead of a silent exit that a deputy at the desk never sees.
//! `app_info` answers with the error; the app exits 1 when the window closes.

use std::path::Path;

use wso_core::error::PublicError;

/// Managed instead of the desk when the database could not be opened.
pub struct StartupError(pub PublicError);

/// What the window says when `db` could not be opened.
pub fn cannot_open(db: &Path, e: &wso_core::Error) -> PublicError {
    let mut public = e.to_public();
    public.message = format!("cannot open {}: {}", db.display(), public.message);
    public
}

/// On exit: a window that only showed why the desk did not open exits 1.
pub fn on_run_event<R: tauri::Runtime>(app: &tauri::AppHandle<R>, event: &tauri::RunEvent) {
    use tauri::Manager;
    if matches!(event, tauri::RunEvent::Exit) && app.try_state::<StartupError>().is_some() {
        std::process::exit(1);
    }
}
