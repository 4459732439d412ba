//! The context dialect's twelve sockets: QIOPEN (OK, then `+QIOPEN: <id>,<err>` from a real
//! connect), QISTATE, QICLOSE, QISEND and its counters, QIRD, and what the network side
//! reports (connect results, data, peer close, context loss) in this dialect's URCs.
//! Evidence: research new-dialect.md §1.5–§1.10.

use super::ctx::CtxSt;
use super::grammar::{pint, port_of, Kind, Param};
use super::*;

/// How many sockets (connectIDs 0–11) [DOC AN-BG96 p=15; CODE TG-BG96 `TINY_GSM_MUX_COUNT 12`].
pub(super) const CTX_SOCKETS: usize = 12;
/// Largest piece of a direct-push URC, and the largest QIRD [DOC AN-BG96 p.9, AN-BG95 p=26].
const PUSH_MAX: usize = 1500;

impl Engine {
    fn sock_id(p: Option<&Param>) -> Option<usize> {
        pint(p?)
            .filter(|i| (0..CTX_SOCKETS as i64).contains(i))
            .map(|i| i as usize)
    }

    /// The socket and parameters of a per-socket command's write form (`AT+X=<id>,...`); its
    /// test form answers `test` then OK; any other form, or an id outside 0-11, is ERROR with
    /// 552 in QIGETERROR [DOC AN-BG96 §QIGETERROR; INF for the test forms' text].
    fn ctx_sock_params(
        &mut self,
        kind: &Kind,
        params: Option<Vec<Param>>,
        test: impl FnOnce(&Self) -> String,
    ) -> Result<(usize, Vec<Param>), R> {
        match kind {
            Kind::Test => {
                let line = test(self);
                self.info(&line);
                return Err(R::Ok);
            }
            Kind::Write(_) => {}
            _ => return Err(self.ctx_fail(552)),
        }
        let p = params.unwrap_or_default();
        match Self::sock_id(p.first()) {
            Some(id) => Ok((id, p)),
            None => Err(self.ctx_fail(552)),
        }
    }

    /// AT+QIOPEN=<cid>,<id>,"TCP"|"UDP","<host>",<port>[,<local_port>[,<access_mode>]].
    pub(super) fn cmd_ctx_qiopen(&mut self, kind: &Kind, params: Option<Vec<Param>>) -> R {
        match kind {
            Kind::Test => {
                // [DOC AN-BG96 p=15]
                self.info(&format!(
                    "+QIOPEN: (1-{}),(0-11),\"TCP/UDP/TCP LISTENER/UDP SERVICE\",\"<IP_address>/<domain_name>\",<remote_port>,<local_port>,(0-2)",
                    self.cfg.model.max_cid()
                ));
                return R::Ok;
            }
            Kind::Write(_) => {}
            _ => return self.ctx_fail(552),
        }
        let p = params.unwrap_or_default();
        if !(5..=7).contains(&p.len()) {
            return self.ctx_fail(552);
        }
        let Some(cid) = pint(&p[0]).filter(|c| (1..=self.cfg.model.max_cid() as i64).contains(c)) else {
            return self.ctx_fail(552);
        };
        let cid = cid as u8;
        let Some(id) = Self::sock_id(p.get(1)) else {
            return self.ctx_fail(552);
        };
        let udp = match (p[2].quoted, p[2].s.to_ascii_uppercase().as_str()) {
            (true, "TCP") => false,
            (true, "UDP") => true,
            // listeners and UDP SERVICE are not simulated [INF]
            (true, "TCP LISTENER" | "UDP SERVICE") => return self.ctx_fail(555),
            _ => return self.ctx_fail(552),
        };
        let host = p[3].s.trim().to_string();
        if !p[3].quoted || host.is_empty() || host.len() > 255 {
            return self.ctx_fail(552);
        }
        // a quoted port is rejected: ERROR, QIGETERROR 552 [LOG OT#72; CODE OT2 "port unquoted"]
        if p[4].quoted {
            return self.ctx_fail(552);
        }
        let Some(port) = port_of(&p[4]) else {
            return self.ctx_fail(552);
        };
        let lport = match p.get(5) {
            None => 0,
            Some(x) => match pint(x) {
                Some(v @ 0..=65535) => v as u16,
                _ => return self.ctx_fail(552),
            },
        };
        let access = match p.get(6) {
            None => 0,
            Some(x) => match pint(x) {
                Some(v @ 0..=2) => v as u8,
                _ => return self.ctx_fail(552),
            },
        };
        match self.ctx_state(cid) {
            CtxSt::Active => {}
            // [DOC codes; INF that these are ERROR and not a URC]
            CtxSt::Broken => return self.ctx_fail(570),
            _ => return self.ctx_fail(561),
        }
        if self.socks[id].is_some() {
            // "socket identity has been used" [DOC code 563; INF that it is a URC after OK]
            if access == 2 {
                return self.ctx_fail(563);
            }
            if !self.has_fault(&Fault::QiopenNoUrc) {
                self.after_response.push(format!("+QIOPEN: {id},563"));
            }
            return R::Ok;
        }
        self.gen += 1;
        let gen = self.gen;
        let (display, target, err) = if self.injected.connect_fail_left > 0 {
            self.injected.connect_fail_left -= 1;
            (host.clone(), None, 566)
        } else {
            match self.ctx_resolve(&host, port, udp) {
                Ok((d, t)) => (d, Some(t), 566),
                Err(code) => (host.clone(), None, code),
            }
        };
        let mut s = Sock::new(gen, udp, display, port);
        s.cid = cid;
        s.access = access;
        // the module's own ephemeral port [INF: its range is not documented]
        s.lport = if lport != 0 {
            lport
        } else {
            10000 + (self.rand() % 50000) as u16
        };
        s.open_err = err;
        self.socks[id] = Some(s);
        self.timers.push((
            self.now + self.cfg.delays.qiopen,
            Timer::OpenStart { slot: id, gen },
        ));
        self.pending_targets.retain(|(s, _, _)| *s != id);
        self.pending_targets.push((id, gen, target));
        if access == 2 {
            // transparent: no OK; `CONNECT` or `ERROR` once the connect is done [LOG SIX#14]
            self.input.busy = true;
            return R::Done;
        }
        R::Ok
    }

