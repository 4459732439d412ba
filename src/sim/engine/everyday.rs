//! Everyday commands that provisioning scripts send and the TCP/IP flow does not need: operator,
//! clock, activity, ICCID, error report, PDP context definitions, SMS on an empty store, flow
//! control. Real M95s answer them all with plausible values and `OK` [LOG, module.md
//! correction 9]; the values here are plausible, not captured [INF].

use super::grammar::{pint, split_params, Kind, Param};
use super::*;

/// State behind the everyday commands. It survives a reboot (the RTC keeps running; PDP context
/// definitions and flow control are stored) except the SMS format [INF].
#[derive(Debug)]
pub(super) struct Everyday {
    /// AT+CCLK: the time set, in seconds since 2000-01-01 00:00 local time, and when it was set.
    clock: (i64, Instant),
    /// Time zone in quarter hours.
    tz: i8,
    pub(super) cmgf: u8,
    ifc: (u8, u8),
    /// AT+CGDCONT: cid, PDP type, APN.
    cgdcont: Vec<(u8, String, String)>,
}

impl Everyday {
    pub(super) fn new(now: Instant) -> Everyday {
        Everyday {
            // the RTC's power-on value on an M95 without network time [INF]
            clock: (days_from_civil(2004, 1, 1) * 86400, now),
            tz: 0,
            cmgf: 0,
            ifc: (0, 0),
            cgdcont: vec![(1, "IP".into(), "CMNET".into())],
        }
    }
}

impl Engine {
    /// The everyday command `name`, or `None` when it is not one.
    pub(super) fn dispatch_everyday(&mut self, name: &str, kind: &Kind) -> Option<R> {
        let params = match kind {
            Kind::Write(s) => match split_params(s) {
                Some(p) => Some(p),
                None => return Some(R::Err),
            },
            _ => None,
        };
        Some(match name {
            "+COPS" => self.cmd_cops(kind, params),
            "+CCLK" => self.cmd_cclk(kind),
            "+CPAS" => match kind {
                Kind::Test => {
                    self.info("+CPAS: (0-5)");
                    R::Ok
                }
                Kind::Exec => {
                    self.info("+CPAS: 0");
                    R::Ok
                }
                _ => R::Err,
            },
            "+QCCID" | "+CCID" => match (kind, self.sim_gate()) {
                (Kind::Test, _) => R::Ok,
                (_, Some(r)) => r,
                (Kind::Exec | Kind::Read, None) => {
                    self.info("89860012345678901234");
                    R::Ok
                }
                _ => R::Err,
            },
            "+CEER" => {
                self.info("+CEER: 0,0");
                R::Ok
            }
            "+CGDCONT" => self.cmd_cgdcont(kind, params),
            "+CGACT" => match kind {
                Kind::Read => {
                    let a = self.ctx_active() as u8;
                    self.info(&format!("+CGACT: 1,{a}"));
                    R::Ok
                }
                Kind::Test => {
                    self.info("+CGACT: (0,1)");
                    R::Ok
                }
                // accepted; the QI stack's own context is what AT+QIACT drives [INF]
                Kind::Write(_) => match params.as_deref().and_then(|p| p.first()).and_then(pint) {
                    Some(0..=1) => R::Ok,
                    _ => R::Cme(3),
                },
                Kind::Exec => R::Err,
            },
            "+CMGF" => {
                let one = params
                    .as_deref()
                    .filter(|p| p.len() == 1)
                    .and_then(|p| pint(&p[0]));
                numeric_setting!(self, kind, one, self.everyday.cmgf, "CMGF", 1)
            }
            // an empty message store: nothing to list, nothing to delete
            "+CMGL" | "+CMGD" | "+QMGDA" => match (kind, self.sim_gate()) {
                (Kind::Test, _) => {
                    match name {
                        "+CMGL" if self.everyday.cmgf == 1 => self
                            .info("+CMGL: (\"REC UNREAD\",\"REC READ\",\"STO UNSENT\",\"STO SENT\",\"ALL\")"),
                        "+CMGL" => self.info("+CMGL: (0-4)"),
                        "+CMGD" => self.info("+CMGD: (),(0-4)"),
                        _ => {}
                    }
                    R::Ok
                }
                (_, Some(r)) => r,
                (Kind::Write(_), None) => R::Ok,
                (Kind::Exec, None) if name == "+CMGL" => R::Ok,
                _ => R::Err,
            },
            "+IFC" => match kind {
                Kind::Read => {
                    let (a, b) = self.everyday.ifc;
                    self.info(&format!("+IFC: {a},{b}"));
                    R::Ok
                }
                Kind::Test => {
                    self.info("+IFC: (0,2),(0,2)");
                    R::Ok
                }
                Kind::Write(_) => {
                    let v: Vec<Option<i64>> = params.unwrap_or_default().iter().map(pint).collect();
                    match v.as_slice() {
                        [Some(a @ (0 | 2))] => self.everyday.ifc = (*a as u8, self.everyday.ifc.1),
                        [Some(a @ (0 | 2)), Some(b @ (0 | 2))] => self.everyday.ifc = (*a as u8, *b as u8),
                        _ => return Some(R::Err),
                    }
                    R::Ok
                }
                Kind::Exec => R::Err,
            },
            _ => return None,
        })
    }

