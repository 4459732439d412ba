//! `qtcp echo HOST:PORT`: the hardware-in-loop check in one command. Opens a connection to an
//! echo server, sends probes, reads each echo back, compares it byte for byte, closes.

use super::common::{duration, json_line, message, out, rate, NoEvent, PortArgs, StreamLine, Summary};
use crate::error::{Failed, Reported};
use crate::proc::connect::ConnectOptions;
use crate::proc::echo::{echo, EchoEvents, EchoOptions, EchoReport, Payload, ProbeReport};
use crate::validate;
use std::process::ExitCode;
use std::time::Duration;

const AFTER_HELP: &str = "\
Each probe is sent with acknowledgement flow control (TCP: and waited for until the server has
acknowledged it), then read back (retrieve mode: AT+QIRD; direct mode: IPD<len> framing, which
echo switches on before connecting) and compared with what was sent. The connection is closed
at the end (not the PDP context).

Figures: rtt_s runs from the first byte handed to the module to the last echoed byte read back
(both crossings of the serial line included). uplink_bps is bytes acknowledged by the server per
second of sending (UDP: bytes handed to the module); downlink_bps is bytes echoed back per
second of round trip. The summary has the totals and the min/median/max round trip of the
probes that came back whole.

Exit status: 0 every byte came back intact; 8 cannot connect; 9 the connection was lost; 11 an
echo did not come back (whole) within --timeout; 15 (mismatch) bytes came back different (all
probes are still sent).

With --json, JSON Lines on stdout:
  {\"type\":\"probe\",\"seq\":1,\"bytes_sent\":256,\"bytes_received\":256,\"bytes_corrupted\":0,...}
  {\"type\":\"summary\",\"ok\":true,\"command\":\"echo\",\"host\":...,\"rtt_median_s\":0.4,...}";

#[derive(clap::Args, Debug)]
#[command(after_long_help = AFTER_HELP)]
pub struct EchoCmd {
    #[command(flatten, next_help_heading = "Device options")]
    pub port: PortArgs,
    /// The echo server: IPv4 address or host name, and port (the simulator answers for
    /// 220.180.239.212:8063, UDP 8062)
    #[arg(value_name = "HOST:PORT")]
    pub dest: String,
    /// UDP instead of TCP
    #[arg(long)]
    pub udp: bool,
    /// Number of probes
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub count: u32,
    /// Bytes per probe
    #[arg(long, default_value_t = 256, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub size: u64,
    /// Probe bytes: this text repeated to --size [default: pseudo-random bytes, every value]
    #[arg(long, value_name = "TEXT")]
    pub pattern: Option<String>,
    /// Seed of the pseudo-random probe bytes (a failure can be reproduced with it)
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// How long each echo may take to come back (TCP: and to be acknowledged)
    #[arg(long, value_parser = duration, default_value = "30s", value_name = "DUR")]
    pub timeout: Duration,
    /// Connection index: 0..5 on the QI family in multi-connection mode (QIMUX=1), 0..11 on the
    /// ctx family (socket 0 when not given)
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=11))]
    pub id: Option<u8>,
    /// How the echo is read: auto asks the module (AT+QINDI?); retrieve or direct set it
    #[arg(long, value_enum, default_value = "auto")]
    pub mode: super::recv::ModeArg,
    /// How long to wait for CONNECT OK (the module gives up at 75 s)
    #[arg(long, value_parser = duration, default_value = "75s", value_name = "DUR")]
    pub connect_timeout: Duration,
}

type Line<'a> = StreamLine<'a, NoEvent, EchoReport>;

struct Printer {
    json: bool,
}

impl EchoEvents for Printer {
    fn probe(&mut self, p: &ProbeReport) {
        if self.json {
            json_line(&Line::Probe(p));
            return;
        }
        let how = if p.intact {
            "intact".to_string()
        } else {
            let mut v = Vec::new();
            if p.bytes_corrupted > 0 {
                v.push(format!(
                    "{} corrupted (first at offset {})",
                    p.bytes_corrupted,
                    p.first_corrupted_offset.unwrap_or(0)
                ));
            }
            if p.bytes_lost > 0 {
                v.push(format!("{} lost", p.bytes_lost));
            }
            v.join(", ")
        };
        out(&format!(
            "probe {}: {} of {} bytes back, {how}, rtt {:.3} s\n",
            p.seq, p.bytes_received, p.bytes_sent, p.rtt_s
        ));
    }
}

fn human(r: &EchoReport) -> String {
    if r.probes == 0 {
        // Stopped before the first probe (connect failed, bad setting): the error says why.
        return String::new();
    }
    let secs = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.3}"));
    format!(
        "--- {}:{} ({}, {} mode) ---\n\
         {} of {} probes intact; {} bytes sent, {} back, {} corrupted, {} lost\n\
         rtt min/median/max {}/{}/{} s; uplink {}, downlink {}\n",
        r.host,
        r.remote_port,
        r.protocol,
        if r.mode.is_empty() { "-" } else { &r.mode },
        r.probes_intact,
        r.probes_requested,
        r.bytes_sent,
        r.bytes_received,
        r.bytes_corrupted,
        r.bytes_lost,
        secs(r.rtt_min_s),
        secs(r.rtt_median_s),
        secs(r.rtt_max_s),
        rate(r.uplink_bps),
        rate(r.downlink_bps),
    )
}

pub fn run(port: &PortArgs, cmd: EchoCmd) -> ExitCode {
    let opts = validate::destination(&cmd.dest).map(|dest| EchoOptions {
        connect: ConnectOptions {
            dest,
            udp: cmd.udp,
            id: cmd.id,
            reuse: false,
            timeout: Some(cmd.connect_timeout),
            transparent: false,
        },
        count: cmd.count,
        size: cmd.size as usize,
        payload: match &cmd.pattern {
            Some(p) if !p.is_empty() => Payload::Pattern(p.as_bytes().to_vec()),
            _ => Payload::Random { seed: cmd.seed },
        },
        timeout: cmd.timeout,
        mode: cmd.mode.into(),
    });
    let mut printer = Printer { json: port.json };
    let result: Reported<EchoReport> = opts
        .and_then(|o| {
            let s = port.open()?;
            port.check_id(&s, o.connect.id)?;
            Ok((s, o))
        })
        .map_err(Failed::from)
        .and_then(|(mut s, o)| echo(&mut s, &o, &mut printer));
    if port.json {
        let mut summary = Summary::of(&result, false);
        summary.command = Some("echo");
        json_line(&Line::Summary(summary));
    }
    match &result {
        Ok(r) => {
            if !port.json {
                out(&human(r));
            }
            ExitCode::SUCCESS
        }
        Err(f) => {
            if let (false, Some(r)) = (port.json, f.partial.as_deref()) {
                out(&human(r));
            }
            eprintln!("qtcp echo: error: {}", message(&f.error));
            ExitCode::from(f.error.exit_code())
        }
    }
}
