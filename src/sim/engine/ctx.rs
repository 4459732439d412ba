//! The context dialect of the LTE-era models (BG96, BG95, BG77, EC21, EC25, EG25-G, EC200U,
//! UG96): identity, boot, the PDP contexts (QICSGP, QIACT, QIDEACT), DNS, the error register
//! (QIGETERROR), QICFG and the URC port. The sockets are in `ctxsock`, the data modes in
//! `ctxdata`. Evidence: research new-dialect.md, by section; the tags say what kind.

use super::grammar::{pint, split_params, Kind, Param};
use super::*;

/// A PDP context's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum CtxSt {
    #[default]
    Inactive,
    Activating,
    Active,
    /// Lost under the host (`+QIURC: "pdpdeact"`): the host must QIDEACT it [DOC AN-EC200U].
    Broken,
}

/// One PDP context (AT+QICSGP, AT+QIDNSCFG).
#[derive(Debug, Clone)]
pub(super) struct Context {
    pub(super) ty: u8,
    apn: String,
    user: String,
    pwd: String,
    auth: u8,
    pub(super) state: CtxSt,
    dns: (String, String),
}

impl Default for Context {
    fn default() -> Self {
        Context {
            ty: 1,
            apn: String::new(),
            user: String::new(),
            pwd: String::new(),
            auth: 0,
            state: CtxSt::Inactive,
            dns: (String::from("8.8.8.8"), String::from("8.8.4.4")),
        }
    }
}

/// The context dialect's state.
#[derive(Debug)]
pub(super) struct CtxState {
    /// Index cid - 1.
    pub(super) contexts: Vec<Context>,
    /// `APP RDY` has been said (or the module started booted): the application commands answer.
    pub(super) app_ready: bool,
    /// AT+QIGETERROR: the result of the last TCP/IP command.
    pub(super) last_error: u16,
    /// AT+QICFG="recvind".
    pub(super) recvind: bool,
    /// AT+QICFG="transpktsize" (bytes) and "transwaittm" (100 ms units).
    pub(super) transpktsize: u32,
    pub(super) transwaittm: u32,
    /// AT+QURCCFG="urcport".
    pub(super) urc_port: UrcPort,
    pub(super) cereg_n: u8,
    /// The last power-on (the EC21's SIM says "not inserted" for the first half of its busy
    /// window).
    pub(super) powered_at: Instant,
}

impl CtxState {
    pub(super) fn new(cfg: &EngineConfig, now: Instant) -> CtxState {
        CtxState {
            powered_at: now,
            contexts: vec![Context::default(); cfg.model.max_cid() as usize],
            app_ready: true,
            last_error: 0,
            recvind: cfg.recv_urc_len,
            // [DOC AN-BG95 p.35] defaults 1024 bytes and 200 ms
            transpktsize: 1024,
            transwaittm: 2,
            urc_port: cfg.urc_port,
            cereg_n: 0,
        }
    }

    /// A power-on: everything volatile starts over. The URC port is kept: Quectel saves
    /// AT+QURCCFG at once [INF: the usual rule for QURCCFG, not re-read].
    pub(super) fn reset(&mut self, cfg: &EngineConfig) {
        let (port, at) = (self.urc_port, self.powered_at);
        *self = CtxState::new(cfg, at);
        self.urc_port = port;
    }

    pub(super) fn deactivate_all(&mut self) {
        for c in &mut self.contexts {
            c.state = CtxSt::Inactive;
        }
    }

    pub(super) fn any_active(&self) -> bool {
        self.contexts.iter().any(|c| c.state == CtxSt::Active)
    }

    pub(super) fn get(&self, cid: i64) -> Option<&Context> {
        usize::try_from(cid - 1).ok().and_then(|i| self.contexts.get(i))
    }

    pub(super) fn get_mut(&mut self, cid: i64) -> Option<&mut Context> {
        usize::try_from(cid - 1)
            .ok()
            .and_then(|i| self.contexts.get_mut(i))
    }
}

