//! The radio link model, in packets (one radio for all six connections).
//!
//! - Uplink: QISEND data waits in its socket's send queue; the radio carries it in TCP segments
//!   of up to `--mss` bytes, one after the other at `--uplink`. A segment that starts at `t` has
//!   left the module at `t + len / rate`, reaches the server half a round trip later and is
//!   acknowledged (QISACK) a whole `--rtt` after it left. Time the radio spends idle is lost;
//!   a segment starts when both the radio and the data are there. [INF: TCP over a link of
//!   fixed rate and delay; real GPRS adds jitter and retransmissions that this leaves out]
//! - Downlink: what the simulator reads from the server's socket crosses the link in rtt/2
//!   ([`Engine::net_event`]), then the downlink carries it at `--downlink` in packets of up to
//!   `--mss` bytes; each packet reaches the module whole (one push, or one `+QIRDI` piece). So
//!   an echo of a segment is back no earlier than its acknowledgement. [INF]
//! - The module's receive buffer holds at most `--recv-buffer` bytes per connection (on the
//!   downlink or unread by the host); the network side reads the server's socket only as far
//!   as there is room ([`Action::Window`]), so a server whose data nobody reads blocks, as
//!   with a real module's TCP window. [INF: a bounded buffer is certain, its size is not]
//!
//! Byte-count faults fire when the bytes reach the server.

use super::*;

/// How long `n` bytes occupy a link of `rate` bytes per second (none: no time).
fn air_time(n: usize, rate: Option<f64>) -> Duration {
    match rate {
        Some(r) if r > 0.0 => Duration::from_secs_f64(n as f64 / r),
        _ => Duration::ZERO,
    }
}

/// The next packet of one direction: its connection, length and when it has been carried.
struct Packet {
    slot: usize,
    len: usize,
    done: Instant,
}

impl Engine {
    /// Link model: uplink segments, their arrival at servers, acknowledgements, downlink
    /// packets, peer closes, and the receive windows.
    pub(super) fn pump(&mut self) {
        let now = self.now;
        for s in self.socks.iter_mut().flatten() {
            if s.txq.is_empty() {
                s.txq_since = None;
            } else if s.txq_since.is_none() {
                s.txq_since = Some(now);
            }
            if s.udp {
                // what the send queue gained since the last step is one more datagram
                let queued: usize = s.datagrams.iter().sum();
                if s.txq.len() < queued {
                    s.datagrams.clear();
                }
                let queued: usize = s.datagrams.iter().sum();
                if s.txq.len() > queued {
                    s.datagrams.push_back(s.txq.len() - queued);
                }
            }
        }
        // uplink: segments leave the module
        while let Some(p) = self.next_segment() {
            if p.done > now {
                break;
            }
            let rtt = self.cfg.rtt;
            let Some(s) = self.socks[p.slot].as_mut() else {
                break;
            };
            let data: Vec<u8> = s.txq.drain(..p.len).collect();
            if s.udp {
                s.datagrams.pop_front();
            }
            // the rest queues behind this segment: other connections' data that waited
            // longer goes first (the radio takes turns)
            s.txq_since = if s.txq.is_empty() { None } else { Some(p.done) };
            s.left += p.len as u64;
            s.left_log.push_back((p.done, s.left));
            let f = Flight {
                at: p.done + rtt / 2,
                slot: p.slot,
                gen: s.gen,
                data,
                cum: s.left,
            };
            self.link.up_free_at = p.done;
            self.link.up_flight.push_back(f);
        }
        // segments reach the servers
        while self.link.up_flight.front().is_some_and(|f| f.at <= now) {
            let Some(f) = self.link.up_flight.pop_front() else {
                break;
            };
            let Some(s) = self.sock_gen(f.slot, f.gen) else {
                continue;
            };
            if s.status != SockStatus::Connected || s.stall_at.is_some_and(|x| f.cum > x) {
                // closed meanwhile, or lost on a stalled link
                continue;
            }
            self.injected.server_bytes += f.data.len() as u64;
            self.actions.push(Action::Send {
                slot: f.slot,
                gen: f.gen,
                data: f.data,
            });
            self.check_byte_faults(f.slot, f.cum);
        }
        // acknowledgements
        let rtt = self.cfg.rtt;
        for s in self.socks.iter_mut().flatten() {
            while let Some(&(t, cum)) = s.left_log.front() {
                if t + rtt <= now {
                    s.left_log.pop_front();
                    let lim = s.stall_at.unwrap_or(u64::MAX);
                    s.acked = s.acked.max(cum.min(lim));
                } else {
                    break;
                }
            }
        }
        // downlink: packets reach the module
        for s in self.socks.iter_mut().flatten() {
            if s.status == SockStatus::Closed {
                s.down_q.clear();
            }
        }
        while let Some(p) = self.next_packet() {
            if p.done > now {
                break;
            }
            let Some(s) = self.socks[p.slot].as_mut() else {
                break;
            };
            let Some(front) = s.down_q.front_mut() else { break };
            let chunk: Vec<u8> = if p.len == front.1.len() {
                s.down_q.pop_front().map(|x| x.1).unwrap_or_default()
            } else {
                // the rest waits behind this packet, after other connections' earlier data
                front.0 = p.done;
                front.1.drain(..p.len).collect()
            };
            self.link.down_free_at = p.done;
            self.deliver(p.slot, chunk);
        }
        for slot in 0..self.socks.len() {
            if let Some(s) = self.socks[slot].as_ref() {
                let fin_here = s.eof_at.is_none_or(|t| t <= now);
                if s.peer_eof && fin_here && s.down_q.is_empty() && s.status == SockStatus::Connected {
                    self.peer_closed(slot, true);
                }
            }
        }
        self.open_windows();
    }

