//! The window's TypeScript types, generated from the Rust types the commands
//! return and accept (ts-rs), so the UI cannot drift from core. The test
//! rewrites ui/src/lib/generated/; CI runs it and fails when the committed
//! files differ (scripts/test.sh). Regenerate with
//! `cargo test -p wso-desk --lib export_bindings`.

#[cfg(test)]
mod tests {
    use std::path::Path;

    use ts_rs::TS;

    use crate::clock::ClockJumpView;
    use crate::commands::facility::HoldDetailView;
    use crate::commands::handoff::SavedSheet;
    use crate::commands::holds::Board;
    use crate::commands::people::RosterRow;
    use crate::commands::report::ReportView;
    use crate::commands::sync::SyncView;

    /// Each type is written with everything it refers to; the folder is
    /// made anew so a type that no longer exists leaves no file behind.
    #[test]
    fn export_bindings() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/generated");
        if dir.exists() {
            std::fs::remove_dir_all(&dir).unwrap();
        }
        std::fs::create_dir_all(&dir).unwrap();
        macro_rules! export {
            ($($t:ty),* $(,)?) => {
                $( <$t>::export_all_to(&dir).unwrap(); )*
            };
        }
        export!(
            Board,
            RosterRow,
            SavedSheet,
            SyncView,
            ClockJumpView,
            ReportView,
            wso_core::desk::Complaint,
            wso_core::desk::NewComplaint,
            wso_core::desk::IncidentRow,
            wso_core::desk::ClaimView,
            wso_core::auth::Actor,
            wso_core::auth::session::SessionState,
            wso_core::custody::Facility,
            wso_core::custody::NewHold,
            wso_core::desk::BookingPreview,
            HoldDetailView,
            wso_core::desk::UserRow,
            wso_core::error::PublicError,
            wso_core::handoff::HandoffSheet,
            wso_core::handoff::Acknowledgement,
            wso_core::sync::ConnectionCheck,
            wso_core::sync::EndpointSettings,
            wso_core::vocabulary::Vocabulary,
        );
        let vocabulary = serde_json::to_string_pretty(&wso_core::vocabulary::vocabulary()).unwrap();
        // The words themselves too, so the UI's unit tests read core's words.
        std::fs::write(dir.join("vocabulary.json"), vocabulary + "\n").unwrap();
    }
}
