//! Close (recommended process, chapter 7): close the socket, and optionally deactivate the
//! context. Closing what is already closed is success with a note.

use crate::error::{Cause, Error, ErrorClass, Result};
use crate::family::{Closed, SocketState};
use crate::session::Session;

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct CloseReport {
    pub closed: bool,
    pub deactivated: bool,
    pub note: Option<String>,
    pub ip_state: String,
}

pub fn close(s: &mut Session, id: Option<u8>, deactivate: bool) -> Result<CloseReport> {
    let f = s.family();
    // An index in single mode is harmless here: there is one connection to close.
    let multi = match f.check_id(s, id) {
        Err(e) if e.cause == Cause::ModeMismatch { mux: false } => false,
        r => r?,
    };
    let id = if multi { id } else { None };
    let mut rep = CloseReport::default();
    // A family whose close answers OK on an idle socket (ctx [LOG EWF#20]) is asked first, so
    // "nothing was open" reads the same on every family.
    let idle = f.has_contexts()
        && matches!(
            f.socket_state(s, id)?.map(|st| st.state),
            Some(SocketState::NotOpen)
        );
    match f.close(s, id)? {
        Closed::Closed if idle => rep.note = Some("no connection was open".into()),
        Closed::Closed => rep.closed = true,
        Closed::Refused { command, answer } => {
            // Refused: nothing was open, unless the socket's state says otherwise.
            let st = f.socket_state(s, id).ok().flatten();
            match st.map(|st| st.state) {
                Some(SocketState::Connected) | Some(SocketState::Opening) => {
                    return Err(Error::protocol(format!(
                        "{command} answered {answer} while the connection is open"
                    )))
                }
                _ => rep.note = Some("no connection was open".into()),
            }
        }
    }
    if deactivate {
        f.deactivate(s)
            .map_err(|e| Error::new(ErrorClass::PdpContext, e.message))?;
        rep.deactivated = true;
    }
    rep.ip_state = if multi && !f.has_contexts() {
        String::new()
    } else {
        f.ip_state(s).unwrap_or_default()
    };
    Ok(rep)
}
