//! Server bytes a command took off the serial line without delivering them (direct mode):
//! counted, reported in JSON and warned about, so none disappears without a word.

use super::common::PortArgs;
use super::text::count;
use crate::session::Session;
use serde::Serialize;

/// A report with the count of server bytes the command took off the serial line without
/// delivering them (direct mode pushes received data between responses; only `recv` delivers
/// it, or `send --recv-out`).
#[derive(Debug, Serialize)]
pub struct WithInbound<T> {
    #[serde(flatten)]
    pub report: T,
    pub bytes_discarded: u64,
}

/// Every received byte the module pushed during the command and the session kept aside:
/// (bytes, the data in arrival order).
pub fn take_inbound(s: &mut Session) -> (u64, Vec<u8>) {
    let mut data = Vec::new();
    while let Some(i) = s.take_inbound() {
        data.extend_from_slice(&i.data);
    }
    (data.len() as u64, data)
}

/// Count (and drop) what the module pushed and the command does not deliver, and say so on
/// stderr (not with --quiet): no server byte disappears without a word.
pub fn discard_inbound(args: &PortArgs, command: &str, s: &mut Session) -> u64 {
    let (n, _) = take_inbound(s);
    warn_discarded(args, command, n, false);
    n
}

/// The warning for `n` discarded bytes; `send` can keep them (`--recv-out`).
pub fn warn_discarded(args: &PortArgs, command: &str, n: u64, can_keep: bool) {
    if n == 0 || args.quiet {
        return;
    }
    eprintln!(
        "qtcp {command}: warning: {} the server sent arrived during {command} and were discarded: in direct mode the module writes received data to the serial line and only qtcp recv delivers it{}",
        count(n, "byte"),
        if can_keep { "; keep them with --recv-out FILE" } else { "" }
    );
    eprintln!(
        "hint: use retrieve mode (qtcp attach --apn APN --recv retrieve): data then waits in the module until qtcp recv reads it"
    );
}
