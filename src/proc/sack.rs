//! Connection maintenance (recommended process, chapter 6): poll QISACK until nothing is
//! unacknowledged, optionally after sending a heartbeat.

use crate::error::{Error, ErrorClass, Result};
use crate::proc::state::{qisack, Sack};
use crate::session::Session;
use std::time::{Duration, Instant};

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

pub fn watch(s: &mut Session, o: &WatchOptions, on_sample: &mut dyn FnMut(&Sample)) -> Result<WatchReport> {
    let start = Instant::now();
    let mut last = None;
    for poll in 1..=o.max_polls.max(1) {
        if poll > 1 {
            s.pump(Instant::now() + o.interval)?;
            while s.pump(Instant::now())? {}
        }
        let Some(sack) = qisack(s, o.id)? else {
            return Err(Error::new(
                ErrorClass::ConnectionLost,
                "no open connection (QISACK answered ERROR)",
            ));
        };
        let sample = Sample {
            poll,
            t_s: start.elapsed().as_secs_f64(),
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
    Err(Error::new(
        ErrorClass::NotAcknowledged,
        format!(
            "{} bytes still unacknowledged after {} polls",
            last.map_or(0, |l| l.unacked),
            o.max_polls
        ),
    )
    .with_detail(serde_json::to_value(&rep).unwrap_or_default()))
}
