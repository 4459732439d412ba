//! The radio link model: the uplink drains QISEND data at `--uplink`, acknowledgements come
//! an RTT later, the downlink delivers server data at `--downlink`; byte-count faults fire here.

use super::*;

impl Engine {
    /// Link model: uplink drain, acknowledgements, downlink delivery, peer closes.
    #[allow(clippy::while_let_loop)]
    pub(super) fn pump(&mut self) {
        let now = self.now;
        let dt = now.saturating_duration_since(self.link.at).as_secs_f64();
        self.link.at = now;
        // A radio link that had nothing to send cannot catch up later: credit accrues only
        // while something is queued (otherwise the first 50 ms of every burst would be free).
        if let Some(r) = self.cfg.uplink.0 {
            let cap = (r * 0.05).max(64.0);
            let dt = if self.link.up_idle { 0.0 } else { dt };
            self.link.up_credit = (self.link.up_credit + r * dt).min(cap);
        }
        if let Some(r) = self.cfg.downlink.0 {
            let cap = (r * 0.05).max(64.0);
            let dt = if self.link.down_idle { 0.0 } else { dt };
            self.link.down_credit = (self.link.down_credit + r * dt).min(cap);
        }
        // uplink
        for slot in 0..6 {
            loop {
                let Some(s) = self.socks[slot].as_ref() else {
                    break;
                };
                if s.status != SockStatus::Connected || s.txq.is_empty() {
                    break;
                }
                let mut n = s.txq.len();
                if self.cfg.uplink.0.is_some() {
                    n = n.min(self.link.up_credit.floor() as usize);
                }
                if n == 0 {
                    break;
                }
                // stop at the next byte-count fault threshold
                let stalled = s.stall_at.is_some();
                if !stalled {
                    if let Some(th) = self.next_threshold() {
                        n = n.min(th.max(1) as usize);
                    }
                }
                let gen = s.gen;
                let s = self.socks[slot].as_mut().unwrap();
                let data: Vec<u8> = s.txq.drain(..n).collect();
                s.left += n as u64;
                s.left_log.push_back((now, s.left));
                if self.cfg.uplink.0.is_some() {
                    self.link.up_credit -= n as f64;
                }
                if !stalled {
                    self.injected.server_bytes += n as u64;
                    self.actions.push(Action::Send { slot, gen, data });
                    self.check_byte_faults(slot);
                }
            }
        }
        self.link.up_idle = !self
            .socks
            .iter()
            .flatten()
            .any(|s| s.status == SockStatus::Connected && !s.txq.is_empty());
        if self.link.up_idle {
            self.link.up_credit = self.link.up_credit.min(0.0);
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
        // downlink
        for slot in 0..6 {
            loop {
                let Some(s) = self.socks[slot].as_mut() else {
                    break;
                };
                if s.status == SockStatus::Closed {
                    s.down_q.clear();
                    break;
                }
                let Some(front) = s.down_q.front_mut() else {
                    break;
                };
                let mut n = front.len();
                if self.cfg.downlink.0.is_some() {
                    n = n.min(self.link.down_credit.floor() as usize);
                }
                if n == 0 {
                    break;
                }
                let chunk: Vec<u8> = if n == front.len() {
                    s.down_q.pop_front().unwrap_or_default()
                } else {
                    front.drain(..n).collect()
                };
                if self.cfg.downlink.0.is_some() {
                    self.link.down_credit -= n as f64;
                }
                self.deliver(slot, chunk);
            }
            if let Some(s) = self.socks[slot].as_ref() {
                if s.peer_eof && s.down_q.is_empty() && s.status == SockStatus::Connected {
                    self.peer_closed(slot, true);
                }
            }
        }
        self.link.down_idle = self.socks.iter().flatten().all(|s| s.down_q.is_empty());
        if self.link.down_idle {
            self.link.down_credit = self.link.down_credit.min(0.0);
        }
    }

    pub(super) fn next_threshold(&self) -> Option<u64> {
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
            let d = n - self.injected.server_bytes;
            best = Some(best.map_or(d, |b| b.min(d)));
        }
        best
    }

    pub(super) fn check_byte_faults(&mut self, slot: usize) {
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
                        s.stall_at = Some(s.left);
                    }
                }
                _ => {}
            }
        }
    }
}
