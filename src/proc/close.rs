//! Close (recommended process, chapter 7): QICLOSE, and optionally QIDEACT. Closing what is
//! already closed is success with a note.

use crate::command::At;
use crate::error::{Cause, Error, ErrorClass, Result};
use crate::proc::common::{deact, require_mode};
use crate::proc::state::{qistat, IpState};
use crate::session::{describe, Outcome, Session};
use crate::tokenizer::QiResult;

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CloseReport {
    pub closed: bool,
    pub deactivated: bool,
    pub note: Option<String>,
    pub ip_state: String,
}

pub fn close(s: &mut Session, id: Option<u8>, deactivate: bool) -> Result<CloseReport> {
    // An index in single mode is harmless here: there is one connection to close.
    let mux = match require_mode(s, id) {
        Err(e) if e.cause == Cause::ModeMismatch { mux: false } => false,
        r => r?,
    };
    let mut rep = CloseReport::default();
    let cmd = At::Close(if mux { id } else { None });
    let r = s.run(&cmd)?;
    let cmd = s.line(&cmd);
    match r.outcome() {
        Outcome::Qi {
            result: QiResult::CloseOk,
            ..
        } => rep.closed = true,
        Outcome::Error => {
            let st = if mux { None } else { qistat(s).ok() };
            match st.map(|s| s.state) {
                Some(IpState::ConnectOk) | Some(IpState::Connecting) => {
                    return Err(Error::protocol(format!(
                        "{cmd} answered ERROR while the connection is open"
                    )))
                }
                _ => rep.note = Some("no connection was open".into()),
            }
        }
        o => return Err(Error::protocol(format!("{cmd}: unexpected {}", describe(o)))),
    }
    if deactivate {
        deact(s).map_err(|e| Error::new(ErrorClass::PdpContext, e.message))?;
        rep.deactivated = true;
    }
    rep.ip_state = if mux {
        String::new()
    } else {
        qistat(s).map(|st| st.text).unwrap_or_default()
    };
    Ok(rep)
}