    /// Commands that need the SIM: the CME error while it is absent, locked or busy.
    pub(super) fn sim_gate(&self) -> Option<R> {
        match self.sim_fault() {
            Some(SimFault::Absent) => Some(R::Cme(10)),
            Some(SimFault::Busy | SimFault::BusyFor(_)) => Some(R::Cme(14)),
            Some(SimFault::Pin) => Some(R::Cme(11)),
            None => None,
        }
    }

    fn cmd_cops(&mut self, kind: &Kind, params: Option<Vec<Param>>) -> R {
        match kind {
            Kind::Read => {
                if self.creg_stat() == 1 {
                    self.info("+COPS: 0,0,\"CHINA MOBILE\"");
                } else {
                    self.info("+COPS: 0");
                }
                R::Ok
            }
            Kind::Test => {
                self.info("+COPS: (2,\"CHINA MOBILE\",\"CMCC\",\"46000\"),,(0-4),(0-2)");
                R::Ok
            }
            Kind::Write(_) => {
                let p = params.unwrap_or_default();
                let mode = p.first().and_then(pint);
                let format_ok = p.get(1).is_none_or(|f| matches!(pint(f), Some(0..=2)));
                match mode {
                    Some(0..=4) if format_ok && p.len() <= 4 => R::Ok,
                    _ => R::Cme(3),
                }
            }
            Kind::Exec => R::Err,
        }
    }

    fn cmd_cclk(&mut self, kind: &Kind) -> R {
        match kind {
            Kind::Read => {
                let (set, at) = self.everyday.clock;
                let t = set + self.now.saturating_duration_since(at).as_secs() as i64;
                let text = format_clock(t, self.everyday.tz);
                self.info(&format!("+CCLK: \"{text}\""));
                R::Ok
            }
            Kind::Test => R::Ok,
            Kind::Write(s) => match s.trim().strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                Some(v) => match parse_clock(v) {
                    Some((t, tz)) => {
                        self.everyday.clock = (t, self.now);
                        self.everyday.tz = tz;
                        R::Ok
                    }
                    None => R::Cme(3),
                },
                None => R::Cme(3),
            },
            Kind::Exec => R::Err,
        }
    }

    fn cmd_cgdcont(&mut self, kind: &Kind, params: Option<Vec<Param>>) -> R {
        match kind {
            Kind::Read => {
                for (cid, ty, apn) in self.everyday.cgdcont.clone() {
                    self.info(&format!("+CGDCONT: {cid},\"{ty}\",\"{apn}\",\"0.0.0.0\",0,0"));
                }
                R::Ok
            }
            Kind::Test => {
                self.info("+CGDCONT: (1-7),\"IP\",,,(0-2),(0-4)");
                R::Ok
            }
            Kind::Write(_) => {
                let p = params.unwrap_or_default();
                let cid = match p.first().and_then(pint) {
                    Some(c @ 1..=7) => c as u8,
                    _ => return R::Cme(3),
                };
                self.everyday.cgdcont.retain(|c| c.0 != cid);
                if p.len() > 1 {
                    let ty = p[1].s.to_ascii_uppercase();
                    if !matches!(ty.as_str(), "IP" | "PPP" | "IPV6") {
                        return R::Cme(3);
                    }
                    let apn = p.get(2).map(|a| a.s.clone()).unwrap_or_default();
                    self.everyday.cgdcont.push((cid, ty, apn));
                    self.everyday.cgdcont.sort_by_key(|c| c.0);
                }
                R::Ok
            }
            Kind::Exec => R::Err,
        }
    }
}

