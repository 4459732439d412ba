//! Host bytes in command mode: line assembly, echo (held back for `silent=`/`sync-after`
//! faults), `A/`, and the execution of a command line.

use super::grammar::{cme_text, parse_commands};
use super::*;

impl Engine {
    pub(super) fn host_byte(&mut self, b: u8) {
        match self.radio.power {
            Power::On => {}
            _ => return,
        }
        // By default a LF right after the CR of a command line is never data, whatever mode
        // that line started: CR LF hosts (TinyGSM's M95/MC60 drivers, RT-Thread's AT client)
        // send `AT+QISEND=<n>\r\n`, `AT+QISEND\r\n`, `ATO\r\n` and their payload arrives
        // intact on real modules [CODE, field use; module.md correction 1]. "Right after" is on
        // the line: the LF came with the CR, before the host could have seen the `> ` or
        // `CONNECT` that the line caused; a LF the host sends in answer to the prompt is data
        // [INF]. `--lf-after-cr` gives the other two readings (always dropped; never).
        if let Some(cr_at) = self.input.cr_at.take() {
            let with_cr = self.input.arrival <= cr_at + 2 * self.cfg.line_byte_time;
            let dropped = match self.cfg.lf_after_cr {
                super::config::LfAfterCr::WithCr => with_cr,
                super::config::LfAfterCr::Always => true,
                super::config::LfAfterCr::None => false,
            };
            if b == b'\n' && dropped {
                return;
            }
        }
        // A line written before the previous command's final result: real firmware drops it
        // (an MC60 answered one of two lines typed ahead; QIREGAPP sent early got no answer)
        // [LOG, issue 18]. Line ends are harmless either way.
        // "Before the result" is within the host write that held the line: a host that waits
        // for each result (and a virtual clock, where a result and the next line share an
        // instant) writes the next line separately.
        let typed_ahead =
            self.input.busy || (self.input.answered_in_write && matches!(self.mode, Mode::Command));
        if typed_ahead && self.cfg.type_ahead == TypeAhead::Drop {
            return;
        }
        if self.input.busy {
            if self.input.pending.len() < 65536 {
                self.input.pending.push_back(b);
            }
            return;
        }
        match self.mode {
            Mode::Command => self.cmd_byte(b),
            Mode::SendFixed { .. } => self.send_fixed_byte(b),
            Mode::SendVar { .. } => self.send_var_byte(b),
            Mode::Data => self.data_byte(b),
        }
    }

    pub(super) fn end_busy(&mut self) {
        self.input.busy = false;
        // Input held while busy is taken as arriving now, all of it together.
        self.input.arrival = self.now;
        while !self.input.busy && self.radio.power == Power::On {
            let Some(b) = self.input.pending.pop_front() else {
                break;
            };
            self.host_byte(b);
        }
    }

    pub(super) fn silent_match(&self, line: &[u8], partial: bool) -> bool {
        let up = line.to_ascii_uppercase();
        self.injected.silent.iter().any(|p| {
            if p == "*" {
                return true;
            }
            let pb = p.as_bytes();
            up.starts_with(pb) || (partial && pb.starts_with(&up))
        })
    }

    pub(super) fn echo_byte(&mut self, b: u8) {
        if !self.settings.echo {
            return;
        }
        if self.injected.sync_left > 0 || self.silent_match(&self.input.line, true) {
            self.input.held_echo.push(b);
        } else {
            let mut v = std::mem::take(&mut self.input.held_echo);
            v.push(b);
            self.emit(v);
        }
    }

