//! `qtcp close`: QICLOSE, and with `--deact` also QIDEACT.

use super::common::{
    discard_as_it_arrives, discard_inbound, ip_state_text, rows, run_ports, PortArgs, Spinner, Text,
    WithInbound,
};
use crate::error::Reported;
use crate::proc::close::{close, CloseReport};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct CloseCmd {
    /// Connection index: 0..5 on the QI family in multi-connection mode (QIMUX=1), 0..11 on the
    /// ctx family (socket 0 when not given)
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=11))]
    pub id: Option<u8>,
    /// Also deactivate the PDP context (QIDEACT, up to 40 s)
    #[arg(long)]
    pub deact: bool,
    #[command(flatten, next_help_heading = "Device options")]
    pub port: PortArgs,
}

pub fn run(port: &PortArgs, cmd: CloseCmd) -> ExitCode {
    let job = |spec: &_| -> Reported<_, ()> {
        let (mut s, _) = port.open_port(spec, &crate::proc::common::SyncOptions::default())?;
        discard_as_it_arrives(&mut s);
        port.check_open_id(&mut s, cmd.id)?;
        let spinner = Spinner::new(port.spinner_visible());
        s.set_on_wait(spinner.hook());
        let report = close(&mut s, cmd.id, cmd.deact)?;
        let bytes_discarded = discard_inbound(port, "close", &mut s);
        Ok(WithInbound {
            report,
            bytes_discarded,
        })
    };
    let human = |r: &WithInbound<CloseReport>| human(&r.report);
    run_ports(port, "close", false, job, &Text::new(&human))
}

pub fn human(r: &CloseReport) -> String {
    let closed = match (&r.note, r.closed) {
        (Some(note), _) => format!("nothing to close: {note}"),
        (None, true) => "closed (CLOSE OK)".into(),
        (None, false) => "not closed".into(),
    };
    let context = if r.deactivated {
        format!("deactivated, {}", r.ip_state)
    } else if r.ip_state.is_empty() {
        String::new()
    } else if r.ip_state == "IP CLOSE" || r.ip_state == "IP STATUS" {
        format!(
            "{}; close --deact releases the context",
            ip_state_text(&r.ip_state)
        )
    } else {
        ip_state_text(&r.ip_state)
    };
    rows(&[("Connection", closed), ("TCP/IP", context)])
}
