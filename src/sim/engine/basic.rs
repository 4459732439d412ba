//! The V.250 / 27.007 commands (echo, verbosity, identification, SIM, registration, attach,
//! functionality, power) and the SIM / registration state behind them.

use super::grammar::{pint, split_params, Kind, Param};
use super::*;

impl Engine {
    /// The SIM's state as commands see it: busy until the window of this power-on has passed,
    /// then what the faults say (`None`: ready).
    pub(super) fn sim_fault(&self) -> Option<SimFault> {
        if self.injected.sim_ready_at.is_some_and(|t| self.now < t) {
            return Some(SimFault::Busy);
        }
        self.cfg.faults.iter().find_map(|f| match f {
            Fault::Sim(SimFault::BusyFor(_)) => None,
            Fault::Sim(s) => Some(*s),
            _ => None,
        })
    }

    /// `sim=busy:DUR`: the SIM's busy window at every power-on, overriding `--sim-busy`.
    pub(super) fn sim_busy_fault(&self) -> Option<Duration> {
        self.cfg.faults.iter().find_map(|f| match f {
            Fault::Sim(SimFault::BusyFor(d)) => Some(*d),
            _ => None,
        })
    }

    /// The SIM is busy until `at`, then reports itself with a `+CPIN:` URC.
    pub(super) fn sim_busy_until(&mut self, at: Instant) {
        self.injected.sim_ready_at = Some(at);
        self.timers.retain(|t| !matches!(t.1, Timer::SimReady));
        self.timers.push((at, Timer::SimReady));
    }

    pub(super) fn has_fault(&self, want: &Fault) -> bool {
        self.cfg.faults.iter().any(|f| f == want)
    }

    pub(super) fn creg_stat(&self) -> u8 {
        if !self.radio.cfun || self.sim_fault().is_some() {
            0
        } else if self.has_fault(&Fault::NoRegister) || !self.radio.net_up {
            2
        } else {
            1
        }
    }

    pub(super) fn cgreg_stat(&self) -> u8 {
        match self.creg_stat() {
            1 if self.has_fault(&Fault::NoAttach) => 2,
            s => s,
        }
    }

    pub(super) fn attached(&self) -> bool {
        self.creg_stat() == 1 && !self.has_fault(&Fault::NoAttach) && self.radio.cgatt
    }

    pub(super) fn ctx_active(&self) -> bool {
        if self.cfg.model.is_ctx() {
            return self.ctxd.any_active();
        }
        matches!(self.ctx, Ctx::GprsAct | Ctx::Status)
    }

    pub(super) fn reg_changed(&mut self, old_creg: u8, old_cgreg: u8) {
        let c = self.creg_stat();
        if c != old_creg && self.settings.creg_n > 0 {
            self.urc(&format!("+CREG: {c}"));
        }
        let g = self.cgreg_stat();
        if g != old_cgreg && self.settings.cgreg_n > 0 {
            self.urc(&format!("+CGREG: {g}"));
        }
    }

