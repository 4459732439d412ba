//! The hardware-in-loop check (`qtcp echo`): open a connection to an echo server, send probes,
//! read each echo back and compare it byte for byte, close. Built from the connect, send, recv
//! and close procedures, so it exercises exactly what a real transfer does.

use crate::error::{Error, ErrorClass, Failed, Reported, Result};
use crate::proc::attach::RecvMode;
use crate::proc::close::close;
use crate::proc::common::close_quiet;
use crate::proc::connect::{connect, ConnectOptions};
use crate::proc::recv::{recv, Chunk, Mode, RecvOptions, RecvSink};
use crate::proc::send::{send, NoEvents, SendOptions};
use crate::session::Session;
use std::time::Duration;

/// What the probes carry.
#[derive(Debug, Clone)]
pub enum Payload {
    /// Pseudo-random bytes (every byte value, so a path that is not binary-safe shows); each
    /// probe differs, so an echo of the previous probe cannot pass for this one.
    Random { seed: u64 },
    /// This pattern, repeated to the probe size.
    Pattern(Vec<u8>),
}

#[derive(Debug, Clone)]
pub struct EchoOptions {
    pub connect: ConnectOptions,
    pub count: u32,
    pub size: usize,
    pub payload: Payload,
    /// How long each echo may take to come back (and, TCP, to be acknowledged).
    pub timeout: Duration,
    /// Retrieve (QIRD) or direct (IPD headers, switched on before connecting); auto asks
    /// the module (AT+QINDI?).
    pub mode: Mode,
}

/// One probe: what went out, what came back.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProbeReport {
    /// 1-based.
    pub seq: u32,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    /// Bytes that came back different from the ones sent at the same offset.
    pub bytes_corrupted: u64,
    /// Bytes that did not come back.
    pub bytes_lost: u64,
    /// Offset of the first corrupted byte.
    pub first_corrupted_offset: Option<u64>,
    pub intact: bool,
    /// From the first byte handed to the module to the last echoed byte read back.
    pub rtt_s: f64,
    /// Bytes acknowledged by the peer per second (UDP: handed to the module).
    pub uplink_bps: f64,
    /// Bytes echoed back per second of the round trip.
    pub downlink_bps: f64,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct EchoReport {
    pub host: String,
    pub remote_port: u16,
    pub protocol: &'static str,
    /// `retrieve` or `direct`.
    pub mode: String,
    pub size: u64,
    pub probes_requested: u32,
    pub probes: u32,
    pub probes_intact: u32,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub bytes_corrupted: u64,
    pub bytes_lost: u64,
    pub rtt_min_s: Option<f64>,
    pub rtt_median_s: Option<f64>,
    pub rtt_max_s: Option<f64>,
    /// Totals over all probes: bytes acknowledged (UDP: sent) per second of sending.
    pub uplink_bps: f64,
    /// Totals over all probes: bytes echoed back per second of round trip.
    pub downlink_bps: f64,
    /// The connection was closed at the end (QICLOSE answered CLOSE OK).
    pub closed: bool,
    pub duration_s: f64,
    /// Settings echo changed on the module (receive mode, direct-mode headers); they stay until
    /// changed or the module reboots.
    pub actions: Vec<String>,
}

pub trait EchoEvents {
    fn probe(&mut self, _p: &ProbeReport) {}
}

pub struct NoEchoEvents;
impl EchoEvents for NoEchoEvents {}

