//! The QI family (M95, M66, MC60, M26, M35...): one context, `AT+QIOPEN="TCP",...`, `+QIRDI`,
//! single- (`QIMUX=0`) or multi-connection mode. The steps of the recommended process
//! (../shared/spec/recommended-process.txt) as this family does them, behind [`Family`].

use super::{
    Acked, Closed, ContextStatus, DataMode, Family, Opened, ReadOutcome, Sent, SocketState, SocketStatus,
};
use crate::command::{At, Dialect, QI};
use crate::error::{Cause, Error, ErrorClass, Result};
use crate::proc::attach::RecvMode;
use crate::proc::connect::{ConnectOptions, ConnectReport};
use crate::proc::state::{qimux, qisack, qistat, IpState};
use crate::proc::transparent::{TransparentOptions, TransparentReport};
use crate::session::{describe, Outcome, Session};
use crate::tokenizer::QiResult;
use std::time::Duration;

/// The QI family.
pub struct QiFamily;

/// The QI family, the default of every session.
pub static QI_FAMILY: QiFamily = QiFamily;

impl Family for QiFamily {
    fn name(&self) -> &'static str {
        "qi"
    }

    fn dialect(&self) -> &'static dyn Dialect {
        &QI
    }

    /// Connections 0-5 in multi-connection mode [spec].
    fn max_socket(&self) -> u8 {
        5
    }

    /// `CONNECT OK`/`CONNECT FAIL` within 75 s [spec].
    fn open_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(75)
    }

    fn open_result_words(&self) -> &'static str {
        "CONNECT OK"
    }

    fn check_id(&self, s: &mut Session, id: Option<u8>) -> Result<bool> {
        let mux = qimux(s)?;
        match (mux, id) {
            (true, None) => Err(Error::usage("the module is in multi-connection mode (QIMUX=1)")
                .with_cause(Cause::ModeMismatch { mux: true })),
            (false, Some(_)) => Err(Error::usage("the module is in single-connection mode (QIMUX=0)")
                .with_cause(Cause::ModeMismatch { mux: false })),
            _ => Ok(mux),
        }
    }

    fn multi(&self, s: &mut Session) -> Result<bool> {
        qimux(s)
    }

    fn context(&self, s: &mut Session) -> Result<ContextStatus> {
        let st = qistat(s)?;
        Ok(ContextStatus {
            active: st.state.context_active(),
            local_ip: None,
            ip_state: st.text,
        })
    }

    fn activate(&self, s: &mut Session, from: &ContextStatus, actions: &mut Vec<String>) -> Result<String> {
        let mut state = IpState::parse(&from.ip_state);
        if state == IpState::PdpDeact {
            self.deactivate(s)?;
            actions.push("QIDEACT (context was lost)".into());
            state = qistat(s)?.state;
        }
        activate_from(s, state, actions)
    }

    fn activate_for_open(&self, s: &mut Session, actions: &mut Vec<String>) -> Result<()> {
        // Firmware that does not activate the context implicitly on QIOPEN (some M66 and MC60
        // builds [INF]; sim --no-implicit-activation) keeps refusing it in IP INITIAL: bring the
        // context up explicitly, as the recommended process does (QIREGAPP, QIACT).
        let st = qistat(s)?;
        if st.state == IpState::IpInitial {
            activate_from(s, st.state, actions)?;
        }
        Ok(())
    }

    /// AT+QIDEACT (40 s): `DEACT OK`.
    fn deactivate(&self, s: &mut Session) -> Result<()> {
        let r = s.run(&At::Deactivate)?;
        match r.outcome() {
            Outcome::Qi {
                result: QiResult::DeactOk,
                ..
            } => Ok(()),
            o => Err(Error::new(
                ErrorClass::PdpContext,
                format!("AT+QIDEACT answered {}", describe(o)),
            )),
        }
    }

    /// AT+QILOCIP: the local address (one line, no `OK`).
    fn local_ip(&self, s: &mut Session) -> Result<String> {
        let r = s.run(&At::LocalIp)?;
        match r.outcome() {
            Outcome::Line(ip) => Ok(ip.trim().to_string()),
            o => Err(Error::new(
                ErrorClass::PdpContext,
                format!("AT+QILOCIP answered {}", describe(o)),
            )),
        }
    }

    /// The foreground context (QIFGCNT=0) and its APN (QICSGP=1,...).
    fn configure_context(
        &self,
        s: &mut Session,
        apn: &str,
        user: &str,
        password: &str,
        _auth: Option<crate::proc::attach::Auth>,
    ) -> Result<()> {
        s.run_ok(&At::ForegroundContext, ErrorClass::Protocol)?;
        let apn = At::Apn { apn, user, password };
        super::set_apn_quietly(s, &apn, password)
    }

    /// One QIOPEN from whatever state the module is in (chapter 3).
    fn open(
        &self,
        s: &mut Session,
        o: &ConnectOptions,
        rep: &mut ConnectReport,
        may_wait: bool,
    ) -> Result<Opened> {
        let mux = self.check_id(s, o.id)?;
        rep.mux = Some(mux);
        let st = qistat(s)?;
        rep.state_before = st.text.clone();
        if !mux && prepare_single(self, s, st.state, rep)? {
            return Ok(Opened::AlreadyOpen);
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
        let r = match s.run_within(&open, o.wait(self) + crate::session::SLACK) {
            Ok(r) => r,
            Err(e) if e.class == ErrorClass::ModuleSilent && !s.rebooted() => {
                // No answer within the deadline: treat as CONNECT FAIL and clean up the same way.
                cleanup_failed(self, s, mux, o.id, rep);
                return Ok(Opened::NoAnswer);
            }
            Err(e) => return Err(e),
        };
        let refused = |message: String| Opened::Refused {
            module_code: None,
            module_text: None,
            message,
        };
        match r.outcome() {
            Outcome::Qi {
                result: QiResult::ConnectOk,
                ..
            } if !o.transparent => Ok(Opened::Opened),
            Outcome::Qi {
                result: QiResult::Connect,
                ..
            } if o.transparent => Ok(Opened::Opened),
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
            } => Ok(Opened::AlreadyOpen),
            Outcome::Qi {
                result: QiResult::ConnectFail,
                ..
            } => {
                cleanup_failed(self, s, mux, o.id, rep);
                let why = if o.dest.is_ip {
                    "connection refused or timed out"
                } else {
                    "DNS failure, refused or timed out"
                };
                Ok(refused(format!("CONNECT FAIL to {} ({why})", o.dest)))
            }
            Outcome::Error if r.saw_ok => {
                // OK then ERROR: some firmware reports a failed name lookup this way.
                cleanup_failed(self, s, mux, o.id, rep);
                Ok(refused(format!(
                    "connect to {} failed (OK then ERROR: DNS failure?)",
                    o.dest
                )))
            }
            Outcome::Error => {
                // Chapter 3: check QIMUX and QISTAT and say which one was wrong.
                let st = qistat(s).map(|st| st.text).unwrap_or_default();
                if st == "IP INITIAL" && may_wait {
                    // A module that has just booted refuses QIOPEN until it is registered and
                    // GPRS is attached (which may have happened by the time we ask).
                    return Ok(Opened::NotAttached);
                }
                let why = if qimux(s).unwrap_or(false) != mux {
                    "the multi-connection setting (QIMUX) changed under us".to_string()
                } else {
                    format!("the module refused AT+QIOPEN in state {st:?}")
                };
                Ok(refused(format!("connect to {} failed: {why}", o.dest)))
            }
            other => Err(Error::protocol(format!("{cmd}: unexpected {}", describe(other)))),
        }
    }

    /// Single mode only: QISTAT's `STATE:` (multi-connection mode has no single reading of a
    /// socket's state).
    fn socket_state(&self, s: &mut Session, id: Option<u8>) -> Result<Option<SocketStatus>> {
        if id.is_some() {
            return Ok(None);
        }
        let st = qistat(s)?;
        let state = match st.state {
            IpState::IpInitial
            | IpState::IpStart
            | IpState::IpConfig
            | IpState::IpInd
            | IpState::IpGprsact
            | IpState::IpStatus => SocketState::NotOpen,
            IpState::Connecting => SocketState::Opening,
            IpState::ConnectOk => SocketState::Connected,
            IpState::IpClose => SocketState::PeerClosed,
            IpState::PdpDeact => SocketState::ContextLost,
            IpState::Other => SocketState::Other,
        };
        Ok(Some(SocketStatus { state, text: st.text }))
    }

    fn closed_may_hide_context_loss(&self, id: Option<u8>) -> bool {
        // In single mode `CLOSED` comes before `+PDP DEACT` when the context goes; QISTAT says
        // `PDP DEACT` then.
        id.is_none()
    }

    fn prepare_send(&self, s: &mut Session) -> Result<bool> {
        // Payload echo would come back with ATE1 and QISDE=1: switch it off; if the firmware
        // does not know QISDE, take the echo by count instead.
        let r = s.run(&At::PayloadEcho(false))?;
        Ok(!r.is_ok() && s.echo_seen())
    }

    /// One QISEND: command, prompt, exactly the chunk, SEND OK.
    fn send_chunk(&self, s: &mut Session, id: Option<u8>, chunk: &[u8], echoed: bool) -> Result<Sent> {
        let cmd = At::Send { id, len: chunk.len() };
        // From the command on, the module may count bytes: prompt and data are never interrupted.
        s.hold_interrupt(true);
        let r = qisend_phases(s, &cmd, chunk, echoed);
        s.hold_interrupt(false);
        r
    }

    /// AT+QISACK (`=<i>` in mux mode).
    fn acknowledged(&self, s: &mut Session, id: Option<u8>) -> Result<Acked> {
        Ok(match qisack(s, id)? {
            Some(sack) => Acked::Counters(sack),
            None => Acked::NoSocket,
        })
    }

    /// AT+QIRD=0,1,<sid>,<len>: `+QIRD:` records then `OK`; a bare `OK` when nothing is
    /// buffered; `ERROR` when the socket is drained and gone.
    fn read(&self, s: &mut Session, id: Option<u8>, len: usize) -> Result<ReadOutcome> {
        let cmd = At::Read {
            sid: id.unwrap_or(0),
            len,
        };
        let r = s.run(&cmd)?;
        match r.outcome() {
            Outcome::Ok if r.payloads.is_empty() => Ok(ReadOutcome::Empty),
            Outcome::Ok => Ok(ReadOutcome::Data(r.payloads)),
            Outcome::Error => Ok(ReadOutcome::Gone(r.payloads)),
            o => Err(Error::protocol(format!(
                "{}: unexpected {}",
                s.line(&cmd),
                describe(o)
            ))),
        }
    }

    fn close(&self, s: &mut Session, id: Option<u8>) -> Result<Closed> {
        let cmd = At::Close(id);
        let r = s.run(&cmd)?;
        let line = s.line(&cmd);
        match r.outcome() {
            Outcome::Qi {
                result: QiResult::CloseOk,
                ..
            } => Ok(Closed::Closed),
            Outcome::Error => Ok(Closed::Refused {
                command: line,
                answer: "ERROR".into(),
            }),
            o => Err(Error::protocol(format!("{line}: unexpected {}", describe(o)))),
        }
    }

    fn close_quiet(&self, s: &mut Session, id: Option<u8>) {
        let _ = s.run(&At::Close(id));
    }

    fn ip_state(&self, s: &mut Session) -> Result<String> {
        Ok(qistat(s)?.text)
    }

    /// `AT+QINDI?`: 0 direct, 1 or 2 retrieve.
    fn recv_mode(&self, s: &mut Session, _id: Option<u8>) -> Result<Option<RecvMode>> {
        let r = s.run(&At::RecvIndication)?;
        Ok(match r.value("+QINDI:").filter(|_| r.is_ok()).map(str::trim) {
            Some("0") => Some(RecvMode::Direct),
            Some("1" | "2") => Some(RecvMode::Retrieve),
            _ => None,
        })
    }

    fn set_recv_mode(&self, s: &mut Session, mode: RecvMode) -> Result<Option<String>> {
        let want = if mode == RecvMode::Retrieve { 1 } else { 0 };
        let cur = s.run(&At::RecvIndication)?;
        if cur.value("+QINDI:") == Some(&want.to_string()) {
            return Ok(None);
        }
        s.run_ok(&At::SetRecvIndication(want), ErrorClass::Protocol)?;
        Ok(Some(format!("QINDI={want}")))
    }

    /// Single mode frames direct-mode data with `IPD<len>`, the sender's address and the
    /// protocol (QIHEAD, QISHOWRA, QISHOWPT); multi-connection mode frames it itself
    /// (`+RECEIVE`).
    fn direct_framing(&self, s: &mut Session, multi: bool, switch_on: bool) -> Result<Option<String>> {
        if multi {
            return Ok(None);
        }
        if switch_on {
            for c in [At::ShowHeader, At::ShowRemote, At::ShowProtocol] {
                s.run_ok(&c, ErrorClass::Protocol)?;
            }
            return Ok(Some("headers on (QIHEAD=1, QISHOWRA=1, QISHOWPT=1)".into()));
        }
        let r = s.run(&At::Headers)?;
        if r.value("+QIHEAD:") != Some("1") {
            return Err(Error::usage(
                "direct mode without headers: the module writes received bytes to the serial \
                 line with no framing, so they cannot be told apart from command responses and \
                 URCs",
            )
            .with_cause(Cause::UnframedDirectMode));
        }
        Ok(None)
    }

    fn enter_transparent(
        &self,
        s: &mut Session,
        o: &TransparentOptions,
        rep: &mut TransparentReport,
    ) -> Result<bool> {
        transparent_setup(self, s, o, rep)
    }

    /// QIDEACT then QIMODE=0 (QIMODE can only change in IP INITIAL). Returns whether QIMODE is 0.
    fn leave_transparent(&self, s: &mut Session, actions: &mut Vec<String>) -> bool {
        let state = qistat(s).map(|st| st.state).unwrap_or(IpState::Other);
        if state != IpState::IpInitial {
            match self.deactivate(s) {
                Ok(()) => actions.push("QIDEACT (to restore QIMODE=0)".into()),
                Err(e) => {
                    actions.push(format!("QIDEACT failed: {}", e.message));
                    return false;
                }
            }
        }
        match s.run(&At::SetTransparentMode(false)) {
            Ok(r) if r.is_ok() => {
                actions.push("QIMODE=0".into());
                true
            }
            Ok(r) => {
                actions.push(format!("QIMODE=0 answered {}", describe(r.outcome())));
                false
            }
            Err(e) => {
                actions.push(format!("QIMODE=0 failed: {}", e.message));
                false
            }
        }
    }
}