/// The text AT+QIGETERROR gives each code [DOC AN-EC200U table; CODE RTT-EC20].
pub(super) fn error_text(code: u16) -> &'static str {
    match code {
        0 => "operation successful",
        550 => "unknown error",
        551 => "operation blocked",
        552 => "invalid parameters",
        553 => "memory not enough",
        554 => "socket creation failed",
        555 => "operation not supported",
        556 => "socket bind failed",
        557 => "socket listen failed",
        558 => "socket write failed",
        559 => "socket read failed",
        560 => "socket accept failed",
        561 => "PDP context opening failed",
        562 => "PDP context closure failed",
        563 => "socket identity has been used",
        564 => "DNS busy",
        565 => "DNS parse failed",
        566 => "socket connect failed",
        567 => "socket has been closed",
        568 => "operation busy",
        569 => "operation timeout",
        570 => "PDP context broken down",
        571 => "cancel sending",
        572 => "operation not allowed",
        573 => "APN not configured",
        574 => "port busy",
        _ => "unknown error",
    }
}

/// The commands the context dialect answers ERROR to while the application layer is still
/// starting (before `APP RDY`): Quectel's own (`+Q...`). The 3GPP ones are answered, so a SIM
/// still starting shows as SIM busy [LOG a booting EC2x answered `AT` with OK between `RDY` and
/// `+CPIN: READY` (code-index id 15119485299); INF that `+Q` commands wait for APP RDY].
fn needs_app(name: &str) -> bool {
    name.starts_with("+Q")
}