/// The bytes of probe `seq` (1-based).
pub fn probe_payload(p: &Payload, size: usize, seq: u32) -> Vec<u8> {
    match p {
        Payload::Pattern(pat) if !pat.is_empty() => pat.iter().copied().cycle().take(size).collect(),
        Payload::Pattern(_) => vec![0; size],
        Payload::Random { seed } => {
            // xorshift64*, seeded per probe: reproducible from the seed in the report.
            let mut x = seed
                .wrapping_add(u64::from(seq).wrapping_mul(0x9E37_79B9_7F4A_7C15))
                .max(1);
            (0..size)
                .map(|_| {
                    x ^= x >> 12;
                    x ^= x << 25;
                    x ^= x >> 27;
                    (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
                })
                .collect()
        }
    }
}

/// Compare an echo with what was sent: (corrupted, lost, first corrupted offset).
pub fn compare(sent: &[u8], got: &[u8]) -> (u64, u64, Option<u64>) {
    let mut corrupted = 0u64;
    let mut first = None;
    for (i, (a, b)) in sent.iter().zip(got).enumerate() {
        if a != b {
            corrupted += 1;
            first.get_or_insert(i as u64);
        }
    }
    let lost = sent.len().saturating_sub(got.len()) as u64;
    (corrupted, lost, first)
}

struct Collect(Vec<u8>);

impl RecvSink for Collect {
    fn data(&mut self, c: &Chunk) -> std::io::Result<()> {
        self.0.extend_from_slice(c.data);
        Ok(())
    }
}

fn median(v: &[f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    Some(if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    })
}

pub fn echo(s: &mut Session, o: &EchoOptions, ev: &mut dyn EchoEvents) -> Reported<EchoReport> {
    let started = s.now();
    let mut rep = EchoReport {
        host: o.connect.dest.host.clone(),
        remote_port: o.connect.dest.port,
        protocol: if o.connect.udp { "UDP" } else { "TCP" },
        size: o.size as u64,
        probes_requested: o.count,
        ..Default::default()
    };
    let mut connected = false;
    let r = run(s, o, ev, &mut rep, &mut connected);
    if connected {
        if r.is_ok() {
            rep.closed = close(s, o.connect.id, false).is_ok_and(|c| c.closed);
        } else if !matches!(r, Err(ref e) if matches!(e.class, ErrorClass::Io | ErrorClass::Interrupted)) {
            // Leave the module ready for the next command whatever went wrong.
            close_quiet(s, o.connect.id);
        }
    }
    rep.duration_s = s.now().saturating_duration_since(started).as_secs_f64();
    match r {
        Ok(()) => Ok(rep),
        Err(error) => Err(Failed::new(error, rep)),
    }
}

/// The receive mode to use: the module's for auto; an explicit mode the module is not in is set
/// (QI: QINDI=0 direct, QINDI=1 retrieve) before the connection opens.
fn resolve_mode(s: &mut Session, id: Option<u8>, mode: Mode, actions: &mut Vec<String>) -> Result<Mode> {
    // A module that does not say is taken to be in retrieve mode, the safe reading.
    let f = s.family();
    let current = match f.recv_mode(s, id)? {
        Some(RecvMode::Direct) => Mode::Direct,
        _ => Mode::Retrieve,
    };
    let (want, name) = match mode {
        Mode::Auto => return Ok(current),
        m if m == current => return Ok(m),
        Mode::Direct => (RecvMode::Direct, "direct mode"),
        Mode::Retrieve => (RecvMode::Retrieve, "retrieve mode"),
    };
    if let Some(done) = f.set_recv_mode(s, want)? {
        actions.push(format!("{name} ({done})"));
    }
    Ok(mode)
}

fn run(
    s: &mut Session,
    o: &EchoOptions,
    ev: &mut dyn EchoEvents,
    rep: &mut EchoReport,
    connected: &mut bool,
) -> Result<()> {
    if o.count == 0 || o.size == 0 {
        return Err(Error::usage("--count and --size must be at least 1"));
    }
    let mode = resolve_mode(s, o.connect.id, o.mode, &mut rep.actions)?;
    rep.mode = match mode {
        Mode::Direct => "direct".into(),
        _ => "retrieve".into(),
    };
    // Multi-connection mode frames pushed data itself (+RECEIVE); single mode needs IPD headers.
    if mode == Mode::Direct {
        // The echo may come back while the probe is still being sent: it must be framed
        // (IPD<len>) from the first byte, so the framing goes on before the connection opens.
        let f = s.family();
        let multi = f.multi(s)?;
        if let Some(done) = f.direct_framing(s, multi, true)? {
            rep.actions.push(done);
        }
    }
    connect(s, &o.connect)?;
    *connected = true;

    let mut rtts = Vec::new();
    let (mut up_bytes, mut up_time, mut rtt_total) = (0u64, 0f64, 0f64);
    let mut mismatch: Option<Error> = None;
    for seq in 1..=o.count {
        let payload = probe_payload(&o.payload, o.size, seq);
        let t0 = s.now();
        let sent = send(
            s,
            &payload[..],
            &SendOptions {
                wait_ack: !o.connect.udp,
                udp: o.connect.udp,
                ack_timeout: o.timeout,
                total: Some(o.size as u64),
                id: o.connect.id,
                ..SendOptions::default()
            },
            &mut NoEvents,
        )
        .map_err(|f| {
            // The probe that could not be sent is reported like one that did not come back.
            let bytes_sent = f.partial.as_ref().map_or(0, |p| p.bytes_sent);
            let e = f.error;
            rep.probes = seq;
            rep.bytes_sent += bytes_sent;
            rep.bytes_lost += o.size as u64;
            ev.probe(&ProbeReport {
                seq,
                bytes_sent,
                bytes_received: 0,
                bytes_corrupted: 0,
                bytes_lost: o.size as u64,
                first_corrupted_offset: None,
                intact: false,
                rtt_s: s.now().saturating_duration_since(t0).as_secs_f64(),
                uplink_bps: 0.0,
                downlink_bps: 0.0,
            });
            let why = e.message.split("; acknowledged").next().unwrap_or("");
            Error::new(e.class, format!("probe {seq}: {why}"))
        })?;
        rep.probes = seq;
        rep.bytes_sent += sent.bytes_sent;
        up_bytes += if o.connect.udp {
            sent.bytes_sent
        } else {
            sent.bytes_acked.unwrap_or(0)
        };
        up_time += sent.duration_s;

        let mut got = Collect(Vec::with_capacity(o.size));
        let ro = RecvOptions {
            mode,
            id: o.connect.id,
            bytes: Some(o.size as u64),
            timeout: Some(o.timeout),
            poll: Duration::from_millis(500),
            ..RecvOptions::default()
        };
        let received = recv(s, &ro, &mut got);
        let rtt = s.now().saturating_duration_since(t0).as_secs_f64();
        let (corrupted, lost, first) = compare(&payload, &got.0);
        let probe = ProbeReport {
            seq,
            bytes_sent: sent.bytes_sent,
            bytes_received: got.0.len() as u64,
            bytes_corrupted: corrupted,
            bytes_lost: lost,
            first_corrupted_offset: first,
            intact: corrupted == 0 && lost == 0,
            rtt_s: rtt,
            uplink_bps: sent.goodput_bps,
            downlink_bps: got.0.len() as f64 / rtt.max(1e-6),
        };
        rep.bytes_received += probe.bytes_received;
        rep.bytes_corrupted += corrupted;
        rep.bytes_lost += lost;
        if probe.intact {
            rep.probes_intact += 1;
        }
        if lost == 0 {
            rtts.push(rtt);
        }
        rtt_total += rtt;
        rep.rtt_min_s = rtts.iter().copied().reduce(f64::min);
        rep.rtt_max_s = rtts.iter().copied().reduce(f64::max);
        rep.rtt_median_s = median(&rtts);
        rep.uplink_bps = up_bytes as f64 / up_time.max(1e-6);
        rep.downlink_bps = rep.bytes_received as f64 / rtt_total.max(1e-6);
        ev.probe(&probe);
        if let Err(Failed { error: e, .. }) = received {
            return Err(match e.class {
                // The echoes stopped: what was sent is not coming back.
                ErrorClass::Timeout => Error::new(
                    ErrorClass::NotAcknowledged,
                    format!(
                        "probe {seq}: {} of {} bytes came back within {}",
                        probe.bytes_received,
                        o.size,
                        humantime::format_duration(o.timeout)
                    ),
                ),
                _ => Error::new(e.class, format!("probe {seq}: {}", e.message)),
            });
        }
        if corrupted > 0 && mismatch.is_none() {
            mismatch = Some(Error::new(
                ErrorClass::Mismatch,
                format!(
                    "probe {seq}: {corrupted} of {} bytes came back different (first at offset {})",
                    o.size,
                    first.unwrap_or(0)
                ),
            ));
        }
    }
    match mismatch {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads() {
        let p = Payload::Pattern(b"abc".to_vec());
        assert_eq!(probe_payload(&p, 7, 1), b"abcabca");
        let r = Payload::Random { seed: 7 };
        let a = probe_payload(&r, 256, 1);
        assert_eq!(a, probe_payload(&r, 256, 1));
        assert_ne!(a, probe_payload(&r, 256, 2));
        assert!(a.iter().collect::<std::collections::HashSet<_>>().len() > 100);
    }

    #[test]
    fn comparing() {
        assert_eq!(compare(b"abcd", b"abcd"), (0, 0, None));
        assert_eq!(compare(b"abcd", b"abXd"), (1, 0, Some(2)));
        assert_eq!(compare(b"abcd", b"ab"), (0, 2, None));
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }
}
