//! The simulator's link profiles and the bottleneck each sets.

/// A link profile of the simulator.
pub struct Profile {
    pub name: &'static str,
    pub flags: &'static str,
    /// Line speed (baud) when paced; qtcp gets the same `--baud`.
    pub baud: Option<u32>,
    pub uplink: Option<f64>,
    /// Simulator flags of the receive run (the radio limit is on the downlink).
    pub recv_flags: &'static str,
    pub downlink: Option<f64>,
    pub rtt: f64,
}

/// How a module family frames one chunk on the serial line, for the bottleneck formulas.
#[derive(Clone, Copy)]
pub struct Framing {
    /// The section's name for it.
    pub name: &'static str,
    /// Simulator flags that pick the family (a `--model`).
    pub model: &'static str,
    /// Bytes on the host-to-module line per full 1460-byte chunk, counting the time the host
    /// waits for the module's answers.
    pub push_per_chunk: f64,
    /// The read command, and the bytes around the data of one full 1500-byte read.
    pub read_cmd: f64,
    pub read_around: f64,
}

/// The M95 family: `AT+QISEND=1460\r` (15), the payload (1460), the prompt `\r\n> ` (4) and
/// `\r\nSEND OK\r\n` (11) the host waits for, and one `AT+QISACK\r` poll (10) with its ~35-byte
/// answer per 7300-byte window (9 per chunk). A read: `AT+QIRD=0,1,0,1500\r` (19), then
/// `\r\n+QIRD: 1.2.3.4:80,TCP,1500\r\n` (30) and `\r\nOK\r\n` (6) around the data.
pub const QI: Framing = Framing {
    name: "M95 family (QI)",
    model: "",
    push_per_chunk: 15.0 + 1460.0 + 4.0 + 11.0 + 9.0,
    read_cmd: 19.0,
    read_around: 30.0 + 6.0,
};

/// The BG96 family: `AT+QISEND=0,1460\r` (17), the payload, the prompt (4), `SEND OK` (11),
/// and one `AT+QISEND=0,0\r` poll (14) with its ~36-byte answer per window (10 per chunk). A
/// read: `AT+QIRD=0,1500\r` (15), then `\r\n+QIRD: 1500\r\n` (16), the data's `\r\n` (2)
/// and `\r\nOK\r\n` (6).
pub const CTX: Framing = Framing {
    name: "BG96 family (ctx)",
    model: "--model bg96",
    push_per_chunk: 17.0 + 1460.0 + 4.0 + 11.0 + 10.0,
    read_cmd: 15.0,
    read_around: 16.0 + 2.0 + 6.0,
};

impl Profile {
    pub fn line_rate(&self) -> Option<f64> {
        self.baud.map(|b| b as f64 / 10.0)
    }

    /// The push bottleneck (payload bytes per second) and what sets it.
    pub fn push_bottleneck(&self, f: &Framing) -> (f64, String) {
        let mut best = (f64::INFINITY, String::from("none"));
        if let Some(l) = self.line_rate() {
            let per = f.push_per_chunk;
            let r = l * 1460.0 / per;
            best = (r, format!("line {l:.0} B/s × 1460/{per:.0}"));
        }
        if let Some(u) = self.uplink {
            if u < best.0 {
                best = (u, format!("uplink {u:.0} B/s"));
            }
        }
        // The simulator's link carries 1460-byte segments, each acknowledged a round trip
        // after its last byte left: a byte of the send buffer is held for the rtt plus a
        // segment's time on the air.
        if self.rtt > 0.0 {
            let seg = self.uplink.map_or(0.0, |u| 1460.0 / u);
            let w = 7300.0 / (self.rtt + seg);
            if w < best.0 {
                best = (
                    w,
                    format!(
                        "send buffer 7300 B / (rtt {:.1} s + one segment {:.3} s)",
                        self.rtt, seg
                    ),
                );
            }
        }
        best
    }

    /// The receive bottleneck (payload bytes per second) and what sets it. On a serial line,
    /// per full 1500-byte read (the module is in ATE1, which attach and connect leave as it is):
    /// the command `AT+QIRD=0,1,0,1500\r` (19 bytes up); its echo, which overlaps the command
    /// except for the last batch the simulator's line reader takes at once (2 ms of bytes: 23
    /// at 115200, so the whole command; 1 at 9600), since a batch is echoed when its last byte
    /// arrived; `\r\n+QIRD: 1.2.3.4:80,TCP,1500\r\n` (30); the data (1500); `\r\nOK\r\n` (6).
    /// The host sends the next command only after `OK`, so the directions alternate.
    pub fn recv_bottleneck(&self, f: &Framing) -> (f64, String) {
        let mut best = (f64::INFINITY, String::from("none"));
        if let Some(l) = self.line_rate() {
            let per = recv_line_per_chunk(l, f);
            let r = l * 1500.0 / per;
            best = (r, format!("line {l:.0} B/s × 1500/{per:.0}"));
        }
        if let Some(d) = self.downlink {
            if d < best.0 {
                best = (d, format!("downlink {d:.0} B/s"));
            }
        }
        best
    }
}

/// Byte times of one full QIRD read on a line of `rate` bytes/s (see
/// [`Profile::recv_bottleneck`]): the command, its echo lag min(command, the simulator's 2-ms
/// batch), the framing around the data, the data (1500).
pub fn recv_line_per_chunk(rate: f64, f: &Framing) -> f64 {
    let batch = ((rate * 0.002) as usize).max(1) as f64;
    f.read_cmd + batch.min(f.read_cmd) + f.read_around + 1500.0
}

pub fn profiles() -> Vec<Profile> {
    vec![
        Profile {
            name: "serial-bound",
            flags: "--line-baud 115200",
            baud: Some(115200),
            uplink: None,
            recv_flags: "--line-baud 115200",
            downlink: None,
            rtt: 0.0,
        },
        Profile {
            name: "GPRS-like",
            flags: "--line-baud 115200 --uplink 4KB/s --rtt 600ms",
            baud: Some(115200),
            uplink: Some(4000.0),
            recv_flags: "--line-baud 115200 --downlink 4KB/s --rtt 600ms",
            downlink: Some(4000.0),
            rtt: 0.6,
        },
        Profile {
            name: "EDGE-like",
            flags: "--uplink 20KB/s --rtt 300ms",
            baud: None,
            uplink: Some(20000.0),
            recv_flags: "--downlink 20KB/s --rtt 300ms",
            downlink: Some(20000.0),
            rtt: 0.3,
        },
        Profile {
            name: "slow line",
            flags: "--line-baud 9600",
            baud: Some(9600),
            uplink: None,
            recv_flags: "--line-baud 9600",
            downlink: None,
            rtt: 0.0,
        },
    ]
}
