//! Open a TCP or UDP connection (recommended process, chapter 3), from whatever state the module
//! is in, handling every outcome the document lists and leaving the module clean on failure.
//! The steps are the module family's ([`crate::family::Family::open`]); the outcomes mean the
//! same on every family.

use crate::error::{Cause, Error, ErrorClass, Result};
use crate::family::Opened;
use crate::proc::common::{await_network, frame_direct_mode};
use crate::session::Session;
use crate::tokenizer::Urc;
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
    /// Deadline for the open's result; `None`: the family's own limit
    /// ([`crate::family::Family::open_timeout`]: QI 75 s, ctx 150 s).
    pub timeout: Option<Duration>,
    /// Transparent mode: expect `CONNECT` instead of `CONNECT OK`.
    pub transparent: bool,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ConnectReport {
    pub host: String,
    pub remote_port: u16,
    pub protocol: &'static str,
    pub id: Option<u8>,
    /// Multi-connection mode (QIMUX); null on ctx, where every socket is numbered.
    pub mux: Option<bool>,
    /// The context the socket uses (ctx); null on a family with one context.
    pub context_id: Option<u8>,
    /// The socket's access mode (ctx: 0 buffer, 1 direct push, 2 transparent); null on a
    /// family where the receive mode is the module's, not the socket's.
    pub access_mode: Option<u8>,
    pub reused: bool,
    pub state_before: String,
    /// What was done to bring the module to a state QIOPEN accepts.
    pub actions: Vec<String>,
}

impl ConnectOptions {
    /// How long the open's result is waited for on the family `f`.
    pub fn wait(&self, f: &dyn crate::family::Family) -> Duration {
        self.timeout.unwrap_or_else(|| f.open_timeout())
    }
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

/// Open the connection `o` describes: the family's open ([`crate::family::Family::open`]), its
/// outcome made a report or an error (class 8 for a refusal, no answer, or a connection already
/// open without `--reuse`). A module that refuses for want of the network is waited for (at most
/// [`ATTACH_WAIT`]) and tried once more.
pub fn connect(s: &mut Session, o: &ConnectOptions) -> Result<ConnectReport> {
    let f = s.family();
    // Framed before the connection can push a byte (issue 18); transparent mode has no framing.
    let framed = if o.transparent {
        None
    } else {
        frame_direct_mode(s)?
    };
    let mut rep = report(o);
    rep.actions.extend(framed.clone());
    if attempt(s, o, &mut rep, true)? {
        return Ok(rep);
    }
    await_network(s, ATTACH_WAIT, Duration::from_millis(500)).map_err(|f| {
        Error::new(
            f.error.class,
            format!("QIOPEN refused in IP INITIAL: {}", f.error.message),
        )
    })?;
    let mut done: Vec<String> = framed.into_iter().collect();
    done.push("waited for GPRS attach".to_string());
    f.activate_for_open(s, &mut done)?;
    let mut rep = report(o);
    if attempt(s, o, &mut rep, false)? {
        rep.actions.splice(0..0, done);
        return Ok(rep);
    }
    // (Not asked for on the one retry: a refusal then is a connect error.)
    Err(Error::new(
        ErrorClass::Connect,
        "QIOPEN refused in IP INITIAL again after GPRS attach",
    ))
}

/// A restart the module announced before a new connection was opened did not end it: forget
/// it, so the send or receive on that connection is not taken for lost. A ctx module ends its
/// boot with `APP RDY` well after `RDY` [CODE TG-BG96 restartImpl], so a command run just after
/// a reset (the next push of a script) sees it arrive while it opens its connection.
fn forget_earlier_restart(s: &mut Session) {
    s.clear_rebooted();
    while s.take_urc(|u| matches!(u, Urc::Rdy | Urc::AppRdy)).is_some() {}
}

fn report(o: &ConnectOptions) -> ConnectReport {
    ConnectReport {
        host: o.dest.host.clone(),
        remote_port: o.dest.port,
        protocol: proto(o),
        id: o.id,
        ..Default::default()
    }
}

/// One open; false when the module refused for want of the network and `may_wait`.
fn attempt(s: &mut Session, o: &ConnectOptions, rep: &mut ConnectReport, may_wait: bool) -> Result<bool> {
    let f = s.family();
    match f.open(s, o, rep, may_wait)? {
        Opened::Opened => {
            forget_earlier_restart(s);
            Ok(true)
        }
        Opened::AlreadyOpen if o.reuse => {
            rep.reused = true;
            Ok(true)
        }
        Opened::AlreadyOpen => Err(already_connected(f.words())),
        Opened::Refused {
            module_code: Some(code),
            module_text,
            message,
        } => Err(Error::new(
            crate::family::module_code_class(code, ErrorClass::Connect),
            message,
        )
        .with_module_text(module_text)
        .with_module_code(Some(code))),
        Opened::Refused { message, .. } => Err(Error::new(ErrorClass::Connect, message)),
        Opened::NoAnswer => Err(Error::new(
            ErrorClass::Connect,
            format!(
                "no {} from {} within {}",
                f.open_result_words(),
                o.dest,
                humantime::format_duration(o.wait(f))
            ),
        )),
        Opened::NotAttached => Ok(false),
    }
}

fn already_connected(w: &crate::family::Words) -> Error {
    Error::new(
        ErrorClass::Connect,
        format!("{}: a connection is open", w.already_open),
    )
    .with_cause(Cause::AlreadyConnected)
}
