//! The six connections: connect results, closes (local, by the peer, by a PDP deactivation),
//! and data from the server reaching the module (pushed, or kept for QIRD with +QIRDI).

use super::*;

impl Engine {
    pub(super) fn sock_gen(&mut self, slot: usize, gen: u64) -> Option<&mut Sock> {
        match self.socks.get_mut(slot) {
            Some(Some(s)) if s.gen == gen => Some(s),
            _ => None,
        }
    }

    pub(super) fn on_connected(&mut self, slot: usize, gen: u64, ok: bool) {
        if self.cfg.model.is_ctx() {
            return self.ctx_on_connected(slot, gen, ok);
        }
        let mux = self.qi.mux;
        let transparent = self.qi.transparent;
        let Some(s) = self.sock_gen(slot, gen) else {
            if ok {
                self.actions.push(Action::Close { slot, gen });
            }
            return;
        };
        if s.status != SockStatus::Connecting {
            return;
        }
        if ok {
            s.status = SockStatus::Connected;
            if transparent && !mux {
                let b = self.result_bytes("CONNECT", 1);
                self.urc_bytes(b);
                if self.can_emit_urc() {
                    self.enter_data_mode();
                }
            } else if mux {
                let t = self.indexed(slot, "CONNECT OK");
                self.urc(&t);
            } else {
                self.urc("CONNECT OK");
            }
        } else {
            s.status = SockStatus::Closed;
            if mux {
                let t = self.indexed(slot, "CONNECT FAIL");
                self.urc(&t);
            } else {
                self.urc("CONNECT FAIL");
            }
        }
    }

    pub(super) fn close_sock(&mut self, slot: usize) {
        if let Some(s) = self.socks[slot].as_mut() {
            if s.status != SockStatus::Closed {
                s.status = SockStatus::Closed;
                let gen = s.gen;
                s.txq.clear();
                self.actions.push(Action::Close { slot, gen });
            }
        }
        self.pending_targets.retain(|(s, _, _)| *s != slot);
    }

    pub(super) fn close_all_sockets(&mut self) {
        for i in 0..self.socks.len() {
            self.close_sock(i);
            self.socks[i] = None;
        }
        if matches!(self.mode, Mode::Data) {
            self.mode = Mode::Command;
        }
        self.tdata.suspended = false;
    }

    /// Context gone (QIDEACT, CFUN=0): sockets closed silently, state IP INITIAL.
    pub(super) fn drop_tcpip(&mut self, _urcs: bool) {
        self.close_all_sockets();
        self.ctx = Ctx::Initial;
        self.ctxd.deactivate_all();
    }

    pub(super) fn closed_urc_text(&self, slot: usize) -> String {
        if self.qi.mux || self.cfg.close_urc == CloseUrc::Indexed {
            self.indexed(slot, "CLOSED")
        } else {
            "CLOSED".to_string()
        }
    }

    /// The connection ended under the host: the peer closed it, or (`hold` false) the context
    /// went away with it.
    pub(super) fn peer_closed(&mut self, slot: usize, hold: bool) {
        if self.cfg.model.is_ctx() {
            return self.ctx_peer_closed(slot);
        }
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
        if matches!(self.mode, Mode::Data) && slot == 0 {
            self.transparent_flush(true);
            self.mode = Mode::Command;
            self.tdata.suspended = false;
            let f = self.framed("CLOSED");
            self.emit_data_end(f);
            return;
        }
        if self.qi.transparent {
            self.tdata.suspended = false;
        } else if let Some(s) = self.socks[slot].as_mut().filter(|s| hold && s.rx_len > 0) {
            // A real M95 reports the close only once the host has read the last byte: right
            // after the OK of the draining AT+QIRD, never while unread data remains
            // [LOG, three of three; module.md correction 4].
            s.close_held = true;
            return;
        }
        let t = self.closed_urc_text(slot);
        self.urc(&t);
    }

    pub(super) fn pdp_deact(&mut self) {
        if self.cfg.model.is_ctx() {
            return self.ctx_pdp_deact();
        }
        for i in 0..6 {
            let open = matches!(&self.socks[i], Some(s) if s.status != SockStatus::Closed);
            if open {
                self.peer_closed(i, false);
            }
            self.close_sock(i);
            self.socks[i] = None;
        }
        self.ctx = Ctx::PdpDeact;
        self.urc("+PDP DEACT");
    }

    /// Data from the server reaches the module.
    pub(super) fn deliver(&mut self, slot: usize, chunk: Vec<u8>) {
        if self.cfg.model.is_ctx() {
            return self.ctx_deliver(slot, chunk);
        }
        if matches!(self.mode, Mode::Data) && slot == 0 {
            self.emit(chunk);
            return;
        }
        let push = self.qi.qindi == 0 && !(self.qi.transparent && self.tdata.suspended);
        let Some(s) = self.socks[slot].as_mut() else {
            return;
        };
        if push {
            let mut v = Vec::new();
            if self.qi.mux {
                v.extend_from_slice(format!("\r\n+RECEIVE: {slot}, {}\r\n", chunk.len()).as_bytes());
            } else {
                if self.qi.qishowra {
                    v.extend_from_slice(format!("RECV FROM:{}:{}\r\n", s.ip, s.port).as_bytes());
                }
                if self.qi.qihead || self.qi.qishowpt {
                    v.extend_from_slice(format!("IPD{}", chunk.len()).as_bytes());
                    if self.qi.qishowpt {
                        v.extend_from_slice(if s.udp { b"UDP" } else { b"TCP" });
                    }
                    v.push(b':');
                }
            }
            v.extend_from_slice(&chunk);
            // no noise in front of pushed payload: raw push has no framing to resync on
            if self.radio.power == Power::On && self.can_emit_urc() {
                self.emit(v);
            } else if self.radio.power == Power::On {
                self.held_urcs.push_back(v);
            }
            return;
        }
        s.rx_len += chunk.len();
        s.rx.push_back(chunk);
        // QINDI=2 announces every arriving packet: `<num>` unread packets, `<len>` the length
        // of this one, `<tlen>` all unread bytes [LOG MC60, module.md correction 7]. QINDI=1
        // follows --qirdi.
        let per_packet = self.cfg.qirdi == QirdiMode::PerPacket || self.qi.qindi == 2;
        if self.qi.qindi == 0 || (s.notified && !per_packet) {
            return;
        }
        s.notified = true;
        let text = if self.qi.qindi == 2 {
            let len = s.rx.back().map_or(0, |c| c.len());
            format!("+QIRDI: 0,1,{slot},{},{len},{}", s.rx.len(), s.rx_len)
        } else {
            format!("+QIRDI: 0,1,{slot}")
        };
        self.urc(&text);
    }
}
