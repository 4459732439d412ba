//! The QI commands: dispatch, context activation, and the QI settings.

use super::grammar::{pint, split_params, Kind, Param};
use super::*;
use std::net::Ipv4Addr;

impl Engine {
    pub(super) fn dispatch_qi(&mut self, name: &str, kind: Kind) -> R {
        let params = match &kind {
            Kind::Write(s) => match split_params(s) {
                Some(p) => Some(p),
                None => return R::Err,
            },
            _ => None,
        };
        let one = |p: &Option<Vec<Param>>| -> Option<i64> {
            match p {
                Some(v) if v.len() == 1 => pint(&v[0]),
                _ => None,
            }
        };
        macro_rules! qflag {
            ($field:expr, $label:expr, $max:expr) => {
                numeric_setting!(self, &kind, one(&params), $field, $label, $max)
            };
        }
        match name {
            "+QIFGCNT" => match &kind {
                Kind::Read => {
                    self.info(&format!("+QIFGCNT: {},0", self.qi.fgcnt));
                    R::Ok
                }
                Kind::Test => {
                    self.info("+QIFGCNT: (0,1)");
                    R::Ok
                }
                Kind::Write(_) => match one(&params) {
                    Some(v @ 0..=1) => {
                        self.qi.fgcnt = v as u8;
                        R::Ok
                    }
                    _ => R::Err,
                },
                Kind::Exec => R::Err,
            },
            "+QICSGP" => match &kind {
                Kind::Read => {
                    let (a, u, p) = self.qi.apn.clone();
                    match self.cfg.qicsgp_read {
                        // a real MC60 answered the mode alone [LOG, issue 18]
                        QicsgpRead::Mode => self.info(&format!("+QICSGP: {}", self.qi.csgp_mode)),
                        QicsgpRead::Full => {
                            self.info(&format!("+QICSGP: {},\"{a}\",\"{u}\",\"{p}\"", self.qi.csgp_mode))
                        }
                    }
                    R::Ok
                }
                Kind::Test => {
                    self.info("+QICSGP: (0,1)");
                    R::Ok
                }
                Kind::Write(_) => {
                    let p = params.unwrap_or_default();
                    let mode = match p.first().and_then(pint) {
                        Some(m @ 0..=1) => m as u8,
                        _ => return R::Err,
                    };
                    if p.len() > 5 || p.iter().skip(1).any(|x| !x.quoted && !x.s.is_empty()) {
                        return R::Err;
                    }
                    self.qi.csgp_mode = mode;
                    let g = |i: usize| p.get(i).map(|x| x.s.clone()).unwrap_or_default();
                    if p.len() > 1 {
                        self.qi.apn = (g(1), g(2), g(3));
                    }
                    R::Ok
                }
                Kind::Exec => R::Err,
            },
            "+QIREGAPP" => match &kind {
                Kind::Test => {
                    self.info("+QIREGAPP: \"APN\",\"USER\",\"PWD\"");
                    R::Ok
                }
                Kind::Read => {
                    let (a, u, p) = self.qi.apn.clone();
                    self.info(&format!("+QIREGAPP: \"{a}\",\"{u}\",\"{p}\""));
                    R::Ok
                }
                Kind::Exec | Kind::Write(_) => {
                    if self.ctx != Ctx::Initial {
                        return R::Err;
                    }
                    if let Some(p) = &params {
                        if p.is_empty() || p.len() > 4 || p.iter().take(3).any(|x| !x.quoted) {
                            return R::Err;
                        }
                        let g = |i: usize| p.get(i).map(|x| x.s.clone()).unwrap_or_default();
                        self.qi.apn = (g(0), g(1), g(2));
                    }
                    self.ctx = Ctx::Start;
                    R::Ok
                }
            },
            "+QIACT" => match &kind {
                Kind::Exec => {
                    match self.ctx {
                        Ctx::Start => {}
                        Ctx::Initial if !self.cfg.no_implicit_activation => {}
                        _ => return R::Err,
                    }
                    self.ctx = Ctx::Activating;
                    self.input.busy = true;
                    self.timers
                        .push((self.now + self.cfg.delays.qiact, Timer::QiactDone));
                    R::Done
                }
                Kind::Test => R::Ok,
                _ => R::Err,
            },
            "+QILOCIP" => match &kind {
                Kind::Exec => {
                    match self.ctx {
                        Ctx::GprsAct => self.ctx = Ctx::Status,
                        Ctx::Status => {}
                        _ => return R::Err,
                    }
                    self.info(LOCAL_IP);
                    R::Done
                }
                Kind::Test => R::Ok,
                _ => R::Err,
            },
            "+QIDEACT" => match &kind {
                Kind::Exec => {
                    if self.ctx == Ctx::Initial && self.cfg.qideact_in_initial == OkError::Error {
                        return R::Err;
                    }
                    self.input.busy = true;
                    self.timers
                        .push((self.now + self.cfg.delays.qideact, Timer::QideactDone));
                    R::Done
                }
                Kind::Test => R::Ok,
                _ => R::Err,
            },
            "+QIDNSIP" => qflag!(self.qi.qidnsip, "QIDNSIP", 1),
            "+QIDNSCFG" => match &kind {
                Kind::Read => {
                    let (a, b) = self.qi.dns.clone();
                    self.info(&format!("PrimaryDns:{a}\r\nSecondaryDns:{b}"));
                    R::Ok
                }
                Kind::Write(_) => {
                    let p = params.unwrap_or_default();
                    if p.is_empty() || p.len() > 2 {
                        return R::Err;
                    }
                    if p.iter().any(|x| x.s.parse::<Ipv4Addr>().is_err()) {
                        return R::Err;
                    }
                    self.qi.dns = (
                        p[0].s.clone(),
                        p.get(1).map(|x| x.s.clone()).unwrap_or(self.qi.dns.1.clone()),
                    );
                    R::Ok
                }
                _ => R::Ok,
            },
            "+QIDNSGIP" => match &kind {
                Kind::Write(_) => {
                    let p = params.unwrap_or_default();
                    if p.len() != 1 || p[0].s.is_empty() {
                        return R::Err;
                    }
                    if !self.ctx_active() {
                        return R::Err;
                    }
                    let name = p[0].s.clone();
                    let res = if self.has_fault(&Fault::DnsFail) {
                        None
                    } else {
                        self.dns_lookup(&name)
                    };
                    self.timers
                        .push((self.now + self.cfg.delays.dns, Timer::DnsDone(res)));
                    R::Ok
                }
                Kind::Test => R::Ok,
                _ => R::Err,
            },
            "+QIMUX" => match &kind {
                Kind::Write(_) => match one(&params) {
                    Some(v @ 0..=1) => {
                        if self.ctx != Ctx::Initial || (v == 1 && self.qi.transparent) {
                            return R::Err;
                        }
                        self.qi.mux = v == 1;
                        R::Ok
                    }
                    _ => R::Err,
                },
                _ => qflag!(self.qi.mux, "QIMUX", 1),
            },
            "+QIMODE" => match &kind {
                Kind::Write(_) => match one(&params) {
                    Some(v @ 0..=1) => {
                        if self.ctx != Ctx::Initial || (v == 1 && self.qi.mux) {
                            return R::Err;
                        }
                        self.qi.transparent = v == 1;
                        R::Ok
                    }
                    _ => R::Err,
                },
                _ => qflag!(self.qi.transparent, "QIMODE", 1),
            },
            "+QIOPEN" => self.cmd_qiopen(kind, params),
            "+QISTAT" => self.cmd_qistat(kind),
            "+QISTATE" => self.cmd_qistate(kind),
            "+QISEND" => self.cmd_qisend(kind, params),
            "+QISACK" => {
                let slot = match (&kind, self.qi.mux) {
                    (Kind::Exec, false) => 0,
                    (Kind::Write(_), true) => match one(&params) {
                        Some(i @ 0..=5) => i as usize,
                        _ => return R::Err,
                    },
                    (Kind::Test, _) => return R::Ok,
                    _ => return R::Err,
                };
                match &self.socks[slot] {
                    Some(s) if s.status != SockStatus::Connecting => {
                        let t = format!(
                            "+QISACK: {}, {}, {}",
                            s.sent,
                            s.acked,
                            s.sent.saturating_sub(s.acked)
                        );
                        self.info(&t);
                        R::Ok
                    }
                    _ => R::Err,
                }
            }
            "+QICLOSE" => {
                let slot = match (&kind, self.qi.mux) {
                    (Kind::Test, _) => return R::Ok,
                    (Kind::Exec, false) => 0,
                    (Kind::Exec, true) => return R::Err,
                    (Kind::Write(_), true) => match one(&params) {
                        Some(i @ 0..=5) => i as usize,
                        _ => return R::Err,
                    },
                    _ => return R::Err,
                };
                let open = matches!(&self.socks[slot], Some(s) if s.reported_status() != SockStatus::Closed);
                if !open {
                    return R::Err;
                }
                self.close_sock(slot);
                if let Some(s) = self.socks[slot].as_mut() {
                    s.rx.clear();
                    s.rx_len = 0;
                    s.down_q.clear();
                    s.close_held = false;
                }
                self.tdata.suspended = false;
                if self.qi.mux {
                    let t = self.indexed(slot, "CLOSE OK");
                    self.info(&t);
                } else {
                    self.info("CLOSE OK");
                }
                R::Done
            }
            "+QINDI" => qflag!(self.qi.qindi, "QINDI", 2),
            "+QIRD" => self.cmd_qird(kind, params),
            "+QIHEAD" => qflag!(self.qi.qihead, "QIHEAD", 1),
            "+QISHOWRA" => qflag!(self.qi.qishowra, "QISHOWRA", 1),
            "+QISHOWPT" => qflag!(self.qi.qishowpt, "QISHOWPT", 1),
            "+QISHOWLA" => qflag!(self.qi.qishowla, "QISHOWLA", 1),
            "+QISDE" => qflag!(self.qi.qisde, "QISDE", 1),
            "+QIPROMPT" => qflag!(self.qi.qiprompt, "QIPROMPT", 3),
            "+QISRVC" => match &kind {
                Kind::Write(_) => match one(&params) {
                    Some(v @ 1..=2) => {
                        self.qi.qisrvc = v as u8;
                        R::Ok
                    }
                    _ => R::Err,
                },
                Kind::Read => {
                    self.info(&format!("+QISRVC: {}", self.qi.qisrvc));
                    R::Ok
                }
                Kind::Test => {
                    self.info("+QISRVC: (1,2)");
                    R::Ok
                }
                Kind::Exec => R::Err,
            },
            "+QILPORT" => match &kind {
                Kind::Read => {
                    let t = format!("TCP: {}\r\nUDP: {}", self.qi.lport.0, self.qi.lport.1);
                    self.info(&t);
                    R::Ok
                }
                Kind::Write(_) => {
                    let p = params.unwrap_or_default();
                    if p.len() != 2 {
                        return R::Err;
                    }
                    let port = match pint(&p[1]) {
                        Some(v @ 0..=65535) => v as u16,
                        _ => return R::Err,
                    };
                    match p[0].s.to_ascii_uppercase().as_str() {
                        "TCP" => self.qi.lport.0 = port,
                        "UDP" => self.qi.lport.1 = port,
                        _ => return R::Err,
                    }
                    R::Ok
                }
                Kind::Test => {
                    self.info("+QILPORT: (\"TCP\",\"UDP\"),(0-65535)");
                    R::Ok
                }
                Kind::Exec => R::Err,
            },
            "+QITCFG" => match &kind {
                Kind::Read => {
                    let (a, b, c, d) = self.qi.qitcfg;
                    self.info(&format!("+QITCFG: {a},{b},{c},{d}"));
                    R::Ok
                }
                Kind::Test => {
                    self.info("+QITCFG: (3-8),(1-10),(1-1460),(0,1)");
                    R::Ok
                }
                Kind::Write(_) => {
                    let p = params.unwrap_or_default();
                    let v: Vec<Option<i64>> = p.iter().map(pint).collect();
                    match v.as_slice() {
                        [Some(a @ 3..=8), Some(b @ 1..=10), Some(c @ 1..=1460), Some(d @ 0..=1)] => {
                            self.qi.qitcfg = (*a as u32, *b as u32, *c as u32, *d as u32);
                            R::Ok
                        }
                        _ => R::Err,
                    }
                }
                Kind::Exec => R::Err,
            },
            "+QISERVER" | "+QIAUTOS" => R::Err,
            _ => R::Cme(100),
        }
    }
}
