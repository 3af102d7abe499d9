//! `wsoctl complaint add | reported | list` (cli.md, Part 2): complaints of
//! Appendix B, supervisors only.

use clap::{ArgGroup, Subcommand};
use wso_core::desk::{Complaint, NewComplaint};

use crate::{clock_now, output, CliResult, Context};

#[derive(Subcommand)]
pub enum ComplaintCommand {
    /// Record a complaint or allegation received about an officer or a non-designated staff member
    #[command(group(ArgGroup::new("about").required(true).args(["about_officer", "about_staff"])))]
    Add {
        #[arg(long, value_name = "TIME")]
        received_at: String,
        /// The participating officer's credential
        #[arg(long, value_name = "CREDENTIAL")]
        about_officer: Option<String>,
        /// A staff member who is not designated but acted in immigration functions
        #[arg(long, value_name = "NAME")]
        about_staff: Option<String>,
        #[arg(long, value_name = "TEXT")]
        summary: String,
        #[arg(long, value_name = "HOLD_ID")]
        hold: Option<String>,
    },
    /// Record that a complaint was reported to ICE
    Reported {
        complaint_id: String,
        #[arg(long, value_name = "NAME")]
        to: String,
        #[arg(long, value_name = "TIME")]
        at: String,
    },
    /// Complaints not yet reported, soonest due first (with --all, then the reported ones)
    List {
        #[arg(long)]
        all: bool,
        /// Evaluate what is overdue at this time instead of the clock
        #[arg(long, value_name = "TIME")]
        now: Option<String>,
    },
}

pub fn run(ctx: &Context, cmd: ComplaintCommand) -> CliResult {
    match cmd {
        ComplaintCommand::Add {
            received_at,
            about_officer,
            about_staff,
            summary,
            hold,
        } => {
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&desk)?;
            let input = NewComplaint {
                received_at,
                about_officer,
                about_staff,
                summary,
                hold_id: hold,
            };
            let c = desk.add_complaint(&actor, &input, clock_now())?;
            output::print(ctx, &c, &line(&c));
        }
        ComplaintCommand::Reported {
            complaint_id,
            to,
            at,
        } => {
            let mut desk = ctx.open()?;
            let actor = ctx.actor(&desk)?;
            let c = desk.complaint_reported(&actor, &complaint_id, &to, &at, clock_now())?;
            output::print(ctx, &c, &line(&c));
        }
        ComplaintCommand::List { all, now } => {
            let desk = ctx.open()?;
            let actor = ctx.actor(&desk)?;
            let list = desk.complaints(&actor, all, ctx.now_or(now.as_deref())?)?;
            let text = if list.is_empty() {
                "no complaints".to_owned()
            } else {
                list.iter().map(line).collect::<Vec<_>>().join("\n")
            };
            output::print(ctx, &list, &text);
        }
    }
    Ok(())
}

fn line(c: &Complaint) -> String {
    let about = c.about_text();
    let state = match (&c.reported_local, &c.reported_to, c.reported_late) {
        (Some(at), Some(to), late) => format!(
            "reported {at} to {to}{}",
            if late == Some(true) { " (LATE)" } else { "" }
        ),
        _ if c.overdue => format!("OVERDUE: was due {}", c.due_local),
        _ => format!("due {}", c.due_local),
    };
    format!(
        "{}  received {}  about {about}  {state}",
        c.complaint_id, c.received_local
    )
}
