//! Raw AT commands (`qtcp at`) under the same guard as every other procedure: the session's
//! port lock, synchronisation, trace and deadlines. Each command line is checked before
//! anything is sent; commands that would leave the module in a data phase (or read received
//! data out of it) are refused with a pointer to the subcommand that does it properly.

use crate::command::At;
use crate::error::{Error, ErrorClass, Failed, Reported, Result};
use crate::session::{describe, Expect, Outcome, Session};
use crate::tokenizer::QiResult;
use std::time::Duration;

/// Shortest default deadline of one command: the table's 300 ms suits what qtcp itself sends,
/// not every command a user may type (`AT+COPS=?`, phonebook reads...).
pub const DEFAULT_FLOOR: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Default)]
pub struct AtOptions {
    /// Per-command deadline; `None`: the table's (plus slack), at least [`DEFAULT_FLOOR`].
    pub timeout: Option<Duration>,
}

/// One command and what the module answered.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AtResult {
    /// The command line as sent (without CR).
    pub command: String,
    /// Information lines of the response, in order (URCs and the echo removed).
    pub lines: Vec<String>,
    /// The final result (`OK`, `ERROR`, `+CME ERROR: 10`, `CLOSE OK`...); `null` when the
    /// command has none (AT+QILOCIP answers with its address alone) or none came in time.
    #[serde(rename = "final")]
    pub final_result: Option<String>,
    pub duration_s: f64,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct AtReport {
    pub results: Vec<AtResult>,
}

/// Check one command line; nothing is sent when any line fails this.
pub fn check(cmd: &str) -> Result<()> {
    if let Some(b) = cmd.bytes().find(|b| matches!(b, b'\r' | b'\n' | 0x1a | 0x1b)) {
        let what = match b {
            b'\r' => "CR",
            b'\n' => "LF",
            0x1a => "Ctrl-Z",
            _ => "ESC",
        };
        return Err(Error::usage(format!(
            "{cmd:?}: contains {what}; give one command line per argument (qtcp adds the CR)"
        )));
    }
    if !cmd.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("AT")) {
        return Err(Error::usage(format!(
            "{cmd:?}: not an AT command (it must start with AT)"
        )));
    }
    if let Some(why) = refused(cmd) {
        return Err(Error::usage(format!("{cmd}: refused: {why}")));
    }
    Ok(())
}

/// Why a command line is refused, if it is: one that enters a data phase (the module would
/// then take the next command as payload) or reads received data out of the module (it would
/// be gone from the module and never delivered).
fn refused(cmd: &str) -> Option<&'static str> {
    let upper = cmd.to_ascii_uppercase();
    let body = &upper[2..];
    let mut segments = body.split(';');
    // The first segment may hold basic commands (`ATE0Q0`, `ATD123`, `ATO`); each of the rest
    // and any `+` command is one extended command.
    let first = segments.next().unwrap_or("");
    let (basic, ext) = match first.find('+') {
        Some(i) => (&first[..i], Some(&first[i..])),
        None => (first, None),
    };
    if let Some(why) = refused_basic(basic) {
        return Some(why);
    }
    ext.into_iter()
        .chain(segments.map(str::trim))
        .find_map(refused_extended)
}

/// Basic commands: a letter (or `&` and a letter, or `S<n>=<v>`) and digits, back to back.
fn refused_basic(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'D' => return Some("ATD dials and may enter a data phase; qtcp does not make calls"),
            b'O' => {
                return Some(
                    "ATO returns to a transparent data phase; use qtcp transparent, which leaves it with +++",
                )
            }
            b'A' => return Some("ATA answers a call and may enter a data phase; qtcp does not take calls"),
            b'&' => i += 2,
            b'S' => {
                i += 1;
                while i < b.len() && (b[i].is_ascii_digit() || matches!(b[i], b'=' | b'?')) {
                    i += 1;
                }
                continue;
            }
            _ => i += 1,
        }
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    None
}

