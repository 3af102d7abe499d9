//! `wsoctl hold ...`

use wso_core::custody::NewHold;
use wso_core::desk::HoldSummary;

use crate::args::HoldCommand;
use crate::{clock_now, output, CliResult, Context};

pub fn run(ctx: &Context, cmd: HoldCommand) -> CliResult {
    match cmd {
        HoldCommand::Open(a) => {
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
        } => {
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&mut desk)?;
            let hold = desk.transfer_hold(&actor, &hold_id, &at, &ice_officer, clock_now())?;
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
                reason.as_str(),
                note.as_deref(),
                clock_now(),
            )?;
            output::print(ctx, &hold, &line(&hold));
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
                Some(wso_core::custody::ActionRequired::Release) => "RELEASE REQUIRED".to_owned(),
                _ => h
                    .urgency
                    .map(|u| u.as_str().to_uppercase())
                    .unwrap_or_default(),
            };
            format!("deadline {deadline}  {}  {state}", hms(r))
        }
        ("open", None, _) => format!("IGSA, held {}", hms(h.held_seconds)),
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
