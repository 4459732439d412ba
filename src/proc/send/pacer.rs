//! When to ask the module how far the peer has acknowledged: the pacer of the send loop.

use super::SendOptions;
use std::time::{Duration, Instant};

/// When to poll QISACK: when the acknowledgement rate predicts the bytes we wait for (counted
/// from the last poll that saw progress), never sooner than `poll_min` after the previous poll,
/// never later than `poll_max`, and backing off (doubling from `max(poll_min, 5 ms)`) while polls
/// show no progress.
///
/// The rate is measured only once acknowledgements flow, over at least a chunk's worth of them,
/// and the highest of the last few samples is used, not an average: while the sender waits for
/// a poll the link may idle, so an average would measure the sender's own pace and slow it
/// further; the peak measures what the link can acknowledge.
/// The fraction of the predicted wait after which the pacer polls (see [`Pacer::next_poll`]).
const EARLY: f64 = 0.7;

/// The shortest interval between polls after one that found nothing, and the floor of
/// `--poll-max` (0 would poll back to back). See [`Pacer::next_poll`].
const FOLLOW_UP: Duration = Duration::from_millis(5);

pub(super) struct Pacer {
    last_poll: Instant,
    /// The last poll that found progress: the predicted wait counts from the acknowledgements
    /// seen then, not from a later poll that found nothing (that would push the next poll a
    /// whole predicted interval past an early miss: on EDGE-like, every other poll missed and
    /// the module's buffer waited ~40 ms per acknowledgement step).
    anchor: Instant,
    /// Until when the step the last prediction waited for is still due (twice the full
    /// predicted wait after `anchor`): misses before then are followed up every `follow_every`.
    due_until: Option<Instant>,
    /// A tenth of the full predicted wait, at least [`FOLLOW_UP`]: a step is seen at most that
    /// late, for a few polls per step (a fixed 5 ms polled 5-6 times as often on GPRS-like).
    follow_every: Duration,
    backoff: Duration,
    rates: [f64; 8],
    n: usize,
    /// (time, acknowledged bytes on this connection) where the current rate sample started.
    sample: Option<(Instant, u64)>,
    min_sample: u64,
}

impl Pacer {
    pub(super) fn new(now: Instant, min_sample: usize) -> Pacer {
        Pacer {
            last_poll: now,
            anchor: now,
            due_until: None,
            follow_every: FOLLOW_UP,
            backoff: Duration::ZERO,
            rates: [0.0; 8],
            n: 0,
            sample: None,
            min_sample: min_sample.max(1) as u64,
        }
    }

    fn rate(&self) -> Option<f64> {
        let r = self.rates.iter().copied().fold(0.0, f64::max);
        (r > 0.0).then_some(r)
    }

    /// When to poll next, waiting for `needed` more acknowledged bytes.
    pub(super) fn next_poll(&mut self, o: &SendOptions, needed: u64) -> Instant {
        let full = self
            .rate()
            .map(|r| Duration::from_secs_f64((needed as f64 / r).min(3600.0)));
        // A little early: acknowledgements come in steps (one per TCP segment), and a poll that
        // lands just after a step keeps the module's buffer fuller than one that trails it by a
        // constant phase.
        let predicted = full.map_or(Duration::ZERO, |f| f.mul_f64(EARLY));
        // A poll that finds nothing is followed up shortly while the step is still due (up to
        // twice the full predicted wait); only after that does the back-off grow. Doubling from
        // the first miss left the step found up to 20 ms late on EDGE-like (0.90 of the
        // bottleneck).
        self.due_until = full.map(|f| self.anchor + f * 2);
        self.follow_every = full.map_or(FOLLOW_UP, |f| (f / 10).max(FOLLOW_UP));
        let follow_up = self.last_poll + self.backoff.max(o.poll_min);
        (self.anchor + predicted)
            .max(follow_up)
            .min(self.last_poll + o.poll_max.max(o.poll_min).max(FOLLOW_UP))
    }

