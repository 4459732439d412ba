//! Attach (recommended process, chapter 2): SIM ready, CS registration and GPRS attach with a
//! deadline, foreground context and APN, receive-mode settings; optionally activate the context
//! (QIREGAPP, QIACT, QILOCIP). Reads the current state first and does only what is missing, so
//! running it twice is harmless.

use crate::command::At;
use crate::error::{Reported, Result};
use crate::proc::common::await_network;
use crate::proc::probe::{await_sim_ready, SimWaiting};
use crate::session::Session;
use crate::validate;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RecvMode {
    /// Data waits in the module (QINDI=1) and is read with AT+QIRD: the right mode for scripts.
    Retrieve,
    /// Data is pushed to the serial port as it arrives (QINDI=0).
    Direct,
}

/// The authentication of a context (ctx `AT+QICSGP`'s `<authentication>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Auth {
    None,
    Pap,
    Chap,
    PapOrChap,
}

impl Auth {
    /// The module's number for it [CODE MB-BG96; INF values, research §1.3].
    pub fn code(self) -> u8 {
        match self {
            Auth::None => 0,
            Auth::Pap => 1,
            Auth::Chap => 2,
            Auth::PapOrChap => 3,
        }
    }
}

#[derive(Debug, Clone)]
pub struct AttachOptions {
    pub apn: String,
    pub user: String,
    pub password: String,
    pub register_timeout: Duration,
    /// How long a SIM that is still starting (busy, not ready) is waited for.
    pub sim_timeout: Duration,
    pub recv: Option<RecvMode>,
    pub headers: bool,
    pub activate: bool,
    /// The context's authentication; `None`: the family's default for the credentials given.
    pub auth: Option<Auth>,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct AttachReport {
    pub sim: String,
    pub cs_registration: Option<u8>,
    pub gprs_attached: bool,
    pub apn: String,
    /// The context configured (ctx: `--context`); null on a family with one context.
    pub context_id: Option<u8>,
    /// The receive mode set; null when none was asked for, or when it is each socket's (ctx:
    /// `note` says so).
    pub recv_mode: Option<RecvMode>,
    pub headers: bool,
    pub ip_state: String,
    pub local_ip: Option<String>,
    /// What this run changed (empty when everything was already in place).
    pub actions: Vec<String>,
    /// What an option did not do (ctx: `--recv` is the access mode chosen at connect).
    pub note: Option<String>,
}

/// How far a failed attach got: the SIM state it saw, and the registration at the deadline.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct AttachProgress {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sim: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cs_registration: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gprs_attached: Option<bool>,
}

pub fn validate(opts: &AttachOptions) -> Result<()> {
    validate::apn(&opts.apn)?;
    validate::user(&opts.user)?;
    validate::password(&opts.password)
}

/// Attach a synchronised module (the caller opened the session synchronised).
pub fn attach(
    s: &mut Session,
    opts: &AttachOptions,
    progress: &mut dyn FnMut(&SimWaiting),
) -> Reported<AttachReport, AttachProgress> {
    validate(opts)?;
    let f = s.family();
    if opts.auth.is_some() && !f.has_auth() {
        return Err(crate::family::not_supported(f.name(), "choice of authentication (--auth)").into());
    }
    // Numeric +CME ERROR codes tell "no SIM" from "SIM PIN"; the setting is volatile.
    let _ = s.run(&At::NumericErrors)?;
    let mut rep = AttachReport {
        apn: opts.apn.clone(),
        headers: opts.headers,
        context_id: f.has_contexts().then(|| s.context_id()),
        ..Default::default()
    };

    // Right after power-on the SIM is busy for a few seconds: wait for it (up to sim_timeout).
    rep.sim = await_sim_ready(s, opts.sim_timeout, progress).map_err(|f| {
        f.map(|sim| AttachProgress {
            sim: Some(sim),
            ..Default::default()
        })
    })?;

    let net = await_network(s, opts.register_timeout, Duration::from_millis(500)).map_err(|f| {
        f.map(|st| AttachProgress {
            sim: None,
            cs_registration: st.cs_registration,
            gprs_attached: Some(st.gprs_attached),
        })
    })?;
    rep.cs_registration = net.cs_registration;
    rep.gprs_attached = net.gprs_attached;

    f.configure_context(s, &opts.apn, &opts.user, &opts.password, opts.auth)?;

    if let Some(mode) = opts.recv {
        if f.recv_mode_is_per_socket() {
            // Nothing is kept in the module: each socket's access mode is chosen at its open
            // (research §6.2); the setting lasts for the sockets this run opens (push).
            f.set_recv_mode(s, mode)?;
            rep.note = Some(format!(
                "--recv {}: the receive mode is each socket's, chosen when it opens: pass --recv to qtcp connect",
                match mode {
                    RecvMode::Retrieve => "retrieve",
                    RecvMode::Direct => "direct",
                }
            ));
        } else {
            if let Some(done) = f.set_recv_mode(s, mode)? {
                rep.actions.push(done);
            }
            rep.recv_mode = Some(mode);
        }
    }
    if opts.headers {
        f.direct_framing(s, false, true)?;
        rep.actions.push("headers on".into());
    }

    let mut st = f.context(s)?;
    if opts.activate {
        rep.local_ip = Some(f.activate(s, &st, &mut rep.actions)?);
        st = f.context(s)?;
    } else if st.active {
        // Reporting the address is free when the context is already up.
        rep.local_ip = f.local_ip(s).ok();
    }
    rep.ip_state = st.ip_state;
    Ok(rep)
}
