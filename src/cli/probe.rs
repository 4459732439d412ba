//! `qtcp probe`: synchronise, identify, and report where the module stands.

use super::common::{ip_state_text, rows, run_ports, PortArgs, SimSpinner, Text};
use crate::error::{Failed, Reported};
use crate::proc::probe::{expect_ready, probe, ModuleInfo, SimWait, SyncOptions, UsbPort};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Expectation {
    /// Exit 0 whenever the module answers (SIM and network are reported as fields)
    Answer,
    /// Also require SIM ready (else 5), CS registration and GPRS attach (else 6)
    Ready,
}

#[derive(clap::Args, Debug)]
pub struct ProbeCmd {
    /// What counts as success
    #[arg(long, value_enum, default_value = "answer")]
    pub expect: Expectation,
    /// After synchronising, fix and save the baud rate with AT+IPR=<baud>&W
    #[arg(long)]
    pub save_baud: bool,
    /// With --expect ready: how long to wait for a SIM that is still starting (busy or not
    /// ready, as for a few seconds after power-on) before giving up with exit 5
    #[arg(long, value_parser = super::common::duration, default_value = "20s", value_name = "DUR")]
    pub sim_timeout: Duration,
    /// Synchronisation attempts (AT, 500 ms apart)
    #[arg(long, default_value_t = 15)]
    pub sync_attempts: u32,
    #[command(flatten, next_help_heading = "Device options")]
    pub port: PortArgs,
}

pub fn run(port: &PortArgs, cmd: ProbeCmd) -> ExitCode {
    let opts = SyncOptions {
        attempts: cmd.sync_attempts,
        interval: Duration::from_millis(500),
    };
    let job = |spec: &_| -> Reported<ModuleInfo> {
        let (mut s, attempts) = port.open_port(spec, &opts)?;
        let ready = cmd.expect == Expectation::Ready;
        let spinner = SimSpinner::new(ready && port.spinner_visible());
        let mut on_wait = |w: &_| spinner.waiting(w);
        let sim_wait = ready.then_some(SimWait {
            timeout: cmd.sim_timeout,
            progress: &mut on_wait,
        });
        let info = probe(
            &mut s,
            attempts,
            &opts,
            cmd.save_baud.then_some(port.baud),
            sim_wait,
        )?;
        drop(spinner);
        let mut info = info;
        info.usb = usb_of(spec);
        info.urcs_elsewhere = crate::proc::probe::urcs_elsewhere(info.urc_port.as_deref(), info.usb.as_ref());
        if ready {
            if let Err(e) = expect_ready(&info) {
                return Err(Failed::new(e, info));
            }
        }
        Ok(info)
    };
    run_ports(port, "probe", true, job, &Text::new(&human).partial(&human))
}

/// The USB identity of a device port (through its by-id/by-path link), from sysfs; `None` for
/// anything else (a UART, a pty, `tcp://`, the simulator).
fn usb_of(spec: &crate::transport::PortSpec) -> Option<UsbPort> {
    let crate::transport::PortSpec::Device(path) = spec else {
        return None;
    };
    let ours = std::fs::canonicalize(path).ok()?;
    serialport::available_ports().ok()?.into_iter().find_map(|p| {
        let serialport::SerialPortType::UsbPort(u) = p.port_type else {
            return None;
        };
        (std::fs::canonicalize(&p.port_name).ok()? == ours).then(|| UsbPort {
            vid_pid: format!("{:04x}:{:04x}", u.vid, u.pid),
            interface: u.interface,
        })
    })
}

/// What `+CPIN:` says, in words.
fn sim_text(sim: &str) -> String {
    match sim {
        "READY" => "ready".into(),
        "NOT INSERTED" => "not inserted".into(),
        "SIM PIN" => "locked: PIN required".into(),
        "SIM PUK" => "locked: PUK required".into(),
        "BUSY" | "NOT READY" => "still starting (busy)".into(),
        "SIM FAILURE" => "failed".into(),
        // CMEE=0 hides the reason; attach and probe --expect ready ask with AT+CMEE=1.
        "ERROR" => "not ready (the module answers ERROR: absent, locked or starting)".into(),
        other => other.to_string(),
    }
}

/// Signal quality by level, as phones show it (GSM: above -70 dBm excellent, to -85 good,
/// to -100 fair, below poor).
fn quality(dbm: i32) -> &'static str {
    match dbm {
        d if d >= -70 => "excellent",
        d if d >= -85 => "good",
        d if d >= -100 => "fair",
        _ => "poor",
    }
}