    pub(super) fn cmd_byte(&mut self, b: u8) {
        // Between command lines a LF is a line ending's tail, however late it comes [STD].
        if b == b'\n' && self.input.line.is_empty() {
            return;
        }
        match b {
            b'\r' => {
                self.input.cr_at = Some(self.input.arrival);
                let line = std::mem::take(&mut self.input.line);
                let overflow = std::mem::replace(&mut self.input.overflow, false);
                let held = std::mem::take(&mut self.input.held_echo);
                let trimmed = line.iter().any(|c| !c.is_ascii_whitespace());
                if trimmed {
                    self.log_line(&line);
                }
                if self.injected.sync_left > 0 {
                    if trimmed {
                        self.injected.sync_left -= 1;
                    }
                    return;
                }
                if self.silent_match(&line, false) {
                    return;
                }
                if self.settings.echo {
                    let mut v = held;
                    v.push(b'\r');
                    self.emit(v);
                }
                if overflow {
                    self.push_error();
                    let blk = std::mem::take(&mut self.block);
                    self.emit_block(blk);
                } else {
                    self.exec_line(line);
                }
                if trimmed {
                    self.input.answered_in_write = true;
                    // Autobauding: the first command line gave the module its rate; the boot
                    // URCs it held come after its answer [LOG, issue 18].
                    if let Some(held) = self.radio.autobaud_held.take() {
                        for t in held {
                            self.urc(&t);
                        }
                    }
                }
            }
            0x08 => {
                self.input.line.pop();
                self.echo_byte(b);
            }
            // A lone ESC cancels the line being typed, silently [INF; issue 11 item 6].
            0x1b => {
                self.input.line.clear();
                self.input.overflow = false;
                self.input.held_echo.clear();
            }
            _ => {
                if self.input.line.len() >= MAX_LINE {
                    self.input.overflow = true;
                } else {
                    self.input.line.push(b);
                }
                self.echo_byte(b);
                if self.input.line.len() == 2 && self.input.line.eq_ignore_ascii_case(b"A/") {
                    self.input.line.clear();
                    self.input.held_echo.clear();
                    if let Some(l) = self.input.last_line.clone() {
                        self.exec_line(l);
                    }
                }
            }
        }
    }

    pub(super) fn exec_line(&mut self, line: Vec<u8>) {
        self.block.clear();
        let mut l: &[u8] = &line;
        while let Some((last, rest)) = l.split_last() {
            if last.is_ascii_whitespace() {
                l = rest;
            } else {
                break;
            }
        }
        if l.is_empty() {
            return;
        }
        // A module's parser hunts for `AT`: whatever comes before it on the line is ignored, so
        // the application note's recovery (`+++` unanswered in command mode, then
        // `AT+QIDEACT`) works [DOC GSM_TCPIP_AN; module.md issue 11 item 6]. A line without
        // `AT` stays an error [INF].
        if let Some(i) = l.windows(2).position(|w| w.eq_ignore_ascii_case(b"AT")) {
            l = &l[i..];
        }
        if l.len() < 2 || !l[..2].eq_ignore_ascii_case(b"AT") {
            self.push_error();
            let blk = std::mem::take(&mut self.block);
            self.emit_block(blk);
            return;
        }
        self.input.last_line = Some(l.to_vec());
        let text = String::from_utf8_lossy(&l[2..]).into_owned();
        let cmds = match parse_commands(&text) {
            Some(c) => c,
            None => {
                self.push_error();
                let blk = std::mem::take(&mut self.block);
                self.emit_block(blk);
                return;
            }
        };
        let mut r = R::Ok;
        for (name, kind) in cmds {
            r = self.dispatch(&name, kind);
            if !matches!(r, R::Ok) {
                break;
            }
        }
        match r {
            R::Ok => self.push_ok(),
            R::Err => self.push_error(),
            R::Cme(n) => self.push_cme(n),
            R::Done => {}
        }
        let blk = std::mem::take(&mut self.block);
        self.emit_block(blk);
        for t in std::mem::take(&mut self.after_response) {
            self.urc(&t);
        }
    }

    pub(super) fn push_cme(&mut self, n: u16) {
        match self.settings.cmee {
            0 => self.push_error(),
            1 => self.info(&format!("+CME ERROR: {n}")),
            _ => self.info(&format!("+CME ERROR: {}", cme_text(n))),
        }
    }
}