fn refused_extended(s: &str) -> Option<&'static str> {
    let s = s.trim();
    let s = s.strip_prefix("AT").unwrap_or(s);
    let name: String = s
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '+')
        .collect();
    // The test form (`=?`) only lists the parameters: harmless.
    if s[name.len()..].trim() == "=?" {
        return None;
    }
    match name.as_str() {
        "+QISEND" => Some("AT+QISEND enters a data phase; use qtcp send (or qtcp push)"),
        "+QIOPEN" => Some(
            "AT+QIOPEN may enter a data phase (transparent mode, QIMODE=1) and must be cleaned up \
             after CONNECT FAIL; use qtcp connect (or qtcp transparent)",
        ),
        "+QIRD" => Some("AT+QIRD takes received data out of the module; use qtcp recv"),
        // ctx family (research §1.9-1.11): access mode 2 is a data phase, 1 pushes data.
        "+QISWTMD" => Some(
            "AT+QISWTMD switches a socket to direct push or to a transparent data phase; use qtcp \
             connect --recv (or qtcp transparent)",
        ),
        "+QSSLSEND" | "+QFUPL" | "+QFWRITE" => {
            Some("this command enters a data phase; qtcp does not drive it")
        }
        "+QSSLRECV" => Some("AT+QSSLRECV takes received data out of the module; qtcp does not drive TLS"),
        // Only the set form: reading where the URCs go is harmless (qtcp probe shows it).
        "+QURCCFG" if !s[name.len()..].trim().ends_with('?') && s[name.len()..].contains(",") => Some(
            "AT+QURCCFG=\"urcport\",... routes +QIOPEN and +QIURC away from the port qtcp holds; \
             qtcp probe shows where they go",
        ),
        "+CMGS" | "+CMGW" => Some("SMS text entry is a data phase ended by Ctrl-Z; qtcp does not send SMS"),
        _ => None,
    }
}

/// The response shape of a command: QI commands with their own final results, or the usual
/// lines then a final result code (every ctx command: `AT+QICLOSE` and `AT+QIDEACT` answer
/// `OK` there [DOC AN-BG95 p.18]). `ctx`: the session speaks the ctx family.
fn expect_for(cmd: &str, ctx: bool) -> Expect {
    let upper = cmd.trim().to_ascii_uppercase();
    if upper.contains(';') || upper.ends_with("=?") {
        return Expect::Final;
    }
    if ctx {
        return Expect::Final;
    }
    if upper.starts_with("AT+QICLOSE") || upper.starts_with("AT+QIDEACT") {
        Expect::QiResult
    } else if upper == "AT+QISTAT" {
        Expect::OkThenState
    } else if upper == "AT+QILOCIP" {
        Expect::Line
    } else if upper.starts_with("AT+QIDNSGIP=") {
        Expect::OkThenLine
    } else {
        Expect::Final
    }
}

/// The module's maximum response time for a line the user typed, from Quectel's table (the
/// commands the process sends have theirs in [`crate::command`]); `ctx`: the ctx family's
/// (research §1.14).
fn max_response_time(cmd: &str, ctx: bool) -> Duration {
    let c = cmd.trim().to_ascii_uppercase();
    if ctx {
        if let Some(ms) = ctx_max_response_ms(&c) {
            return Duration::from_millis(ms);
        }
    }
    let ms = if c.starts_with("AT+QIACT") {
        150_000
    } else if c.starts_with("AT+QIDEACT") {
        40_000
    } else if c.starts_with("AT+QIDNSGIP") {
        14_000
    } else if c.starts_with("AT+CGATT=") || c.starts_with("AT+COPS") {
        75_000
    } else if c.starts_with("AT+CFUN") {
        15_000
    } else if c.starts_with("AT+CPIN") || c.starts_with("AT+QIREGAPP") {
        5_000
    } else {
        300
    };
    Duration::from_millis(ms)
}

/// The ctx family's maximum response times where they differ from QI's table [DOC AN-BG95,
/// AN-BG96, AN-EC200U; research §1.14]: QICLOSE its timeout (default 10 s), QIDNSGIP 60 s,
/// QPING 300 s, QNTP 125 s; QIGETERROR and QISTATE 300 ms.
fn ctx_max_response_ms(c: &str) -> Option<u64> {
    if let Some(rest) = c.strip_prefix("AT+QICLOSE=") {
        let t = rest.split(',').nth(1).and_then(|t| t.trim().parse::<u64>().ok());
        return Some(t.map_or(10_000, |t| t * 1000));
    }
    Some(if c.starts_with("AT+QIDNSGIP") {
        60_000
    } else if c.starts_with("AT+QPING") {
        300_000
    } else if c.starts_with("AT+QNTP") {
        125_000
    } else {
        return None;
    })
}

