//! Printing: one JSON document with `--json`, else a line of human text.

use serde::Serialize;

use crate::Context;

pub fn print<T: Serialize>(ctx: &Context, value: &T, human: &str) {
    if ctx.json {
        println!(
            "{}",
            serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into())
        );
    } else if !human.is_empty() {
        println!("{human}");
    }
}
