//! The QI connection commands: open, state, send, read.

use super::grammar::{pint, port_of, Kind, Param};
use super::*;

impl Engine {
    pub(super) fn cmd_qiopen(&mut self, kind: Kind, params: Option<Vec<Param>>) -> R {
        if matches!(kind, Kind::Test) {
            self.info("+QIOPEN: (\"TCP\",\"UDP\")");
            return R::Ok;
        }
        let Some(p) = params else { return R::Err };
        let (slot, rest) = if self.qi.mux {
            if p.len() != 4 {
                return R::Err;
            }
            match pint(&p[0]) {
                Some(i @ 0..=5) => (i as usize, &p[1..]),
                _ => return R::Err,
            }
        } else {
            if p.len() != 3 {
                return R::Err;
            }
            (0, &p[..])
        };
        let udp = match rest[0].s.to_ascii_uppercase().as_str() {
            "TCP" => false,
            "UDP" => true,
            _ => return R::Err,
        };
        let host = rest[1].s.trim().to_string();
        if host.is_empty() || host.len() > 255 {
            return R::Err;
        }
        let Some(port) = port_of(&rest[2]) else {
            return R::Err;
        };
        // state checks
        // IP START (QIREGAPP done, no QIACT) opens like IP INITIAL, activating on the way: a
        // field-proven flow [LOG, issue 18].
        match self.ctx {
            Ctx::PdpDeact | Ctx::Activating => return R::Err,
            Ctx::Initial if self.cfg.no_implicit_activation => return R::Err,
            _ => {}
        }
        if let Some(s) = &self.socks[slot] {
            match s.reported_status() {
                SockStatus::Connected => {
                    match (self.cfg.already_connect, self.qi.mux) {
                        (AlreadyConnect::MuxConnectFail, true) => {
                            self.push_ok();
                            let t = self.indexed(slot, "CONNECT FAIL");
                            self.info(&t);
                        }
                        (AlreadyConnect::WithError, _) => {
                            self.info("ALREADY CONNECT");
                            self.push_error();
                        }
                        _ => self.info("ALREADY CONNECT"),
                    }
                    return R::Done;
                }
                SockStatus::Connecting => return R::Err,
                SockStatus::Closed => {}
            }
        }
        let implicit = matches!(self.ctx, Ctx::Initial | Ctx::Start);
        if implicit && !self.attached() {
            return R::Err;
        }
        self.gen += 1;
        let gen = self.gen;
        let resolved = if self.injected.connect_fail_left > 0 {
            self.injected.connect_fail_left -= 1;
            None
        } else {
            self.resolve(&host, port, udp)
        };
        let display = resolved
            .as_ref()
            .map(|r| r.0.clone())
            .unwrap_or_else(|| host.clone());
        self.socks[slot] = Some(Sock::new(gen, udp, display, port));
        let mut delay = self.cfg.delays.qiopen;
        if implicit {
            // implicit QIREGAPP + QIACT (QIACT alone in IP START)
            self.ctx = Ctx::GprsAct;
            delay += self.cfg.delays.qiact;
        }
        self.timers
            .push((self.now + delay, Timer::OpenStart { slot, gen }));
        self.pending_targets.retain(|(s, _, _)| *s != slot);
        self.pending_targets.push((slot, gen, resolved.map(|r| r.1)));
        R::Ok
    }

    pub(super) fn cmd_qistat(&mut self, kind: Kind) -> R {
        match kind {
            Kind::Test => R::Ok,
            Kind::Exec => {
                if self.qi.mux {
                    for i in 0..6 {
                        let line = match &self.socks[i] {
                            Some(s) if s.reported_status() != SockStatus::Closed => format!(
                                "+QISTAT: {i}, \"{}\", \"{}\", {},",
                                if s.udp { "UDP" } else { "TCP" },
                                s.ip,
                                s.port
                            ),
                            _ => format!("+QISTAT: {i}, \"\", \"\","),
                        };
                        self.info(&line);
                    }
                    R::Ok
                } else {
                    self.push_ok();
                    let (n, s) = self.single_state();
                    if self.settings.verbose {
                        self.info(&format!("STATE: {s}"));
                    } else {
                        self.block.extend_from_slice(format!("{n}\r\n").as_bytes());
                    }
                    R::Done
                }
            }
            _ => R::Err,
        }
    }

