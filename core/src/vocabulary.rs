//! Every word the desk shows about custody, in one value the window asks for
//! once at start: release reasons, urgency labels and where they begin,
//! `action_required` labels, ICE update kinds, event types, warrant forms,
//! roles, the fields a supervisor may correct and the credential-expiry
//! window. The labels of enums are the enums' own `label()`; this module only
//! gathers them (and names the few string-keyed lists that have no enum), so
//! the window, the handoff sheet and `wsoctl` cannot say different things.

use serde::Serialize;

use crate::auth::Role;
use crate::custody::agreement::AgreementKind;
use crate::custody::clock::{Authority, Urgency};
use crate::custody::duties::{
    ActionRequired, IncidentKind, NoticeMethod, ReleaseCause, UpdateKind,
};
use crate::custody::hold::{HoldStatus, ReleaseReason, WarrantForm};
use crate::custody::officer::EXPIRY_WARNING_DAYS;
use crate::custody::service::CriminalReleaseBasis;
use crate::desk::CORRECTABLE_FIELDS;
use crate::sync::pull::RECEIPT_TYPE;
use crate::wire::{EventBody, Voided};

/// A value the desk stores or sends, with the words a person reads for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Term<T> {
    pub value: T,
    pub label: String,
}

/// An urgency, its words, and the remaining seconds at or below which it
/// applies (null for `normal`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UrgencyTerm {
    pub value: Urgency,
    pub label: String,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub from_remaining_seconds: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Vocabulary {
    pub release_reasons: Vec<Term<ReleaseReason>>,
    /// Release reasons that need a note.
    pub release_reasons_needing_note: Vec<ReleaseReason>,
    /// Most pressing first.
    pub urgencies: Vec<UrgencyTerm>,
    /// Most pressing first.
    pub action_required: Vec<Term<ActionRequired>>,
    pub authorities: Vec<Term<Authority>>,
    pub hold_statuses: Vec<Term<HoldStatus>>,
    pub warrant_forms: Vec<Term<WarrantForm>>,
    pub roles: Vec<Term<Role>>,
    /// ICE update kinds this desk applies.
    pub update_kinds: Vec<Term<UpdateKind>>,
    pub incident_kinds: Vec<Term<IncidentKind>>,
    /// How a deputy may record that ICE was told (`sync` is the desk's own).
    pub notice_methods: Vec<Term<NoticeMethod>>,
    pub criminal_release_bases: Vec<Term<CriminalReleaseBasis>>,
    pub agreement_kinds: Vec<Term<AgreementKind>>,
    /// Why an open hold needs release (beside RELEASE REQUIRED).
    pub release_causes: Vec<Term<ReleaseCause>>,
    /// Event types of a hold's history.
    pub event_types: Vec<Term<String>>,
    /// Fields a supervisor may correct, as `hold correct --field` names them.
    pub correctable_fields: Vec<Term<String>>,
    /// The roster highlights credentials expiring within this many days.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub credential_expiry_warning_days: i64,
    /// Several desks at one facility (sync-protocol.md v1.1).
    pub facility: FacilityTerms,
}

/// The words of the facility view: a hold booked at another desk, conflicts,
/// possible duplicates and a supervisor's void.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FacilityTerms {
    /// Followed by the desk's id.
    pub booked_at_desk: &'static str,
    /// The board's flag on a hold with conflicts.
    pub conflict: &'static str,
    /// The board's flag on a hold that may be a duplicate.
    pub possible_duplicate: &'static str,
    pub conflicts_heading: &'static str,
    pub conflicts_explained: &'static str,
    pub possible_duplicates_heading: &'static str,
    pub possible_duplicates_explained: &'static str,
    /// The supervisor's action on a possible duplicate, and its form.
    pub void_action: &'static str,
    pub void_kept: &'static str,
    pub void_note: &'static str,
    pub void_save: &'static str,
    /// Shown on a hold a supervisor voided, followed by the hold kept.
    pub voided: &'static str,
}

pub(crate) const FACILITY_TERMS: FacilityTerms = FacilityTerms {
    booked_at_desk: "Booked at desk",
    conflict: "CONFLICT",
    possible_duplicate: "POSSIBLE DUPLICATE",
    conflicts_heading: "Conflicts",
    conflicts_explained: "Actions recorded after another desk had closed this hold: they stand in its history but did not change it. A supervisor looks at each.",
    possible_duplicates_heading: "Possible duplicates",
    possible_duplicates_explained: "The same warrant booked at another desk for a time that overlaps this hold. A supervisor voids one of them, naming the hold kept.",
    void_action: "Void as duplicate",
    void_kept: "Hold kept",
    void_note: "Note (required)",
    void_save: "Void this hold",
    voided: "Voided as a duplicate booking; the hold kept is",
};

fn term<T: Copy>(value: T, label: impl Fn(T) -> &'static str) -> Term<T> {
    Term {
        value,
        label: label(value).to_owned(),
    }
}

fn named(pairs: impl IntoIterator<Item = (&'static str, &'static str)>) -> Vec<Term<String>> {
    pairs
        .into_iter()
        .map(|(value, label)| Term {
            value: value.to_owned(),
            label: label.to_owned(),
        })
        .collect()
}