/// Bring the context up from `state`: QIREGAPP, QIACT (150 s), QILOCIP. Returns the local IP.
fn activate_from(s: &mut Session, state: IpState, actions: &mut Vec<String>) -> Result<String> {
    let f = &QI_FAMILY;
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
            let _ = f.deactivate(s);
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
    f.local_ip(s)
}

/// Single mode: bring the module to IP INITIAL / IP STATUS / IP CLOSE, the states QIOPEN
/// accepts. Returns true when a connection is open already (`CONNECT OK`).
fn prepare_single(f: &QiFamily, s: &mut Session, state: IpState, rep: &mut ConnectReport) -> Result<bool> {
    match state {
        IpState::IpInitial | IpState::IpStatus | IpState::IpClose => Ok(false),
        IpState::IpGprsact => {
            f.local_ip(s)?;
            rep.actions.push("QILOCIP".into());
            Ok(false)
        }
        IpState::ConnectOk => Ok(true),
        IpState::Connecting => {
            f.close_quiet(s, None);
            rep.actions.push("QICLOSE (a connect was pending)".into());
            Ok(false)
        }
        IpState::IpStart | IpState::IpConfig | IpState::IpInd | IpState::PdpDeact | IpState::Other => {
            f.deactivate(s)?;
            rep.actions.push(format!("QIDEACT (state was {:?})", state));
            Ok(false)
        }
    }
}

