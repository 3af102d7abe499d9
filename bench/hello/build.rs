//! Plain tauri-build: no commands, no plugins.
fn main() {
    tauri_build::build()
}
