//! `wsoctl hold ...`

use wso_core::custody::NewHold;
use wso_core::desk::HoldSummary;

use crate::args::{value_name, HoldCommand, IncidentCommand};
use crate::{clock_now, output, CliResult, Context};

pub fn run(ctx: &Context, cmd: HoldCommand) -> CliResult {
    match cmd {
        HoldCommand::Open(a) => {
            let a = *a;
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&mut desk)?;
            let input = NewHold {
                family_name: a.family_name,
                given_names: a.given_names,
                date_of_birth: a.dob,
                booking_number: a.booking_number,
                a_number: a.a_number,
                warrant_form: a.warrant_form.as_str().into(),
                warrant_number: a.warrant_number,
                detainer_number: a.detainer_number,
                officer_credential: a.officer,
                served_at: a.served_at,
                zone_id: a.zone,
                lat: a.lat,
                lon: a.lon,
                criminal_release_at: a.criminal_release_at,
                criminal_release_basis: value_name(a.criminal_release_basis),
                ice_supervisor: a.ice_supervisor,
                language: a.language,
                interpreter: a.interpreter,
                interpreter_declined: a.interpreter_declined,
                agreement_id: a.agreement,
            };
            let hold = desk.open_hold(&actor, &input, clock_now())?;
            output::print(ctx, &hold, &line(&hold));
        }
        HoldCommand::List { all, now } => {
            let mut desk = ctx.open()?;
            ctx.reader(&mut desk, "hold.list", None)?;
            let holds = desk.list_holds(ctx.now_or(now.as_deref())?, all)?;
            let text = if holds.is_empty() {
                "no holds".to_owned()
            } else {
                holds.iter().map(line).collect::<Vec<_>>().join("\n")
            };
            output::print(ctx, &holds, &text);
        }
        HoldCommand::Show { hold_id, now } => {
            let mut desk = ctx.open()?;
            ctx.reader(&mut desk, "hold.show", Some(&hold_id))?;
            let detail = desk.show_hold(&hold_id, ctx.now_or(now.as_deref())?)?;
            let mut text = line(&detail.hold);
            for e in &detail.events {
                text.push_str(&format!(
                    "\n  #{} {} {} by {}",
                    e["seq"],
                    e["type"].as_str().unwrap_or(""),
                    e["occurred_at"].as_str().unwrap_or(""),
                    e["recorded_by"].as_str().unwrap_or("")
                ));
            }
            output::print(ctx, &detail, &text);
        }
        HoldCommand::Move { hold_id, zone, at } => {
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&mut desk)?;
            let hold = desk.move_hold(&actor, &hold_id, &zone, &at, clock_now())?;
            output::print(ctx, &hold, &line(&hold));
        }
        HoldCommand::Transfer {
            hold_id,
            at,
            ice_officer,
            destination,
            note,
        } => {
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&mut desk)?;
            let hold = desk.transfer_hold(
                &actor,
                &hold_id,
                &at,
                &ice_officer,
                &destination,
                note.as_deref(),
                clock_now(),
            )?;
            output::print(ctx, &hold, &line(&hold));
        }
        HoldCommand::Notify {
            hold_id,
            method,
            to,
            at,
        } => {
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&mut desk)?;
            let hold =
                desk.notify_ice(&actor, &hold_id, &value_name(method), &to, &at, clock_now())?;
            output::print(ctx, &hold, &line(&hold));
        }
        HoldCommand::Claim {
            hold_id,
            at,
            statement,
        } => {
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&mut desk)?;
            let claim = desk.record_claim(&actor, &hold_id, &at, &statement, clock_now())?;
            let text = format!(
                "claim {} recorded; report it to ICE by {}",
                claim.claim_id, claim.due_at
            );
            output::print(ctx, &claim, &text);
        }
        HoldCommand::ClaimReported {
            hold_id,
            claim,
            method,
            to,
            at,
        } => {
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&mut desk)?;
            let hold = desk.claim_reported(
                &actor,
                &hold_id,
                &claim,
                &value_name(method),
                &to,
                &at,
                clock_now(),
            )?;
            output::print(ctx, &hold, &line(&hold));
        }
        HoldCommand::Agreement {
            hold_id,
            agreement,
            at,
        } => {
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&mut desk)?;
            let hold =
                desk.place_under_agreement(&actor, &hold_id, &agreement, &at, clock_now())?;
            output::print(ctx, &hold, &line(&hold));
        }
        HoldCommand::Release {
            hold_id,
            at,
            reason,
            note,
        } => {
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&mut desk)?;
            let hold = desk.release_hold(
                &actor,
                &hold_id,
                &at,
                &value_name(reason),
                note.as_deref(),
                clock_now(),
            )?;
            output::print(ctx, &hold, &line(&hold));
        }
        HoldCommand::Void {
            hold_id,
            kept,
            note,
        } => {
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&mut desk)?;
            let now = clock_now();
            desk.void_hold(&actor, &hold_id, &kept, &note, now)?;
            let hold = desk.hold(&hold_id, now)?;
            output::print(
                ctx,
                &hold,
                &format!("hold {hold_id} voided as a duplicate of {kept}: it is no custody and leaves every list"),
            );
        }
        HoldCommand::Correct {
            hold_id,
            field,
            value,
            reason,
        } => {
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&mut desk)?;
            let hold = desk.correct_hold(&actor, &hold_id, &field, &value, &reason, clock_now())?;
            output::print(ctx, &hold, &line(&hold));
        }
    }
    Ok(())
}

