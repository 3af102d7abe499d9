//! `wsoctl handoff --out FILE.pdf [--now TIME] [--paper letter|a4] --as SUPERVISOR`
//! writes the shift handoff sheet; `wsoctl handoff acknowledge --outgoing USER
//! --as SUPERVISOR` records that the incoming supervisor took the shift over.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use wso_core::handoff::{self, pdf};

use crate::{clock_now, output, CliResult, Context, Failure};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct HandoffArgs {
    #[command(subcommand)]
    pub action: Option<HandoffAction>,
    /// Where to write the sheet (PDF); an existing file is replaced
    #[arg(long, value_name = "FILE.pdf", required = true)]
    pub out: Option<PathBuf>,
    /// Evaluate countdowns and the shift window at this time instead of the clock
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Paper size (the sheet is landscape)
    #[arg(long, value_enum, default_value = "letter", ignore_case = true)]
    pub paper: PaperArg,
}

#[derive(Subcommand)]
pub enum HandoffAction {
    /// The incoming supervisor (--as) accepts the shift from the outgoing one
    Acknowledge {
        /// The outgoing supervisor's username
        #[arg(long, value_name = "USERNAME")]
        outgoing: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PaperArg {
    Letter,
    A4,
}

impl From<PaperArg> for pdf::Paper {
    fn from(p: PaperArg) -> Self {
        match p {
            PaperArg::Letter => pdf::Paper::Letter,
            PaperArg::A4 => pdf::Paper::A4,
        }
    }
}

pub fn run(ctx: &Context, args: HandoffArgs) -> CliResult {
    if let Some(HandoffAction::Acknowledge { outgoing }) = args.action {
        let mut desk = ctx.open()?;
        let actor = ctx.actor(&mut desk)?;
        let ack = handoff::acknowledge_handoff(&desk, &actor, &outgoing, clock_now())?;
        let text = format!(
            "{} ({}) took the shift over from {} ({}) at {}",
            ack.incoming.full_name,
            ack.incoming.username,
            ack.outgoing.full_name,
            ack.outgoing.username,
            ack.acknowledged_at_local
        );
        output::print(ctx, &ack, &text);
        return Ok(());
    }
    let out = args
        .out
        .ok_or_else(|| Failure::Usage("handoff needs --out FILE.pdf".into()))?;
    let mut desk = ctx.open()?;
    let actor = ctx.actor(&mut desk)?;
    let now = ctx.now_or(args.now.as_deref())?;
    // Role, data and rendering are all checked before anything touches the disk.
    let sheet = handoff::sheet(&desk, now, &actor)?;
    let rendered = pdf::render(&sheet, args.paper.into())?;
    // The audit time is the real time of printing, whatever `--now` planned for.
    // No sheet leaves the desk without its audit record, nor a record without its sheet.
    handoff::save_pdf(&desk, &actor, &sheet, &rendered.bytes, &out, clock_now())?;
    if rendered.missing_glyphs {
        let fix = if rendered.cjk_font_missing {
            "; install a CJK font (Debian: fonts-noto-cjk) or set WSO_CJK_FONT"
        } else {
            ""
        };
        eprintln!("wsoctl: warning: some characters of names have no glyph in the fonts on this machine and print as boxes{fix}");
    }
    let summary = serde_json::json!({
        "out": out, "pages": rendered.pages, "paper": pdf::Paper::from(args.paper), "sheet": sheet,
    });
    let text = format!(
        "wrote {} ({} page{}, {} open holds, {} closed this shift)",
        out.display(),
        rendered.pages,
        if rendered.pages == 1 { "" } else { "s" },
        sheet.summary.open,
        sheet.summary.closed_in_shift
    );
    output::print(ctx, &summary, &text);
    Ok(())
}
