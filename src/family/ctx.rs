//! The ctx family (BG96, BG95, BG77, EC2x, EG2x/EG9x, EC200x, UG96): contexts 1-16, sockets
//! 0-11 always named, `AT+QIOPEN=<cid>,<id>,...` answered by `+QIOPEN: <id>,<err>`, buffer or
//! direct-push access per socket, module codes 550-574 from `AT+QIGETERROR`. Wire behaviour:
//! ../shared/research/new-dialect.md §1; the mapping of each step: §6.2; codes to classes §6.3.
//!
//! `None` as a socket means socket 0 (the family has no single-connection mode).

use super::ctx_probe::SocketEntry;
use super::{Acked, Closed, ContextStatus, Family, Opened, ReadOutcome, Sent, SocketState, SocketStatus};
use crate::command::{At, Dialect, CTX};
use crate::error::{Error, ErrorClass, Result};
use crate::proc::attach::RecvMode;
use crate::proc::connect::{ConnectOptions, ConnectReport};
use crate::proc::state::parse_sack;
use crate::proc::transparent::{TransparentOptions, TransparentReport};
use crate::session::{describe, Outcome, Session};
use crate::tokenizer::{PayloadKind, QiResult};
use crate::validate::Destination;

/// Sockets of the family: 0-11 [DOC AN-BG96 p.15].
pub const MAX_SOCKET: u8 = 11;

/// How long a module that has just started may take to say `APP RDY` (TinyGSM waits 10 s).
pub const APP_READY_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

/// The ctx family.
pub struct CtxFamily;

pub static CTX_FAMILY: CtxFamily = CtxFamily;

fn sock(id: Option<u8>) -> u8 {
    id.unwrap_or(0)
}

/// `AT+QIGETERROR` → `+QIGETERROR: <code>,<text>` (with or without a space after the comma
/// [LOG SIX#14, OT#72]); `None` when the module does not say.
pub fn last_error(s: &mut Session) -> Option<(u32, String)> {
    let r = s.run(&At::LastError).ok()?;
    let v = r.value("+QIGETERROR:").filter(|_| r.is_ok())?;
    let (code, text) = v.split_once(',').unwrap_or((v, ""));
    Some((code.trim().parse().ok()?, text.trim().to_string()))
}

/// A module refusal: its code and text when `AT+QIGETERROR` gives them, and the message.
struct Refusal {
    code: Option<u32>,
    text: Option<String>,
    message: String,
}

/// A module refusal in words, with its code when `AT+QIGETERROR` gives one.
fn refusal(s: &mut Session, what: &str, answer: &str) -> Refusal {
    // Code 0 is "operation successful": it names no cause.
    match last_error(s).filter(|(code, _)| *code != 0) {
        Some((code, text)) => Refusal {
            code: Some(code),
            message: format!("{what}: {answer} ({code}, {text})"),
            text: Some(text),
        },
        None => Refusal {
            code: None,
            text: None,
            message: format!("{what}: {answer}"),
        },
    }
}

impl Refusal {
    fn error(self, class: ErrorClass) -> Error {
        Error::new(class, self.message)
            .with_module_text(self.text)
            .with_module_code(self.code)
    }
}

/// `+QIACT: <cid>,<state>,<type>,"<ip>"` lines: the state and address of context `cid`.
pub fn parse_qiact<'a>(lines: impl IntoIterator<Item = &'a String>, cid: u8) -> Option<(bool, String)> {
    lines.into_iter().find_map(|l| {
        let v = l.strip_prefix("+QIACT:")?;
        let f: Vec<&str> = v.split(',').map(str::trim).collect();
        if f.first()?.parse::<u8>().ok()? != cid {
            return None;
        }
        let active = f.get(1).is_some_and(|s| *s == "1");
        let ip = f
            .get(3)
            .map(|s| s.trim_matches('"').to_string())
            .unwrap_or_default();
        Some((active, ip))
    })
}

/// Every context of `AT+QIACT?` (one line per active context; none when none is).
pub fn parse_qiact_all(lines: &[String]) -> Vec<super::ctx_probe::ContextEntry> {
    lines
        .iter()
        .filter_map(|l| {
            let cid: u8 = l
                .strip_prefix("+QIACT:")?
                .split(',')
                .next()?
                .trim()
                .parse()
                .ok()?;
            let (active, ip) = parse_qiact([l], cid)?;
            Some(super::ctx_probe::ContextEntry {
                context_id: cid,
                active,
                ip,
            })
        })
        .collect()
}

