//! `qtcp attach`: SIM, registration, GPRS attach, APN, receive mode; `--activate` brings the
//! context up and reports the local IP.

use super::common::{duration, fail, ip_state_text, rows, run_ports, PortArgs, SimWaitArgs, Spinner, Text};
use crate::error::{Error, ErrorClass};
use crate::proc::attach::{attach, validate, AttachOptions, Auth, RecvMode};
use crate::proc::attach::{AttachProgress, AttachReport};
use crate::proc::common::SyncOptions;
use crate::proc::probe::registration;
use std::process::ExitCode;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct AttachCmd {
    /// Access point name
    #[arg(long)]
    pub apn: String,
    /// APN user name
    #[arg(long, default_value = "")]
    pub user: String,
    /// APN password (redacted in traces)
    #[arg(long, env = "QTCP_PASSWORD", default_value = "", hide_env_values = true)]
    pub password: String,
    /// How long to wait for CS registration and GPRS attach
    #[arg(long, value_parser = duration, default_value = "60s", value_name = "DUR")]
    pub register_timeout: Duration,
    #[command(flatten)]
    pub sim: SimWaitArgs,
    /// Receive mode: retrieve (QINDI=1, data waits in the module) or direct (QINDI=0)
    #[arg(long, value_enum, default_value = "retrieve")]
    pub recv: RecvModeArg,
    /// Direct mode: prefix received data with IPD<len>, source address and protocol
    #[arg(long)]
    pub headers: bool,
    /// Authentication of the context (ctx family: QICSGP's <authentication>) [default: none
    /// without --user/--password, pap-or-chap with them]; the QI family has no choice
    #[arg(long, value_enum, value_name = "AUTH")]
    pub auth: Option<AuthArg>,
    /// Also activate the context (QIREGAPP, QIACT, QILOCIP) and report the local IP
    #[arg(long)]
    pub activate: bool,
    #[command(flatten, next_help_heading = "Device options")]
    pub port: PortArgs,
}

/// `--recv`: the core's [`RecvMode`] as a flag value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RecvModeArg {
    /// Data waits in the module (QINDI=1) and is read with AT+QIRD: the right mode for scripts.
    Retrieve,
    /// Data is pushed to the serial port as it arrives (QINDI=0).
    Direct,
}

/// `--auth`: the core's [`Auth`] as a flag value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuthArg {
    None,
    Pap,
    Chap,
    PapOrChap,
}

impl From<AuthArg> for Auth {
    fn from(a: AuthArg) -> Auth {
        match a {
            AuthArg::None => Auth::None,
            AuthArg::Pap => Auth::Pap,
            AuthArg::Chap => Auth::Chap,
            AuthArg::PapOrChap => Auth::PapOrChap,
        }
    }
}

impl From<RecvModeArg> for RecvMode {
    fn from(a: RecvModeArg) -> RecvMode {
        match a {
            RecvModeArg::Retrieve => RecvMode::Retrieve,
            RecvModeArg::Direct => RecvMode::Direct,
        }
    }
}

pub fn run(port: &PortArgs, cmd: AttachCmd) -> ExitCode {
    let opts = AttachOptions {
        apn: cmd.apn,
        user: cmd.user,
        password: cmd.password,
        register_timeout: cmd.register_timeout,
        sim_timeout: cmd.sim.sim_timeout,
        recv: Some(cmd.recv.into()),
        headers: cmd.headers,
        activate: cmd.activate,
        auth: cmd.auth.map(Into::into),
    };
    // Validate before the port is even opened: a bad value sends nothing.
    if let Err(e) = validate(&opts) {
        return fail(port, "attach", e);
    }
    let job = |spec: &_| {
        let (mut s, _) = port.open_port(spec, &SyncOptions::default())?;
        let spinner = Spinner::new(port.spinner_visible());
        s.set_on_wait(spinner.hook());
        attach(&mut s, &opts, &mut |w| spinner.waiting(w))
    };
    let hint = |e: &Error, _: Option<&AttachProgress>| {
        (e.class == ErrorClass::Network).then(|| {
            "check the antenna and the signal (qtcp probe); a longer --register-timeout waits more".into()
        })
    };
    run_ports(
        port,
        "attach",
        false,
        job,
        &Text::new(&human).partial(&human_progress).hint(&hint),
    )
}

fn network_text(creg: Option<u8>, attached: Option<bool>) -> String {
    let mut t = registration(creg).text.to_string();
    match attached {
        Some(true) => t.push_str("; GPRS attached"),
        Some(false) => t.push_str("; GPRS not attached"),
        None => {}
    }
    t
}

pub fn human(r: &AttachReport) -> String {
    let recv = match r.recv_mode {
        Some(RecvMode::Retrieve) => "retrieve (data waits in the module until qtcp recv reads it)".into(),
        Some(RecvMode::Direct) if r.headers => {
            "direct, with IPD headers (data is written to the serial line as it arrives)".into()
        }
        Some(RecvMode::Direct) => "direct (data is written to the serial line as it arrives)".into(),
        None => r.note.clone().unwrap_or_default(),
    };
    let context = match &r.local_ip {
        Some(ip) => format!("active, local IP {ip}"),
        None => format!(
            "{}; connect (or attach --activate) brings it up",
            ip_state_text(&r.ip_state)
        ),
    };
    let changed = if r.actions.is_empty() {
        "nothing (already in place)".to_string()
    } else {
        r.actions.join(", ")
    };
    rows(&[
        ("Network", network_text(r.cs_registration, Some(r.gprs_attached))),
        (
            "SIM",
            if r.sim == "READY" {
                "ready".into()
            } else {
                r.sim.clone()
            },
        ),
        ("APN", r.apn.clone()),
        ("Receive", recv),
        ("Context", context),
        ("Changed", changed),
    ])
}

/// How far a failed attach got.
fn human_progress(p: &AttachProgress) -> String {
    let network = match (p.cs_registration, p.gprs_attached) {
        (None, None) => String::new(),
        (c, a) => network_text(c, a),
    };
    rows(&[("SIM", p.sim.clone().unwrap_or_default()), ("Network", network)])
}