/// The words of a correctable field (`None` for a field that cannot be corrected).
pub fn correctable_field_label(field: &str) -> Option<&'static str> {
    Some(match field {
        "person.family_name" => "Family name",
        "person.given_names" => "Given names",
        "person.date_of_birth" => "Date of birth",
        "person.booking_number" => "Booking number",
        "person.a_number" => "A-number",
        "warrant.form" => "Warrant form",
        "warrant.number" => "Warrant number",
        "detainer_number" => "Detainer number",
        _ => return None,
    })
}

/// Event types of a hold's history, in the order they usually happen.
const EVENT_TYPES: &[(&str, &str)] = &[
    ("hold.opened", "Hold opened"),
    ("hold.moved", "Moved"),
    ("hold.corrected", "Corrected"),
    (RECEIPT_TYPE, "ICE update applied"),
    ("hold.transferred", "Transferred to ICE"),
    ("hold.released", "Released"),
    (Voided::TYPE, "Voided as a duplicate booking"),
];

/// The words of an event type of a hold's history (`None` for a type
/// without words of its own).
pub fn event_type_label(kind: &str) -> Option<&'static str> {
    EVENT_TYPES
        .iter()
        .find(|(value, _)| *value == kind)
        .map(|(_, label)| *label)
}

pub fn vocabulary() -> Vocabulary {
    Vocabulary {
        release_reasons: ReleaseReason::ALL
            .iter()
            .map(|&r| term(r, ReleaseReason::label))
            .collect(),
        release_reasons_needing_note: vec![ReleaseReason::Other],
        urgencies: Urgency::ALL
            .iter()
            .rev()
            .map(|&u| UrgencyTerm {
                value: u,
                label: u.label().to_owned(),
                from_remaining_seconds: u.from_remaining_seconds(),
            })
            .collect(),
        action_required: ActionRequired::ALL
            .iter()
            .map(|&a| term(a, ActionRequired::label))
            .collect(),
        authorities: [Authority::Wso48h, Authority::Igsa]
            .iter()
            .map(|&a| term(a, Authority::label))
            .collect(),
        hold_statuses: [
            HoldStatus::Open,
            HoldStatus::Transferred,
            HoldStatus::Released,
        ]
        .iter()
        .map(|&s| term(s, HoldStatus::label))
        .collect(),
        warrant_forms: WarrantForm::ALL
            .iter()
            .map(|&w| term(w, WarrantForm::label))
            .collect(),
        roles: Role::ALL.iter().map(|&r| term(r, Role::label)).collect(),
        update_kinds: UpdateKind::ALL
            .iter()
            .map(|&k| term(k, UpdateKind::label))
            .collect(),
        incident_kinds: IncidentKind::ALL
            .iter()
            .map(|&k| term(k, IncidentKind::label))
            .collect(),
        notice_methods: NoticeMethod::TYPED
            .iter()
            .map(|&m| term(m, NoticeMethod::label))
            .collect(),
        criminal_release_bases: CriminalReleaseBasis::ALL
            .iter()
            .map(|&b| term(b, CriminalReleaseBasis::label))
            .collect(),
        agreement_kinds: AgreementKind::ALL
            .iter()
            .map(|&k| term(k, AgreementKind::label))
            .collect(),
        release_causes: ReleaseCause::ALL
            .iter()
            .map(|&c| term(c, ReleaseCause::label))
            .collect(),
        event_types: named(EVENT_TYPES.iter().copied()),
        correctable_fields: named(
            CORRECTABLE_FIELDS
                .iter()
                .map(|&f| (f, correctable_field_label(f).unwrap_or(f))),
        ),
        credential_expiry_warning_days: EXPIRY_WARNING_DAYS,
        facility: FACILITY_TERMS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kind or field added to core's lists without words would show the
    /// raw value to a deputy; this fails first.
    #[test]
    fn every_correctable_field_has_words() {
        for f in CORRECTABLE_FIELDS {
            assert!(
                correctable_field_label(f).is_some(),
                "correctable field {f} has no label"
            );
        }
    }

    /// Every value the store accepts is offered, once, with its own label.
    #[test]
    fn lists_cover_every_value_once() {
        let v = vocabulary();
        let reasons: Vec<ReleaseReason> = v.release_reasons.iter().map(|t| t.value).collect();
        assert_eq!(reasons, ReleaseReason::ALL);
        assert_eq!(v.urgencies.len(), Urgency::ALL.len());
        assert_eq!(v.roles.len(), Role::ALL.len());
        assert_eq!(v.correctable_fields.len(), CORRECTABLE_FIELDS.len());
        let labels: std::collections::HashSet<&str> =
            v.urgencies.iter().map(|u| u.label.as_str()).collect();
        assert_eq!(
            labels.len(),
            v.urgencies.len(),
            "two urgencies read the same"
        );
    }

    /// The thresholds the window refetches at are the ones `urgency()` uses:
    /// one second above each edge is the less urgent level, the edge itself
    /// the more urgent one.
    #[test]
    fn urgency_edges_match_the_clock() {
        for u in vocabulary().urgencies {
            if let Some(edge) = u.from_remaining_seconds {
                assert_eq!(crate::custody::urgency(edge), u.value, "{u:?}");
                assert!(crate::custody::urgency(edge + 1) < u.value, "{u:?}");
            }
        }
    }
}
