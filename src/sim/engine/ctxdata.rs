//! The context dialect's transparent mode (access mode 2): entered by QIOPEN or
//! AT+QISWTMD=<id>,2 with `CONNECT`, packetised by QICFG "transpktsize"/"transwaittm", left
//! with `+++` (then the socket is in buffer mode), resumed with ATO. The data path, `+++` and
//! its guard times are the QI dialect's ([`super::data`]). Evidence: research new-dialect.md
//! §1.11.

use super::grammar::{pint, Kind, Param};
use super::*;

impl Engine {
    /// The port goes online for `slot`; data already buffered for it comes out raw first [INF].
    pub(super) fn ctx_enter_transparent(&mut self, slot: usize) {
        // [DOC AN-BG95 p.35] the packet size and the wait time before a short packet leaves
        self.qi.qitcfg.1 = self.ctxd.transwaittm;
        self.qi.qitcfg.2 = self.ctxd.transpktsize;
        self.qi.qitcfg.3 = 1;
        self.tdata.slot = slot;
        self.enter_data_mode();
        if let Some(s) = self.socks[slot].as_mut() {
            s.access = 2;
            s.notified = false;
            let v: Vec<u8> = s.rx.drain(..).flatten().collect();
            s.rx_len = 0;
            s.rx_read += v.len() as u64;
            self.emit(v);
        }
    }

    /// `+++` was accepted (`OK`): the socket is now in buffer access mode [DOC AN-BG96 p.9,
    /// AN-BG95 p.12].
    pub(super) fn ctx_after_escape(&mut self) {
        if let Some(s) = self.socks[self.tdata.slot].as_mut() {
            s.access = 0;
        }
    }

    fn ctx_can_resume(&self, slot: usize) -> bool {
        self.socks[slot]
            .as_ref()
            .is_some_and(|s| s.status == SockStatus::Connected)
    }

    /// ATO: back to the transparent socket left with `+++` (`CONNECT`), else `NO CARRIER`
    /// [DOC AN-BG95 p.12].
    pub(super) fn ctx_ato(&mut self) -> R {
        let slot = self.tdata.slot;
        if !(self.tdata.suspended && self.ctx_can_resume(slot)) {
            let b = self.result_bytes("NO CARRIER", 3);
            self.block.extend_from_slice(&b);
            return R::Done;
        }
        self.ctx_connect_now(slot);
        R::Done
    }

    fn ctx_connect_now(&mut self, slot: usize) {
        let b = self.result_bytes("CONNECT", 1);
        self.block.extend_from_slice(&b);
        let blk = std::mem::take(&mut self.block);
        self.emit_block(blk);
        self.ctx_enter_transparent(slot);
    }

    /// AT+QISWTMD=<id>,<mode>: 0 and 1 answer `OK`, 2 answers `CONNECT` [DOC AN-EC200U].
    pub(super) fn cmd_ctx_qiswtmd(&mut self, kind: &Kind, params: Option<Vec<Param>>) -> R {
        match kind {
            Kind::Test => {
                self.info("+QISWTMD: (0-11),(0-2)");
                return R::Ok;
            }
            Kind::Write(_) => {}
            _ => return self.ctx_fail(552),
        }
        let p = params.unwrap_or_default();
        let (Some(id), Some(mode)) = (p.first().and_then(pint), p.get(1).and_then(pint)) else {
            return self.ctx_fail(552);
        };
        if p.len() != 2 || !(0..12).contains(&id) || !(0..=2).contains(&mode) {
            return self.ctx_fail(552);
        }
        let slot = id as usize;
        if !self.ctx_can_resume(slot) {
            return self.ctx_fail(567);
        }
        if mode == 2 {
            self.ctx_connect_now(slot);
            return R::Done;
        }
        if let Some(s) = self.socks[slot].as_mut() {
            s.access = mode as u8;
        }
        if self.tdata.slot == slot {
            self.tdata.suspended = false;
        }
        R::Ok
    }
}
