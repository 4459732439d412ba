//! Attach (recommended process, chapter 2): SIM ready, CS registration and GPRS attach with a
//! deadline, foreground context and APN, receive-mode settings; optionally activate the context
//! (QIREGAPP, QIACT, QILOCIP). Reads the current state first and does only what is missing, so
//! running it twice is harmless.

use crate::command::At;
use crate::error::{Error, ErrorClass, Failed, Reported, Result};
use crate::proc::common::{await_network, deact, headers_on, local_ip};
use crate::proc::probe::{await_sim_ready, SimWaiting};
use crate::proc::state::{qistat, IpState};
use crate::session::{describe, Session};
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
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct AttachReport {
    pub sim: String,
    pub cs_registration: Option<u8>,
    pub gprs_attached: bool,
    pub apn: String,
    pub recv_mode: Option<RecvMode>,
    pub headers: bool,
    pub ip_state: String,
    pub local_ip: Option<String>,
    /// What this run changed (empty when everything was already in place).
    pub actions: Vec<String>,
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
    // Numeric +CME ERROR codes tell "no SIM" from "SIM PIN"; the setting is volatile.
    let _ = s.run(&At::NumericErrors)?;
    let mut rep = AttachReport {
        apn: opts.apn.clone(),
        headers: opts.headers,
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

    s.run_ok(&At::ForegroundContext, ErrorClass::Protocol)?;
    let apn = At::Apn {
        apn: &opts.apn,
        user: &opts.user,
        password: &opts.password,
    };
    // With echo on, the module would send the password back: switch echo off around it.
    let echo_off = !opts.password.is_empty() && s.echo_seen();
    if echo_off {
        s.run_ok(&At::Echo(false), ErrorClass::Protocol)?;
    }
    let r = s.run(&apn);
    if echo_off {
        s.run_ok(&At::Echo(true), ErrorClass::Protocol)?;
    }
    let r = r?;
    if !r.is_ok() {
        return Err(Failed::from(Error::new(
            ErrorClass::PdpContext,
            format!("AT+QICSGP: the module answered {}", describe(r.outcome())),
        )));
    }

    if let Some(mode) = opts.recv {
        let want = if mode == RecvMode::Retrieve { 1 } else { 0 };
        let cur = s.run(&At::RecvIndication)?;
        if cur.value("+QINDI:") != Some(&want.to_string()) {
            s.run_ok(&At::SetRecvIndication(want), ErrorClass::Protocol)?;
            rep.actions.push(format!("QINDI={want}"));
        }
        rep.recv_mode = Some(mode);
    }
    if opts.headers {
        headers_on(s)?;
        rep.actions.push("headers on".into());
    }

    let mut st = qistat(s)?;
    if opts.activate {
        if st.state == IpState::PdpDeact {
            deact(s)?;
            rep.actions.push("QIDEACT (context was lost)".into());
            st = qistat(s)?;
        }
        rep.local_ip = Some(activate(s, st.state, &mut rep.actions)?);
        st = qistat(s)?;
    } else if st.state.context_active() {
        // Reporting the address is free when the context is already up.
        rep.local_ip = local_ip(s).ok();
    }
    rep.ip_state = st.text;
    Ok(rep)
}

/// Bring the context up from `state`: QIREGAPP, QIACT (150 s), QILOCIP. Returns the local IP.
pub fn activate(s: &mut Session, state: IpState, actions: &mut Vec<String>) -> Result<String> {
    let mut state = state;
    if state == IpState::IpInitial {
        s.run_ok(&At::RegisterApp, ErrorClass::PdpContext)?;
        actions.push("QIREGAPP".into());
        state = IpState::IpStart;
    }
    if matches!(state, IpState::IpConfig | IpState::IpInd) {
        // Activation already under way (another process started it): wait for it to finish.
        let deadline = s.now() + s.deadline(&At::Activate);
        while matches!(state, IpState::IpConfig | IpState::IpInd) && s.now() < deadline {
            s.pump(s.now() + Duration::from_millis(500))?;
            state = qistat(s)?.state;
        }
    }
    if state == IpState::IpStart {
        let r = s.run(&At::Activate)?;
        if !r.is_ok() {
            // Every driver deactivates after a failed activation before retrying.
            let _ = deact(s);
            return Err(Error::new(
                ErrorClass::PdpContext,
                format!(
                    "context activation failed: AT+QIACT answered {}",
                    describe(r.outcome())
                ),
            ));
        }
        actions.push("QIACT".into());
    }
    local_ip(s)
}