/// Days since 2000-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468 - 10_957
}

/// The civil date of a day count since 2000-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 10_957 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// `yy/MM/dd,hh:mm:ss±zz`.
fn format_clock(t: i64, tz: i8) -> String {
    let (y, mo, d) = civil_from_days(t.div_euclid(86400));
    let s = t.rem_euclid(86400);
    let sign = if tz < 0 { '-' } else { '+' };
    format!(
        "{:02}/{mo:02}/{d:02},{:02}:{:02}:{:02}{sign}{:02}",
        y.rem_euclid(100),
        s / 3600,
        s / 60 % 60,
        s % 60,
        tz.unsigned_abs()
    )
}

/// Parse `yy/MM/dd,hh:mm:ss±zz` (zz in quarter hours, -48..=48).
fn parse_clock(v: &str) -> Option<(i64, i8)> {
    let (date, time) = v.split_once(',')?;
    let num = |s: &str| -> Option<i64> {
        (s.len() == 2 && s.bytes().all(|c| c.is_ascii_digit())).then(|| s.parse().ok())?
    };
    let mut dp = date.split('/');
    let (y, mo, d) = (num(dp.next()?)?, num(dp.next()?)?, num(dp.next()?)?);
    if dp.next().is_some() {
        return None;
    }
    let sign_at = time.find(['+', '-'])?;
    let (hms, zone) = time.split_at(sign_at);
    let tz: i8 = zone.parse().ok()?;
    let mut tp = hms.split(':');
    let (h, mi, s) = (num(tp.next()?)?, num(tp.next()?)?, num(tp.next()?)?);
    if tp.next().is_some() || !(1..=12).contains(&mo) || !(-48..=48).contains(&tz) {
        return None;
    }
    let year = 2000 + y;
    let month_len = days_from_civil(if mo == 12 { year + 1 } else { year }, mo % 12 + 1, 1)
        - days_from_civil(year, mo, 1);
    if d < 1 || d > month_len || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    Some((days_from_civil(year, mo, d) * 86400 + h * 3600 + mi * 60 + s, tz))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_round_trips() {
        for v in [
            "04/01/01,00:00:00+00",
            "24/02/29,23:59:59-08",
            "99/12/31,12:30:00+32",
        ] {
            let (t, tz) = parse_clock(v).unwrap();
            assert_eq!(format_clock(t, tz), v);
        }
        assert_eq!(
            format_clock(days_from_civil(2004, 1, 1) * 86400 + 61, 0),
            "04/01/01,00:01:01+00"
        );
        assert!(parse_clock("23/02/29,00:00:00+00").is_none());
        assert!(parse_clock("23/13/01,00:00:00+00").is_none());
        assert!(parse_clock("23/01/01,24:00:00+00").is_none());
        assert!(parse_clock("23/01/01,00:00:00+49").is_none());
        assert!(parse_clock("23/01/01 00:00:00").is_none());
    }
}