    /// Tell the network side how far it may read each connection: what the host consumed
    /// frees room in the receive buffer.
    fn open_windows(&mut self) {
        let limit = self.cfg.recv_buffer;
        let ctx = self.cfg.model.is_ctx();
        for (slot, s) in self.socks.iter_mut().enumerate() {
            let Some(s) = s else { continue };
            if s.status != SockStatus::Connected || s.udp {
                continue;
            }
            // A context-dialect socket in direct push mode has no flow control towards the
            // host: what the line cannot take is lost, it does not hold the server back
            // [LOG at_device#181; DOC AN-BG96 p.9].
            let line = if ctx && s.access == 1 {
                0
            } else {
                self.link.host_backlog as u64
            };
            let held: u64 = s.down_q.iter().map(|c| c.1.len() as u64).sum::<u64>() + s.rx_len as u64 + line;
            let allowed = s.from_net.saturating_sub(held) + limit;
            // Like a TCP receiver avoiding silly windows (RFC 1122 4.2.3.3), the window opens
            // in steps of half the buffer, or when the buffer is empty: the server's data
            // comes in a few large reads, not one per QIRD. [INF, after RFC 1122]
            let step = (limit / 2).max(1);
            if allowed >= s.window_sent + step || (held == 0 && allowed > s.window_sent) {
                s.window_sent = allowed;
                self.actions.push(Action::Window {
                    slot,
                    gen: s.gen,
                    allowed,
                });
            }
        }
    }

    /// The next uplink segment: from the connection that has waited longest.
    fn next_segment(&self) -> Option<Packet> {
        let mut best: Option<(usize, Instant)> = None;
        for (slot, s) in self.socks.iter().enumerate() {
            let Some(s) = s else { continue };
            if s.status != SockStatus::Connected || s.txq.is_empty() {
                continue;
            }
            let since = s.txq_since.unwrap_or(self.now);
            if best.is_none_or(|(_, t)| since < t) {
                best = Some((slot, since));
            }
        }
        let (slot, since) = best?;
        let s = self.socks[slot].as_ref()?;
        let mut len = s.txq.len();
        if s.udp {
            // a datagram goes whole, whatever its size and the fault thresholds
            len = s.datagrams.front().copied().unwrap_or(len).min(len);
        } else if self.cfg.uplink.0.is_some() {
            len = len.min(self.cfg.mss.max(1));
        }
        // stop at the next byte-count fault threshold (wait while the segment that reaches
        // it is still on its way)
        if s.stall_at.is_none() && !s.udp {
            match self.next_threshold() {
                Some(0) if !self.link.up_flight.is_empty() => return None,
                Some(th) => len = len.min(th.max(1) as usize),
                None => {}
            }
        }
        let start = since.max(self.link.up_free_at);
        Some(Packet {
            slot,
            len,
            done: start + air_time(len, self.cfg.uplink.0),
        })
    }

