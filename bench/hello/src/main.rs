//! A bare Tauri v2 hello-world window (bench baseline): no commands, no
//! plugins, no state; one static page. Built with the same profile and
//! `custom-protocol` feature as the app so the two compare fairly.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(e) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("hello window stopped: {e}");
        std::process::exit(1);
    }
}