/// After CONNECT FAIL or a timeout (chapter 3): QICLOSE if still connecting (the context stays
/// up), otherwise QIDEACT; either way the next command finds a state it can work from.
fn cleanup_failed(f: &QiFamily, s: &mut Session, mux: bool, id: Option<u8>, rep: &mut ConnectReport) {
    if mux {
        f.close_quiet(s, id);
        return;
    }
    match qistat(s).map(|st| st.state) {
        Ok(IpState::Connecting) => {
            f.close_quiet(s, None);
            rep.actions.push("QICLOSE".into());
        }
        Ok(IpState::IpClose) | Ok(IpState::IpInitial) => {}
        _ => {
            let _ = f.deactivate(s);
            rep.actions.push("QIDEACT".into());
        }
    }
}

/// The command, the prompt, exactly the chunk, the result (both families answer alike).
pub(super) fn qisend_phases(s: &mut Session, cmd: &At, chunk: &[u8], echoed: bool) -> Result<Sent> {
    let r = s.run(cmd)?;
    match r.outcome() {
        Outcome::Prompt => {}
        Outcome::Error => return Ok(Sent::Refused(None)),
        o @ (Outcome::CmeError(_) | Outcome::CmsError(_)) => return Ok(Sent::Refused(Some(describe(o)))),
        o => {
            return Err(Error::protocol(format!(
                "{}: unexpected {}",
                s.line(cmd),
                describe(o)
            )))
        }
    }
    // From here the module counts bytes: the chunk is always completed, even when interrupted.
    Ok(match s.send_payload(chunk, echoed)? {
        Outcome::Qi {
            result: QiResult::SendOk,
            ..
        } => Sent::Sent,
        Outcome::Qi {
            result: QiResult::SendFail,
            ..
        } => Sent::BufferFull,
        o => Sent::DataRefused(describe(&o)),
    })
}