    /// Where a QIOPEN goes: an IP, `localhost`, a `--map` entry, a synthetic address from
    /// QIDNSGIP, or any other name, resolved on this machine when the connect starts (a name
    /// that does not resolve fails with 565) [DOC AN-BG96 p=15: the field takes a domain name].
    fn ctx_resolve(&mut self, host: &str, port: u16, udp: bool) -> Result<(String, Target), u16> {
        let is_ip = host.parse::<std::net::Ipv4Addr>().is_ok();
        if self.has_fault(&Fault::DnsFail) && !is_ip {
            return Err(565);
        }
        // a synthetic address for a name that is not mapped: the name itself
        if let Some(rest) = host.strip_prefix("10.99.") {
            let v: Vec<usize> = rest.split('.').filter_map(|x| x.parse().ok()).collect();
            if let [a, b] = v[..] {
                if b >= 1 {
                    if let Some(n) = self.synth.get(a * 250 + b - 1).cloned() {
                        if self.map_lookup(&n).is_none() && self.map_lookup(&format!("{n}:{port}")).is_none()
                        {
                            return Ok((host.to_string(), Target::HostPort(format!("{n}:{port}"))));
                        }
                    }
                }
            }
        }
        let saved = self.qi.qidnsip;
        self.qi.qidnsip = true;
        let r = self.resolve(host, port, udp);
        self.qi.qidnsip = saved;
        match r {
            Some(r) => Ok(r),
            None => Ok((self.synth_ip(host), Target::HostPort(format!("{host}:{port}")))),
        }
    }

    /// The socket_state AT+QISTATE reports [DOC AN-BG96 p=18; LOG TG#475 for 3].
    fn ctx_sock_state(&self, s: &Sock) -> u8 {
        match s.status {
            SockStatus::Connecting => 1,
            SockStatus::Connected => match self.cfg.connected_state {
                ConnectedState::Two => 2,
                ConnectedState::Three => 3,
            },
            // closed by the peer, or a failed open that keeps its id: until QICLOSE [INF for
            // the failed open]
            SockStatus::Closed => 4,
        }
    }

    fn qistate_line(&self, id: usize) -> Option<String> {
        let s = self.socks[id].as_ref()?;
        // [LOG TG#475 `+QISTATE: 0,"TCP","104.155.82.190",1883,22742,3,1,0,0,"uart1"`]
        Some(format!(
            "+QISTATE: {id},\"{}\",\"{}\",{},{},{},{},0,{},\"uart1\"",
            if s.udp { "UDP" } else { "TCP" },
            s.ip,
            s.port,
            s.lport,
            self.ctx_sock_state(s),
            s.cid,
            s.access
        ))
    }

