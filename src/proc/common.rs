//! What several steps of the process share: synchronising, the AT helpers every step needs
//! (registration, GPRS attach, a quiet close), the wait for the network, and why a stream
//! stopped. What differs between module families is in [`crate::family`].

use crate::command::At;
use crate::error::{Cause, Error, ErrorClass, Failed, Reported, Result};
use crate::session::Session;
use crate::tokenizer::Urc;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct SyncOptions {
    pub attempts: u32,
    pub interval: Duration,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            attempts: 15,
            interval: Duration::from_millis(500),
        }
    }
}

/// Send `AT` until the module answers `OK` (recommended process, 9.1); returns the number of
/// attempts used. A module that does not answer is reset through the session's reset policy
/// (if any, and if its back-off allows), then given the same number of attempts again.
pub fn sync(s: &mut Session, opts: &SyncOptions) -> Result<u32> {
    match sync_once(s, opts) {
        Ok(n) => {
            if s.resets == 0 {
                if let Some(p) = &s.reset {
                    p.module_answered();
                }
            }
            Ok(n)
        }
        Err(e) if e.class == ErrorClass::ModuleSilent => {
            let Some(policy) = s.reset.clone() else {
                return Err(e.with_cause(Cause::NoReset));
            };
            policy.reset()?;
            s.resets += 1;
            sync_once(s, opts)
                .map_err(|e| Error::silent(format!("{} (also after a reset through --reset-cmd)", e.message)))
        }
        Err(e) => Err(e),
    }
}

fn sync_once(s: &mut Session, opts: &SyncOptions) -> Result<u32> {
    for attempt in 1..=opts.attempts.max(1) {
        match s.run_within(&At::Sync, opts.interval) {
            Ok(r) if r.is_ok() => return Ok(attempt),
            Ok(_) => {}
            Err(e) if e.class == ErrorClass::ModuleSilent => {}
            Err(e) => return Err(e),
        }
    }
    Err(Error::silent(format!(
        "the module did not answer AT after {} attempts {} apart (check power, wiring, baud rate)",
        opts.attempts,
        humantime::format_duration(opts.interval)
    )))
}

/// `+CREG: <n>,<stat>[,...]` (or `+CGREG:`) read form → stat.
pub fn reg_stat(s: &mut Session, cmd: &At, prefix: &str) -> Result<Option<u8>> {
    let r = s.run(cmd)?;
    if !r.is_ok() {
        return Ok(None);
    }
    Ok(r.value(prefix)
        .and_then(|v| v.split(',').nth(1))
        .and_then(|f| f.trim().parse().ok()))
}

/// AT+CGATT?: `None` when the module answers ERROR.
pub fn gprs_attached(s: &mut Session) -> Result<Option<bool>> {
    let r = s.run(&At::GprsAttached)?;
    if !r.is_ok() {
        return Ok(None);
    }
    Ok(r.value("+CGATT:").map(|v| v.trim() == "1"))
}

/// Registration (CS, and EPS where the family has LTE) and GPRS attach as last read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NetworkState {
    /// The `<stat>` of +CREG.
    pub cs_registration: Option<u8>,
    /// The `<stat>` of +CEREG (ctx family: LTE-M/NB-IoT attach is reported there, not only in
    /// +CREG [STD; research §1.2]); not read on the QI family.
    pub eps_registration: Option<u8>,
    pub gprs_attached: bool,
}

impl NetworkState {
    pub fn registered(&self) -> bool {
        let home_or_roaming = |r: Option<u8>| matches!(r, Some(1) | Some(5));
        home_or_roaming(self.cs_registration) || home_or_roaming(self.eps_registration)
    }
    /// What a module needs before QIOPEN can activate the context by itself.
    pub fn ready(&self) -> bool {
        self.registered() && self.gprs_attached
    }
}

pub fn network_state(s: &mut Session) -> Result<NetworkState> {
    let cs_registration = reg_stat(s, &At::CsRegistration, "+CREG:")?;
    let eps_registration =
        if s.family().has_eps_registration() && !matches!(cs_registration, Some(1) | Some(5)) {
            reg_stat(s, &At::EpsRegistration, "+CEREG:")?
        } else {
            None
        };
    let gprs_attached = gprs_attached(s)?.unwrap_or(false);
    Ok(NetworkState {
        cs_registration,
        eps_registration,
        gprs_attached,
    })
}