/// Bring the module to transparent mode and open (or resume) the connection (chapter 8):
/// QIMODE=1 is accepted only in IP INITIAL with QIMUX=0, so the context is deactivated first
/// when needed, and the report says so. Returns whether an open connection was resumed.
fn transparent_setup(
    f: &QiFamily,
    s: &mut Session,
    o: &TransparentOptions,
    rep: &mut TransparentReport,
) -> Result<bool> {
    let mux = qimux(s)?;
    let mut st = qistat(s)?;
    rep.state_before = st.text.clone();
    let qimode = s
        .run(&At::TransparentMode)?
        .value("+QIMODE:")
        .is_some_and(|v| v == "1");
    if mux {
        if st.state != IpState::IpInitial {
            f.deactivate(s)?;
            rep.actions.push(format!(
                "QIDEACT (state was {}; QIMUX can only change in IP INITIAL)",
                st.text
            ));
        }
        s.run_ok(&At::SetMux(false), ErrorClass::Protocol)?;
        rep.actions
            .push("QIMUX=0 (transparent mode needs single-connection mode)".into());
        st = qistat(s)?;
    }
    match st.state {
        IpState::ConnectOk if qimode => {
            // An earlier session left the connection open in command mode: go back to data mode.
            s.set_data_mode_on_connect(true);
            return match f.resume_data(s) {
                Ok(DataMode::Entered) => {
                    rep.actions
                        .push("ATO (resumed the open transparent connection)".into());
                    Ok(true)
                }
                Ok(DataMode::Refused(answer)) => Err(Error::new(
                    ErrorClass::Connect,
                    format!("a transparent connection is open but ATO answered {answer}"),
                )
                .with_cause(Cause::MustClose)),
                Err(e) if e.class == ErrorClass::ModuleSilent => Err(Error::new(
                    ErrorClass::Connect,
                    "a transparent connection is open but ATO got no CONNECT",
                )
                .with_cause(Cause::MustClose)),
                Err(e) => Err(e),
            };
        }
        IpState::ConnectOk | IpState::Connecting if !qimode => {
            return Err(Error::new(
                ErrorClass::Connect,
                "a non-transparent connection is open (QIMODE=0 can only change in IP INITIAL)",
            )
            .with_cause(Cause::MustClose));
        }
        IpState::IpInitial => {}
        _ if qimode => {}
        _ => {
            f.deactivate(s)?;
            rep.actions.push(format!(
                "QIDEACT (state was {}; QIMODE can only change in IP INITIAL)",
                st.text
            ));
        }
    }
    if !qimode {
        s.run_ok(&At::SetTransparentMode(true), ErrorClass::Protocol)?;
        rep.actions.push("QIMODE=1".into());
    }
    let tcfg = At::TransparentConfig {
        wait_units: o.wait_units(),
        packet_size: o.packet_size,
    };
    s.run_ok(&tcfg, ErrorClass::Protocol)?;
    rep.actions
        .push(s.line(&tcfg).trim_start_matches("AT+").to_string());
    s.set_data_mode_on_connect(true);
    let copts = ConnectOptions {
        dest: o.dest.clone(),
        udp: o.udp,
        id: None,
        reuse: false,
        timeout: o.connect_timeout,
        transparent: true,
    };
    match crate::proc::connect::connect(s, &copts) {
        Ok(c) => {
            rep.actions.extend(c.actions);
            Ok(false)
        }
        Err(e) => {
            s.set_data_mode_on_connect(false);
            rep.qimode_restored = Some(f.leave_transparent(s, &mut rep.actions));
            Err(e)
        }
    }
}