/// The failure class of a `+CME ERROR` (numeric with AT+CMEE=1, text with AT+CMEE=2), per
/// 3GPP TS 27.007 §9.2 (module.md §1.4): SIM codes are `sim`, network and GPRS service codes
/// `network`, PDP authentication `pdp_context`; anything else `protocol`.
pub fn cme_class(code: &str) -> ErrorClass {
    let code = code.trim();
    match code.parse::<u32>() {
        Ok(10..=18) => ErrorClass::Sim,
        Ok(30..=32) | Ok(103..=148) => ErrorClass::Network,
        Ok(149) => ErrorClass::PdpContext,
        Ok(_) => ErrorClass::Protocol,
        Err(_) => {
            let t = code.to_ascii_lowercase();
            if t.starts_with("sim ") || t.contains("pin required") || t.contains("puk required") {
                ErrorClass::Sim
            } else if t.contains("network") || t.contains("gprs services") {
                ErrorClass::Network
            } else if t.contains("pdp authentication") {
                ErrorClass::PdpContext
            } else {
                ErrorClass::Protocol
            }
        }
    }
}

/// The class of a `+CMS ERROR: <n>` (3GPP TS 27.005 §3.2.5): the SIM codes (310 not inserted,
/// 311/312/316/317/318 PIN or PUK required, 313 failure, 314 busy, 315 wrong) are the SIM's, as
/// their `+CME ERROR` twins are; 331/332 (no network service, network timeout) the network's. An
/// SMS command answered 314 while the module boots was "protocol" (12) (issue 18).
pub fn cms_class(code: &str) -> ErrorClass {
    match code.trim().parse::<u32>() {
        Ok(310..=318) => ErrorClass::Sim,
        Ok(331 | 332) => ErrorClass::Network,
        _ => ErrorClass::Protocol,
    }
}

/// Check every line (nothing may be sent when one is bad).
pub fn check_all(cmds: &[String]) -> Result<()> {
    if cmds.is_empty() {
        return Err(Error::usage("no command given (e.g. qtcp at ATI)"));
    }
    cmds.iter().try_for_each(|c| check(c))
}

