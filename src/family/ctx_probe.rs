//! probe on the ctx family: the extended revision (`AT+QGMR`), EPS registration (`AT+CEREG?`),
//! the contexts (`AT+QIACT?`) and sockets (`AT+QISTATE?`), where the URCs go
//! (`AT+QURCCFG="urcport"`), and an `ip_state` in QI's words synthesised from them (research
//! §6.2), so scripts that branch on it read both families alike.

use super::ctx::{parse_qiact_all, CtxFamily};
use crate::command::At;
use crate::error::Result;
use crate::proc::common::reg_stat;
use crate::proc::probe::{registration, ModuleInfo};
use crate::session::Session;
use crate::tokenizer::Urc;
use std::time::{Duration, Instant};

/// One context of `AT+QIACT?`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ContextEntry {
    pub context_id: u8,
    pub active: bool,
    /// The context's address (`0.0.0.0` or empty when the module gives none).
    pub ip: String,
}

/// One socket of `AT+QISTATE?`: `+QISTATE: <id>,"<type>","<ip>",<rport>,<lport>,<state>,<cid>,
/// <server id>,<access mode>,"<port>"` [DOC AN-BG96 p.18; LOG TG#475].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SocketEntry {
    pub id: u8,
    /// `TCP`, `UDP`, `TCP LISTENER`...
    pub protocol: String,
    pub remote_ip: String,
    pub remote_port: Option<u16>,
    pub local_port: Option<u16>,
    /// 0 initial, 1 opening, 2 connected (3 on a real BG96), 4 closing.
    pub state: u8,
    pub context_id: Option<u8>,
    /// 0 buffer, 1 direct push, 2 transparent.
    pub access_mode: Option<u8>,
    /// The port the socket's URCs go to (`usbat`, `usbmodem`, `uart1`).
    pub at_port: Option<String>,
}

/// Parse one `+QISTATE:` line.
pub fn parse_socket(line: &str) -> Option<SocketEntry> {
    let v = line.strip_prefix("+QISTATE:")?;
    let f: Vec<&str> = v.split(',').map(str::trim).collect();
    let unq = |s: &&str| s.trim_matches('"').to_string();
    Some(SocketEntry {
        id: f.first()?.parse().ok()?,
        protocol: f.get(1).map(unq)?,
        remote_ip: f.get(2).map(unq).unwrap_or_default(),
        remote_port: f.get(3).and_then(|x| x.parse().ok()),
        local_port: f.get(4).and_then(|x| x.parse().ok()),
        state: f.get(5)?.parse().ok()?,
        context_id: f.get(6).and_then(|x| x.parse().ok()),
        access_mode: f.get(8).and_then(|x| x.parse().ok()),
        at_port: f.get(9).map(unq),
    })
}

/// The `ip_state` QI's `AT+QISTAT` would give for context `cid` (research §6.2): no active
/// context → `IP INITIAL`; a socket connected (2, 3) → `CONNECT OK`, opening (1) → `TCP
/// CONNECTING`, closing (4) → `IP CLOSE`; active without sockets → `IP GPRSACT`. A socket left
/// closing (4) on a context that is no longer active lost it to the network (`+QIURC:
/// "pdpdeact"`, perhaps said to an earlier process): `PDP DEACT`, as the socket's own state reads
/// it (`CtxFamily::state_and_access`) and as QI says until the host deactivates.
pub fn synthesise_ip_state(contexts: &[ContextEntry], sockets: &[SocketEntry], cid: u8) -> &'static str {
    let ours = || {
        sockets
            .iter()
            .filter(move |s| s.context_id.is_none_or(|c| c == cid))
    };
    if !contexts.iter().any(|c| c.context_id == cid && c.active) {
        return if ours().any(|s| s.state == 4) {
            "PDP DEACT"
        } else {
            "IP INITIAL"
        };
    }
    if ours().any(|s| matches!(s.state, 2 | 3)) {
        "CONNECT OK"
    } else if ours().any(|s| s.state == 1) {
        "TCP CONNECTING"
    } else if ours().any(|s| s.state == 4) {
        "IP CLOSE"
    } else {
        "IP GPRSACT"
    }
}

/// `+QURCCFG: "urcport","<port>"` → the port.
pub fn parse_urc_port(line: &str) -> Option<String> {
    let v = line.strip_prefix("+QURCCFG:")?;
    let (key, port) = v.split_once(',')?;
    (key.trim().trim_matches('"') == "urcport").then(|| port.trim().trim_matches('"').to_string())
}

/// The lines of `cmd` when it answered `OK`; `None` on `ERROR` (the field stays null).
fn lines(s: &mut Session, cmd: &At) -> Result<Option<Vec<String>>> {
    let r = s.run(cmd)?;
    Ok(r.is_ok().then_some(r.lines))
}

impl CtxFamily {
    /// probe's ctx part: see the module comment.
    pub(super) fn probe_ctx(&self, s: &mut Session, info: &mut ModuleInfo) -> Result<()> {
        info.mux = None;
        info.recv_mode = None;
        info.revision_extended = lines(s, &At::ExtRevision)?
            .and_then(|l| l.into_iter().find(|x| !x.is_empty()))
            .map(|x| x.trim_start_matches("+QGMR:").trim().to_string());
        info.eps_registration = Some(registration(reg_stat(s, &At::EpsRegistration, "+CEREG:")?));
        self.probe_sockets(s, info)?;
        info.urc_port = lines(s, &At::UrcPort)?.and_then(|l| l.iter().find_map(|x| parse_urc_port(x)));
        Ok(())
    }