impl Engine {
    /// The context dialect's commands: `None` for those it answers as the QI models do.
    pub(super) fn dispatch_ctx(&mut self, name: &str, kind: &Kind) -> Option<R> {
        if !self.ctxd.app_ready && needs_app(name) {
            return Some(R::Err);
        }
        let params = match kind {
            Kind::Write(s) => match split_params(s) {
                Some(p) => Some(p),
                None if name.starts_with("+QI") => return Some(self.ctx_fail(552)),
                None => return Some(R::Err),
            },
            _ => None,
        };
        // Every TCP/IP command sets the error register; a success sets it to 0 ("the result
        // of the last TCP/IP operation" [DOC AN-BG95 p.37]; new-dialect.md §6.6 question 8).
        // `--qigeterror-keep on`: only the next error replaces it [INF].
        if name.starts_with("+QI") && name != "+QIGETERROR" && !self.cfg.qigeterror_keep {
            self.ctxd.last_error = 0;
        }
        let m = self.cfg.model;
        Some(match name {
            // [LOG TG#157] three lines: manufacturer, model, revision
            "I" => {
                self.info(&format!("Quectel\r\n{}\r\nRevision: {}", m.ident(), m.revision()));
                R::Ok
            }
            // [CODE RN Vendor]
            "+CGMI" | "+GMI" => {
                self.info("Quectel");
                R::Ok
            }
            // [CODE OFONO, RN] bare model
            "+CGMM" | "+GMM" => {
                self.info(m.ident());
                R::Ok
            }
            // [LOG Zephyr PR #93068] bare revision; QGMR extended
            "+CGMR" | "+GMR" => {
                self.info(m.revision());
                R::Ok
            }
            "+QGMR" => {
                self.info(&format!("{}{}", m.revision(), m.qgmr_suffix()));
                R::Ok
            }
            "+CEREG" => self.cmd_cereg(kind, params),
            // An EC21 starting its SIM says "not inserted" (10) before "busy" (14) [issue 19,
            // from field reports; INF where the switch falls: half the busy window]
            "+CPIN" | "+CIMI" | "+QCCID" if m == Model::Ec21 && self.ec21_sim_not_yet() => R::Cme(10),
            // with its prefix, unlike the M95's bare number [INF: BG96/EC2x AT manuals' layout,
            // not re-read]
            "+QCCID" => match (kind, self.sim_gate()) {
                (Kind::Test, _) => R::Ok,
                (_, Some(r)) => r,
                (Kind::Exec, None) => {
                    self.info("+QCCID: 89860012345678901234");
                    R::Ok
                }
                _ => R::Err,
            },
            // `OK`, later `POWERED DOWN` [CODE TG-BG96; LOG TG#157]
            "+QPOWD" => match (kind, one_param(&params)) {
                (Kind::Exec, _) | (Kind::Write(_), Some(0..=1)) => {
                    self.close_all_sockets();
                    self.push_ok();
                    self.info("POWERED DOWN");
                    self.power_off();
                    R::Done
                }
                _ => R::Err,
            },
            "O" => self.ctx_ato(),
            "+QICSGP" => self.cmd_ctx_qicsgp(kind, params),
            "+QIACT" => self.cmd_ctx_qiact(kind, params),
            "+QIDEACT" => self.cmd_ctx_qideact(kind, params),
            "+QIDNSCFG" => self.cmd_ctx_qidnscfg(kind, params),
            "+QIDNSGIP" => self.cmd_ctx_qidnsgip(kind, params),
            "+QIGETERROR" => match kind {
                Kind::Exec => {
                    let c = self.ctxd.last_error;
                    // `552,invalid parameters` [LOG SIX#14]; a UG96 adds a space [LOG OT#72]
                    let sep = if self.cfg.qigeterror_space { ", " } else { "," };
                    self.info(&format!("+QIGETERROR: {c}{sep}{}", error_text(c)));
                    R::Ok
                }
                Kind::Test => R::Ok,
                _ => R::Err,
            },
            "+QICFG" => self.cmd_ctx_qicfg(kind, params),
            "+QURCCFG" => self.cmd_qurccfg(kind, params),
            "+QISDE" => match (kind, one_param(&params)) {
                (Kind::Read, _) => {
                    self.info(&format!("+QISDE: {}", self.qi.qisde as u8));
                    R::Ok
                }
                (Kind::Test, _) => {
                    self.info("+QISDE: (0,1)");
                    R::Ok
                }
                (Kind::Write(_), Some(v @ 0..=1)) => {
                    self.qi.qisde = v == 1;
                    R::Ok
                }
                _ => self.ctx_fail(552),
            },
            "+QIOPEN" => self.cmd_ctx_qiopen(kind, params),
            "+QISTATE" => self.cmd_ctx_qistate(kind, params),
            "+QICLOSE" => self.cmd_ctx_qiclose(kind, params),
            "+QISEND" => self.cmd_ctx_qisend(kind, params),
            "+QIRD" => self.cmd_ctx_qird(kind, params),
            "+QISWTMD" => self.cmd_ctx_qiswtmd(kind, params),
            // the QI dialect's other commands do not exist here [INF]
            n if n.starts_with("+QI") => self.ctx_fail(555),
            _ => return None,
        })
    }

    /// A TCP/IP command failed with `code` (AT+QIGETERROR tells it): plain `ERROR`, also with
    /// AT+CMEE=1 [LOG EWF#20]; `--cme-5xx on`: `+CME ERROR: <code>` once AT+CMEE>=1 [INF].
    pub(super) fn ctx_fail(&mut self, code: u16) -> R {
        self.ctxd.last_error = code;
        match self.cme_5xx_line(code) {
            Some(line) => {
                self.info(&line);
                R::Done
            }
            None => R::Err,
        }
    }

    /// The final result of a TCP/IP command that fails after its line was answered (a QIACT
    /// or a transparent QIOPEN that ends later), as `ctx_fail` words it.
    pub(super) fn ctx_fail_bytes(&mut self, code: u16) -> Vec<u8> {
        self.ctxd.last_error = code;
        match self.cme_5xx_line(code) {
            Some(line) => self.framed(&line),
            None => self.result_bytes("ERROR", 4),
        }
    }

    /// `+CME ERROR: 567` (AT+CMEE=1) or `+CME ERROR: <QIGETERROR's words>` (AT+CMEE=2) under
    /// `--cme-5xx on`; `None` for a plain `ERROR`.
    fn cme_5xx_line(&self, code: u16) -> Option<String> {
        match (self.cfg.cme_5xx, self.settings.cmee) {
            (false, _) | (true, 0) => None,
            (true, 1) => Some(format!("+CME ERROR: {code}")),
            (true, _) => Some(format!("+CME ERROR: {}", error_text(code))),
        }
    }

