//! Rendering of typed reports: `{"ok", "command", <report fields in their declared order>,
//! "error"}` as one JSON line (with a leading `"type"` for the summary line of a stream), or
//! human text on stdout with the error on stderr. Serialising the typed report directly (not
//! through `serde_json::Value`, whose objects are sorted) keeps the fields in the order the
//! report declares them.

use super::common::{fail, out, PortArgs};
use crate::error::Error;
use serde::Serialize;
use std::process::ExitCode;

#[derive(Serialize)]
pub struct ErrorJson<'a> {
    pub class: &'static str,
    pub exit_code: u8,
    pub message: &'a str,
}

impl<'a> ErrorJson<'a> {
    pub fn of(e: &'a Error) -> Self {
        ErrorJson {
            class: e.class.name(),
            exit_code: e.exit_code(),
            message: &e.message,
        }
    }
}

/// One result object: `type` (streams' summary line only), `ok`, `command`, the report's
/// fields, `error` on failure.
#[derive(Serialize)]
pub struct Envelope<'a, T: Serialize> {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    pub ok: bool,
    pub command: &'static str,
    #[serde(flatten)]
    pub report: Option<&'a T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorJson<'a>>,
}

/// Serialise one value as a JSON line on stdout.
pub fn json_line<T: Serialize>(v: &T) {
    match serde_json::to_string(v) {
        Ok(s) => out(&format!("{s}\n")),
        Err(e) => eprintln!("qtcp: cannot render JSON: {e}"),
    }
}

/// Render a one-shot (or a stream's summary, with `kind`) and return the exit code: with
/// `--json` the envelope on stdout; otherwise `human(report)` on stdout (when there is a
/// report) and the error's line (and hint) on stderr.
pub fn render<T: Serialize>(
    args: &PortArgs,
    kind: Option<&'static str>,
    command: &'static str,
    report: Option<&T>,
    error: Option<&Error>,
    human: impl FnOnce(&T) -> String,
) -> ExitCode {
    if args.json {
        json_line(&Envelope {
            kind,
            ok: error.is_none(),
            command,
            report,
            error: error.map(ErrorJson::of),
        });
    } else if let Some(r) = report {
        out(&human(r));
    }
    match error {
        Some(e) => fail(false, command, e),
        None => ExitCode::SUCCESS,
    }
}
