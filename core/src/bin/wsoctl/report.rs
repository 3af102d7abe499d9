//! `wsoctl report --from DATE --to DATE [--out FILE.pdf] [--csv FILE.csv]
//! [--json] --as SUPERVISOR`: the oversight report (agreement.md s8).

use std::path::PathBuf;

use clap::Args;
use wso_core::report::{self, pdf};

use crate::handoff::PaperArg;
use crate::{clock_now, output, CliResult, Context};

#[derive(Args)]
pub struct ReportArgs {
    /// First day of the period (facility-local date, included)
    #[arg(long, value_name = "DATE")]
    pub from: String,
    /// Last day of the period (facility-local date, included)
    #[arg(long, value_name = "DATE")]
    pub to: String,
    /// Write the report as a PDF (mode 0600; an existing file is replaced)
    #[arg(long, value_name = "FILE.pdf")]
    pub out: Option<PathBuf>,
    /// Write one row per hold as CSV (mode 0600; an existing file is replaced)
    #[arg(long, value_name = "FILE.csv")]
    pub csv: Option<PathBuf>,
    /// Count holds still held up to this time instead of the clock
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// Paper size of the PDF (landscape)
    #[arg(long, value_enum, default_value = "letter", ignore_case = true)]
    pub paper: PaperArg,
}

pub fn run(ctx: &Context, args: ReportArgs) -> CliResult {
    let desk = ctx.open()?;
    let actor = ctx.actor(&desk)?;
    let now = ctx.now_or(args.now.as_deref())?;
    let r = desk.oversight_report(&actor, &args.from, &args.to, now)?;
    let pdf_out = args
        .out
        .as_deref()
        .map(|p| (p, pdf::Paper::from(args.paper)));
    // The audit time is the real time of the export, whatever `--now` said.
    let rendered = report::save(&desk, &actor, &r, pdf_out, args.csv.as_deref(), clock_now())?;
    if rendered.as_ref().is_some_and(|p| p.missing_glyphs) {
        eprintln!("wsoctl: warning: some characters of names have no glyph in the fonts on this machine and print as boxes; install a CJK font (Debian: fonts-noto-cjk) or set WSO_CJK_FONT");
    }
    if ctx.json {
        // The JSON carries names too: it leaves the desk like a file does.
        report::record_export(
            &desk,
            &actor,
            &r,
            report::ExportKind::Json,
            "stdout",
            clock_now(),
        )?;
    }
    let t = &r.totals;
    let mut text = format!(
        "oversight report {} to {}: {} services, {} transfers ({} within the limit), {} releases, {} over-detentions, {} held without authority, {} late notices, {} claims ({} reported late), {} complaints ({} reported late)",
        r.from, r.to, t.services, t.transfers, t.transfers_within_limit, t.releases,
        t.over_detentions, t.gaps_before_service, t.notices_late, t.claims,
        t.claims_reported_late, t.complaints, t.complaints_reported_late
    );
    if let (Some(p), Some(rendered)) = (&args.out, &rendered) {
        text.push_str(&format!(
            "\nwrote {} ({} pages)",
            p.display(),
            rendered.pages
        ));
    }
    if let Some(c) = &args.csv {
        text.push_str(&format!(
            "\nwrote {} ({} holds)",
            c.display(),
            r.holds.len()
        ));
    }
    output::print(ctx, &r, &text);
    Ok(())
}