    fn ec21_sim_not_yet(&self) -> bool {
        match self.injected.sim_ready_at {
            Some(end) if self.now < end && self.sim_fault() == Some(SimFault::Busy) => {
                let start = self.ctxd.powered_at;
                self.now < start + end.saturating_duration_since(start) / 2
            }
            _ => false,
        }
    }

    /// The context a command names, if it is one of this model's.
    fn cid_of(&self, p: Option<&Param>) -> Option<u8> {
        let c = pint(p?)?;
        (1..=self.cfg.model.max_cid() as i64)
            .contains(&c)
            .then_some(c as u8)
    }

    pub(super) fn ctx_state(&self, cid: u8) -> CtxSt {
        self.ctxd.get(cid as i64).map_or(CtxSt::Inactive, |c| c.state)
    }

    /// The address a context has while active [INF].
    pub(super) fn ctx_ip(cid: u8) -> String {
        format!("10.0.{}.2", cid - 1)
    }

    fn cmd_cereg(&mut self, kind: &Kind, params: Option<Vec<Param>>) -> R {
        let stat = self.cgreg_stat();
        match kind {
            Kind::Read => {
                let n = self.ctxd.cereg_n;
                if n == 2 && stat == 1 {
                    self.info(&format!("+CEREG: 2,{stat},\"2842\",\"0426F01\",8"));
                } else {
                    self.info(&format!("+CEREG: {n},{stat}"));
                }
                R::Ok
            }
            Kind::Test => {
                self.info("+CEREG: (0-2)");
                R::Ok
            }
            Kind::Write(_) => match one_param(&params) {
                Some(v @ 0..=2) => {
                    self.ctxd.cereg_n = v as u8;
                    R::Ok
                }
                _ => R::Cme(3),
            },
            Kind::Exec => R::Ok,
        }
    }

    /// AT+QICSGP [DOC AN-BG96; LOG EWF#20 `+QICSGP: 1,"","","",0`].
    fn cmd_ctx_qicsgp(&mut self, kind: &Kind, params: Option<Vec<Param>>) -> R {
        let max = self.cfg.model.max_cid();
        match kind {
            Kind::Test => {
                self.info(&format!(
                    "+QICSGP: (1-{max}),(1-3),<APN>,<username>,<password>,(0-3)"
                ));
                R::Ok
            }
            Kind::Write(_) => {
                let p = params.unwrap_or_default();
                let Some(cid) = self.cid_of(p.first()) else {
                    return self.ctx_fail(552);
                };
                if p.len() == 1 {
                    let c = self.ctxd.get(cid as i64).cloned().unwrap_or_default();
                    self.info(&format!(
                        "+QICSGP: {},\"{}\",\"{}\",\"{}\",{}",
                        c.ty, c.apn, c.user, c.pwd, c.auth
                    ));
                    return R::Ok;
                }
                let ty = match p.get(1).and_then(pint) {
                    Some(t @ 1..=3) => t as u8,
                    _ => return self.ctx_fail(552),
                };
                let text = |i: usize| p.get(i).map(|x| x.s.clone()).unwrap_or_default();
                let auth = match p.get(5) {
                    None => 0,
                    Some(x) => match pint(x) {
                        Some(a @ 0..=3) => a as u8,
                        _ => return self.ctx_fail(552),
                    },
                };
                if p.len() > 6 {
                    return self.ctx_fail(552);
                }
                let (apn, user, pwd) = (text(2), text(3), text(4));
                if let Some(c) = self.ctxd.get_mut(cid as i64) {
                    c.ty = ty;
                    c.apn = apn;
                    c.user = user;
                    c.pwd = pwd;
                    c.auth = auth;
                }
                R::Ok
            }
            _ => self.ctx_fail(552),
        }
    }

