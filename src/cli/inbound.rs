//! Server bytes a command took off the serial line without delivering them (direct mode):
//! counted, reported in JSON and warned about, so none disappears without a word.

use super::common::PortArgs;
use super::text::count;
use crate::session::{InboundPolicy, Session};
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

/// From now on, count and drop what the module pushes as it arrives (commands that do not
/// deliver it): none of it is held, whatever the server sends (issue 18).
pub fn discard_as_it_arrives(s: &mut Session) {
    s.set_inbound_policy(InboundPolicy::Discard);
}

/// Received bytes the module pushed and the command did not deliver since the last call: those
/// counted as they arrived ([`discard_as_it_arrives`]) and any still kept. Returns (discarded,
/// written through by [`InboundPolicy::WriteTo`], the first write error).
pub fn take_inbound(s: &mut Session) -> (u64, u64, Option<String>) {
    s.flush_inbound();
    let c = s.take_inbound_counts();
    let mut discarded = c.discarded;
    while let Some(i) = s.take_inbound() {
        discarded += i.data.len() as u64;
    }
    (discarded, c.written, c.write_error)
}

/// Count (and drop) what the module pushed and the command does not deliver, and say so on
/// stderr (not with --quiet): no server byte disappears without a word.
pub fn discard_inbound(args: &PortArgs, command: &str, s: &mut Session) -> u64 {
    let (n, _, _) = take_inbound(s);
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
