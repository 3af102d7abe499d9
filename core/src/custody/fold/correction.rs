//! Corrections: a supervisor fixes a typo in the person's or the warrant's
//! particulars with a `hold.corrected` event naming the field, the old and
//! the new value; the fold applies it to `HoldState::particulars`.

use super::{Conflict, FoldError, HoldEvent, HoldState};

impl HoldState {
    pub(super) fn correct(
        &mut self,
        e: &HoldEvent,
        field: &str,
        old: &Option<String>,
        new: &Option<String>,
    ) -> Result<(), FoldError> {
        let bad = |why: &str| FoldError {
            at: e.at.clone(),
            why: why.to_owned(),
        };
        if old == new {
            return Err(bad("a correction that changes nothing"));
        }
        let p = &mut self.particulars;
        let current = match field {
            "person.family_name" => Slot::Required(&mut p.family_name),
            "person.given_names" => Slot::Required(&mut p.given_names),
            "person.date_of_birth" => Slot::Required(&mut p.date_of_birth),
            "person.booking_number" => Slot::Required(&mut p.booking_number),
            "person.a_number" => Slot::Optional(&mut p.a_number),
            "warrant.form" => Slot::Required(&mut p.warrant_form),
            "warrant.number" => Slot::Required(&mut p.warrant_number),
            "detainer_number" => Slot::Optional(&mut p.detainer_number),
            _ => return Err(bad("corrects a field core does not let anyone correct")),
        };
        let was_current = match &current {
            Slot::Required(v) => old.as_deref() == Some(v.as_str()),
            Slot::Optional(v) => old == &**v,
        };
        match current {
            Slot::Required(v) => {
                *v = new
                    .clone()
                    .ok_or_else(|| bad("clears a field that is required"))?
            }
            Slot::Optional(v) => v.clone_from(new),
        }
        if !was_current {
            self.conflicts.push(Conflict {
                at: e.at.clone(),
                kind: e.kind.clone(),
                occurred_at: e.occurred_at,
                why: "corrects a value the hold no longer had",
            });
        }
        Ok(())
    }
}

/// A correctable field: required text or text that may be absent.
enum Slot<'a> {
    Required(&'a mut String),
    Optional(&'a mut Option<String>),
}