    /// AT+QIACT: blocks until the context is up (`--delays`), `OK` or `ERROR`; `?` lists the
    /// active contexts, a bare `OK` with none [DOC AN-BG95 p.18; LOG EWF#20].
    fn cmd_ctx_qiact(&mut self, kind: &Kind, params: Option<Vec<Param>>) -> R {
        match kind {
            Kind::Read => {
                for (i, c) in self.ctxd.contexts.clone().iter().enumerate() {
                    if c.state == CtxSt::Active {
                        let cid = i as u8 + 1;
                        self.info(&format!("+QIACT: {cid},1,{},\"{}\"", c.ty, Self::ctx_ip(cid)));
                    }
                }
                R::Ok
            }
            Kind::Test => {
                self.info(&format!("+QIACT: (1-{})", self.cfg.model.max_cid()));
                R::Ok
            }
            Kind::Write(_) => {
                let p = params.unwrap_or_default();
                let Some(cid) = self.cid_of(p.first()).filter(|_| p.len() == 1) else {
                    return self.ctx_fail(552);
                };
                match self.ctx_state(cid) {
                    // new-dialect.md §6.6 question 1: ERROR by default, `--qiact-when-active`
                    CtxSt::Active => match self.cfg.qiact_when_active {
                        OkError::Ok => R::Ok,
                        OkError::Error => self.ctx_fail(572),
                    },
                    CtxSt::Inactive => {
                        if let Some(c) = self.ctxd.get_mut(cid as i64) {
                            c.state = CtxSt::Activating;
                        }
                        self.input.busy = true;
                        self.timers
                            .push((self.now + self.cfg.delays.qiact, Timer::CtxActDone(cid)));
                        R::Done
                    }
                    // broken: the host must QIDEACT first [DOC AN-EC200U]
                    _ => self.ctx_fail(561),
                }
            }
            Kind::Exec => self.ctx_fail(552),
        }
    }

    pub(super) fn ctx_act_done(&mut self, cid: u8) {
        let ok =
            self.attached() && !self.has_fault(&Fault::QiactFail) && self.ctx_state(cid) == CtxSt::Activating;
        if let Some(c) = self.ctxd.get_mut(cid as i64) {
            if c.state == CtxSt::Activating {
                c.state = if ok { CtxSt::Active } else { CtxSt::Inactive };
            }
        }
        let r = if ok {
            self.result_bytes("OK", 0)
        } else {
            self.ctx_fail_bytes(561)
        };
        self.emit_block(r);
        self.end_busy();
        if ok && self.injected.pdp_deact_pending {
            self.injected.pdp_deact_pending = false;
            self.pdp_deact();
        }
    }

    /// AT+QIDEACT=<cid>: `OK` (no `DEACT OK`) [DOC AN-BG95 p.18], after closing the context's
    /// sockets [INF: the manuals say so, not re-read]; also `OK` when inactive [INF, §6.6 q1].
    fn cmd_ctx_qideact(&mut self, kind: &Kind, params: Option<Vec<Param>>) -> R {
        match kind {
            Kind::Test => {
                self.info(&format!("+QIDEACT: (1-{})", self.cfg.model.max_cid()));
                R::Ok
            }
            Kind::Write(_) => {
                let p = params.unwrap_or_default();
                let Some(cid) = self.cid_of(p.first()).filter(|_| p.len() == 1) else {
                    return self.ctx_fail(552);
                };
                self.input.busy = true;
                self.timers
                    .push((self.now + self.cfg.delays.qideact, Timer::CtxDeactDone(cid)));
                R::Done
            }
            _ => self.ctx_fail(552),
        }
    }

    pub(super) fn ctx_deact_done(&mut self, cid: u8) {
        for i in 0..self.socks.len() {
            if self.socks[i].as_ref().is_some_and(|s| s.cid == cid) {
                self.close_sock(i);
                self.socks[i] = None;
                if matches!(self.mode, Mode::Data) && self.tdata.slot == i {
                    self.mode = Mode::Command;
                }
            }
        }
        if let Some(c) = self.ctxd.get_mut(cid as i64) {
            c.state = CtxSt::Inactive;
        }
        let ok = self.result_bytes("OK", 0);
        self.emit_block(ok);
        self.end_busy();
    }

