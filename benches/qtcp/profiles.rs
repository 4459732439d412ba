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

/// Bytes on the host-to-module line per full chunk, counting the time the host must wait for
/// the module's answers: `AT+QISEND=1460\r` (15), the payload (1460), the prompt `\r\n> ` (4) and
/// `\r\nSEND OK\r\n` (11) the host waits for, and one `AT+QISACK\r` poll (10) with its ~35-byte
/// answer per 7300-byte window (9 per chunk).
pub const PUSH_LINE_PER_CHUNK: f64 = 15.0 + 1460.0 + 4.0 + 11.0 + 9.0;

impl Profile {
    pub fn line_rate(&self) -> Option<f64> {
        self.baud.map(|b| b as f64 / 10.0)
    }

    /// The push bottleneck (payload bytes per second) and what sets it.
    pub fn push_bottleneck(&self) -> (f64, String) {
        let mut best = (f64::INFINITY, String::from("none"));
        if let Some(l) = self.line_rate() {
            let r = l * 1460.0 / PUSH_LINE_PER_CHUNK;
            best = (r, format!("line {:.0} B/s × 1460/{PUSH_LINE_PER_CHUNK:.0}", l));
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
    pub fn recv_bottleneck(&self) -> (f64, String) {
        let mut best = (f64::INFINITY, String::from("none"));
        if let Some(l) = self.line_rate() {
            let per = recv_line_per_chunk(l);
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
/// [`Profile::recv_bottleneck`]): command 19, echo lag min(19, the simulator's 2-ms batch),
/// header 30, data 1500, `OK` 6.
pub fn recv_line_per_chunk(rate: f64) -> f64 {
    let batch = ((rate * 0.002) as usize).max(1) as f64;
    19.0 + batch.min(19.0) + 30.0 + 1500.0 + 6.0
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