    /// The next downlink packet: the server data that reached the link first.
    fn next_packet(&self) -> Option<Packet> {
        let mut best: Option<(usize, Instant, usize)> = None;
        for (slot, s) in self.socks.iter().enumerate() {
            let Some(s) = s else { continue };
            if s.status == SockStatus::Closed {
                continue;
            }
            if let Some((at, d)) = s.down_q.front() {
                if best.is_none_or(|(_, t, _)| *at < t) {
                    best = Some((slot, *at, d.len()));
                }
            }
        }
        let (slot, at, mut len) = best?;
        if self.cfg.downlink.0.is_some() {
            len = len.min(self.cfg.mss.max(1));
        }
        let start = at.max(self.link.down_free_at);
        Some(Packet {
            slot,
            len,
            done: start + air_time(len, self.cfg.downlink.0),
        })
    }

    /// When the link has something to do next.
    pub(super) fn link_deadline(&self) -> Option<Instant> {
        let mut d: Option<Instant> = None;
        let mut upd = |t: Instant| d = Some(d.map_or(t, |x: Instant| x.min(t)));
        if let Some(p) = self.next_segment() {
            upd(p.done);
        }
        if let Some(f) = self.link.up_flight.front() {
            upd(f.at);
        }
        if let Some(p) = self.next_packet() {
            upd(p.done);
        }
        for s in self.socks.iter().flatten() {
            if let Some(&(t, _)) = s.left_log.front() {
                upd(t + self.cfg.rtt);
            }
            if s.peer_eof && s.status == SockStatus::Connected && s.down_q.is_empty() {
                upd(s.eof_at.unwrap_or(self.now));
            }
        }
        d
    }

    pub(super) fn next_threshold(&self) -> Option<u64> {
        let in_flight: u64 = self.link.up_flight.iter().map(|f| f.data.len() as u64).sum();
        let mut best: Option<u64> = None;
        for (i, f) in self.cfg.faults.iter().enumerate() {
            let n = match f {
                Fault::PeerCloseAfterBytes(n)
                | Fault::PdpDeactAfterBytes(n)
                | Fault::AckStallAfterBytes(n)
                | Fault::RebootAfterBytes(n) => *n,
                _ => continue,
            };
            if self.injected.fired[i] || n < self.injected.server_bytes {
                continue;
            }
            // counted from what is already on its way to the server
            let d = n.saturating_sub(self.injected.server_bytes + in_flight);
            best = Some(best.map_or(d, |b| b.min(d)));
        }
        best
    }