/// One hold on one line for people reading a terminal.
fn line(h: &HoldSummary) -> String {
    let clock = match (h.status.as_str(), &h.deadline_local, h.remaining_seconds) {
        ("open", Some(deadline), Some(r)) => {
            let state = match h.action_required {
                Some(action) => action.label().to_owned(),
                None => h
                    .urgency
                    .map(|u| u.as_str().to_uppercase())
                    .unwrap_or_default(),
            };
            format!("deadline {deadline}  {}  {state}", hms(r))
        }
        ("open", None, _) => format!(
            "under agreement {}, no limit, held {}",
            h.agreement_id.as_deref().unwrap_or("igsa"),
            hms(h.held_seconds)
        ),
        (status, _, _) => format!("{status} {}", h.closed_at_local.as_deref().unwrap_or("")),
    };
    let perimeter = if h.inside_perimeter {
        ""
    } else {
        " (OUTSIDE PERIMETER)"
    };
    format!(
        "{}  {}, {}  {}  {}{}  {}",
        h.hold_id, h.family_name, h.given_names, h.booking_number, h.zone_id, perimeter, clock
    )
}

fn hms(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let s = seconds.abs();
    format!("{sign}{:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
}

/// `wsoctl incident ...` (supervisors).
pub fn incidents(ctx: &Context, cmd: IncidentCommand) -> CliResult {
    match cmd {
        IncidentCommand::List { all } => {
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&mut desk)?;
            let rows = desk.incidents(&actor, all, clock_now())?;
            let text = if rows.is_empty() {
                "no incidents".to_owned()
            } else {
                rows.iter()
                    .map(|i| {
                        format!(
                            "{}  hold {}  {}  {}{}",
                            i.incident_id,
                            i.hold_id,
                            i.kind.label(),
                            i.detail,
                            if i.reviewed_at.is_some() {
                                "  (reviewed)"
                            } else {
                                ""
                            }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            output::print(ctx, &rows, &text);
        }
        IncidentCommand::Review { incident_id, note } => {
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&mut desk)?;
            let row = desk.review_incident(&actor, &incident_id, &note, clock_now())?;
            output::print(ctx, &row, &format!("incident {} reviewed", row.incident_id));
        }
    }
    Ok(())
}