    pub(super) fn single_state(&self) -> (u8, &'static str) {
        let ctx = |c: Ctx| match c {
            Ctx::Initial => (0, "IP INITIAL"),
            Ctx::Start => (1, "IP START"),
            Ctx::Activating => (2, "IP CONFIG"),
            Ctx::GprsAct => (4, "IP GPRSACT"),
            Ctx::Status => (5, "IP STATUS"),
            Ctx::PdpDeact => (9, "PDP DEACT"),
        };
        if self.ctx == Ctx::PdpDeact || self.qi.mux {
            return ctx(self.ctx);
        }
        match &self.socks[0] {
            Some(s) => match s.reported_status() {
                SockStatus::Connecting if s.udp => (6, "UDP CONNECTING"),
                SockStatus::Connecting => (6, "TCP CONNECTING"),
                SockStatus::Connected => (8, "CONNECT OK"),
                SockStatus::Closed => (7, "IP CLOSE"),
            },
            None => ctx(self.ctx),
        }
    }

    pub(super) fn cmd_qistate(&mut self, kind: Kind) -> R {
        match kind {
            Kind::Exec => {
                self.push_ok();
                let (n, s) = self.single_state();
                if self.settings.verbose {
                    self.info(&format!("STATE: {s}"));
                } else {
                    self.block.extend_from_slice(format!("{n}\r\n").as_bytes());
                }
                for i in 0..6 {
                    let line = match &self.socks[i] {
                        Some(s) => format!(
                            "+QISTATE: {i}, \"{}\", \"{}\", {}, \"{}\"",
                            if s.udp { "UDP" } else { "TCP" },
                            s.ip,
                            s.port,
                            match s.reported_status() {
                                SockStatus::Connecting => "CONNECTING",
                                SockStatus::Connected => "CONNECTED",
                                SockStatus::Closed => "CLOSED",
                            }
                        ),
                        None => format!("+QISTATE: {i}, \"\", \"\", , \"INITIAL\""),
                    };
                    self.info(&line);
                }
                self.push_ok();
                R::Done
            }
            Kind::Test => R::Ok,
            _ => R::Err,
        }
    }

    pub(super) fn cmd_qisend(&mut self, kind: Kind, params: Option<Vec<Param>>) -> R {
        let (slot, len) = match (&kind, self.qi.mux) {
            (Kind::Test, _) => {
                self.info(&format!("+QISEND: <length>(1-{})", self.cfg.qisend_max));
                return R::Ok;
            }
            (Kind::Exec, false) => (0, None),
            (Kind::Write(_), _) => {
                let p = params.unwrap_or_default();
                match (self.qi.mux, p.len()) {
                    (false, 1) => (0, pint(&p[0])),
                    (true, 2) => match pint(&p[0]) {
                        Some(i @ 0..=5) => (i as usize, pint(&p[1])),
                        _ => return R::Err,
                    },
                    _ => return R::Err,
                }
            }
            _ => return R::Err,
        };
        let gen = match &self.socks[slot] {
            Some(s) if s.status == SockStatus::Connected => s.gen,
            _ => return R::Err,
        };
        if self.qi.transparent {
            return R::Err;
        }
        if let Some(l) = len {
            if l < 1 || l as usize > self.cfg.qisend_max {
                return R::Err;
            }
        }
        if matches!(kind, Kind::Write(_)) && len.is_none() {
            return R::Err;
        }
        if self.qi.qiprompt == 1 || self.qi.qiprompt == 2 {
            self.block.extend_from_slice(b"\r\n> ");
        }
        self.mode = match len {
            Some(l) => Mode::SendFixed {
                slot,
                gen,
                remaining: l as usize,
                buf: Vec::new(),
            },
            None => Mode::SendVar {
                slot,
                gen,
                buf: Vec::new(),
                overflow: false,
            },
        };
        R::Done
    }