/// The words QI's `AT+QISTAT` would use, so both families report an `ip_state` alike
/// (research §6.2).
fn synthesised(state: SocketState, context_active: bool) -> &'static str {
    match state {
        SocketState::Connected => "CONNECT OK",
        SocketState::Opening => "TCP CONNECTING",
        SocketState::PeerClosed => "IP CLOSE",
        SocketState::ContextLost => "PDP DEACT",
        _ if context_active => "IP GPRSACT",
        _ => "IP INITIAL",
    }
}

/// Whether the socket `e` is the one `connect`/`transparent` would open to `dest` (research
/// §6.2: the same service type, IP and port). A name cannot be compared with the address
/// `QISTATE` gives: then the type and port decide.
fn same_peer(e: &SocketEntry, dest: &Destination, udp: bool) -> bool {
    let proto = if udp { "UDP" } else { "TCP" };
    let host_matches = match dest.host.parse::<std::net::IpAddr>() {
        Ok(ip) => e.remote_ip.parse::<std::net::IpAddr>().is_ok_and(|r| r == ip),
        Err(_) => true,
    };
    e.protocol == proto && e.remote_port == Some(dest.port) && host_matches
}

/// The peer of the socket `e` in words: `TCP 1.2.3.4:80`.
fn peer_words(e: &SocketEntry) -> String {
    let port = e.remote_port.map_or_else(|| "?".into(), |p| p.to_string());
    format!("{} {}:{port}", e.protocol, e.remote_ip)
}

impl CtxFamily {
    /// `AT+QISTATE=1,<id>`: the socket's line, `None` when it is not open.
    fn socket_entry(&self, s: &mut Session, id: u8) -> Result<Option<SocketEntry>> {
        let r = s.run_ok(&At::SocketState(id), ErrorClass::Protocol)?;
        Ok(r.lines
            .iter()
            .find_map(|l| super::ctx_probe::parse_socket(l).filter(|e| e.id == id)))
    }

    /// `AT+QISTATE=1,<id>`: the socket's state and its access mode when it has one.
    fn state_and_access(&self, s: &mut Session, id: u8) -> Result<(SocketStatus, Option<u8>)> {
        let (st, entry) = self.state_and_entry(s, id)?;
        Ok((st, entry.and_then(|e| e.access_mode)))
    }

    /// `AT+QISTATE=1,<id>`: the socket's state and its line (`None` when it is not open).
    fn state_and_entry(&self, s: &mut Session, id: u8) -> Result<(SocketStatus, Option<SocketEntry>)> {
        let entry = self.socket_entry(s, id)?;
        let (n, access) = entry.as_ref().map_or((0, None), |e| (e.state, e.access_mode));
        if let Some(a) = access {
            // What the socket's `+QIURC: "recv"` lines carry, from the module's own word.
            s.set_push_socket(id, a == 1);
        }
        // 2 is connected by the manual, 3 on a real BG96 client [LOG TG#475].
        let mut state = match n {
            0 => SocketState::NotOpen,
            1 => SocketState::Opening,
            2 | 3 => SocketState::Connected,
            4 => SocketState::PeerClosed,
            _ => SocketState::Other,
        };
        if state == SocketState::PeerClosed {
            // Closed because its context went (`+QIURC: "pdpdeact"`, perhaps to an earlier
            // process): the context is no longer active.
            let cid = entry
                .as_ref()
                .and_then(|e| e.context_id)
                .unwrap_or(s.context_id());
            let r = s.run_ok(&At::Contexts, ErrorClass::Protocol)?;
            if !parse_qiact(&r.lines, cid).is_some_and(|(active, _)| active) {
                state = SocketState::ContextLost;
            }
        }
        let status = SocketStatus {
            state,
            text: synthesised(state, true).into(),
        };
        Ok((status, entry))
    }

