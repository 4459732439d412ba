//! Timers (delayed answers, boot URCs, timed faults), power off, reboot and boot.

use super::*;

impl Engine {
    pub(super) fn fire_timers(&mut self) -> bool {
        let mut any = false;
        loop {
            let now = self.now;
            let idx = self
                .timers
                .iter()
                .enumerate()
                .filter(|(_, t)| t.0 <= now)
                .min_by_key(|(_, t)| t.0)
                .map(|(i, _)| i);
            let Some(i) = idx else { break };
            let (_, t) = self.timers.remove(i);
            any = true;
            self.on_timer(t);
        }
        if let Some(t) = self.tdata.flush_at {
            if t <= self.now {
                self.tdata.flush_at = None;
                self.transparent_flush(true);
                any = true;
            }
        }
        any
    }

    pub(super) fn on_timer(&mut self, t: Timer) {
        match t {
            Timer::QiactDone => {
                let ok = self.attached()
                    && self.qi.csgp_mode == 1
                    && !self.has_fault(&Fault::QiactFail)
                    && self.ctx == Ctx::Activating;
                let r = if ok {
                    self.ctx = Ctx::GprsAct;
                    self.result_bytes("OK", 0)
                } else {
                    if self.ctx == Ctx::Activating {
                        self.ctx = match self.cfg.qiact_fail_state {
                            QiactFailState::PdpDeact => Ctx::PdpDeact,
                            QiactFailState::IpInitial => Ctx::Initial,
                        };
                    }
                    self.result_bytes("ERROR", 4)
                };
                self.emit_block(r);
                self.end_busy();
                if ok && self.injected.pdp_deact_pending {
                    self.injected.pdp_deact_pending = false;
                    self.pdp_deact();
                }
            }
            Timer::QideactDone => {
                self.drop_tcpip(false);
                let f = self.framed("DEACT OK");
                self.emit_block(f);
                self.end_busy();
            }
            Timer::CgattDone(attach) => {
                let r = if attach {
                    if self.creg_stat() == 1 && !self.has_fault(&Fault::NoAttach) {
                        self.radio.cgatt = true;
                        self.result_bytes("OK", 0)
                    } else {
                        self.result_bytes("ERROR", 4)
                    }
                } else {
                    let was = self.radio.cgatt;
                    self.radio.cgatt = false;
                    if was && (self.ctx_active() || self.ctx == Ctx::Activating) {
                        let ok = self.result_bytes("OK", 0);
                        self.emit_block(ok);
                        self.pdp_deact();
                        self.end_busy();
                        return;
                    }
                    self.result_bytes("OK", 0)
                };
                self.emit_block(r);
                self.end_busy();
            }
            Timer::OpenStart { slot, gen } => {
                let target = self
                    .pending_targets
                    .iter()
                    .position(|(s, g, _)| *s == slot && *g == gen)
                    .map(|i| self.pending_targets.remove(i).2);
                if self.sock_gen(slot, gen).is_none() {
                    return;
                }
                match target.flatten() {
                    Some(target) => {
                        let udp = self.socks[slot].as_ref().is_some_and(|s| s.udp);
                        self.actions.push(Action::Connect {
                            slot,
                            gen,
                            target,
                            udp,
                            timeout: self.cfg.connect_timeout,
                        });
                    }
                    None => self.on_connected(slot, gen, false),
                }
            }
            Timer::DnsDone(r) => {
                if self.radio.power != Power::On {
                    return;
                }
                let b = match r {
                    Some(ip) => self.framed(&ip),
                    None => self.result_bytes("ERROR", 4),
                };
                self.urc_bytes(b);
            }
            // A booting module says RDY, +CFUN: 1, +CPIN: READY, Call Ready and SMS Ready spread
            // over seconds, and answers commands in between (SIM-dependent ones with SIM busy
            // until +CPIN: READY) [LOG, module.md correction 8]. RDY is shown only with a fixed
            // baud rate (AT+IPR not 0) [DOC]; see `boot_urc` for the others.
            Timer::BootRdy => {
                self.radio.power = Power::On;
                if self.settings.ipr != 0 {
                    self.urc("RDY");
                }
            }
            Timer::BootCfun => self.boot_urc("+CFUN: 1"),
            Timer::BootCallReady => {
                let (oc, og) = (self.creg_stat(), self.cgreg_stat());
                self.radio.net_up = true;
                if self.cfg.model.is_ctx() {
                    // no Call Ready in the context dialect [INF]
                } else if self.radio.power == Power::On && self.settings.qiurc {
                    self.urc("Call Ready");
                }
                self.reg_changed(oc, og);
            }
            Timer::BootSmsReady if self.cfg.model.is_ctx() => self.ctx_app_ready(),
            Timer::BootSmsReady => {
                if self.radio.power == Power::On {
                    self.urc("SMS Ready");
                }
            }
            Timer::PdpDeactFault => {
                if self.ctx_active() {
                    self.pdp_deact();
                } else {
                    self.injected.pdp_deact_pending = true;
                }
            }
            Timer::RebootFault => self.reboot(),
            Timer::SimReady => {
                let (oc, og) = (self.creg_stat(), self.cgreg_stat());
                if self.radio.power == Power::On {
                    match self.sim_fault() {
                        None => self.boot_urc("+CPIN: READY"),
                        Some(SimFault::Pin) => self.boot_urc("+CPIN: SIM PIN"),
                        Some(SimFault::Absent) => self.boot_urc("+CPIN: NOT INSERTED"),
                        Some(SimFault::Busy | SimFault::BusyFor(_)) => {}
                    }
                }
                self.reg_changed(oc, og);
            }
            Timer::VanishFault => self.actions.push(Action::Vanish),
            Timer::CtxActDone(cid) => self.ctx_act_done(cid),
            Timer::CtxDeactDone(cid) => self.ctx_deact_done(cid),
            Timer::DnsGip(r) => self.ctx_dnsgip_done(r),
            Timer::GuardAfter(seq) => {
                if seq == self.tdata.plus_seq
                    && self.tdata.plus_count == 3
                    && matches!(self.mode, Mode::Data)
                    && self.now.duration_since(self.tdata.last_host_at) >= self.cfg.guard_after
                {
                    self.tdata.plus_count = 0;
                    self.transparent_flush(true);
                    self.mode = Mode::Command;
                    self.tdata.suspended = true;
                    if self.cfg.model.is_ctx() {
                        self.ctx_after_escape();
                    }
                    let ok = self.result_bytes("OK", 0);
                    self.emit_data_end(ok);
                }
            }
        }
    }