    /// AT+QISTATE? (every socket), AT+QISTATE=0,<cid> (one context's), AT+QISTATE=1,<id>
    /// (one; `OK` alone when there is none) [DOC AN-BG96 p=18; LOG TG#475].
    pub(super) fn cmd_ctx_qistate(&mut self, kind: &Kind, params: Option<Vec<Param>>) -> R {
        let ids: Vec<usize> = match kind {
            Kind::Read | Kind::Exec => (0..CTX_SOCKETS).collect(),
            Kind::Test => return R::Ok,
            Kind::Write(_) => {
                let p = params.unwrap_or_default();
                if p.len() != 2 {
                    return self.ctx_fail(552);
                }
                match (pint(&p[0]), pint(&p[1])) {
                    (Some(0), Some(cid)) if (1..=self.cfg.model.max_cid() as i64).contains(&cid) => (0
                        ..CTX_SOCKETS)
                        .filter(|&i| self.socks[i].as_ref().is_some_and(|s| s.cid as i64 == cid))
                        .collect(),
                    (Some(1), Some(id)) if (0..CTX_SOCKETS as i64).contains(&id) => vec![id as usize],
                    _ => return self.ctx_fail(552),
                }
            }
        };
        for id in ids {
            if let Some(l) = self.qistate_line(id) {
                self.info(&l);
            }
        }
        R::Ok
    }

    /// AT+QICLOSE=<id>[,<timeout>]: `OK`, also when nothing is open [DOC AN-BG96 p=17; LOG
    /// EWF#20]. The simulated close is at once, so the timeout (0–65535 s) is only checked.
    pub(super) fn cmd_ctx_qiclose(&mut self, kind: &Kind, params: Option<Vec<Param>>) -> R {
        let (id, p) = match self.ctx_sock_params(kind, params, |_| "+QICLOSE: (0-11),(0-65535)".into()) {
            Ok(v) => v,
            Err(r) => return r,
        };
        match p.get(1).map(pint) {
            None | Some(Some(0..=65535)) if p.len() <= 2 => {}
            _ => return self.ctx_fail(552),
        }
        self.close_sock(id);
        self.socks[id] = None;
        R::Ok
    }

    /// AT+QISEND=<id>,<len> (fixed, up to 1460), AT+QISEND=<id> (up to Ctrl-Z, ESC cancels),
    /// AT+QISEND=<id>,0 (the counters) [DOC AN-BG96 p=19/20, AN-BG95 p.24; LOG AZS#381].
    pub(super) fn cmd_ctx_qisend(&mut self, kind: &Kind, params: Option<Vec<Param>>) -> R {
        let (id, p) = match self.ctx_sock_params(kind, params, |e| {
            format!("+QISEND: (0-11),(0-{})", e.cfg.qisend_max)
        }) {
            Ok(v) => v,
            Err(r) => return r,
        };
        let len = match p.len() {
            1 => None,
            2 => match pint(&p[1]) {
                Some(l) => Some(l),
                None => return self.ctx_fail(552),
            },
            // `<id>,<len>,"<ip>",<port>` is for UDP SERVICE, not simulated [INF]
            4 => return self.ctx_fail(555),
            _ => return self.ctx_fail(552),
        };
        if len == Some(0) {
            // `+QISEND: <total>,<acked>,<unacked>`, no spaces [DOC AN-BG95 p.24, p=43]
            let Some(s) = self.socks[id].as_ref() else {
                return self.ctx_fail(552);
            };
            let t = format!("+QISEND: {},{},{}", s.sent, s.acked, s.sent - s.acked);
            self.info(&t);
            return R::Ok;
        }
        let gen = match &self.socks[id] {
            Some(s) if s.status == SockStatus::Connected && s.access != 2 => s.gen,
            // not connected: ERROR [DOC AN-BG96 p=20]
            Some(_) => return self.ctx_fail(567),
            None => return self.ctx_fail(552),
        };
        if let Some(l) = len {
            if l < 1 || l as usize > self.cfg.qisend_max {
                return self.ctx_fail(552);
            }
        }
        // the prompt: CR LF `> ` [DOC; LOG AZS#381]; the same after the variable form [INF,
        // §6.6 question 3]
        self.block.extend_from_slice(b"\r\n> ");
        self.mode = match len {
            Some(l) => Mode::SendFixed {
                slot: id,
                gen,
                remaining: l as usize,
                buf: Vec::new(),
            },
            None => Mode::SendVar {
                slot: id,
                gen,
                buf: Vec::new(),
                overflow: false,
            },
        };
        R::Done
    }