/// Wait until the module is registered and GPRS attached, asking every `interval` (URCs that
/// arrive meanwhile are kept), until `timeout`. A failure ([`ErrorClass::Network`]) carries the
/// state at the deadline.
pub fn await_network(s: &mut Session, timeout: Duration, interval: Duration) -> Reported<NetworkState> {
    let deadline = s.now() + timeout;
    let mut announced = false;
    loop {
        let st = network_state(s)?;
        if st.ready() {
            if announced {
                s.waiting(None);
            }
            return Ok(st);
        }
        if !announced {
            // Not there yet: tell the user what is awaited (a spinner on a terminal).
            announced = true;
            s.waiting(Some(&crate::progress::Waiting {
                wait: crate::progress::Wait::Network,
                timeout,
            }));
        }
        if s.now() >= deadline {
            let within = humantime::format_duration(timeout);
            let msg = if st.registered() {
                format!("GPRS not attached within {within}")
            } else {
                let text = crate::proc::probe::registration(st.cs_registration).text;
                format!("not registered within {within}: {text}")
            };
            return Err(Failed::new(Error::new(ErrorClass::Network, msg), st));
        }
        s.pump(s.now() + interval)?;
    }
}

/// Close whatever the answer: cleaning up after a failure that is reported already.
pub fn close_quiet(s: &mut Session, id: Option<u8>) {
    let f = s.family();
    f.close_quiet(s, id);
}

/// Why a stream (send, recv, transparent, sack-watch) stopped. The names are the `reason` of
/// the JSON reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// `recv --bytes` reached.
    Bytes,
    /// `recv --idle`: no data for that long.
    Idle,
    /// `recv --timeout` ran out.
    Timeout,
    /// The input ended (transparent; `linger` passed).
    Eof,
    /// `transparent --duration` passed.
    Duration,
    /// The peer closed the connection (`CLOSED`, or the module reported the socket gone).
    Closed,
    /// The network deactivated the context (`+PDP DEACT`).
    PdpDeact,
    /// The module rebooted (`RDY`): the connection is gone.
    Rebooted,
    /// SIGINT/SIGTERM.
    Interrupted,
    /// Whoever reads our output went away (closed pipe).
    OutputClosed,
}

impl StopReason {
    /// The situation in words, for messages.
    pub fn text(self) -> &'static str {
        match self {
            StopReason::Bytes => "--bytes reached",
            StopReason::Idle => "no data for the --idle time",
            StopReason::Timeout => "--timeout ran out",
            StopReason::Eof => "end of input",
            StopReason::Duration => "--duration passed",
            StopReason::Closed => "the peer closed the connection (CLOSED)",
            StopReason::PdpDeact => "the network deactivated the context (+PDP DEACT)",
            StopReason::Rebooted => "the module rebooted (RDY)",
            StopReason::Interrupted => "interrupted",
            StopReason::OutputClosed => "the output was closed",
        }
    }
}

impl StopReason {
    /// [`StopReason::text`] in the words of a family (`w`): a ctx module's close is
    /// `+QIURC: "closed"`, not `CLOSED`.
    pub fn said(self, w: &crate::family::Words) -> String {
        match self {
            StopReason::Closed => format!("the peer closed the connection ({})", w.closed),
            StopReason::PdpDeact => format!("the network deactivated the context ({})", w.context_lost),
            StopReason::Rebooted => format!("the module rebooted ({})", w.rebooted),
            other => other.text().to_string(),
        }
    }
}

/// Whether the URC `u` ends the connection `id` (single mode: `None`).
pub fn urc_end(u: &Urc, id: Option<u8>) -> Option<StopReason> {
    crate::family::event(u).and_then(|e| crate::family::ends(e, id))
}

/// Whether a URC the session holds ends the connection `id`, and how: the URC side of
/// [`crate::family::connection_status`] (`+PDP DEACT` over a reboot over `CLOSED`, a `CLOSED`
/// checked against the socket's state). The URCs stay queued.
pub fn connection_end(s: &mut Session, id: Option<u8>) -> Option<StopReason> {
    match crate::family::connection_status(s, id, false) {
        Ok(crate::family::Status::Ended(end)) => Some(end),
        _ => None,
    }
}

/// Direct mode (the module's default receive mode) writes what the server sends to the serial
/// line between responses; without framing those bytes cannot be told from the module's
/// answers, and a server that replies with text (`OK`) broke a push (issue 18). Before a
/// connection is opened or data sent, switch the framing on where the module is in direct mode
/// without it; returns the words of what was done (for the report's `actions`).
pub fn frame_direct_mode(s: &mut Session) -> Result<Option<String>> {
    let f = s.family();
    // (ctx: direct push is always framed, `+QIURC: "recv",<id>,<len>`.)
    if f.has_contexts() || f.recv_mode(s, None)? != Some(crate::proc::attach::RecvMode::Direct) {
        return Ok(None);
    }
    let multi = f.multi(s)?;
    match f.direct_framing(s, multi, false) {
        Ok(_) => Ok(None),
        Err(e) if e.cause == Cause::UnframedDirectMode => f.direct_framing(s, multi, true),
        Err(e) => Err(e),
    }
}
