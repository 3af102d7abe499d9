//! Duties after service and what the desk must do about an open hold now
//! (agreement.md s4-s6): notice to ICE within 15 minutes, a claim of U.S.
//! citizenship reported within 60 minutes, incidents (what the MOA forbids
//! happened), the ICE update kinds, and `action_required` in its order
//! release > report_claim > notify_ice > confirm_transfer.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// ICE must be told of a service within this long.
pub const NOTICE_DUE_SECONDS: i64 = 15 * 60;
/// A claim of U.S. citizenship must be reported within this long.
pub const CLAIM_REPORT_DUE_SECONDS: i64 = 60 * 60;

pub fn notice_due_at(served_at: DateTime<Utc>) -> DateTime<Utc> {
    served_at + Duration::seconds(NOTICE_DUE_SECONDS)
}
pub fn claim_due_at(claimed_at: DateTime<Utc>) -> DateTime<Utc> {
    claimed_at + Duration::seconds(CLAIM_REPORT_DUE_SECONDS)
}

/// How ICE was told. `sync`: the endpoint acknowledged the hold's `hold.opened`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum NoticeMethod {
    Sync,
    Phone,
    Email,
    Other,
}

impl NoticeMethod {
    /// What a person may record (`sync` is recorded by the desk itself).
    pub const TYPED: [Self; 3] = [Self::Phone, Self::Email, Self::Other];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sync => "sync",
            Self::Phone => "phone",
            Self::Email => "email",
            Self::Other => "other",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Sync => "Delivered to ICE by sync",
            Self::Phone => "Telephone",
            Self::Email => "E-mail",
            Self::Other => "Other",
        }
    }
    pub fn parse_typed(s: &str) -> Option<Self> {
        Self::TYPED.into_iter().find(|m| m.as_str() == s)
    }
    /// Any stored method, `sync` included.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Sync, Self::Phone, Self::Email, Self::Other]
            .into_iter()
            .find(|m| m.as_str() == s)
    }
}

/// Something the MOA forbids happened (agreement.md s6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum IncidentKind {
    HeldWithoutAuthority,
    OverDeadline,
    NoticeLate,
    ClaimReportLate,
}

impl IncidentKind {
    pub const ALL: [Self; 4] = [
        Self::HeldWithoutAuthority,
        Self::OverDeadline,
        Self::NoticeLate,
        Self::ClaimReportLate,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HeldWithoutAuthority => "held_without_authority",
            Self::OverDeadline => "over_deadline",
            Self::NoticeLate => "notice_late",
            Self::ClaimReportLate => "claim_report_late",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::HeldWithoutAuthority => "Held without authority before service",
            Self::OverDeadline => "Held past the deadline",
            Self::NoticeLate => "ICE notified late",
            Self::ClaimReportLate => "Citizenship claim reported late",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// The incident's detail line: what happened, with the time it took.
    pub fn detail(self, seconds: i64) -> String {
        let d = hours_minutes(seconds);
        match self {
            Self::HeldWithoutAuthority => format!(
                "served {d} after the release from criminal custody: held {d} with no authority"
            ),
            Self::OverDeadline => format!("closed {d} after the deadline"),
            Self::NoticeLate => format!("ICE notified {d} after service (due within 15 minutes)"),
            Self::ClaimReportLate => {
                format!("citizenship claim reported {d} after it was made (due within 60 minutes)")
            }
        }
    }
}

/// `h:mm` for a duration in seconds (minutes rounded down).
pub fn hours_minutes(seconds: i64) -> String {
    let s = seconds.abs();
    format!("{}:{:02}", s / 3600, s % 3600 / 60)
}

/// ICE update kinds (sync-protocol.md "Pull ICE updates" and v1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum UpdateKind {
    TransferScheduled,
    DetainerCancelled,
    WarrantWithdrawn,
    CustodyAssumed,
    ReleaseAuthorized,
    AuthorizationWithdrawn,
}

impl UpdateKind {
    pub const ALL: [Self; 6] = [
        Self::TransferScheduled,
        Self::DetainerCancelled,
        Self::WarrantWithdrawn,
        Self::CustodyAssumed,
        Self::ReleaseAuthorized,
        Self::AuthorizationWithdrawn,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TransferScheduled => "transfer_scheduled",
            Self::DetainerCancelled => "detainer_cancelled",
            Self::WarrantWithdrawn => "warrant_withdrawn",
            Self::CustodyAssumed => "custody_assumed",
            Self::ReleaseAuthorized => "release_authorized",
            Self::AuthorizationWithdrawn => "authorization_withdrawn",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::TransferScheduled => "ICE scheduled the pickup",
            Self::DetainerCancelled => "ICE cancelled the detainer",
            Self::WarrantWithdrawn => "ICE withdrew the warrant",
            Self::CustodyAssumed => "ICE says it assumed custody",
            Self::ReleaseAuthorized => "ICE authorized release",
            Self::AuthorizationWithdrawn => "ICE withdrew an officer's authorization",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// Kinds after which the hold needs release now.
    pub fn requires_release(self) -> bool {
        matches!(
            self,
            Self::DetainerCancelled | Self::WarrantWithdrawn | Self::ReleaseAuthorized
        )
    }
}

/// What a deputy must do about an open hold now, most pressing first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ActionRequired {
    /// Release now: overdue, ICE said so, or the agreement it is held under expired.
    Release,
    /// A claim of U.S. citizenship is not yet reported to ICE.
    ReportClaim,
    /// ICE has not been notified of the service 15 minutes after it.
    NotifyIce,
    /// ICE says it assumed custody: a deputy confirms by recording the transfer.
    ConfirmTransfer,
}