    /// AT+QIRD=<id>[,<len>]: `+QIRD: <n>` CR LF and n bytes, then the final result (see
    /// [`QirdTrailer`]); `+QIRD: 0` when empty; `<len>` 0 gives `+QIRD: <total>,<read>,<unread>`
    /// [DOC AN-BG96 p=22; LOG AZS#381, TG#475, MB#9345]. A socket closed by the peer stays
    /// readable until QICLOSE [INF, §1.10].
    pub(super) fn cmd_ctx_qird(&mut self, kind: &Kind, params: Option<Vec<Param>>) -> R {
        let (id, p) =
            match self.ctx_sock_params(kind, params, |e| format!("+QIRD: (0-11),(0-{})", e.cfg.qird_max)) {
                Ok(v) => v,
                Err(r) => return r,
            };
        let max = self.cfg.qird_max.max(1);
        let len = match p.len() {
            1 => max,
            2 => match pint(&p[1]) {
                Some(l) if l as usize <= max => l as usize,
                _ => return self.ctx_fail(552),
            },
            _ => return self.ctx_fail(552),
        };
        let Some(s) = self.socks[id].as_mut() else {
            // no such socket, also after QICLOSE [LOG TG#475]
            return self.ctx_fail(552);
        };
        if len == 0 {
            let t = format!("+QIRD: {},{},{}", s.rx_total, s.rx_read, s.rx_total - s.rx_read);
            self.info(&t);
            return R::Ok;
        }
        let mut data = Vec::new();
        if s.udp {
            // one datagram per read, cut to the length asked for [INF]
            if let Some(mut d) = s.rx.pop_front() {
                s.rx_len -= d.len();
                d.truncate(len);
                data = d;
            }
        } else {
            while data.len() < len {
                let Some(front) = s.rx.front_mut() else { break };
                let take = (len - data.len()).min(front.len());
                data.extend(front.drain(..take));
                if front.is_empty() {
                    s.rx.pop_front();
                }
            }
            s.rx_len -= data.len();
        }
        s.rx_read += data.len() as u64;
        if s.rx_len == 0 {
            // the next data is announced again [DOC AN-BG96 p.34]
            s.notified = false;
        }
        let n = data.len();
        self.info(&format!("+QIRD: {n}"));
        if n > 0 {
            self.block.extend_from_slice(&data);
            if self.cfg.qird_trailer == QirdTrailer::Crlf {
                self.block.extend_from_slice(b"\r\n");
            }
        }
        R::Ok
    }

    // ------------------------------------------------------------------ network side

    /// A connect finished: `+QIOPEN: <id>,0` or `+QIOPEN: <id>,<err>` [DOC; LOG TG#475]; in
    /// transparent mode `CONNECT` or `ERROR` [LOG SIX#14].
    pub(super) fn ctx_on_connected(&mut self, slot: usize, gen: u64, ok: bool) {
        let Some(s) = self.sock_gen(slot, gen) else {
            if ok {
                self.actions.push(Action::Close { slot, gen });
            }
            return;
        };
        if s.status != SockStatus::Connecting {
            return;
        }
        let (access, err) = (s.access, s.open_err);
        if ok {
            s.status = SockStatus::Connected;
        } else {
            s.status = SockStatus::Closed;
            s.failed = true;
        }
        if !ok && !self.cfg.failed_open_keeps_id {
            self.socks[slot] = None;
        }
        if access == 2 {
            let r = if ok {
                self.result_bytes("CONNECT", 1)
            } else {
                self.ctx_fail_bytes(err)
            };
            self.emit_block(r);
            if ok {
                self.ctx_enter_transparent(slot);
            }
            self.end_busy();
            return;
        }
        let code = if ok { 0 } else { err };
        // the connect is the last TCP/IP operation: QIGETERROR tells its result [INF]
        if code != 0 || !self.cfg.qigeterror_keep {
            self.ctxd.last_error = code;
        }
        if self.has_fault(&Fault::QiopenNoUrc) {
            return;
        }
        self.urc(&format!("+QIOPEN: {slot},{code}"));
    }