    /// The contexts, the sockets and the `ip_state` synthesised from them.
    pub(super) fn probe_sockets(&self, s: &mut Session, info: &mut ModuleInfo) -> Result<()> {
        let contexts = lines(s, &At::Contexts)?.map(|l| parse_qiact_all(&l));
        let sockets: Option<Vec<SocketEntry>> =
            lines(s, &At::AllSockets)?.map(|l| l.iter().filter_map(|x| parse_socket(x)).collect());
        if let (Some(c), Some(k)) = (&contexts, &sockets) {
            info.ip_state = Some(synthesise_ip_state(c, k, s.context_id()).into());
        }
        info.contexts = contexts;
        info.sockets = sockets;
        Ok(())
    }
}

/// `probe --expect ready` on the ctx family: after `RDY` the module answers `ERROR` to its
/// own commands until `APP RDY` [CODE TG-BG96 restartImpl waits 10 s for it; research §1.2]:
/// when a `RDY` is queued with no `APP RDY` after it, wait for `APP RDY` until `deadline`.
/// Returns whether the module is ready (no restart seen, or `APP RDY` came).
pub fn await_app_ready(s: &mut Session, deadline: Instant) -> Result<bool> {
    let pending = |s: &Session| {
        let mut waiting = false;
        for u in s.urcs() {
            match u {
                Urc::Rdy => waiting = true,
                Urc::AppRdy => waiting = false,
                _ => {}
            }
        }
        waiting
    };
    while pending(s) {
        if s.now() >= deadline {
            return Ok(false);
        }
        let until = deadline.min(s.now() + Duration::from_millis(500));
        s.pump(until)?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctxs(active: &[u8]) -> Vec<ContextEntry> {
        active
            .iter()
            .map(|&c| ContextEntry {
                context_id: c,
                active: true,
                ip: "10.0.0.2".into(),
            })
            .collect()
    }

    fn sock(state: u8, cid: u8) -> SocketEntry {
        parse_socket(&format!(
            "+QISTATE: 0,\"TCP\",\"1.2.3.4\",80,4000,{state},{cid},0,0,\"usbat\""
        ))
        .unwrap()
    }

    #[test]
    fn qistate_line_of_a_real_bg96() {
        // [LOG TG#475]
        let s = parse_socket("+QISTATE: 0,\"TCP\",\"104.155.82.190\",1883,22742,3,1,0,0,\"uart1\"").unwrap();
        assert_eq!(s.state, 3);
        assert_eq!(s.remote_port, Some(1883));
        assert_eq!(s.context_id, Some(1));
        assert_eq!(s.access_mode, Some(0));
        assert_eq!(s.at_port.as_deref(), Some("uart1"));
        assert_eq!(parse_socket("+QIACT: 1,1,1,\"1.2.3.4\""), None);
        let u = parse_socket("+QISTATE: 2,\"UDP\",\"1.2.3.4\",53,0,2,1,0,1,\"usbat\"").unwrap();
        assert_eq!(
            (u.id, u.protocol.as_str(), u.state, u.access_mode),
            (2, "UDP", 2, Some(1))
        );
    }

    #[test]
    fn ip_state_is_synthesised_as_research_6_2_says() {
        assert_eq!(synthesise_ip_state(&[], &[], 1), "IP INITIAL");
        assert_eq!(synthesise_ip_state(&ctxs(&[2]), &[], 1), "IP INITIAL");
        assert_eq!(synthesise_ip_state(&[], &[sock(4, 1)], 1), "PDP DEACT");
        assert_eq!(synthesise_ip_state(&[], &[sock(4, 2)], 1), "IP INITIAL");
        assert_eq!(synthesise_ip_state(&ctxs(&[1]), &[], 1), "IP GPRSACT");
        assert_eq!(synthesise_ip_state(&ctxs(&[1]), &[sock(2, 1)], 1), "CONNECT OK");
        assert_eq!(synthesise_ip_state(&ctxs(&[1]), &[sock(3, 1)], 1), "CONNECT OK");
        assert_eq!(
            synthesise_ip_state(&ctxs(&[1]), &[sock(1, 1)], 1),
            "TCP CONNECTING"
        );
        assert_eq!(synthesise_ip_state(&ctxs(&[1]), &[sock(4, 1)], 1), "IP CLOSE");
        assert_eq!(
            synthesise_ip_state(&ctxs(&[1]), &[sock(4, 1), sock(2, 1)], 1),
            "CONNECT OK"
        );
        // A socket of another context is not this one's.
        assert_eq!(synthesise_ip_state(&ctxs(&[1]), &[sock(2, 2)], 1), "IP GPRSACT");
    }

    #[test]
    fn urc_port_answer() {
        assert_eq!(
            parse_urc_port("+QURCCFG: \"urcport\",\"usbmodem\"").as_deref(),
            Some("usbmodem")
        );
        assert_eq!(parse_urc_port("+QURCCFG: \"other\",\"x\""), None);
    }
}