    /// `+CFUN: 1` and `+CPIN:` of a boot. Autobauding (AT+IPR=0), a module cannot send before
    /// the host's first command has given it the rate [DOC S-M95-HD]; a factory-default M95
    /// sent them after its first answers all the same [LOG, issue 18], so they wait for it.
    pub(super) fn boot_urc(&mut self, text: &str) {
        match self.radio.autobaud_held.as_mut() {
            Some(held) => held.push(text.to_string()),
            None => self.urc(text),
        }
    }

    pub(super) fn power_off(&mut self) {
        self.radio.power = Power::Off;
        self.mode = Mode::Command;
        self.input.busy = false;
        self.input.pending.clear();
        self.held_urcs.clear();
        self.input.line.clear();
        self.input.held_echo.clear();
        self.timers.retain(|t| {
            matches!(
                t.1,
                Timer::VanishFault | Timer::PdpDeactFault | Timer::RebootFault
            )
        });
    }

    pub(super) fn reboot(&mut self) {
        if self.cfg.model.is_ctx() {
            self.ctx_before_reset();
        }
        self.close_all_sockets();
        self.power_off();
        self.boot(true);
    }

    pub(super) fn boot(&mut self, reset: bool) {
        if reset {
            // Everything volatile starts over; what AT&W stored comes back.
            self.settings = Settings::from_saved(self.saved);
            self.radio.cfun = true;
            self.radio.cgatt = true;
            self.ctx = Ctx::Initial;
            self.qi = QiConfig::default();
            self.everyday.cmgf = 0;
            self.pending_targets.clear();
            self.ctxd.reset(&self.cfg);
            self.input.cr_at = None;
        }
        self.radio.power = Power::Booting;
        self.radio.net_up = false;
        self.radio.autobaud_held = (self.settings.ipr == 0).then(Vec::new);
        self.ctxd.app_ready = false;
        self.ctxd.powered_at = self.now;
        let d = self.cfg.delays;
        let rdy = self.now + d.rdy;
        self.timers.push((rdy, Timer::BootRdy));
        let cfun = rdy + d.cfun;
        self.timers.push((cfun, Timer::BootCfun));
        // the SIM starts with the module: busy from power-on until its window after RDY ends
        let sim_ready = (rdy + self.sim_busy_fault().unwrap_or(d.sim_busy)).max(cfun);
        self.sim_busy_until(sim_ready);
        // registration (Call Ready) needs the SIM; SMS Ready comes last
        let call_ready = (self.now + d.call_ready).max(sim_ready);
        self.timers.push((call_ready, Timer::BootCallReady));
        self.timers.push((call_ready + d.sms_ready, Timer::BootSmsReady));
    }
}