    pub(super) fn cmd_qird(&mut self, kind: Kind, params: Option<Vec<Param>>) -> R {
        if matches!(kind, Kind::Test) {
            return R::Ok;
        }
        let Some(p) = params else { return R::Err };
        if p.len() != 4 {
            return R::Err;
        }
        let v: Vec<Option<i64>> = p.iter().map(pint).collect();
        let (Some(id), Some(sc), Some(sid), Some(len)) = (v[0], v[1], v[2], v[3]) else {
            return R::Err;
        };
        if !(0..=1).contains(&id) || !(1..=2).contains(&sc) || !(0..=5).contains(&sid) {
            return R::Err;
        }
        if !self.qi.mux && sid != 0 {
            return R::Err;
        }
        if !(1..=65535).contains(&len) {
            return R::Err;
        }
        if !self.ctx_active() {
            return R::Err;
        }
        let max = (len as usize).min(self.cfg.qird_max.max(1));
        let slot = sid as usize;
        let verbose = self.settings.verbose;
        let Some(s) = self.socks[slot].as_mut() else {
            return R::Err;
        };
        if s.rx_len == 0 {
            if s.status == SockStatus::Connected {
                return R::Ok;
            }
            // closed (or never connected) and drained: ERROR, and the state stays IP CLOSE
            // [LOG, module.md correction 4]
            return R::Err;
        }
        let mut data = Vec::new();
        // UDP: one record per datagram; whole datagrams while they fit in the length asked for
        // (a real GC65 answered one QIRD with seven records [LOG, module.md correction 5]), or
        // one per answer with --qird-udp one. A datagram longer than the length asked for is
        // cut, and its tail dropped [INF].
        let mut records: Vec<Vec<u8>> = Vec::new();
        // what leaves the buffer: a datagram's unread tail is dropped with it
        let mut removed = 0;
        if s.udp {
            let mut room = max;
            while let Some(front) = s.rx.front() {
                let first = records.is_empty();
                if !first && (front.len() > room || self.cfg.qird_udp == QirdUdp::One) {
                    break;
                }
                let Some(mut d) = s.rx.pop_front() else { break };
                removed += d.len();
                d.truncate(room);
                room -= d.len();
                records.push(d);
            }
        } else {
            while data.len() < max {
                let Some(front) = s.rx.front_mut() else { break };
                let take = (max - data.len()).min(front.len());
                data.extend(front.drain(..take));
                removed += take;
                if front.is_empty() {
                    s.rx.pop_front();
                }
            }
        }
        // (kept as a running total: summing the queue per read was O(queued pieces))
        s.rx_len -= removed;
        if s.rx_len == 0 {
            s.notified = false;
            if std::mem::take(&mut s.close_held) {
                let t = self.closed_urc_text(slot);
                self.after_response.push(t);
            }
        }
        let Some(s) = self.socks[slot].as_ref() else {
            return R::Err;
        };
        if !s.udp {
            records.push(data);
        }
        let (ip, port, proto) = (s.ip.clone(), s.port, if s.udp { "UDP" } else { "TCP" });
        for (i, r) in records.into_iter().enumerate() {
            // A GC65 starts the next UDP record right after the last datagram byte [LOG, issue
            // 18]; the first header, like OK after the last record, has its CR LF.
            if verbose && (i == 0 || self.cfg.qird_gap == QirdGap::Crlf) {
                self.block.extend_from_slice(b"\r\n");
            }
            self.block
                .extend_from_slice(format!("+QIRD: {ip}:{port},{proto},{}\r\n", r.len()).as_bytes());
            self.block.extend_from_slice(&r);
        }
        R::Ok
    }
}