impl ActionRequired {
    pub const ALL: [Self; 4] = [
        Self::Release,
        Self::ReportClaim,
        Self::NotifyIce,
        Self::ConfirmTransfer,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Release => "release",
            Self::ReportClaim => "report_claim",
            Self::NotifyIce => "notify_ice",
            Self::ConfirmTransfer => "confirm_transfer",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Release => "RELEASE REQUIRED",
            Self::ReportClaim => "REPORT CLAIM",
            Self::NotifyIce => "NOTIFY ICE",
            Self::ConfirmTransfer => "CONFIRM TRANSFER",
        }
    }
}

/// Why an open hold needs release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ReleaseCause {
    Overdue,
    DetainerCancelled,
    WarrantWithdrawn,
    ReleaseAuthorized,
    AgreementExpired,
}

impl ReleaseCause {
    pub const ALL: [Self; 5] = [
        Self::Overdue,
        Self::DetainerCancelled,
        Self::WarrantWithdrawn,
        Self::ReleaseAuthorized,
        Self::AgreementExpired,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Overdue => "overdue",
            Self::DetainerCancelled => "detainer_cancelled",
            Self::WarrantWithdrawn => "warrant_withdrawn",
            Self::ReleaseAuthorized => "release_authorized",
            Self::AgreementExpired => "agreement_expired",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Self::Overdue => "The deadline has passed",
            Self::DetainerCancelled => "ICE cancelled the detainer",
            Self::WarrantWithdrawn => "ICE withdrew the warrant",
            Self::ReleaseAuthorized => "ICE authorized release",
            Self::AgreementExpired => "The agreement the hold is under has expired",
        }
    }
    /// The cause from a stored ICE update kind.
    pub fn from_update(kind: &str) -> Option<Self> {
        match UpdateKind::parse(kind)? {
            UpdateKind::DetainerCancelled => Some(Self::DetainerCancelled),
            UpdateKind::WarrantWithdrawn => Some(Self::WarrantWithdrawn),
            UpdateKind::ReleaseAuthorized => Some(Self::ReleaseAuthorized),
            _ => None,
        }
    }
}

/// What is known of an open hold's duties at `now`.
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenDuties {
    pub release: Option<ReleaseCause>,
    pub unreported_claim: bool,
    /// No notice recorded and its due time has passed.
    pub notice_overdue: bool,
    pub custody_assumed: bool,
}

/// The most pressing action (agreement.md s4).
pub fn action_required(d: &OpenDuties) -> Option<ActionRequired> {
    if d.release.is_some() {
        Some(ActionRequired::Release)
    } else if d.unreported_claim {
        Some(ActionRequired::ReportClaim)
    } else if d.notice_overdue {
        Some(ActionRequired::NotifyIce)
    } else if d.custody_assumed {
        Some(ActionRequired::ConfirmTransfer)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_release_claim_notice_transfer() {
        let all = OpenDuties {
            release: Some(ReleaseCause::Overdue),
            unreported_claim: true,
            notice_overdue: true,
            custody_assumed: true,
        };
        assert_eq!(action_required(&all), Some(ActionRequired::Release));
        let d = OpenDuties {
            release: None,
            ..all
        };
        assert_eq!(action_required(&d), Some(ActionRequired::ReportClaim));
        let d = OpenDuties {
            unreported_claim: false,
            ..d
        };
        assert_eq!(action_required(&d), Some(ActionRequired::NotifyIce));
        let d = OpenDuties {
            notice_overdue: false,
            ..d
        };
        assert_eq!(action_required(&d), Some(ActionRequired::ConfirmTransfer));
        assert_eq!(action_required(&OpenDuties::default()), None);
    }

    #[test]
    fn words_round_trip() {
        for k in IncidentKind::ALL {
            assert_eq!(IncidentKind::parse(k.as_str()), Some(k));
        }
        for k in UpdateKind::ALL {
            assert_eq!(UpdateKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(hours_minutes(21_600), "6:00");
        assert!(IncidentKind::HeldWithoutAuthority
            .detail(21_600)
            .contains("6:00"));
    }
}