    /// The peer closed: `+QIURC: "closed",<id>`, and the socket stays in state 4 until QICLOSE
    /// [DOC AN-BG96 p.34]; in transparent mode `NO CARRIER` and command mode [INF, §1.11].
    pub(super) fn ctx_peer_closed(&mut self, slot: usize) {
        let Some(s) = self.socks[slot].as_mut() else {
            return;
        };
        if s.status == SockStatus::Closed {
            return;
        }
        s.status = SockStatus::Closed;
        s.txq.clear();
        let gen = s.gen;
        self.actions.push(Action::Close { slot, gen });
        if self.ctx_left_data_mode(slot) {
            return;
        }
        self.urc(&format!("+QIURC: \"closed\",{slot}"));
    }

    /// Transparent mode on `slot` ends because the connection did: `NO CARRIER` [INF: V.250;
    /// §6.6 question 6], or `+QIURC: "closed",<id>` (`--transparent-close qiurc`) [INF]. Whether
    /// it did.
    fn ctx_left_data_mode(&mut self, slot: usize) -> bool {
        let in_data = matches!(self.mode, Mode::Data) && self.tdata.slot == slot;
        let suspended = self.tdata.suspended && self.tdata.slot == slot;
        if suspended {
            self.tdata.suspended = false;
        }
        if !in_data {
            return false;
        }
        self.tdata.buf.clear();
        self.tdata.flush_at = None;
        self.mode = Mode::Command;
        self.tdata.suspended = false;
        let b = match self.cfg.transparent_close {
            TransparentClose::NoCarrier => self.result_bytes("NO CARRIER", 3),
            TransparentClose::Qiurc => self.framed(&format!("+QIURC: \"closed\",{slot}")),
        };
        self.emit_block(b);
        true
    }

    /// The network dropped the contexts: `+QIURC: "pdpdeact",<cid>` for each active one
    /// [DOC AN-EC200U]; their sockets are closed (state 4 until QICLOSE) [INF].
    pub(super) fn ctx_pdp_deact(&mut self) {
        for i in 0..self.ctxd.contexts.len() {
            if self.ctxd.contexts[i].state != CtxSt::Active {
                continue;
            }
            self.ctxd.contexts[i].state = CtxSt::Broken;
            let cid = i as u8 + 1;
            for slot in 0..CTX_SOCKETS {
                let Some(s) = self.socks[slot].as_mut().filter(|s| s.cid == cid) else {
                    continue;
                };
                if s.status != SockStatus::Closed {
                    s.status = SockStatus::Closed;
                    s.txq.clear();
                    let gen = s.gen;
                    self.actions.push(Action::Close { slot, gen });
                    self.ctx_left_data_mode(slot);
                }
            }
            self.urc(&format!("+QIURC: \"pdpdeact\",{cid}"));
        }
    }

    /// Server data reaches the module: raw in transparent mode; pushed as
    /// `+QIURC: "recv",<id>,<len>` CR LF data in direct push mode (pieces of at most 1500, and
    /// lost when the line is behind: no flow control towards the host [DOC AN-BG96 p.9; LOG
    /// at_device#181]); kept for QIRD in buffer mode, announced with `+QIURC: "recv",<id>` only
    /// when the buffer was empty [DOC AN-BG96 p.34] (`,<len>` with recvind [DOC AN-BG95 p.35]).
    pub(super) fn ctx_deliver(&mut self, slot: usize, chunk: Vec<u8>) {
        let n = chunk.len() as u64;
        if matches!(self.mode, Mode::Data) && self.tdata.slot == slot {
            if let Some(s) = self.socks[slot].as_mut() {
                s.rx_total += n;
                s.rx_read += n;
            }
            self.emit(chunk);
            return;
        }
        let backlog = self.link.host_backlog as u64;
        let limit = self.cfg.recv_buffer;
        let recvind = self.ctxd.recvind;
        let drop_urc = self.has_fault(&Fault::DropRecvUrc);
        let Some(s) = self.socks[slot].as_mut() else {
            return;
        };
        s.rx_total += n;
        if s.access == 1 {
            s.rx_read += n;
            if backlog > limit {
                // the UART is behind by more than the module holds: lost [INF]
                return;
            }
            for piece in chunk.chunks(PUSH_MAX) {
                let mut v = format!("\r\n+QIURC: \"recv\",{slot},{}\r\n", piece.len()).into_bytes();
                v.extend_from_slice(piece);
                self.urc_bytes(v);
            }
            return;
        }
        s.rx_len += chunk.len();
        s.rx.push_back(chunk);
        if s.notified || drop_urc {
            return;
        }
        s.notified = true;
        let text = if recvind {
            format!("+QIURC: \"recv\",{slot},{}", s.rx_len)
        } else {
            format!("+QIURC: \"recv\",{slot}")
        };
        self.urc(&text);
    }
}