    /// `AT+QIACT=<cid>`; on `ERROR` the refusal with `AT+QIGETERROR`'s code, asked at once:
    /// whether a later command (the `QIACT?` and `QIDEACT` that follow) clears it is open
    /// (research §6.6 question 8), and the simulator's does.
    fn activate_once(&self, s: &mut Session, what: &str) -> Result<Option<Refusal>> {
        let r = s.run(&At::ActivateContext(s.context_id()))?;
        if r.is_ok() {
            return Ok(None);
        }
        Ok(Some(refusal(s, what, &describe(r.outcome()))))
    }

    fn open_attempt(&self, s: &mut Session, o: &ConnectOptions, id: u8, mode: u8) -> Result<Opened> {
        let open = At::OpenSocket {
            cid: s.context_id(),
            id,
            udp: o.udp,
            host: &o.dest.host,
            port: o.dest.port,
            mode,
        };
        let cmd = s.line(&open);
        let r = match s.run_within(&open, o.wait(self) + crate::session::SLACK) {
            Ok(r) => r,
            Err(e) if e.class == ErrorClass::ModuleSilent && !s.rebooted() => {
                // "wait 150 s for +QIOPEN; if it does not come, AT+QICLOSE" [DOC AN-BG96 p.15].
                self.close_quiet(s, Some(id));
                return Ok(Opened::NoAnswer);
            }
            Err(e) => return Err(e),
        };
        let code = match r.outcome() {
            Outcome::Qi {
                result: QiResult::Connect,
                ..
            } if mode == 2 => return Ok(Opened::Opened),
            Outcome::Line(l) => {
                let v = l
                    .strip_prefix("+QIOPEN:")
                    .ok_or_else(|| Error::protocol(format!("{cmd}: unexpected {l:?} after OK")))?;
                let mut f = v.split(',').map(|x| x.trim().parse::<u32>());
                match (f.next(), f.next()) {
                    (Some(Ok(got)), Some(Ok(err))) if got == u32::from(id) => err,
                    _ => return Err(Error::protocol(format!("{cmd}: unexpected {l:?}"))),
                }
            }
            Outcome::Error | Outcome::CmeError(_) => {
                // ERROR (no OK): bad syntax, an id in use, a transparent open that failed; the
                // cause is in QIGETERROR [LOG SIX#14].
                let r = refusal(
                    s,
                    &format!("connect to {} failed", o.dest),
                    &describe(r.outcome()),
                );
                return Ok(Opened::Refused {
                    module_code: r.code,
                    module_text: r.text,
                    message: r.message,
                });
            }
            other => return Err(Error::protocol(format!("{cmd}: unexpected {}", describe(other)))),
        };
        if code == 0 {
            return Ok(Opened::Opened);
        }
        // A failed open may leave the id claimed (563 until QICLOSE) [CODE OT2 fork].
        self.close_quiet(s, Some(id));
        Ok(Opened::Refused {
            module_code: Some(code),
            module_text: super::module_code_text(code).map(String::from),
            message: format!("connect to {} failed: +QIOPEN: {id},{code}", o.dest),
        })
    }
}