pub fn human(i: &ModuleInfo) -> String {
    let model = i
        .model
        .as_deref()
        .or(i.manufacturer.as_deref())
        .map_or("unknown module".to_string(), |m| m.replace('_', " "));
    let mut module = model;
    if let Some(r) = i.revision_extended.as_ref().or(i.revision.as_ref()) {
        module.push_str(&format!(", revision {r}"));
    }
    if let Some(imei) = &i.imei {
        module.push_str(&format!(", IMEI {imei}"));
    }
    let mut sim = sim_text(&i.sim);
    if let Some(v) = &i.iccid {
        sim.push_str(&format!(", ICCID {v}"));
    }
    if let Some(v) = &i.imsi {
        sim.push_str(&format!(", IMSI {v}"));
    }
    let mut network = i.cs_registration.text.to_string();
    if let Some(eps) = i.eps_registration.as_ref().filter(|e| e.stat.is_some()) {
        network = format!("{network} (CS), {} (LTE)", eps.text);
    }
    if let Some(op) = &i.operator {
        match (&op.name, &op.mcc_mnc) {
            (Some(n), Some(m)) => network.push_str(&format!(" on {n} ({m})")),
            (Some(n), None) | (None, Some(n)) => network.push_str(&format!(" on {n}")),
            (None, None) => {}
        }
    }
    match i.gprs_attached {
        Some(true) => network.push_str("; GPRS attached"),
        Some(false) => network.push_str("; GPRS not attached"),
        None => {}
    }
    let signal = match &i.signal {
        Some(sg) => match sg.dbm {
            Some(d) => format!("{d} dBm (rssi {}/31, ber {}): {}", sg.rssi, sg.ber, quality(d)),
            None => format!("unknown (rssi {}, ber {})", sg.rssi, sg.ber),
        },
        None => "unknown".into(),
    };
    let mut tcpip = i.ip_state.as_deref().map_or("unknown".into(), ip_state_text);
    match i.mux {
        Some(true) => tcpip.push_str(", multi-connection (QIMUX=1)"),
        Some(false) => tcpip.push_str(", single connection"),
        None => {}
    }
    if let Some(c) = &i.contexts {
        let active: Vec<String> = c
            .iter()
            .filter(|c| c.active)
            .map(|c| format!("{} ({})", c.context_id, c.ip))
            .collect();
        if !active.is_empty() {
            tcpip.push_str(&format!(", context {} active", active.join(", ")));
        }
    }
    if let Some(k) = &i.sockets {
        for so in k {
            let mode = match so.access_mode {
                Some(0) => "buffer",
                Some(1) => "direct push",
                Some(2) => "transparent",
                _ => "unknown access",
            };
            tcpip.push_str(&format!(
                "; socket {}: {} {}:{} state {} ({mode})",
                so.id,
                so.protocol,
                so.remote_ip,
                so.remote_port.unwrap_or(0),
                so.state
            ));
        }
    }
    if let Some(m) = i.recv_mode {
        tcpip.push_str(match m {
            crate::proc::attach::RecvMode::Retrieve => ", receive mode retrieve",
            crate::proc::attach::RecvMode::Direct => ", receive mode direct",
        });
    }
    let mut notes = Vec::new();
    if let Some(b) = i.baud_saved {
        notes.push(format!("baud rate {b} saved (AT+IPR={b}&W)"));
    }
    if i.resets > 0 {
        notes.push(format!("answered after {} reset(s) by --reset-cmd", i.resets));
    }
    let usb = i.usb.as_ref().map_or(String::new(), |u| match u.interface {
        Some(n) => format!("{}, interface {n}", u.vid_pid),
        None => u.vid_pid.clone(),
    });
    let warning = match (i.urcs_elsewhere, &i.urc_port) {
        (Some(true), Some(p)) => format!(
            "the module sends its URCs to {p}, not to this port: +QIOPEN and +QIURC will not \
             arrive here (AT+QURCCFG=\"urcport\",\"{}\" routes them here)",
            i.usb.as_ref().and_then(|u| u.urc_port_name()).unwrap_or("usbat")
        ),
        _ => String::new(),
    };
    let family = match super::common::dialect() {
        Some("qi") => "qi (M95 family)".to_string(),
        Some("ctx") => "ctx (BG96/BG95/EC2x family)".to_string(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    rows(&[
        ("Module", module),
        ("Family", family),
        ("USB", usb),
        ("SIM", sim),
        ("Network", network),
        ("Signal", signal),
        ("TCP/IP", tcpip),
        ("Note", notes.join("; ")),
        ("Warning", warning),
    ])
}
