//! Open a TCP or UDP connection (recommended process, chapter 3), from whatever state the module
//! is in, handling every outcome the document lists and leaving the module clean on failure.

use crate::command::At;
use crate::error::{Cause, Error, ErrorClass, Result};
use crate::proc::common::{await_network, close_quiet, deact, local_ip, require_mode};
use crate::proc::state::{qimux, qistat, IpState};
use crate::session::{describe, Outcome, Session};
use crate::tokenizer::QiResult;
use crate::validate::Destination;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub dest: Destination,
    pub udp: bool,
    /// Connection index for QIMUX=1.
    pub id: Option<u8>,
    /// ALREADY CONNECT counts as success.
    pub reuse: bool,
    /// Deadline for CONNECT OK (the module's own limit is 75 s).
    pub timeout: Duration,
    /// Transparent mode: expect `CONNECT` instead of `CONNECT OK`.
    pub transparent: bool,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ConnectReport {
    pub host: String,
    pub remote_port: u16,
    pub protocol: &'static str,
    pub id: Option<u8>,
    pub mux: bool,
    pub reused: bool,
    pub state_before: String,
    /// What was done to bring the module to a state QIOPEN accepts.
    pub actions: Vec<String>,
}

fn proto(o: &ConnectOptions) -> &'static str {
    if o.udp {
        "UDP"
    } else {
        "TCP"
    }
}

/// How long `connect` waits for GPRS attach when the module refuses QIOPEN for want of it (a
/// module that has just rebooted attaches within seconds).
pub const ATTACH_WAIT: Duration = Duration::from_secs(30);

/// How one QIOPEN attempt ended, when it did not fail.
enum Attempt {
    Opened(ConnectReport),
    /// QIOPEN refused in IP INITIAL: a module that has just booted refuses it until it is
    /// registered and GPRS attached; worth waiting for that and trying once more.
    RefusedBeforeAttach,
}

pub fn connect(s: &mut Session, o: &ConnectOptions) -> Result<ConnectReport> {
    match connect_once(s, o, true)? {
        Attempt::Opened(rep) => Ok(rep),
        Attempt::RefusedBeforeAttach => {
            await_network(s, ATTACH_WAIT, Duration::from_millis(500)).map_err(|f| {
                Error::new(
                    f.error.class,
                    format!("QIOPEN refused in IP INITIAL: {}", f.error.message),
                )
            })?;
            // Firmware that does not activate the context implicitly on QIOPEN (some M66 and
            // MC60 builds [INF]; sim --no-implicit-activation) keeps refusing it in IP INITIAL:
            // bring the context up explicitly, as the recommended process does (QIREGAPP, QIACT).
            let mut done = vec!["waited for GPRS attach".to_string()];
            let st = qistat(s)?;
            if st.state == IpState::IpInitial {
                crate::proc::attach::activate(s, st.state, &mut done)?;
            }
            match connect_once(s, o, false)? {
                Attempt::Opened(mut rep) => {
                    rep.actions.splice(0..0, done);
                    Ok(rep)
                }
                // (Not asked for on the one retry: a refusal then is a connect error.)
                Attempt::RefusedBeforeAttach => Err(Error::new(
                    ErrorClass::Connect,
                    "QIOPEN refused in IP INITIAL again after GPRS attach",
                )),
            }
        }
    }
}