    pub(super) fn dispatch(&mut self, name: &str, kind: Kind) -> R {
        let params = |k: &Kind| -> Option<Vec<Param>> {
            match k {
                Kind::Write(s) => split_params(s),
                _ => None,
            }
        };
        let one_int = |k: &Kind| -> Option<i64> {
            let p = params(k)?;
            if p.len() != 1 {
                return None;
            }
            pint(&p[0])
        };
        macro_rules! flag {
            ($field:expr, $label:expr, $max:expr) => {
                numeric_setting!(self, &kind, one_int(&kind), $field, $label, $max)
            };
        }
        if self.cfg.model.is_ctx() {
            if let Some(r) = self.dispatch_ctx(name, &kind) {
                return r;
            }
        }
        if let Some(r) = self.sms_boot_gate(name, &kind) {
            return r;
        }
        match name {
            "" => R::Ok,
            "E" | "V" | "Q" => {
                let v = match &kind {
                    Kind::Write(s) if s.is_empty() => 0,
                    Kind::Write(s) => match s.parse::<u8>() {
                        Ok(v) => v,
                        Err(_) => return R::Err,
                    },
                    _ => 0,
                };
                match (name, v) {
                    ("E", 0) => self.settings.echo = false,
                    ("E", 1) => self.settings.echo = true,
                    ("V", 0) => self.settings.verbose = false,
                    ("V", 1) => self.settings.verbose = true,
                    ("Q", 0) => {}
                    _ => return R::Err,
                }
                R::Ok
            }
            "Z" => {
                self.settings.echo = self.saved.echo;
                self.settings.verbose = self.saved.verbose;
                self.settings.cmee = self.saved.cmee;
                R::Ok
            }
            "&F" => {
                self.settings.echo = true;
                self.settings.verbose = true;
                self.settings.cmee = self.cfg.cmee;
                R::Ok
            }
            "&W" => {
                self.saved = Saved {
                    echo: self.settings.echo,
                    verbose: self.settings.verbose,
                    cmee: self.settings.cmee,
                    ipr: self.settings.ipr,
                };
                R::Ok
            }
            "&V" => {
                self.info(&format!(
                    "ACTIVE PROFILE:\r\nE{} V{} +CMEE: {} +IPR: {}",
                    self.settings.echo as u8,
                    self.settings.verbose as u8,
                    self.settings.cmee,
                    self.settings.ipr
                ));
                R::Ok
            }
            "&D" | "&C" | "X" | "H" => R::Ok,
            "I" => {
                let m = self.cfg.model;
                self.info(&format!(
                    "Quectel_Ltd\r\n{}\r\nRevision: {}",
                    m.ident(),
                    m.revision()
                ));
                R::Ok
            }
            "O" => self.cmd_ato(),
            "+GSN" | "+CGSN" => {
                self.info("867451020123456");
                R::Ok
            }
            "+CGMR" | "+GMR" | "+QGMR" => {
                let t = format!("Revision: {}", self.cfg.model.revision());
                self.info(&t);
                R::Ok
            }
            "+CGMI" | "+GMI" => {
                self.info("Quectel_Ltd");
                R::Ok
            }
            "+CGMM" | "+GMM" => {
                self.info(self.cfg.model.ident());
                R::Ok
            }
            "+CSQ" => {
                if matches!(kind, Kind::Test) {
                    self.info("+CSQ: (0-31,99),(0-7,99)");
                } else if self.creg_stat() == 0 && !self.radio.cfun {
                    self.info("+CSQ: 99,99");
                } else {
                    self.info("+CSQ: 21,0");
                }
                R::Ok
            }
            "+CMEE" => flag!(self.settings.cmee, "CMEE", 2),
            "+IPR" => match &kind {
                Kind::Read => {
                    self.info(&format!("+IPR: {}", self.settings.ipr));
                    R::Ok
                }
                Kind::Test => {
                    self.info(
                        "+IPR: (),(0,300,600,1200,2400,4800,9600,14400,19200,28800,38400,57600,115200)",
                    );
                    R::Ok
                }
                Kind::Write(_) => match one_int(&kind) {
                    Some(v) if (0..=4_000_000).contains(&v) => {
                        self.settings.ipr = v as u32;
                        R::Ok
                    }
                    _ => R::Err,
                },
                Kind::Exec => R::Err,
            },
            "+CPIN" => match kind {
                Kind::Read => match self.sim_fault() {
                    Some(SimFault::Absent) => R::Cme(10),
                    Some(SimFault::Busy | SimFault::BusyFor(_)) => R::Cme(14),
                    Some(SimFault::Pin) => {
                        self.info("+CPIN: SIM PIN");
                        R::Ok
                    }
                    None => {
                        self.info("+CPIN: READY");
                        R::Ok
                    }
                },
                Kind::Test => R::Ok,
                _ => match self.sim_fault() {
                    Some(SimFault::Absent) => R::Cme(10),
                    Some(SimFault::Busy | SimFault::BusyFor(_)) => R::Cme(14),
                    _ => R::Cme(3),
                },
            },
            "+CIMI" => match self.sim_gate() {
                Some(r) => r,
                None => {
                    self.info("460001234567890");
                    R::Ok
                }
            },
            "+CREG" | "+CGREG" => {
                let is_c = name == "+CREG";
                let stat = if is_c { self.creg_stat() } else { self.cgreg_stat() };
                let label = &name[1..];
                match &kind {
                    Kind::Read => {
                        let n = if is_c {
                            self.settings.creg_n
                        } else {
                            self.settings.cgreg_n
                        };
                        if n == 2 && (stat == 1 || stat == 5) {
                            self.info(&format!("+{label}: 2,{stat},\"2842\",\"0426\""));
                        } else {
                            self.info(&format!("+{label}: {n},{stat}"));
                        }
                        R::Ok
                    }
                    Kind::Test => {
                        self.info(&format!("+{label}: (0-2)"));
                        R::Ok
                    }
                    Kind::Write(_) => match one_int(&kind) {
                        Some(v) if (0..=2).contains(&v) => {
                            if is_c {
                                self.settings.creg_n = v as u8;
                            } else {
                                self.settings.cgreg_n = v as u8;
                            }
                            R::Ok
                        }
                        _ => R::Cme(3),
                    },
                    Kind::Exec => R::Ok,
                }
            }
            "+CGATT" => match &kind {
                Kind::Read => {
                    let a = self.attached() as u8;
                    self.info(&format!("+CGATT: {a}"));
                    R::Ok
                }
                Kind::Test => {
                    self.info("+CGATT: (0,1)");
                    R::Ok
                }
                Kind::Write(_) => match one_int(&kind) {
                    Some(v @ 0..=1) => {
                        self.input.busy = true;
                        self.timers
                            .push((self.now + self.cfg.delays.cgatt, Timer::CgattDone(v == 1)));
                        R::Done
                    }
                    _ => R::Cme(3),
                },
                Kind::Exec => R::Err,
            },
            "+CFUN" => self.cmd_cfun(kind),
            "+QPOWD" => {
                let v = match &kind {
                    Kind::Exec => 1,
                    Kind::Write(_) => match one_int(&kind) {
                        Some(v @ 0..=2) => v,
                        _ => return R::Err,
                    },
                    _ => return R::Err,
                };
                self.close_all_sockets();
                if v == 1 {
                    self.info("NORMAL POWER DOWN");
                } else {
                    self.push_ok();
                }
                self.power_off();
                R::Done
            }
            "+QIURC" => flag!(self.settings.qiurc, "QIURC", 1),
            "+QINISTAT" => {
                let v = if self.radio.net_up { 3 } else { 1 };
                self.info(&format!("+QINISTAT: {v}"));
                R::Ok
            }
            "+CNMI" | "+CSCS" | "+CLIP" | "+COLP" | "+CRC" | "+QSCLK" | "+CBC" | "+QNITZ" | "+CTZU" => R::Ok,
            n if n.starts_with("+QI") => self.dispatch_qi(n, kind),
            // unknown: ERROR, or `+CME ERROR: 100` with AT+CMEE=1 [LOG, module.md correction 9]
            n => self.dispatch_everyday(n, &kind).unwrap_or(R::Cme(100)),
        }
    }