    /// AT+QIDNSCFG: `ERROR` while the context is inactive [LOG EWF#20; DOC AN-EC200U].
    fn cmd_ctx_qidnscfg(&mut self, kind: &Kind, params: Option<Vec<Param>>) -> R {
        let Kind::Write(_) = kind else {
            return if matches!(kind, Kind::Test) {
                R::Ok
            } else {
                self.ctx_fail(552)
            };
        };
        let p = params.unwrap_or_default();
        let Some(cid) = self.cid_of(p.first()) else {
            return self.ctx_fail(552);
        };
        if self.ctx_state(cid) != CtxSt::Active {
            return self.ctx_fail(561);
        }
        if p.len() == 1 {
            let (a, b) = self
                .ctxd
                .get(cid as i64)
                .map(|c| c.dns.clone())
                .unwrap_or_default();
            self.info(&format!("+QIDNSCFG: {cid},\"{a}\",\"{b}\""));
            return R::Ok;
        }
        if p.len() > 3 || p[1..].iter().any(|x| x.s.parse::<std::net::IpAddr>().is_err()) {
            return self.ctx_fail(552);
        }
        let pri = p[1].s.clone();
        let sec = p.get(2).map(|x| x.s.clone());
        if let Some(c) = self.ctxd.get_mut(cid as i64) {
            c.dns.0 = pri;
            if let Some(s) = sec {
                c.dns.1 = s;
            }
        }
        R::Ok
    }

    /// AT+QIDNSGIP=<cid>,"<name>": `OK`, then `+QIURC: "dnsgip",0,<count>,<ttl>` and one
    /// `+QIURC: "dnsgip","<ip>"` per address [DOC AN-EC200U; LOG RTT#1712]; a failure is
    /// `+QIURC: "dnsgip",565` [INF form]. A name this machine would resolve gets a stable
    /// synthetic address that QIOPEN takes back to the name [INF].
    fn cmd_ctx_qidnsgip(&mut self, kind: &Kind, params: Option<Vec<Param>>) -> R {
        let Kind::Write(_) = kind else {
            return if matches!(kind, Kind::Test) {
                R::Ok
            } else {
                self.ctx_fail(552)
            };
        };
        let p = params.unwrap_or_default();
        let Some(cid) = self.cid_of(p.first()) else {
            return self.ctx_fail(552);
        };
        if p.len() != 2 || !p[1].quoted || p[1].s.is_empty() {
            return self.ctx_fail(552);
        }
        if self.ctx_state(cid) != CtxSt::Active {
            return self.ctx_fail(561);
        }
        let name = p[1].s.clone();
        let ip = if self.has_fault(&Fault::DnsFail) && name.parse::<std::net::Ipv4Addr>().is_err() {
            None
        } else {
            self.dns_lookup(&name).or_else(|| Some(self.synth_ip(&name)))
        };
        self.timers
            .push((self.now + self.cfg.delays.dns, Timer::DnsGip(ip)));
        R::Ok
    }

    pub(super) fn ctx_dnsgip_done(&mut self, ip: Option<String>) {
        if self.radio.power != Power::On {
            return;
        }
        match ip {
            Some(ip) => {
                self.urc("+QIURC: \"dnsgip\",0,1,600");
                self.urc(&format!("+QIURC: \"dnsgip\",\"{ip}\""));
            }
            None => self.urc("+QIURC: \"dnsgip\",565"),
        }
    }

