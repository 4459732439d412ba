//! What a command's response is made of: the shape the session waits for ([`Expect`]), how it
//! ended ([`Outcome`]), the lines and payloads it carried ([`Response`]), and their words for
//! messages.

use crate::tokenizer::{PayloadKind, QiResult};

/// How a command's response ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Information lines, then `OK` / `ERROR` / `+CME ERROR` / `+CMS ERROR`.
    Final,
    /// `AT+QISTAT` in single mode: `OK` then a `STATE:` line (mux mode: lines then `OK`).
    OkThenState,
    /// `AT+QILOCIP`: one line and no `OK`, or `ERROR`.
    Line,
    /// `AT+QICLOSE`, `AT+QIDEACT`: a QI result (`CLOSE OK`, `DEACT OK`) or `ERROR`.
    QiResult,
    /// `AT+QIOPEN`: `OK` then `CONNECT OK`/`CONNECT FAIL`/`CONNECT`, or `ALREADY CONNECT`, or `ERROR`.
    Open,
    /// `AT+QISEND=…`: the `> ` prompt, or `ERROR`.
    Prompt,
    /// `AT+QIDNSGIP`: `OK` then a line with the address, or `ERROR`.
    OkThenLine,
}

/// How a response ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Error,
    CmeError(String),
    CmsError(String),
    Qi { index: Option<u8>, result: QiResult },
    Prompt,
    Line(String),
}

#[derive(Debug, Clone, Default)]
pub struct Response {
    /// Information lines, in order (URCs removed).
    pub lines: Vec<String>,
    /// Counted payloads that belonged to the response (`+QIRD:` records).
    pub payloads: Vec<(PayloadKind, Vec<u8>)>,
    /// How it ended; `None` only inside the session.
    pub outcome: Option<Outcome>,
    /// `OpenThen…` shapes: whether the intermediate `OK` was seen.
    pub saw_ok: bool,
}

impl Response {
    pub fn outcome(&self) -> &Outcome {
        self.outcome.as_ref().expect("complete response")
    }
    pub fn is_ok(&self) -> bool {
        matches!(self.outcome, Some(Outcome::Ok))
    }
    /// The first line starting with `prefix`, with the prefix and surrounding spaces removed.
    pub fn value(&self, prefix: &str) -> Option<&str> {
        self.lines
            .iter()
            .find_map(|l| l.strip_prefix(prefix).map(str::trim))
    }
}

/// A line holding a byte outside printable ASCII (tab allowed): line noise, not a response.
pub fn is_noise(line: &[u8]) -> bool {
    line.iter().any(|&b| !(0x20..0x7f).contains(&b) && b != b'\t')
}

/// A short human description of an outcome, for error messages.
pub fn describe(o: &Outcome) -> String {
    match o {
        Outcome::Ok => "OK".into(),
        Outcome::Error => "ERROR".into(),
        Outcome::CmeError(s) => format!("+CME ERROR: {s}"),
        Outcome::CmsError(s) => format!("+CMS ERROR: {s}"),
        Outcome::Qi {
            index: Some(i),
            result,
        } => format!("{i}, {}", qi_text(*result)),
        Outcome::Qi { index: None, result } => qi_text(*result).into(),
        Outcome::Prompt => "the > prompt".into(),
        Outcome::Line(l) => format!("{l:?}"),
    }
}

pub fn qi_text(r: QiResult) -> &'static str {
    match r {
        QiResult::CloseOk => "CLOSE OK",
        QiResult::DeactOk => "DEACT OK",
        QiResult::SendOk => "SEND OK",
        QiResult::SendFail => "SEND FAIL",
        QiResult::ConnectOk => "CONNECT OK",
        QiResult::ConnectFail => "CONNECT FAIL",
        QiResult::AlreadyConnect => "ALREADY CONNECT",
        QiResult::Connect => "CONNECT",
    }
}
