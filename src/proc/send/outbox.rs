//! The bytes of a send held until acknowledged, so a reconnect can resend from any
//! acknowledged offset.

use super::MAX_CHUNK;
use std::collections::VecDeque;
use std::io::Read;

/// The bytes read from the source and not yet acknowledged (or, for UDP, not yet sent): at most
/// the send buffer plus a chunk, so a reconnect can resend from any acknowledged offset.
pub(super) struct Outbox {
    pub(super) buffer: VecDeque<u8>,
    /// Source offset of `buffer[0]`.
    pub(super) start: u64,
    /// Source offset of the next byte to hand to the module.
    pub(super) next: u64,
    pub(super) eof: bool,
}

impl Outbox {
    pub(super) fn new(offset: u64, capacity: usize) -> Outbox {
        Outbox {
            buffer: VecDeque::with_capacity(capacity),
            start: offset,
            next: offset,
            eof: false,
        }
    }

    /// Bytes read but not handed to the module yet.
    pub(super) fn unsent(&self) -> usize {
        (self.start + self.buffer.len() as u64 - self.next) as usize
    }

    /// Read from the source until a chunk and the byte after it are unsent (or the source ends).
    pub(super) fn fill<R: Read>(&mut self, src: &mut R, chunk_max: usize) -> std::io::Result<()> {
        while !self.eof && self.unsent() <= chunk_max {
            let mut tmp = [0u8; MAX_CHUNK];
            let want = (chunk_max + 1 - self.unsent()).min(MAX_CHUNK);
            match read_some(src, &mut tmp[..want])? {
                0 => self.eof = true,
                n => self.buffer.extend(&tmp[..n]),
            }
        }
        Ok(())
    }

    /// At most `n`, and as close to it as possible: a chunk length after which the next chunk
    /// does not start with LF, where the bytes allow it. A firmware that drops any LF after a
    /// command line's CR (sim `--lf-after-cr always`) would drop that byte and wait for one
    /// more; only a payload whose very first byte is LF is then left to that failure.
    pub(super) fn lf_safe_len(&self, n: usize) -> usize {
        let from = (self.next - self.start) as usize;
        let starts_with_lf = |len: usize| self.buffer.get(from + len) == Some(&b'\n');
        if !starts_with_lf(n) {
            return n;
        }
        (1..n).rev().find(|&len| !starts_with_lf(len)).unwrap_or(n)
    }

    /// The next `n` unsent bytes.
    pub(super) fn peek(&self, n: usize, out: &mut Vec<u8>) {
        out.clear();
        let from = (self.next - self.start) as usize;
        out.extend(self.buffer.range(from..from + n));
    }

    /// `n` bytes were handed to the module; `forget` them at once when nothing will
    /// acknowledge them (UDP).
    pub(super) fn sent(&mut self, n: usize, forget: bool) {
        self.next += n as u64;
        if forget {
            self.trim(self.next);
        }
    }

    /// Drop what is acknowledged up to source offset `acked`.
    pub(super) fn trim(&mut self, acked: u64) {
        if acked > self.start {
            let n = ((acked - self.start) as usize).min(self.buffer.len());
            self.buffer.drain(..n);
            self.start += n as u64;
        }
    }

    /// Send again from source offset `to` (the first unacknowledged byte).
    pub(super) fn rewind(&mut self, to: u64) {
        self.trim(to);
        self.next = to;
    }
}
fn read_some<R: Read>(r: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outbox_keeps_what_is_unacknowledged_and_rewinds() {
        let mut src = std::io::Cursor::new((0..=255u8).cycle().take(5000).collect::<Vec<_>>());
        let mut out = Outbox::new(100, 4000);
        out.fill(&mut src, 1460).unwrap();
        assert_eq!(out.unsent(), 1461, "a chunk and the byte after it");
        let mut c = Vec::new();
        out.peek(1000, &mut c);
        assert_eq!(c[0], 0);
        out.sent(1000, false);
        assert_eq!(out.next, 1100);
        out.trim(600); // acknowledged up to source offset 600
        assert_eq!(out.start, 600);
        out.rewind(600);
        out.peek(10, &mut c);
        assert_eq!(
            c[0],
            (500 % 256) as u8,
            "resends from the first unacknowledged byte"
        );
        out.sent(10, true); // UDP: forgotten once sent
        assert_eq!(out.start, 610);
    }

    #[test]
    fn chunks_are_cut_so_the_next_does_not_start_with_lf() {
        let mut data = vec![b'x'; 20];
        data[10] = b'\n';
        data[9] = b'\n';
        let mut out = Outbox::new(0, 100);
        out.fill(&mut std::io::Cursor::new(data), 10).unwrap();
        assert_eq!(
            out.lf_safe_len(10),
            8,
            "bytes 9 and 10 are LF: the next chunk starts at 8"
        );
        assert_eq!(out.lf_safe_len(5), 5);
        let mut all_lf = Outbox::new(0, 100);
        all_lf
            .fill(&mut std::io::Cursor::new(vec![b'\n'; 20]), 10)
            .unwrap();
        assert_eq!(all_lf.lf_safe_len(10), 10, "nothing better exists");
    }
}