    /// SMS commands before `SMS Ready` answer `+CMS ERROR: <n>` (whatever AT+CMEE says, as
    /// 27.005 has it [STD]): a real module answered one during boot [LOG, module.md §1.3
    /// (OT#28), issue 18]. The codes are 27.005's: SIM busy 314, not inserted 310, PIN 311, and
    /// 302 (operation not allowed) while the SIM is ready and the SMS store is not [INF].
    pub(super) fn sms_boot_gate(&mut self, name: &str, kind: &Kind) -> Option<R> {
        const SMS: [&str; 11] = [
            "+CMGF", "+CMGL", "+CMGR", "+CMGD", "+CMGS", "+CMGW", "+CPMS", "+CSCA", "+CSMP", "+CNMI",
            "+QMGDA",
        ];
        if matches!(kind, Kind::Test) || !SMS.contains(&name) {
            return None;
        }
        let booting =
            self.radio.power != Power::On || self.timers.iter().any(|t| matches!(t.1, Timer::BootSmsReady));
        if !booting {
            return None;
        }
        let n = match self.sim_fault() {
            Some(SimFault::Busy | SimFault::BusyFor(_)) => 314,
            Some(SimFault::Absent) => 310,
            Some(SimFault::Pin) => 311,
            None => 302,
        };
        self.info(&format!("+CMS ERROR: {n}"));
        Some(R::Done)
    }

    pub(super) fn cmd_cfun(&mut self, kind: Kind) -> R {
        match &kind {
            Kind::Read => {
                self.info(&format!("+CFUN: {}", self.radio.cfun as u8));
                R::Ok
            }
            Kind::Test => {
                self.info("+CFUN: (0,1,4),(0-1)");
                R::Ok
            }
            Kind::Write(s) => {
                let Some(p) = split_params(s) else {
                    return R::Err;
                };
                let fun = p.first().and_then(pint);
                let rst = match p.get(1) {
                    None => Some(0),
                    Some(x) => pint(x),
                };
                if p.len() > 2 {
                    return R::Cme(3);
                }
                match (fun, rst) {
                    (Some(f @ (0 | 1 | 4)), Some(r @ 0..=1)) => {
                        if r == 1 {
                            self.push_ok();
                            let blk = std::mem::take(&mut self.block);
                            self.emit_block(blk);
                            self.reboot();
                            return R::Done;
                        }
                        let (oc, og) = (self.creg_stat(), self.cgreg_stat());
                        if f == 1 {
                            self.radio.cfun = true;
                            self.radio.cgatt = true;
                        } else {
                            self.radio.cfun = false;
                            self.drop_tcpip(false);
                        }
                        self.reg_changed(oc, og);
                        R::Ok
                    }
                    _ => R::Cme(3),
                }
            }
            Kind::Exec => R::Err,
        }
    }

    pub(super) fn cmd_ato(&mut self) -> R {
        let ok = self.qi.transparent
            && self.tdata.suspended
            && matches!(&self.socks[0], Some(s) if s.status == SockStatus::Connected);
        if !ok {
            let b = self.result_bytes("NO CARRIER", 3);
            self.block.extend_from_slice(&b);
            return R::Done;
        }
        let b = self.result_bytes("CONNECT", 1);
        self.block.extend_from_slice(&b);
        let blk = std::mem::take(&mut self.block);
        self.emit_block(blk);
        self.enter_data_mode();
        // Data that arrived while in command mode goes out now.
        if let Some(s) = self.socks[0].as_mut() {
            let v: Vec<u8> = s.rx.drain(..).flatten().collect();
            s.rx_len = 0;
            self.emit(v);
        }
        R::Done
    }
}
