//! Data phases: the QISEND payload (fixed length, or up to Ctrl-Z), and transparent mode
//! (online data, `+++` with its guard times).

use super::*;

impl Engine {
    pub(super) fn enter_data_mode(&mut self) {
        self.mode = Mode::Data;
        self.tdata.suspended = false;
        self.tdata.plus_count = 0;
        self.tdata.buf.clear();
        self.tdata.flush_at = None;
    }

    /// A run of counted QISEND payload taken at once, as [`Engine::send_fixed_byte`] takes one
    /// byte: how many bytes of `bytes` it took (0 when the engine is not counting payload or a
    /// byte needs the per-byte path: power off, busy, or the byte after a command's CR). Per
    /// byte, the payload was the simulator's largest user-space cost on an unpaced push.
    pub(super) fn send_fixed_run(&mut self, bytes: &[u8]) -> usize {
        if self.radio.power != Power::On || self.input.busy || self.input.cr_at.is_some() {
            return 0;
        }
        let echo = self.settings.echo && self.qi.qisde;
        let Mode::SendFixed { remaining, buf, .. } = &mut self.mode else {
            return 0;
        };
        let k = (*remaining).min(bytes.len());
        if k == 0 {
            return 0;
        }
        buf.extend_from_slice(&bytes[..k]);
        *remaining -= k;
        let done = *remaining == 0;
        if echo {
            // One message per byte, as the per-byte path: output faults (fragment) act per
            // message, and a 1460-byte message would be cut and paused as a whole.
            for &b in &bytes[..k] {
                self.emit(vec![b]);
            }
        }
        if done {
            if let Mode::SendFixed { slot, gen, buf, .. } = std::mem::replace(&mut self.mode, Mode::Command) {
                self.finish_send(slot, gen, buf);
            }
        }
        k
    }

    pub(super) fn send_fixed_byte(&mut self, b: u8) {
        if let Mode::SendFixed { remaining, buf, .. } = &mut self.mode {
            buf.push(b);
            *remaining -= 1;
            let done = *remaining == 0;
            if self.settings.echo && self.qi.qisde {
                self.emit(vec![b]);
            }
            if done {
                if let Mode::SendFixed { slot, gen, buf, .. } =
                    std::mem::replace(&mut self.mode, Mode::Command)
                {
                    self.finish_send(slot, gen, buf);
                }
            }
        }
    }

    pub(super) fn send_var_byte(&mut self, b: u8) {
        let max = self.cfg.qisend_max;
        let echo = self.settings.echo && self.qi.qisde;
        if let Mode::SendVar { buf, overflow, .. } = &mut self.mode {
            match b {
                0x1a => {
                    if let Mode::SendVar { slot, gen, buf, .. } =
                        std::mem::replace(&mut self.mode, Mode::Command)
                    {
                        if echo {
                            self.emit(vec![b]);
                        }
                        if buf.is_empty() {
                            self.log_data(0);
                            let e = self.result_bytes("ERROR", 4);
                            self.emit_block(e);
                        } else {
                            self.finish_send(slot, gen, buf);
                        }
                    }
                }
                0x1b => {
                    let n = buf.len();
                    self.mode = Mode::Command;
                    self.log_data(n);
                    let ok = self.result_bytes("OK", 0);
                    self.emit_block(ok);
                }
                0x08 => {
                    buf.pop();
                    if echo {
                        self.emit(vec![b]);
                    }
                }
                _ => {
                    if buf.len() < max {
                        buf.push(b);
                    } else {
                        *overflow = true;
                    }
                    if echo {
                        self.emit(vec![b]);
                    }
                }
            }
        }
    }

    pub(super) fn finish_send(&mut self, slot: usize, gen: u64, data: Vec<u8>) {
        self.log_data(data.len());
        let limit = self.cfg.send_buffer;
        let prompt = self.qi.qiprompt;
        let res = match self.sock_gen(slot, gen) {
            Some(s) if s.status == SockStatus::Connected => {
                let unacked = s.sent - s.acked;
                if unacked + data.len() as u64 > limit {
                    "SEND FAIL"
                } else {
                    s.sent += data.len() as u64;
                    s.txq.extend(data.iter().copied());
                    "SEND OK"
                }
            }
            _ => "SEND FAIL",
        };
        if prompt <= 1 || res == "SEND FAIL" {
            // In multi-connection mode the result names the connection: `<n>, SEND OK` in the
            // manual [DOC], `2,SEND OK` on a GC65 [LOG, module.md correction 6].
            let text = if self.qi.mux {
                self.indexed(slot, res)
            } else {
                res.to_string()
            };
            let f = self.framed(&text);
            self.emit_block(f);
        }
        self.pump();
    }

    pub(super) fn data_byte(&mut self, b: u8) {
        let esc = self.qi.qitcfg.3 == 1;
        if b == b'+' && esc {
            if self.tdata.plus_count == 0 {
                if self.now.duration_since(self.tdata.last_host_at) >= self.cfg.guard_before
                    && self.tdata.buf.is_empty()
                {
                    self.tdata.plus_count = 1;
                    self.tdata.plus_first = self.now;
                    return;
                }
            } else if self.tdata.plus_count < 3
                && self.now.duration_since(self.tdata.plus_first) <= Duration::from_secs(1)
            {
                self.tdata.plus_count += 1;
                if self.tdata.plus_count == 3 {
                    self.tdata.plus_seq += 1;
                    let seq = self.tdata.plus_seq;
                    self.timers
                        .push((self.now + self.cfg.guard_after, Timer::GuardAfter(seq)));
                }
                return;
            }
        }
        if self.tdata.plus_count > 0 {
            let n = self.tdata.plus_count as usize;
            self.tdata.plus_count = 0;
            self.tdata.plus_seq += 1;
            self.tdata.buf.extend(std::iter::repeat_n(b'+', n));
        }
        self.tdata.buf.push(b);
        self.transparent_flush(false);
        if !self.tdata.buf.is_empty() {
            self.tdata.flush_at = Some(self.now + Duration::from_millis(100 * self.qi.qitcfg.1 as u64));
        }
    }

    pub(super) fn transparent_flush(&mut self, all: bool) {
        let size = self.qi.qitcfg.2.max(1) as usize;
        while self.tdata.buf.len() >= size || (all && !self.tdata.buf.is_empty()) {
            let n = self.tdata.buf.len().min(size);
            let chunk: Vec<u8> = self.tdata.buf.drain(..n).collect();
            self.log_data(chunk.len());
            if let Some(s) = self.socks[self.tdata.slot].as_mut() {
                if s.status == SockStatus::Connected {
                    s.sent += chunk.len() as u64;
                    s.txq.extend(chunk);
                }
            }
        }
        if self.tdata.buf.is_empty() {
            self.tdata.flush_at = None;
        }
    }
}
