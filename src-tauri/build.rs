//! Declares the app's own commands so Tauri generates one permission per
//! command; `capabilities/default.json` grants exactly these to the window,
//! and nothing else (no filesystem, shell or HTTP access).

const COMMANDS: &[&str] = &[
    "app_info",
    "sign_in",
    "sign_out",
    "touch_session",
    "lock_session",
    "unlock_session",
    "change_password",
    "board",
    "hold_detail",
    "preview_hold",
    "open_hold",
    "move_hold",
    "transfer_hold",
    "release_hold",
    "correct_hold",
    "void_hold",
    "facility_freshness",
    "officers",
    "add_officer",
    "users",
    "add_user",
    "unlock_user",
    "deactivate_user",
    "set_user_role",
    "sync_status",
    "sync_now",
    "endpoint_settings",
    "save_endpoint_settings",
    "save_endpoint_ca_file",
    "test_endpoint_connection",
    "handoff_sheet",
    "save_handoff_pdf",
    "record_handoff_print",
    "acknowledge_handoff",
    "clock_status",
    "acknowledge_clock_jump",
    "vocabulary",
    "complaints",
    "add_complaint",
    "complaint_reported",
    "oversight_report",
    "save_report_pdf",
    "notify_ice",
    "record_claim",
    "claim_reported",
    "place_under_agreement",
    "incidents",
    "review_incident",
    "withdraw_officer",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