impl Family for CtxFamily {
    fn name(&self) -> &'static str {
        "ctx"
    }

    fn dialect(&self) -> &'static dyn Dialect {
        &CTX
    }

    fn has_eps_registration(&self) -> bool {
        true
    }

    fn max_socket(&self) -> u8 {
        MAX_SOCKET
    }

    /// "wait 150 s for +QIOPEN" [DOC AN-BG96 p.15; AN-BG95; CORR TG-BG96 150 s].
    fn open_timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(150)
    }

    fn open_result_words(&self) -> &'static str {
        "+QIOPEN result"
    }

    fn probe_state(&self, s: &mut Session, info: &mut crate::proc::probe::ModuleInfo) -> Result<()> {
        self.probe_ctx(s, info)
    }

    /// `AT+QIGETERROR` (a `+Q` command, 300 ms) answers `OK` once the application layer is up;
    /// until then (between `RDY` and `APP RDY`, a few seconds after power-on) every `+Q`
    /// command answers `ERROR` [CODE TG-BG96 restartImpl waits 10 s for APP RDY; research
    /// §1.2]: ask again every 500 ms, or at `APP RDY`, for at most [`APP_READY_WAIT`].
    fn await_ready(&self, s: &mut Session) -> Result<()> {
        let deadline = s.now() + APP_READY_WAIT;
        let app_rdy = |s: &Session| {
            s.urcs()
                .filter(|u| matches!(u, crate::tokenizer::Urc::AppRdy))
                .count()
        };
        loop {
            if s.run(&At::LastError)?.is_ok() {
                return Ok(());
            }
            if s.now() >= deadline {
                return Err(Error::silent(format!(
                    "the module answers ERROR to its +Q commands {} after identification (no APP RDY)",
                    humantime::format_duration(APP_READY_WAIT)
                )));
            }
            // (The URC stays queued: probe --expect ready reads it too.)
            let seen = app_rdy(s);
            let until = deadline.min(s.now() + std::time::Duration::from_millis(500));
            while app_rdy(s) == seen && s.pump(until)? {}
        }
    }

    fn has_contexts(&self) -> bool {
        true
    }

    fn has_auth(&self) -> bool {
        true
    }

    fn check_id(&self, _s: &mut Session, id: Option<u8>) -> Result<bool> {
        match id {
            Some(i) if i > MAX_SOCKET => Err(Error::usage(format!(
                "socket {i}: this module family has sockets 0..={MAX_SOCKET}"
            ))),
            _ => Ok(true),
        }
    }

    fn multi(&self, _s: &mut Session) -> Result<bool> {
        Ok(true)
    }

    /// `AT+QIACT?`: one line per active context; none at all when none is.
    fn context(&self, s: &mut Session) -> Result<ContextStatus> {
        let r = s.run_ok(&At::Contexts, ErrorClass::Protocol)?;
        let (active, ip) = parse_qiact(&r.lines, s.context_id()).unwrap_or((false, String::new()));
        Ok(ContextStatus {
            active,
            local_ip: active.then_some(ip),
            ip_state: synthesised(SocketState::NotOpen, active).into(),
        })
    }

    /// `QIACT=<cid>` only when `QIACT?` shows it inactive (harmless twice); an `ERROR` is looked
    /// at again with `QIACT?` before it counts as a failure (issue 20, 3).
    fn activate(&self, s: &mut Session, from: &ContextStatus, actions: &mut Vec<String>) -> Result<String> {
        if from.active {
            if let Some(ip) = &from.local_ip {
                return Ok(ip.clone());
            }
            return self.local_ip(s);
        }
        let cid = s.context_id();
        let what = format!("context {cid} activation failed");
        let mut refused = self.activate_once(s, &what)?;
        let mut now = self.context(s)?;
        if !now.active {
            // A context the network dropped stays broken until the host deactivates it
            // [DOC AN-EC200U; research §1.15]; Quectel's process deactivates after failed
            // activations [DOC AN-EC200U, CSDN-EC2x]: once, then activate again.
            if s.run(&At::DeactivateContext(cid))?.is_ok() {
                actions.push(format!("QIDEACT={cid} (the context would not activate)"));
                // The second answer is the one reported: never the first attempt's code.
                refused = self.activate_once(s, &what)?;
                now = self.context(s)?;
            }
        }
        if now.active {
            actions.push(format!("QIACT={cid}"));
            return Ok(now.local_ip.unwrap_or_default());
        }
        let r = refused.unwrap_or_else(|| Refusal {
            code: None,
            text: None,
            message: format!("{what}: QIACT answered OK but QIACT? shows it inactive"),
        });
        let class = r.code.map_or(ErrorClass::PdpContext, |c| {
            super::module_code_class(c, ErrorClass::PdpContext)
        });
        Err(r.error(class))
    }

    fn deactivate(&self, s: &mut Session) -> Result<()> {
        let cid = s.context_id();
        let r = s.run(&At::DeactivateContext(cid))?;
        if r.is_ok() {
            return Ok(());
        }
        Err(refusal(s, &format!("AT+QIDEACT={cid}"), &describe(r.outcome())).error(ErrorClass::PdpContext))
    }

    fn local_ip(&self, s: &mut Session) -> Result<String> {
        let st = self.context(s)?;
        match st.local_ip {
            Some(ip) if st.active => Ok(ip),
            _ => Err(Error::new(
                ErrorClass::PdpContext,
                format!("context {} is not active", s.context_id()),
            )),
        }
    }

    fn configure_context(
        &self,
        s: &mut Session,
        apn: &str,
        user: &str,
        password: &str,
        auth: Option<crate::proc::attach::Auth>,
    ) -> Result<()> {
        // auth: 0 none, 1 PAP, 2 CHAP, 3 PAP or CHAP [CODE MB-BG96; INF values]; unless asked,
        // none without credentials and PAP-or-CHAP with them.
        let auth = match auth {
            Some(a) => a.code(),
            None if user.is_empty() && password.is_empty() => 0,
            None => 3,
        };
        let cmd = At::ContextApn {
            cid: s.context_id(),
            apn,
            user,
            password,
            auth,
        };
        super::set_apn_quietly(s, &cmd, password)
    }

    /// `QISTATE=1,<id>` first (2 or 3 is connected: already open when to this peer, exit 8 when
    /// to another; a socket closing or claimed is closed),
    /// then `QIOPEN`, `OK`, `+QIOPEN: <id>,<err>`; 563 (id in use) → `QICLOSE` and one retry.
    fn open(
        &self,
        s: &mut Session,
        o: &ConnectOptions,
        rep: &mut ConnectReport,
        _may_wait: bool,
    ) -> Result<Opened> {
        self.check_id(s, o.id)?;
        let id = sock(o.id);
        let (st, entry) = self.state_and_entry(s, id)?;
        rep.state_before = st.text.clone();
        rep.context_id = Some(s.context_id());
        // Every ctx socket is numbered: the report names the one used.
        rep.id = Some(id);
        match (st.state, entry) {
            // Reused only when it is the peer asked for (research §6.2): the report says what
            // is in use.
            (SocketState::Connected, Some(e)) if !same_peer(&e, &o.dest, o.udp) => {
                return Err(Error::new(
                    ErrorClass::Connect,
                    format!("socket {id} is connected to {}, not {}", peer_words(&e), o.dest),
                )
                .with_cause(crate::error::Cause::MustClose));
            }
            (SocketState::Connected, e) => {
                rep.access_mode = e.and_then(|e| e.access_mode);
                return Ok(Opened::AlreadyOpen);
            }
            (SocketState::NotOpen, _) => {}
            _ => {
                self.close_quiet(s, Some(id));
                rep.actions.push(format!("QICLOSE={id} (state was {})", st.text));
            }
        }
        // QIOPEN on an inactive context fails (561) where QI's QIOPEN activates its own: bring
        // the context up first, after the network if the module has just booted, so connect
        // works from whatever state the module is in on both families.
        let ctxst = self.context(s)?;
        if st.state == SocketState::NotOpen {
            rep.state_before = ctxst.ip_state.clone();
        }
        if !ctxst.active {
            crate::proc::common::await_network(
                s,
                crate::proc::connect::ATTACH_WAIT,
                std::time::Duration::from_millis(500),
            )
            .map_err(|f| f.error)?;
            self.activate(s, &ctxst, &mut rep.actions)?;
        }
        let mode = if o.transparent {
            2
        } else if s.push_on_open() {
            1
        } else {
            0
        };
        s.set_push_socket(id, mode == 1);
        rep.access_mode = Some(mode);
        match self.open_attempt(s, o, id, mode)? {
            Opened::Refused {
                module_code: Some(563),
                ..
            } => {
                // (The failed attempt closed the id already.)
                rep.actions.push(format!("QICLOSE={id} (563: the id was in use)"));
                self.open_attempt(s, o, id, mode)
            }
            other => Ok(other),
        }
    }

    fn socket_state(&self, s: &mut Session, id: Option<u8>) -> Result<Option<SocketStatus>> {
        Ok(Some(self.state_and_access(s, sock(id))?.0))
    }

    fn closed_may_hide_context_loss(&self, _id: Option<u8>) -> bool {
        // `+QIURC: "pdpdeact",<cid>` says so itself.
        false
    }

    fn prepare_send(&self, s: &mut Session) -> Result<bool> {
        let r = s.run(&At::PayloadEcho(false))?;
        Ok(!r.is_ok() && s.echo_seen())
    }

    /// "SEND FAIL: the send buffer is full: retry later" [DOC AN-BG96 p.19/20].
    fn send_fail_is_transient(&self) -> bool {
        true
    }

    /// No limit in the manual for `SEND OK` after the data; RT-Thread's EC20 driver, which runs
    /// in the field, waits 10 s for it [CODE RTT-EC20; research §1.14].
    fn payload_result_time(&self) -> std::time::Duration {
        std::time::Duration::from_secs(10)
    }

    fn send_chunk(&self, s: &mut Session, id: Option<u8>, chunk: &[u8], echoed: bool) -> Result<Sent> {
        let cmd = At::Send {
            id: Some(sock(id)),
            len: chunk.len(),
        };
        s.hold_interrupt(true);
        let r = super::qi::qisend_phases(s, &cmd, chunk, echoed);
        s.hold_interrupt(false);
        r
    }

    /// `AT+QISEND=<id>,0` → `+QISEND: <sent>,<acked>,<unacked>` (no spaces) [DOC AN-BG95 p.24].
    fn acknowledged(&self, s: &mut Session, id: Option<u8>) -> Result<Acked> {
        let cmd = At::SendCounters(sock(id));
        let r = s.run(&cmd)?;
        if !r.is_ok() {
            return Ok(Acked::NoSocket);
        }
        let v = r
            .value("+QISEND:")
            .ok_or_else(|| Error::protocol(format!("{}: no +QISEND line", s.line(&cmd))))?;
        parse_sack(v)
            .map(Acked::Counters)
            .ok_or_else(|| Error::protocol(format!("{}: cannot parse {v:?}", s.line(&cmd))))
    }

    /// `AT+QISTATE=1,<id>`'s service type (`UDP`, `UDP SERVICE`).
    fn is_udp(&self, s: &mut Session, id: Option<u8>) -> Result<Option<bool>> {
        let r = s.run_ok(&At::SocketState(sock(id)), ErrorClass::Protocol)?;
        Ok(r.lines
            .iter()
            .find_map(|l| super::ctx_probe::parse_socket(l).filter(|e| e.id == sock(id)))
            .map(|e| e.protocol.starts_with("UDP")))
    }

    /// `AT+QIRD=<id>,0` → `+QIRD: <total>,<read>,<unread>` [DOC AN-BG96 p.21]; an `ERROR` (no
    /// such socket) or an answer without counters says nothing: the caller reads.
    fn unread(&self, s: &mut Session, id: Option<u8>) -> Result<Option<u64>> {
        let r = s.run(&At::ReadSocket { id: sock(id), len: 0 })?;
        if !r.is_ok() {
            return Ok(None);
        }
        Ok(r.value("+QIRD:").and_then(|v| {
            let f: Vec<&str> = v.split(',').map(str::trim).collect();
            (f.len() == 3).then(|| f[2].parse().ok()).flatten()
        }))
    }

    /// `AT+QIRD=<id>,<len>` → `+QIRD: <n>` and n bytes, then `OK`; `+QIRD: 0` when nothing is
    /// buffered; `ERROR` when no such socket.
    fn read(&self, s: &mut Session, id: Option<u8>, len: usize) -> Result<ReadOutcome> {
        if len == 0 {
            return Ok(ReadOutcome::Empty);
        }
        let cmd = At::ReadSocket { id: sock(id), len };
        let r = s.run(&cmd)?;
        let records: Vec<(PayloadKind, Vec<u8>)> =
            r.payloads.into_iter().filter(|(_, d)| !d.is_empty()).collect();
        match r.outcome {
            Some(Outcome::Ok) if records.is_empty() => Ok(ReadOutcome::Empty),
            Some(Outcome::Ok) => Ok(ReadOutcome::Data(records)),
            Some(Outcome::Error | Outcome::CmeError(_)) => Ok(ReadOutcome::Gone(records)),
            Some(o) => Err(Error::protocol(format!(
                "{}: unexpected {}",
                s.line(&cmd),
                describe(&o)
            ))),
            None => Err(Error::protocol(format!("{}: no final result", s.line(&cmd)))),
        }
    }

    /// `AT+QICLOSE=<id>` → `OK` (also when nothing is open [LOG EWF#20]).
    fn close(&self, s: &mut Session, id: Option<u8>) -> Result<Closed> {
        let id = sock(id);
        let cmd = At::CloseSocket { id, timeout_s: None };
        let r = s.run(&cmd)?;
        s.set_push_socket(id, false);
        if r.is_ok() {
            return Ok(Closed::Closed);
        }
        Ok(Closed::Refused {
            command: s.line(&cmd),
            answer: describe(r.outcome()),
        })
    }

    /// Synthesised from the contexts and the sockets, as probe does (research §6.2).
    fn ip_state(&self, s: &mut Session) -> Result<String> {
        let mut info = crate::proc::probe::ModuleInfo::default();
        self.probe_sockets(s, &mut info)?;
        Ok(info.ip_state.unwrap_or_else(|| "IP INITIAL".into()))
    }

    /// The access mode is per socket: the open socket's (`QISTATE`), else the one sockets are
    /// opened in from now on.
    fn recv_mode(&self, s: &mut Session, id: Option<u8>) -> Result<Option<RecvMode>> {
        let (st, access) = self.state_and_access(s, sock(id))?;
        let push = match access {
            Some(a) if st.state != SocketState::NotOpen => a == 1,
            _ => s.push_on_open(),
        };
        Ok(Some(if push {
            RecvMode::Direct
        } else {
            RecvMode::Retrieve
        }))
    }

    fn set_recv_mode(&self, s: &mut Session, mode: RecvMode) -> Result<Option<String>> {
        let push = mode == RecvMode::Direct;
        if push == s.push_on_open() {
            return Ok(None);
        }
        s.set_push_on_open(push);
        Ok(Some(if push {
            "direct push (access mode 1) for the sockets this run opens".to_string()
        } else {
            "buffer access (access mode 0) for the sockets this run opens".to_string()
        }))
    }

    /// Direct push is always framed (`+QIURC: "recv",<id>,<len>`).
    fn direct_framing(&self, _s: &mut Session, _multi: bool, _switch_on: bool) -> Result<Option<String>> {
        Ok(None)
    }

    /// `QISTATE=1,0` first: a socket connected to this peer (left by an earlier session's `+++`,
    /// or opened by connect) is switched back with `QISWTMD=0,2` → `CONNECT` [DOC AN-EC200U;
    /// research §1.11], one to another peer is exit 8. Then `QICFG="transpktsize"/"transwaittm"`
    /// and, unless resumed, `QIOPEN` with access mode 2 → `CONNECT`.
    fn enter_transparent(
        &self,
        s: &mut Session,
        o: &TransparentOptions,
        rep: &mut TransparentReport,
    ) -> Result<bool> {
        // A socket left open to this peer (by an earlier session's `+++`, or by connect) is
        // switched back to transparent mode; one to another peer is not ours to take.
        let open = self.socket_entry(s, 0)?.filter(|e| matches!(e.state, 2 | 3));
        if let Some(e) = &open {
            if !same_peer(e, &o.dest, o.udp) {
                return Err(Error::new(
                    ErrorClass::Connect,
                    format!("socket 0 is connected to {}, not {}", peer_words(e), o.dest),
                )
                .with_cause(crate::error::Cause::MustClose));
            }
        }
        for cmd in [
            At::TransparentPacket(o.packet_size),
            At::TransparentWait(o.wait_units().min(20) as u8),
        ] {
            s.run_ok(&cmd, ErrorClass::Protocol)?;
            rep.actions
                .push(s.line(&cmd).trim_start_matches("AT+").to_string());
        }
        s.set_data_mode_on_connect(true);
        if open.is_some() {
            rep.state_before = synthesised(SocketState::Connected, true).into();
            let cmd = At::SwitchToTransparent(0);
            let answer = match s.run(&cmd) {
                Ok(r) => match r.outcome() {
                    Outcome::Qi {
                        result: QiResult::Connect,
                        ..
                    } => None,
                    o => Some(describe(o)),
                },
                Err(e) if e.class == ErrorClass::ModuleSilent => Some("nothing".into()),
                Err(e) => {
                    s.set_data_mode_on_connect(false);
                    return Err(e);
                }
            };
            if let Some(answer) = answer {
                s.set_data_mode_on_connect(false);
                return Err(Error::new(
                    ErrorClass::Connect,
                    format!("socket 0 is open but {} answered {answer}", s.line(&cmd)),
                )
                .with_cause(crate::error::Cause::MustClose));
            }
            rep.actions.push(format!(
                "{} (resumed the open socket)",
                s.line(&cmd).trim_start_matches("AT+")
            ));
            return Ok(true);
        }
        let copts = ConnectOptions {
            dest: o.dest.clone(),
            udp: o.udp,
            id: Some(0),
            reuse: false,
            timeout: o.connect_timeout,
            transparent: true,
        };
        match crate::proc::connect::connect(s, &copts) {
            Ok(c) => {
                rep.state_before = c.state_before;
                rep.actions.extend(c.actions);
                Ok(false)
            }
            Err(e) => {
                s.set_data_mode_on_connect(false);
                Err(e)
            }
        }
    }

    /// The end of data mode: `NO CARRIER` by the V.250 convention [INF research §1.11] or
    /// `+QIURC: "closed",0` (unknown which: §6.6 question 6; the simulator offers both), and the
    /// context's loss that may follow it at once (`+QIURC: "pdpdeact",<cid>`, said in command
    /// mode but read from the data stream, where it looks like data).
    fn data_mode_markers(&self) -> crate::proc::transparent::Markers {
        CTX_DATA_MODE_MARKERS
    }

    /// No module-wide mode to restore; a socket the end left closing (state 4 after `NO
    /// CARRIER`, until QICLOSE [DOC AN-BG96 p.34]) is closed, so the id is free.
    fn leave_transparent(&self, s: &mut Session, actions: &mut Vec<String>) -> bool {
        match self.socket_entry(s, 0) {
            Ok(Some(e)) if !matches!(e.state, 2 | 3) => {
                self.close_quiet(s, Some(0));
                actions.push(format!("QICLOSE=0 (the socket was left in state {})", e.state));
            }
            Ok(_) => {}
            Err(e) => actions.push(format!("QISTATE failed: {}", e.message)),
        }
        true
    }

    /// After `+++` the socket is in buffer access mode [DOC AN-BG96 p.9, AN-BG95 p.12].
    fn kept_open_note(&self) -> Option<&'static str> {
        Some("the socket is in buffer access mode now (the next transparent session resumes it)")
    }

    fn recv_mode_is_per_socket(&self) -> bool {
        true
    }
}