/// One QIOPEN from whatever state the module is in; `may_wait_for_attach`: a refusal in IP
/// INITIAL is [`Attempt::RefusedBeforeAttach`] (else a connect error).
fn connect_once(s: &mut Session, o: &ConnectOptions, may_wait_for_attach: bool) -> Result<Attempt> {
    let mux = require_mode(s, o.id)?;
    let mut rep = ConnectReport {
        host: o.dest.host.clone(),
        remote_port: o.dest.port,
        protocol: proto(o),
        id: o.id,
        mux,
        ..Default::default()
    };
    let st = qistat(s)?;
    rep.state_before = st.text.clone();
    if !mux {
        prepare_single(s, st.state, o, &mut rep)?;
        if rep.reused {
            return Ok(Attempt::Opened(rep));
        }
    }
    s.run_ok(&At::ConnectByName(!o.dest.is_ip), ErrorClass::Protocol)?;
    let open = At::Open {
        id: o.id,
        udp: o.udp,
        host: &o.dest.host,
        port: o.dest.port,
    };
    let cmd = s.line(&open);
    // --timeout replaces the table's 75 s (the module's own limit).
    let r = match s.run_within(&open, o.timeout + crate::session::SLACK) {
        Ok(r) => r,
        Err(e) if e.class == ErrorClass::ModuleSilent && !s.rebooted() => {
            // No answer within the deadline: treat as CONNECT FAIL and clean up the same way.
            cleanup_failed(s, mux, o.id, &mut rep);
            return Err(Error::new(
                ErrorClass::Connect,
                format!(
                    "no CONNECT OK from {} within {}",
                    o.dest,
                    humantime::format_duration(o.timeout)
                ),
            ));
        }
        Err(e) => return Err(e),
    };
    match r.outcome() {
        Outcome::Qi {
            result: QiResult::ConnectOk,
            ..
        } if !o.transparent => Ok(Attempt::Opened(rep)),
        Outcome::Qi {
            result: QiResult::Connect,
            ..
        } if o.transparent => Ok(Attempt::Opened(rep)),
        Outcome::Qi {
            result: QiResult::ConnectOk | QiResult::Connect,
            ..
        } => Err(Error::protocol(format!(
            "{cmd}: unexpected {} (is QIMODE set as expected?)",
            describe(r.outcome())
        ))),
        Outcome::Qi {
            result: QiResult::AlreadyConnect,
            ..
        } => already(o, rep).map(Attempt::Opened),
        Outcome::Qi {
            result: QiResult::ConnectFail,
            ..
        } => {
            cleanup_failed(s, mux, o.id, &mut rep);
            let why = if o.dest.is_ip {
                "connection refused or timed out"
            } else {
                "DNS failure, refused or timed out"
            };
            Err(Error::new(
                ErrorClass::Connect,
                format!("CONNECT FAIL to {} ({why})", o.dest),
            ))
        }
        Outcome::Error if r.saw_ok => {
            // OK then ERROR: some firmware reports a failed name lookup this way.
            cleanup_failed(s, mux, o.id, &mut rep);
            Err(Error::new(
                ErrorClass::Connect,
                format!("connect to {} failed (OK then ERROR: DNS failure?)", o.dest),
            ))
        }
        Outcome::Error => {
            // Chapter 3: check QIMUX and QISTAT and say which one was wrong.
            let st = qistat(s).map(|st| st.text).unwrap_or_default();
            if st == "IP INITIAL" && may_wait_for_attach {
                // A module that has just booted refuses QIOPEN until it is registered and GPRS
                // is attached (which may have happened by the time we ask): wait for that, then
                // try once more.
                return Ok(Attempt::RefusedBeforeAttach);
            }
            let why = if qimux(s).unwrap_or(false) != mux {
                "the multi-connection setting (QIMUX) changed under us".to_string()
            } else {
                format!("the module refused AT+QIOPEN in state {st:?}")
            };
            Err(Error::new(
                ErrorClass::Connect,
                format!("connect to {} failed: {why}", o.dest),
            ))
        }
        other => Err(Error::protocol(format!("{cmd}: unexpected {}", describe(other)))),
    }
}

fn already(o: &ConnectOptions, mut rep: ConnectReport) -> Result<ConnectReport> {
    if o.reuse {
        rep.reused = true;
        Ok(rep)
    } else {
        Err(already_connected())
    }
}

fn already_connected() -> Error {
    Error::new(ErrorClass::Connect, "ALREADY CONNECT: a connection is open")
        .with_cause(Cause::AlreadyConnected)
}

/// Single mode: bring the module to IP INITIAL / IP STATUS / IP CLOSE, the states QIOPEN accepts.
fn prepare_single(
    s: &mut Session,
    state: IpState,
    o: &ConnectOptions,
    rep: &mut ConnectReport,
) -> Result<()> {
    match state {
        IpState::IpInitial | IpState::IpStatus | IpState::IpClose => Ok(()),
        IpState::IpGprsact => {
            local_ip(s)?;
            rep.actions.push("QILOCIP".into());
            Ok(())
        }
        IpState::ConnectOk => {
            if o.reuse {
                rep.reused = true;
                Ok(())
            } else {
                Err(already_connected())
            }
        }
        IpState::Connecting => {
            close_quiet(s, None);
            rep.actions.push("QICLOSE (a connect was pending)".into());
            Ok(())
        }
        IpState::IpStart | IpState::IpConfig | IpState::IpInd | IpState::PdpDeact | IpState::Other => {
            deact(s)?;
            rep.actions.push(format!("QIDEACT (state was {:?})", state));
            Ok(())
        }
    }
}

/// After CONNECT FAIL or a timeout (chapter 3): QICLOSE if still connecting (the context stays
/// up), otherwise QIDEACT; either way the next command finds a state it can work from.
fn cleanup_failed(s: &mut Session, mux: bool, id: Option<u8>, rep: &mut ConnectReport) {
    if mux {
        close_quiet(s, id);
        return;
    }
    match qistat(s).map(|st| st.state) {
        Ok(IpState::Connecting) => {
            close_quiet(s, None);
            rep.actions.push("QICLOSE".into());
        }
        Ok(IpState::IpClose) | Ok(IpState::IpInitial) => {}
        _ => {
            let _ = deact(s);
            rep.actions.push("QIDEACT".into());
        }
    }
}
