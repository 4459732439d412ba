//! What the module writes: framing by ATV, result codes, URCs (held while a data phase runs),
//! injected noise, and the host log.

use super::*;

impl Engine {
    pub(super) fn emit(&mut self, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        // Consecutive output (an echo byte by byte, then the answer) is one write to the pty;
        // with a fragment fault each piece of output keeps its own pacing, as it always had.
        let fragmenting = self.cfg.faults.iter().any(|f| matches!(f, Fault::Fragment(..)));
        if let (false, Some(Action::Host(last))) = (fragmenting, self.actions.last_mut()) {
            last.extend_from_slice(&bytes);
        } else {
            self.actions.push(Action::Host(bytes));
        }
    }

    /// Emit a response block, maybe preceded by noise.
    pub(super) fn emit_block(&mut self, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        self.noise();
        self.urc_noise();
        self.emit(bytes);
    }

    /// The result that ends transparent data mode (`OK` after `+++`, `CLOSED`): nothing comes
    /// between the last data byte and it, so no URC noise (a URC follows it).
    pub(super) fn emit_data_end(&mut self, bytes: Vec<u8>) {
        self.noise();
        self.emit(bytes);
    }

    /// `urc-noise=P`: a network URC before a block, in command mode only (never inside a data
    /// phase, nor between the echo of `AT+QISEND` and its prompt) [INF, issue 18].
    pub(super) fn urc_noise(&mut self) {
        let p = self.cfg.faults.iter().find_map(|f| match f {
            Fault::UrcNoise(p) => Some(*p),
            _ => None,
        });
        let Some(p) = p else { return };
        if !matches!(self.mode, Mode::Command) || self.radio.power != Power::On {
            return;
        }
        let r = (self.rand() >> 11) as f64 / (1u64 << 53) as f64;
        if r >= p {
            return;
        }
        let text = match self.rand() % 3 {
            0 => "+QNITZ: \"26/12/06,14:05:00+04,0\"",
            1 => "+CMTI: \"SM\",1",
            _ => "+CREG: 1",
        };
        let f = self.framed(text);
        self.emit(f);
    }

    pub(super) fn noise(&mut self) {
        let p = self.cfg.faults.iter().find_map(|f| match f {
            Fault::Noise(p) => Some(*p),
            _ => None,
        });
        if let Some(p) = p {
            let r = (self.rand() >> 11) as f64 / (1u64 << 53) as f64;
            if r < p {
                let n = 1 + (self.rand() % 6) as usize;
                let mut v = b"\r\n".to_vec();
                for _ in 0..n {
                    let mut b = (self.rand() & 0xff) as u8;
                    if (0x20..0x7f).contains(&b) || b == b'\r' || b == b'\n' {
                        b = 0x80 | (b & 0x7f);
                    }
                    v.push(b);
                }
                v.extend_from_slice(b"\r\n");
                self.emit(v);
            }
        }
    }

    pub(super) fn framed(&self, text: &str) -> Vec<u8> {
        if self.settings.verbose {
            format!("\r\n{text}\r\n").into_bytes()
        } else {
            format!("{text}\r\n").into_bytes()
        }
    }

    pub(super) fn info(&mut self, text: &str) {
        let f = self.framed(text);
        self.block.extend_from_slice(&f);
    }

    pub(super) fn result_bytes(&self, verbose: &str, num: u8) -> Vec<u8> {
        if self.settings.verbose {
            format!("\r\n{verbose}\r\n").into_bytes()
        } else {
            format!("{num}\r").into_bytes()
        }
    }

    pub(super) fn push_ok(&mut self) {
        let b = self.result_bytes("OK", 0);
        self.block.extend_from_slice(&b);
    }

    pub(super) fn push_error(&mut self) {
        let b = self.result_bytes("ERROR", 4);
        self.block.extend_from_slice(&b);
    }

    /// An unsolicited line: emitted now, or held until the data phase ends.
    pub(super) fn urc(&mut self, text: &str) {
        let f = self.framed(text);
        self.urc_bytes(f);
    }

    pub(super) fn urc_bytes(&mut self, bytes: Vec<u8>) {
        if self.radio.power != Power::On || self.ctx_urcs_lost() {
            return;
        }
        if self.can_emit_urc() {
            self.emit_block(bytes);
        } else {
            self.held_urcs.push_back(bytes);
        }
    }

    pub(super) fn can_emit_urc(&self) -> bool {
        matches!(self.mode, Mode::Command) && self.held_urcs.is_empty()
    }

    pub(super) fn flush_held(&mut self) {
        if matches!(self.mode, Mode::Command) && self.radio.power == Power::On {
            while let Some(b) = self.held_urcs.pop_front() {
                self.emit_block(b);
            }
        }
    }

    pub(super) fn log_line(&mut self, line: &[u8]) {
        if !self.cfg.host_log {
            return;
        }
        let t = self.now.duration_since(self.start).as_millis() as u64;
        // Every byte kept, escaped as in `--trace` files.
        let v = serde_json::json!({"t_ms": t, "line": crate::trace::escape(line)});
        self.actions.push(Action::Log(v.to_string()));
    }

    pub(super) fn log_data(&mut self, n: usize) {
        if !self.cfg.host_log {
            return;
        }
        let t = self.now.duration_since(self.start).as_millis() as u64;
        let v = serde_json::json!({"t_ms": t, "data_len": n});
        self.actions.push(Action::Log(v.to_string()));
    }

    /// A result or URC that names connection `slot`: `2, SEND OK`, or `2,SEND OK` with
    /// `--mux-index compact`.
    pub(super) fn indexed(&self, slot: usize, text: &str) -> String {
        match self.cfg.mux_index {
            MuxIndex::Spaced => format!("{slot}, {text}"),
            MuxIndex::Compact => format!("{slot},{text}"),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn host_log_lines_keep_every_byte() {
        assert_eq!(crate::trace::escape(b"AT+X=\"a\\b\""), "AT+X=\"a\\\\b\"");
        assert_eq!(
            crate::trace::escape(b"\xc3\xa9\xff\x00\t"),
            "\\xc3\\xa9\\xff\\x00\\t"
        );
    }
}
