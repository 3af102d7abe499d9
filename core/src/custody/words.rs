//! Every word of agreement.md's enumerations the desk shows, in one document:
//! the shell hands it to the window in one call, so no list of reasons, kinds
//! or labels is kept anywhere but here.

use serde::Serialize;

use super::agreement::AgreementKind;
use super::duties::{ActionRequired, IncidentKind, NoticeMethod, ReleaseCause, UpdateKind};
use super::hold::ReleaseReason;
use super::service::CriminalReleaseBasis;

/// One value as stored and on the wire, and its English label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Word {
    pub value: &'static str,
    pub label: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Vocabulary {
    pub release_reasons: Vec<Word>,
    pub criminal_release_bases: Vec<Word>,
    /// What a person may record (`sync` is the desk's own).
    pub notice_methods: Vec<Word>,
    pub incident_kinds: Vec<Word>,
    /// Most pressing first.
    pub action_required: Vec<Word>,
    pub release_causes: Vec<Word>,
    pub agreement_kinds: Vec<Word>,
    pub update_kinds: Vec<Word>,
}

macro_rules! words {
    ($items:expr) => {
        $items
            .into_iter()
            .map(|v| Word {
                value: v.as_str(),
                label: v.label(),
            })
            .collect()
    };
}

pub fn vocabulary() -> Vocabulary {
    Vocabulary {
        release_reasons: words!(ReleaseReason::ALL),
        criminal_release_bases: words!(CriminalReleaseBasis::ALL),
        notice_methods: words!(NoticeMethod::TYPED),
        incident_kinds: words!(IncidentKind::ALL),
        action_required: words!(ActionRequired::ALL),
        release_causes: words!(ReleaseCause::ALL),
        agreement_kinds: words!(AgreementKind::ALL),
        update_kinds: words!(UpdateKind::ALL),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_has_a_label_and_serde_agrees_with_as_str() {
        let v = vocabulary();
        assert_eq!(v.release_reasons.len(), 9);
        assert_eq!(v.action_required[0].value, "release");
        for w in v.release_reasons.iter().chain(&v.incident_kinds) {
            assert!(!w.label.is_empty(), "{}", w.value);
        }
        for r in ReleaseReason::ALL {
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        }
        for k in IncidentKind::ALL {
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        for a in ActionRequired::ALL {
            assert_eq!(serde_json::to_value(a).unwrap(), a.as_str());
        }
        for b in CriminalReleaseBasis::ALL {
            assert_eq!(serde_json::to_value(b).unwrap(), b.as_str());
        }
    }
}