    /// A poll answered at `now` with `progress` newly acknowledged bytes of ours.
    pub(super) fn polled(&mut self, o: &SendOptions, now: Instant, progress: u64, conn_acked: u64) {
        self.last_poll = now;
        if progress > 0 {
            self.anchor = now;
        }
        if self.sample.is_some_and(|(_, a)| conn_acked < a) {
            // a new connection: its counters start again
            self.sample = None;
        }
        let first = o.poll_min.max(FOLLOW_UP);
        if progress == 0 {
            let due = self.due_until.is_some_and(|d| now < d);
            self.backoff = if due {
                self.follow_every.max(o.poll_min)
            } else if self.backoff.is_zero() {
                first
            } else {
                self.backoff * 2
            }
            .min(o.poll_max.max(o.poll_min).max(FOLLOW_UP));
            return;
        }
        match self.sample {
            None => {
                // acknowledgements start flowing: measure from here
                self.sample = Some((now, conn_acked));
                self.backoff = if self.rate().is_some() {
                    Duration::ZERO
                } else {
                    first
                };
            }
            Some((t, a)) if conn_acked - a >= self.min_sample => {
                let dt = now.duration_since(t).as_secs_f64().max(1e-4);
                self.rates[self.n % self.rates.len()] = (conn_acked - a) as f64 / dt;
                self.n += 1;
                self.sample = Some((now, conn_acked));
                self.backoff = Duration::ZERO;
            }
            Some(_) => {
                if self.rate().is_none() {
                    self.backoff = first;
                } else {
                    self.backoff = Duration::ZERO;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(min_ms: u64, max_ms: u64) -> SendOptions {
        SendOptions {
            poll_min: Duration::from_millis(min_ms),
            poll_max: Duration::from_millis(max_ms),
            ..Default::default()
        }
    }

    #[test]
    fn pacer_backs_off_while_nothing_moves() {
        let o = opts(1, 5000);
        let t0 = Instant::now();
        let mut p = Pacer::new(t0, 1460);
        // No rate yet: poll at once (after poll_min).
        assert_eq!(p.next_poll(&o, 1000), t0 + Duration::from_millis(1));
        let mut waits = Vec::new();
        for _ in 0..12 {
            p.polled(&o, t0, 0, 0);
            waits.push(p.next_poll(&o, 1000) - t0);
        }
        assert_eq!(waits[0], Duration::from_millis(5));
        assert_eq!(waits[1], Duration::from_millis(10));
        assert_eq!(waits[2], Duration::from_millis(20));
        assert_eq!(
            *waits.last().unwrap(),
            Duration::from_millis(5000),
            "capped at poll_max"
        );
    }

    /// A pacer that has seen acknowledgements start flowing, then 10 000 bytes in 1 s (10 kB/s):
    /// it, its options and the time of its last poll.
    fn pacer_at_10_kbps() -> (Pacer, SendOptions, Instant) {
        let o = opts(1, 5000);
        let t0 = Instant::now();
        let mut p = Pacer::new(t0, 1000);
        p.polled(&o, t0, 500, 500);
        let t1 = t0 + Duration::from_secs(1);
        p.polled(&o, t1, 10_000, 10_500);
        (p, o, t1)
    }

    #[test]
    fn pacer_predicts_from_the_acknowledgement_rate() {
        let (mut p, o, t1) = pacer_at_10_kbps();
        // 5000 more bytes at 10 kB/s: half a second after this poll, polled a little early.
        assert_eq!(p.next_poll(&o, 5000), t1 + Duration::from_secs_f64(0.5 * EARLY));
        // Never later than poll_max, never sooner than poll_min.
        assert_eq!(p.next_poll(&o, 10_000_000), t1 + Duration::from_millis(5000));
        assert_eq!(p.next_poll(&o, 0), t1 + Duration::from_millis(1));
    }

    #[test]
    fn pacer_follows_an_early_miss_up_shortly() {
        let (mut p, o, t1) = pacer_at_10_kbps();
        // 1000 bytes are predicted 0.1 s after t1, polled at 0.07 s; that poll finds
        // nothing, so the next follows a tenth of the prediction (10 ms) later, not another
        // 0.07 s, and so on while the step is due (up to 0.2 s after t1).
        let early = p.next_poll(&o, 1000);
        assert_eq!(early, t1 + Duration::from_secs_f64(0.1 * EARLY));
        let mut t = early;
        for _ in 0..4 {
            p.polled(&o, t, 0, 10_500);
            let next = p.next_poll(&o, 1000);
            assert_eq!(next, t + Duration::from_millis(10));
            t = next;
        }
        // Overdue (past twice the prediction): the back-off grows again.
        let late = t1 + Duration::from_millis(200);
        p.polled(&o, late, 0, 10_500);
        assert!(p.next_poll(&o, 1000) - late > Duration::from_millis(5));
    }

    #[test]
    fn pacer_follow_ups_respect_poll_min_and_a_zero_poll_max() {
        // --poll-min 50ms: a miss is followed up no sooner than that.
        let (mut p, _, _) = pacer_at_10_kbps();
        let slow = opts(50, 5000);
        let early = p.next_poll(&slow, 1000);
        p.polled(&slow, early, 0, 10_500);
        assert_eq!(p.next_poll(&slow, 1000), early + Duration::from_millis(50));
        // --poll-max 0: polls come at most every FOLLOW_UP, not back to back.
        let (mut p, _, t1) = pacer_at_10_kbps();
        let zero = opts(0, 0);
        let at = p.next_poll(&zero, 1000);
        assert_eq!(at, t1 + FOLLOW_UP);
        p.polled(&zero, at, 0, 10_500);
        assert_eq!(p.next_poll(&zero, 1000), at + FOLLOW_UP);
    }

    #[test]
    fn pacer_keeps_the_peak_rate_not_the_average() {
        let o = opts(1, 5000);
        let t0 = Instant::now();
        let mut p = Pacer::new(t0, 1000);
        p.polled(&o, t0, 1, 1);
        // 20 kB/s, then 2 kB/s while the sender idled: the link can do 20.
        p.polled(&o, t0 + Duration::from_secs(1), 20_000, 20_001);
        let t2 = t0 + Duration::from_secs(2);
        p.polled(&o, t2, 2_000, 22_001);
        assert_eq!(p.next_poll(&o, 2000), t2 + Duration::from_secs_f64(0.1 * EARLY));
    }
}