/// [`CtxFamily::data_mode_markers`]: `NO CARRIER`, the peer's close as a firmware may say it
/// instead (`+QIURC: "closed",0`: transparent mode is socket 0's; research §6.6 question 6),
/// and the context loss of each context id.
static CTX_DATA_MODE_MARKERS: &[&[u8]] = &[
    b"\r\nNO CARRIER\r\n",
    b"\r\n+QIURC: \"closed\",0\r\n",
    b"\r\n+QIURC: \"pdpdeact\",1\r\n",
    b"\r\n+QIURC: \"pdpdeact\",2\r\n",
    b"\r\n+QIURC: \"pdpdeact\",3\r\n",
    b"\r\n+QIURC: \"pdpdeact\",4\r\n",
    b"\r\n+QIURC: \"pdpdeact\",5\r\n",
    b"\r\n+QIURC: \"pdpdeact\",6\r\n",
    b"\r\n+QIURC: \"pdpdeact\",7\r\n",
    b"\r\n+QIURC: \"pdpdeact\",8\r\n",
    b"\r\n+QIURC: \"pdpdeact\",9\r\n",
    b"\r\n+QIURC: \"pdpdeact\",10\r\n",
    b"\r\n+QIURC: \"pdpdeact\",11\r\n",
    b"\r\n+QIURC: \"pdpdeact\",12\r\n",
    b"\r\n+QIURC: \"pdpdeact\",13\r\n",
    b"\r\n+QIURC: \"pdpdeact\",14\r\n",
    b"\r\n+QIURC: \"pdpdeact\",15\r\n",
    b"\r\n+QIURC: \"pdpdeact\",16\r\n",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qiact_lines() {
        let lines = vec![
            "+QIACT: 1,1,1,\"10.7.157.1\"".to_string(),
            "+QIACT: 2,0,1,\"0.0.0.0\"".to_string(),
        ];
        assert_eq!(parse_qiact(&lines, 1), Some((true, "10.7.157.1".into())));
        assert_eq!(parse_qiact(&lines, 2), Some((false, "0.0.0.0".into())));
        assert_eq!(parse_qiact(&lines, 3), None);
    }
}
