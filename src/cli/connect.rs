//! `qtcp connect HOST:PORT`: open a TCP (or UDP) connection and leave it open for the next step.

use super::common::{
    discard_as_it_arrives, discard_inbound, duration, emit, ip_state_text, rows, Origin, PortArgs, Spinner,
    WithInbound,
};
use crate::error::Reported;
use crate::proc::connect::{connect, ConnectOptions, ConnectReport};
use crate::validate;
use std::process::ExitCode;
use std::time::Duration;

#[derive(clap::Args, Debug, Clone)]
pub struct DestArgs {
    /// Destination: IPv4 address or host name, and port
    #[arg(value_name = "HOST:PORT")]
    pub dest: String,
    /// UDP instead of TCP
    #[arg(long)]
    pub udp: bool,
    /// Connection index: 0..5 on the QI family in multi-connection mode (QIMUX=1), 0..11 on the
    /// ctx family (socket 0 when not given)
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=11))]
    pub id: Option<u8>,
    /// How long to wait for the open's result [default: the module's own limit: 75 s for
    /// CONNECT OK on the QI family, 150 s for +QIOPEN on the ctx family]
    #[arg(long, value_parser = duration, value_name = "DUR")]
    pub timeout: Option<Duration>,
}

impl DestArgs {
    pub fn options(&self, reuse: bool) -> Result<ConnectOptions, crate::Error> {
        Ok(ConnectOptions {
            dest: validate::destination(&self.dest)?,
            udp: self.udp,
            id: self.id,
            reuse,
            timeout: self.timeout,
            transparent: false,
        })
    }
}

/// The long description's second paragraph for connect, send and push (`--help` and their man
/// pages): what they do in headerless direct mode (issue 18).
macro_rules! direct_mode_help {
    () => {
        "Direct mode: the module's default receive mode (AT+QINDI=0) writes what the server sends \
onto the serial line between responses, and without headers (AT+QIHEAD=0) those bytes cannot be \
told from the module's answers (a server replying OK would be read as one). So when the module \
is in direct mode without headers, connect, send and push switch them on first (AT+QIHEAD=1, \
AT+QISHOWRA=1, AT+QISHOWPT=1) and say so in the report's actions; the server's bytes are then \
counted and discarded (bytes_discarded) or, with send --recv-out, kept. Retrieve mode (attach \
--recv retrieve) keeps them in the module for recv."
    };
}
pub(crate) use direct_mode_help;

#[derive(clap::Args, Debug)]
pub struct ConnectCmd {
    #[command(flatten)]
    pub dest: DestArgs,
    /// An open connection (ALREADY CONNECT) counts as success (ctx: only when open to this
    /// host, port and protocol; to another peer it is exit 8)
    #[arg(long)]
    pub reuse: bool,
    /// How received data reaches the host: retrieve (it waits in the module for qtcp recv)
    /// or direct (pushed to the serial line). The QI family sets it for the module (QINDI,
    /// as attach --recv); the ctx family opens the socket in that access mode (buffer or
    /// direct push). Not given: unchanged (QI), buffer access (ctx)
    #[arg(long, value_enum, value_name = "MODE")]
    pub recv: Option<super::attach::RecvModeArg>,
    #[command(flatten, next_help_heading = "Device options")]
    pub port: PortArgs,
}

pub fn run(port: &PortArgs, cmd: ConnectCmd) -> ExitCode {
    let result: Reported<_, ()> = cmd
        .dest
        .options(cmd.reuse)
        .and_then(|o| port.open().map(|s| (s, o)))
        .and_then(|(mut s, o)| {
            port.check_id(&s, o.id)?;
            let spinner = Spinner::new(port.spinner_visible());
            s.set_on_wait(spinner.hook());
            discard_as_it_arrives(&mut s);
            let mut set_mode = None;
            if let Some(mode) = cmd.recv {
                set_mode = s.family().set_recv_mode(&mut s, mode.into())?;
            }
            let mut report = connect(&mut s, &o)?;
            report.actions.splice(0..0, set_mode);
            let bytes_discarded = discard_inbound(port, "connect", &mut s);
            Ok(WithInbound {
                report,
                bytes_discarded,
            })
        })
        .map_err(Into::into);
    let human = |r: &WithInbound<ConnectReport>| human(&r.report);
    ExitCode::from(emit(port, "connect", Origin::default(), &result, &human))
}

pub fn human(r: &ConnectReport) -> String {
    let mut open = format!("{} {}:{}", r.protocol, r.host, r.remote_port);
    if let Some(id) = r.id {
        open.push_str(&format!(", connection {id}"));
    }
    if let Some(cid) = r.context_id {
        open.push_str(&format!(", context {cid}"));
    }
    match r.access_mode {
        Some(0) => open.push_str(", buffer access (qtcp recv reads)"),
        Some(1) => open.push_str(", direct push"),
        Some(2) => open.push_str(", transparent"),
        _ => {}
    }
    if r.reused {
        open.push_str(" (was already open: reused)");
    }
    let changed = if r.actions.is_empty() {
        String::new()
    } else {
        r.actions.join(", ")
    };
    rows(&[
        ("Connected", open),
        ("Before", ip_state_text(&r.state_before)),
        ("Changed", changed),
    ])
}