    /// The server has `server_bytes`; `cum` is the connection's count on the radio so far.
    pub(super) fn check_byte_faults(&mut self, slot: usize, cum: u64) {
        for i in 0..self.cfg.faults.len() {
            let f = self.cfg.faults[i].clone();
            let n = match f {
                Fault::PeerCloseAfterBytes(n)
                | Fault::PdpDeactAfterBytes(n)
                | Fault::AckStallAfterBytes(n)
                | Fault::RebootAfterBytes(n) => n,
                _ => continue,
            };
            if self.injected.fired[i] || self.injected.server_bytes < n {
                continue;
            }
            self.injected.fired[i] = true;
            match f {
                Fault::PeerCloseAfterBytes(_) => self.peer_closed(slot, true),
                Fault::PdpDeactAfterBytes(_) => self.pdp_deact(),
                Fault::RebootAfterBytes(_) => self.reboot(),
                Fault::AckStallAfterBytes(_) => {
                    if let Some(s) = self.socks[slot].as_mut() {
                        s.stall_at = Some(cum);
                    }
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimArgs;

    /// Step the engine from deadline to deadline until `done` (at most `max` steps), answering
    /// connects; returns the steps taken and the data sent to servers, with when.
    fn run(
        e: &mut Engine,
        t: &mut Instant,
        max: usize,
        sent: &mut Vec<(Instant, usize)>,
        done: impl Fn(&Engine) -> bool,
    ) -> usize {
        for step in 0..max {
            for a in e.take_actions() {
                match a {
                    Action::Connect { slot, gen, .. } => {
                        e.net_event(*t, NetEvent::Connected { slot, gen, ok: true })
                    }
                    Action::Send { data, .. } => sent.push((*t, data.len())),
                    _ => {}
                }
            }
            if done(e) {
                return step;
            }
            let next = e.next_deadline().expect("something is due");
            assert!(next > *t || step == 0, "woken again at the same instant: a spin");
            *t = next.max(*t);
            e.tick(*t);
        }
        panic!("not done after {max} steps");
    }

    /// 10 kB at 2 KB/s with a 200 ms round trip: 7 segments of at most 1460 bytes, each
    /// leaving 0.73 s after the one before; the engine asks to be woken a few times per
    /// segment (it leaves, reaches the server, is acknowledged), never in between.
    #[test]
    fn uplink_in_segments_woken_per_packet_only() {
        let args =
            SimArgs::parse_inline("--delays fast --echo off --uplink 2KB/s --rtt 200ms --send-buffer 100000")
                .unwrap();
        let mut t = Instant::now();
        let mut e = Engine::new(args.engine_config(), t);
        let mut sent = Vec::new();
        e.host_bytes(t, b"AT+QIOPEN=\"TCP\",\"1.2.3.4\",80\r");
        run(&mut e, &mut t, 50, &mut sent, |e| {
            e.socks[0]
                .as_ref()
                .is_some_and(|s| s.status == SockStatus::Connected)
        });
        for _ in 0..10 {
            e.host_bytes(t, b"AT+QISEND=1000\r");
            e.host_bytes(t, &[b'x'; 1000]);
        }
        let t0 = t;
        let steps = run(&mut e, &mut t, 100, &mut sent, |e| {
            e.socks[0].as_ref().is_some_and(|s| s.acked == 10_000)
        });
        let sizes: Vec<usize> = sent.iter().map(|s| s.1).collect();
        assert_eq!(sizes, vec![1460, 1460, 1460, 1460, 1460, 1460, 1240]);
        // the first reaches the server 0.73 s + rtt/2 after it was queued
        let first = sent[0].0 - t0;
        assert!((first.as_secs_f64() - 0.83).abs() < 0.001, "first at {first:?}");
        for w in sent.windows(2) {
            let gap = (w[1].0 - w[0].0).as_secs_f64();
            let want = (w[1].1 as f64) / 2000.0;
            assert!((gap - want).abs() < 0.001, "gap {gap} want {want}");
        }
        assert!(
            steps <= 3 * sizes.len() + 2,
            "{steps} wake-ups for {} segments",
            sizes.len()
        );
    }

    /// Two connections with data queued at once take turns on the radio, segment by segment.
    #[test]
    fn connections_take_turns_on_the_uplink() {
        let args =
            SimArgs::parse_inline("--delays fast --echo off --uplink 2KB/s --send-buffer 100000").unwrap();
        let mut t = Instant::now();
        let mut e = Engine::new(args.engine_config(), t);
        let mut sent = Vec::new();
        e.host_bytes(t, b"AT+QIMUX=1\r");
        e.host_bytes(t, b"AT+QIOPEN=0,\"TCP\",\"1.2.3.4\",80\r");
        e.host_bytes(t, b"AT+QIOPEN=1,\"TCP\",\"1.2.3.4\",81\r");
        run(&mut e, &mut t, 50, &mut sent, |e| {
            (0..2).all(|i| {
                e.socks[i]
                    .as_ref()
                    .is_some_and(|s| s.status == SockStatus::Connected)
            })
        });
        let mut order = Vec::new();
        for slot in 0..2 {
            e.host_bytes(t, format!("AT+QISEND={slot},1460\r").as_bytes());
            e.host_bytes(t, &[b'x'; 1460]);
            e.host_bytes(t, format!("AT+QISEND={slot},1460\r").as_bytes());
            e.host_bytes(t, &[b'x'; 1460]);
        }
        for _ in 0..40 {
            for a in e.take_actions() {
                if let Action::Send { slot, data, .. } = a {
                    order.push((slot, data.len()));
                }
            }
            let Some(next) = e.next_deadline() else { break };
            t = next.max(t);
            e.tick(t);
        }
        assert_eq!(order, vec![(0, 1460), (1, 1460), (0, 1460), (1, 1460)]);
    }
}
