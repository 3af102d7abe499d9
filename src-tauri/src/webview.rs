//! How the window's WebKit view draws. The board repaints a few text cells
//! once a second; WebKitGTK's hardware compositing turns each of those into
//! a composited frame of the whole page, which costs several times the CPU
//! of painting the cells in software (docs/benchmarks.md, issue 14). So the
//! view's hardware-acceleration policy is set to "never".
//!
//! `WSO_WEBVIEW_COMPOSITING=1` leaves WebKit's default, so the benchmark can
//! measure both sides with the same binary; desks never set it.

use tauri::{AppHandle, Manager, Runtime};

/// Whether the webview keeps WebKit's default (hardware compositing when it can).
pub fn compositing_requested() -> bool {
    std::env::var("WSO_WEBVIEW_COMPOSITING").is_ok_and(|v| v == "1")
}

/// Turn hardware compositing off in the main window's webview (Linux only:
/// elsewhere the platform view decides). Failing leaves the default: slower,
/// never wrong.
pub fn software_compositing<R: Runtime>(app: &AppHandle<R>) {
    if compositing_requested() {
        return;
    }
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    let set = window.with_webview(|view| {
        #[cfg(target_os = "linux")]
        {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
            if let Some(settings) = view.inner().settings() {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        }
        #[cfg(not(target_os = "linux"))]
        let _ = view;
    });
    if let Err(e) = set {
        eprintln!("WSO Desk: the webview keeps hardware compositing: {e}");
    }
}
