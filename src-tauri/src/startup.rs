//! When the database cannot be opened (wrong or missing key, a newer schema,
//! a damaged file), the window still opens, showing why in words an IT person
//! can act on, instead of a silent exit that a deputy at the desk never sees.
//! Only `app_info` exists in this mode, and it answers with the error.

use wso_core::error::PublicError;

/// Managed instead of the desk when the database could not be opened.
pub struct StartupError(pub PublicError);

/// Show the error in the window; returns when the window is closed.
pub fn show(context: tauri::Context<tauri::Wry>, error: PublicError) -> tauri::Result<()> {
    tauri::Builder::default()
        .manage(StartupError(error))
        .invoke_handler(tauri::generate_handler![crate::commands::session::app_info])
        .run(context)
}