    /// AT+QICFG: "recvind", "transpktsize", "transwaittm" [DOC AN-BG95 p.35].
    fn cmd_ctx_qicfg(&mut self, kind: &Kind, params: Option<Vec<Param>>) -> R {
        match kind {
            Kind::Test => {
                self.info("+QICFG: \"transpktsize\",(1-1460)");
                self.info("+QICFG: \"transwaittm\",(0-20)");
                self.info("+QICFG: \"recvind\",(0,1)");
                R::Ok
            }
            Kind::Write(_) => {
                let p = params.unwrap_or_default();
                let Some(what) = p.first().filter(|x| x.quoted).map(|x| x.s.to_ascii_lowercase()) else {
                    return self.ctx_fail(552);
                };
                let (range, cur) = match what.as_str() {
                    "recvind" => (0..=1, self.ctxd.recvind as u32),
                    "transpktsize" => (1..=1460, self.ctxd.transpktsize),
                    "transwaittm" => (0..=20, self.ctxd.transwaittm),
                    _ => return self.ctx_fail(555),
                };
                match p.get(1).map(pint) {
                    None => {
                        self.info(&format!("+QICFG: \"{what}\",{cur}"));
                        R::Ok
                    }
                    Some(Some(v)) if p.len() == 2 && range.contains(&(v as u32)) && v >= 0 => {
                        let v = v as u32;
                        match what.as_str() {
                            "recvind" => self.ctxd.recvind = v == 1,
                            "transpktsize" => self.ctxd.transpktsize = v,
                            _ => self.ctxd.transwaittm = v,
                        }
                        R::Ok
                    }
                    _ => self.ctx_fail(552),
                }
            }
            _ => self.ctx_fail(552),
        }
    }

    /// AT+QURCCFG="urcport"[,"usbat"|"usbmodem"|"uart1"]: where URCs go. The simulator serves
    /// `uart1`, so any other port means no URC reaches the host [DOC AN-BG96 p=18 port names;
    /// INF for the simulator's one port].
    fn cmd_qurccfg(&mut self, kind: &Kind, params: Option<Vec<Param>>) -> R {
        match kind {
            Kind::Test => {
                self.info("+QURCCFG: \"urcport\",(\"usbat\",\"usbmodem\",\"uart1\")");
                R::Ok
            }
            Kind::Write(_) => {
                let p = params.unwrap_or_default();
                if !p.first().is_some_and(|x| x.s.eq_ignore_ascii_case("urcport")) {
                    return R::Err;
                }
                match p.get(1).map(|x| x.s.to_ascii_lowercase()) {
                    None => {
                        let n = self.ctxd.urc_port.name();
                        self.info(&format!("+QURCCFG: \"urcport\",\"{n}\""));
                        R::Ok
                    }
                    Some(v) if p.len() == 2 => {
                        self.ctxd.urc_port = match v.as_str() {
                            "usbat" => UrcPort::Usbat,
                            "usbmodem" => UrcPort::Usbmodem,
                            "uart1" => UrcPort::Uart1,
                            _ => return R::Err,
                        };
                        R::Ok
                    }
                    _ => R::Err,
                }
            }
            _ => R::Err,
        }
    }

    /// The URCs of this dialect reach the host only on the port they are configured for.
    pub(super) fn ctx_urcs_lost(&self) -> bool {
        self.cfg.model.is_ctx() && self.ctxd.urc_port != UrcPort::Uart1
    }

    /// Boot, last step: `APP RDY` once the application layer is up [CODE TG-BG96 restartImpl
    /// waits for it; LOG TG#157 RDY]. Until then `+Q...` commands answer ERROR.
    pub(super) fn ctx_app_ready(&mut self) {
        self.ctxd.app_ready = true;
        if self.radio.power == Power::On {
            self.urc("APP RDY");
        }
    }

    /// A reset with an active context says `+QIURC: "pdpdeact",<cid>` first [LOG TG#157].
    pub(super) fn ctx_before_reset(&mut self) {
        for i in 0..self.ctxd.contexts.len() {
            if self.ctxd.contexts[i].state == CtxSt::Active {
                self.urc(&format!("+QIURC: \"pdpdeact\",{}", i + 1));
            }
        }
    }
}

/// A write command's single integer parameter.
pub(super) fn one_param(p: &Option<Vec<Param>>) -> Option<i64> {
    match p {
        Some(v) if v.len() == 1 => pint(&v[0]),
        _ => None,
    }
}
