//! Connection maintenance (recommended process, chapter 6): poll the acknowledgement counters
//! (QI: QISACK) until nothing is unacknowledged, optionally after sending a heartbeat.

use crate::error::{Error, ErrorClass, Failed, Reported, Result};
use crate::family::Acked;
use crate::proc::common::{connection_end, StopReason};
use crate::proc::state::Sack;
use crate::session::Session;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct WatchOptions {
    pub interval: Duration,
    pub max_polls: u32,
    pub id: Option<u8>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Sample {
    pub poll: u32,
    pub t_s: f64,
    #[serde(flatten)]
    pub sack: Sack,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct WatchReport {
    pub polls: u32,
    pub last: Option<Sack>,
    pub all_acknowledged: bool,
}

/// A session result, unless a URC (or RDY during a command) says the connection is gone:
/// `CLOSED` and a reboot are exit 9, `+PDP DEACT` exit 7.
fn lost<T>(s: &mut Session, id: Option<u8>, r: Result<T>) -> Result<T> {
    let end = connection_end(s, id).or_else(|| (s.rebooted() && r.is_err()).then_some(StopReason::Rebooted));
    match end {
        Some(StopReason::PdpDeact) => Err(Error::new(
            ErrorClass::PdpContext,
            StopReason::PdpDeact.said(s.family().words()),
        )),
        Some(reason) => Err(Error::new(
            ErrorClass::ConnectionLost,
            reason.said(s.family().words()),
        )),
        None => r,
    }
}

/// Poll until nothing is unacknowledged; a failure after the last poll carries the report.
pub fn watch(s: &mut Session, o: &WatchOptions, on_sample: &mut dyn FnMut(&Sample)) -> Reported<WatchReport> {
    let start = s.now();
    let mut last = None;
    for poll in 1..=o.max_polls.max(1) {
        if poll > 1 {
            let r = s.pump(s.now() + o.interval);
            lost(s, o.id, r)?;
            loop {
                let r = s.pump(s.now());
                if !lost(s, o.id, r)? {
                    break;
                }
            }
        }
        let f = s.family();
        let r = f.acknowledged(s, o.id);
        let sack = lost(s, o.id, r)?;
        // The module may still answer QISACK with the old counters after CLOSED: the URC says
        // the connection is gone.
        lost(s, o.id, Ok(()))?;
        let Acked::Counters(sack) = sack else {
            return Err(Error::new(
                ErrorClass::ConnectionLost,
                format!("no open connection ({} answered ERROR)", f.words().counters),
            )
            .into());
        };
        let sample = Sample {
            poll,
            t_s: s.now().saturating_duration_since(start).as_secs_f64(),
            sack,
        };
        on_sample(&sample);
        last = Some(sack);
        if sack.unacked == 0 {
            return Ok(WatchReport {
                polls: poll,
                last,
                all_acknowledged: true,
            });
        }
    }
    let rep = WatchReport {
        polls: o.max_polls,
        last,
        all_acknowledged: false,
    };
    let e = Error::new(
        ErrorClass::NotAcknowledged,
        format!(
            "{} bytes still unacknowledged after {} polls",
            last.map_or(0, |l| l.unacked),
            o.max_polls
        ),
    );
    Err(Failed::new(e, rep))
}