/// Check every line, then run them in turn; stop at the first that does not succeed. A failure
/// carries the results so far (the failed command last).
pub fn run(s: &mut Session, cmds: &[String], o: &AtOptions) -> Reported<AtReport> {
    let mut rep = AtReport::default();
    if let Err(error) = check_all(cmds) {
        return Err(Failed::new(error, rep));
    }
    let ctx = s.family().has_contexts();
    for cmd in cmds {
        let user = At::User {
            line: cmd,
            shape: expect_for(cmd, ctx),
            max_response: max_response_time(cmd, ctx),
        };
        // The table's deadline (plus slack, at least --cmd-timeout), at least DEFAULT_FLOOR.
        let timeout = o.timeout.unwrap_or_else(|| s.deadline(&user).max(DEFAULT_FLOOR));
        let started = s.now();
        let r = s.run_within(&user, timeout);
        let mut result = AtResult {
            command: cmd.clone(),
            lines: Vec::new(),
            final_result: None,
            duration_s: 0.0,
        };
        let r = match r {
            Ok(r) => r,
            Err(e) => {
                result.duration_s = (s.now() - started).as_secs_f64();
                rep.results.push(result);
                return Err(Failed::new(e, rep));
            }
        };
        result.duration_s = (s.now() - started).as_secs_f64();
        result.lines = r.lines.clone();
        let failure = match r.outcome() {
            Outcome::Ok => None,
            Outcome::Line(l) => {
                result.lines.push(l.clone());
                if r.saw_ok {
                    result.final_result = Some("OK".into());
                }
                rep.results.push(result);
                continue;
            }
            Outcome::Qi {
                result: QiResult::CloseOk | QiResult::DeactOk,
                ..
            } => None,
            Outcome::Error => Some(ErrorClass::Protocol),
            Outcome::CmeError(code) => Some(cme_class(&code.to_string())),
            Outcome::CmsError(code) => Some(cms_class(code)),
            _ => Some(ErrorClass::Protocol),
        };
        result.final_result = Some(describe(r.outcome()));
        rep.results.push(result);
        if let Some(class) = failure {
            let msg = format!("{cmd}: the module answered {}", describe(r.outcome()));
            return Err(Failed::new(Error::new(class, msg), rep));
        }
    }
    Ok(rep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks() {
        assert!(check("AT").is_ok());
        assert!(check("at+csq").is_ok());
        assert!(check("AT+QIFGCNT=0").is_ok());
        assert!(check("AT&W").is_ok());
        assert!(check("ATE0Q0V1").is_ok());
        assert!(check("ATS0=0").is_ok());
        assert!(check("AT+QISEND=?").is_ok());
        assert!(check("AT+QIOPEN=?").is_ok());
        assert!(check("ATI").is_ok());
        assert!(check("ATH").is_ok());
        for bad in [
            "AT\r",
            "AT\nAT",
            "AT+CMGS=\"1\"\x1a",
            "AT\x1b",
            "+CSQ",
            "A",
            "",
            "AT+QISEND",
            "at+qisend=5",
            "ATO",
            "ato0",
            "ATD123;",
            "ATE0D1",
            "AT+QIOPEN=\"TCP\",\"1.2.3.4\",80",
            "AT+CSQ;+QISEND=3",
            "AT+QIRD=0,1,0,100",
            "ATA",
        ] {
            let e = check(bad).unwrap_err();
            assert_eq!(e.class, ErrorClass::Usage, "{bad:?}");
        }
    }

    /// The ctx family's data-phase and session-breaking commands are refused too; their
    /// queries are not; deadlines and shapes follow the family.
    #[test]
    fn ctx_refusals_and_deadlines() {
        for bad in [
            "AT+QISWTMD=0,2",
            "AT+QSSLSEND=0,5",
            "AT+QFUPL=\"a\",10",
            "AT+QURCCFG=\"urcport\",\"usbmodem\"",
            "AT+QIOPEN=1,0,\"TCP\",\"1.2.3.4\",80,0,0",
            "AT+QIRD=0,1500",
        ] {
            assert_eq!(check(bad).unwrap_err().class, ErrorClass::Usage, "{bad:?}");
        }
        for ok in [
            "AT+QURCCFG=\"urcport\"",
            "AT+QURCCFG?",
            "AT+QISTATE?",
            "AT+QIGETERROR",
        ] {
            assert!(check(ok).is_ok(), "{ok:?}");
        }
        assert_eq!(expect_for("AT+QICLOSE=0", true), Expect::Final);
        assert_eq!(expect_for("AT+QICLOSE=0", false), Expect::QiResult);
        assert_eq!(
            max_response_time("AT+QICLOSE=0,30", true),
            Duration::from_secs(30)
        );
        assert_eq!(max_response_time("AT+QICLOSE=0", true), Duration::from_secs(10));
        assert_eq!(max_response_time("AT+QIACT=1", true), Duration::from_secs(150));
        assert_eq!(
            max_response_time("AT+QIDNSGIP=1,\"x\"", true),
            Duration::from_secs(60)
        );
    }

    #[test]
    fn cme_classes() {
        assert_eq!(cme_class("10"), ErrorClass::Sim);
        assert_eq!(cme_class("14"), ErrorClass::Sim);
        assert_eq!(cme_class("SIM not inserted"), ErrorClass::Sim);
        assert_eq!(cme_class("30"), ErrorClass::Network);
        assert_eq!(cme_class("107"), ErrorClass::Network);
        assert_eq!(cme_class("149"), ErrorClass::PdpContext);
        assert_eq!(cme_class("3"), ErrorClass::Protocol);
        assert_eq!(cme_class("operation not allowed"), ErrorClass::Protocol);
    }

    #[test]
    fn cms_classes() {
        assert_eq!(cms_class("314"), ErrorClass::Sim);
        assert_eq!(cms_class("310"), ErrorClass::Sim);
        assert_eq!(cms_class("311"), ErrorClass::Sim);
        assert_eq!(cms_class("331"), ErrorClass::Network);
        assert_eq!(cms_class("302"), ErrorClass::Protocol);
        assert_eq!(cms_class("x"), ErrorClass::Protocol);
    }
}
