//! What every device subcommand shares: the port options, opening a session, signals, and
//! rendering a result (human text or one JSON object) with its exit code.

use crate::error::{Error, ErrorClass};
use crate::session::Session;
use crate::trace::Tracer;
use crate::transport::{PortSpec, Transport};
use serde_json::{Map, Value};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

/// Parse a duration: humantime (`500ms`, `1.5s`, `2min`), or a bare number of seconds.
pub fn duration(s: &str) -> Result<Duration, String> {
    if let Ok(secs) = s.parse::<f64>() {
        if secs.is_finite() && secs >= 0.0 {
            return Ok(Duration::from_secs_f64(secs));
        }
    }
    humantime::parse_duration(s).map_err(|e| format!("{e} (examples: 500ms, 5s, 2min)"))
}

/// Options shared by every subcommand that talks to a module. Global: they may come before or
/// after the subcommand name.
#[derive(clap::Args, Debug, Clone)]
pub struct PortArgs {
    /// Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the
    /// built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`).
    /// probe, attach, push and close take several (repeat --port, or a glob such as
    /// '/dev/serial/by-id/*Quectel*') and drive them concurrently
    #[arg(short, long, env = "QTCP_PORT", global = true, value_name = "PORT", action = clap::ArgAction::Append)]
    pub port: Vec<String>,

    /// Baud rate of the serial line
    #[arg(short, long, env = "QTCP_BAUD", global = true, default_value_t = 115200)]
    pub baud: u32,

    /// Flow control of the serial device; must match the module's AT+IFC (hardware: AT+IFC=2,2;
    /// software is XON/XOFF and not binary-safe)
    #[arg(
        long,
        env = "QTCP_FLOW_CONTROL",
        global = true,
        value_enum,
        default_value = "none",
        value_name = "MODE"
    )]
    pub flow_control: crate::transport::FlowControl,

    /// Write every byte in both directions to FILE as JSON Lines (passwords redacted)
    #[arg(long, env = "QTCP_TRACE", global = true, value_name = "FILE")]
    pub trace: Option<PathBuf>,

    /// Print a readable transcript of the conversation on stderr
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// Print one JSON object (JSON Lines for streams) on stdout instead of text
    #[arg(long, global = true)]
    pub json: bool,

    /// No progress bar
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Shortest deadline for any command (the table's values are the module's maximum response
    /// times plus 1 s)
    #[arg(long, global = true, value_parser = duration, value_name = "DUR")]
    pub cmd_timeout: Option<Duration>,

    /// Command that power-cycles the module (run with sh -c) when it fails to synchronise;
    /// consecutive resets back off as the recommended process says (3 quick, then 10 min,
    /// 30 min, 1 h), remembered per port in --state-dir
    #[arg(long, env = "QTCP_RESET_CMD", global = true, value_name = "CMD")]
    pub reset_cmd: Option<String>,

    /// Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]
    #[arg(long, env = "QTCP_STATE_DIR", global = true, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
}

impl PortArgs {
    /// The ports named, globs expanded (sorted), duplicates removed.
    pub fn ports(&self) -> Result<Vec<String>, Error> {
        let mut out: Vec<String> = Vec::new();
        for p in &self.port {
            let is_glob = p.contains(['*', '?', '[']) && !p.starts_with("sim") && !p.starts_with("tcp://");
            if !is_glob {
                // Each `sim` is a simulator of its own; a device named twice is driven once.
                if p == "sim" || p.starts_with("sim:") || !out.contains(p) {
                    out.push(p.clone());
                }
                continue;
            }
            let paths = glob::glob(p).map_err(|e| Error::usage(format!("--port {p:?}: {e}")))?;
            let mut found: Vec<String> = paths
                .filter_map(|r| r.ok())
                .map(|p| p.display().to_string())
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(Error::new(
                    ErrorClass::PortUnavailable,
                    format!("--port {p:?} matches no device"),
                ));
            }
            for f in found {
                if !out.contains(&f) {
                    out.push(f);
                }
            }
        }
        if out.is_empty() {
            return Err(Error::usage(
                "no port: pass --port PATH (or set QTCP_PORT); --port sim runs the built-in simulator",
            ));
        }
        Ok(out)
    }

    /// The one port of a single-port command.
    pub fn single(&self) -> Result<String, Error> {
        let mut ports = self.ports()?;
        if ports.len() > 1 {
            return Err(Error::usage(format!(
                "this command drives one port; {} were given (probe, attach, push and close take several)",
                ports.len()
            )));
        }
        Ok(ports.remove(0))
    }

    /// Open the one port of a single-port command, synchronised: a module that has just
    /// rebooted or lost autobaud lock gets its `AT`s (recommended process, 9.1) before the
    /// command that matters, so that command is never the one that goes unanswered.
    pub fn open(&self) -> Result<Session, Error> {
        let port = self.single()?;
        let mut s = self.open_port(&port)?;
        crate::proc::probe::sync(&mut s, &crate::proc::probe::SyncOptions::default())?;
        Ok(s)
    }

    pub fn open_port(&self, port: &str) -> Result<Session, Error> {
        let tracer = Tracer::new(self.trace.as_deref(), self.verbose)
            .map_err(|e| Error::usage(format!("--trace: {e}")))?;
        let transport =
            Transport::open_with_flow(&PortSpec::parse(port), self.baud, self.flow_control, tracer)?;
        let mut s = Session::new(transport);
        s.line_rate = (self.baud / 10).max(1);
        if let Some(t) = self.cmd_timeout {
            s.min_timeout = t;
        }
        s.set_interrupt(interrupt_flag());
        if let Some(cmd) = &self.reset_cmd {
            let dir = self
                .state_dir
                .clone()
                .unwrap_or_else(crate::recovery::default_state_dir);
            s.reset = Some(crate::recovery::ResetPolicy {
                command: cmd.clone(),
                state_file: crate::recovery::state_file(&dir, port),
                timeout: Duration::from_secs(60),
            });
        }
        Ok(s)
    }

    pub fn progress_visible(&self) -> bool {
        !self.quiet && std::io::stderr().is_terminal()
    }
}

/// SIGINT/SIGTERM set this flag; procedures stop at the next safe point (never inside a QISEND
/// data phase). A second signal ends the process at once.
pub fn interrupt_flag() -> Arc<AtomicBool> {
    static FLAG: std::sync::OnceLock<Arc<AtomicBool>> = std::sync::OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            let _ = signal_hook::flag::register_conditional_shutdown(sig, 130, flag.clone());
            let _ = signal_hook::flag::register(sig, flag.clone());
        }
        flag
    })
    .clone()
}

/// Write to stdout; a closed pipe is a clean end, not a panic.
pub fn out(text: &str) {
    let mut o = std::io::stdout().lock();
    let _ = o.write_all(text.as_bytes());
    let _ = o.flush();
}

pub fn json_line(v: &Value) {
    out(&format!("{v}\n"));
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        Value::Null => Map::new(),
        other => {
            let mut m = Map::new();
            m.insert("result".into(), other);
            m
        }
    }
}

/// Run a one-shot job on every port named: alone, it renders like [`finish`]; with several ports
/// they run concurrently, each prints one JSON line (or a `port: ...` block), and the exit code is
/// the highest one seen.
pub fn run_ports<F>(args: &PortArgs, command: &str, job: F, human: fn(&Value) -> String) -> ExitCode
where
    F: Fn(&str) -> Result<Value, Error> + Sync,
{
    let ports = match args.ports() {
        Ok(p) => p,
        Err(e) => return fail(args.json, command, &e),
    };
    if ports.len() == 1 {
        return finish(args, command, job(&ports[0]), human);
    }
    if args.trace.is_some() {
        return fail(
            args.json,
            command,
            &Error::usage("--trace records one port: use it with a single --port"),
        );
    }
    let worst = std::sync::Mutex::new(0u8);
    std::thread::scope(|scope| {
        for (i, port) in ports.iter().enumerate() {
            let job = &job;
            let worst = &worst;
            scope.spawn(move || {
                let result = job(port);
                let code = result.as_ref().map_or_else(|e| e.exit_code(), |_| 0);
                let mut w = worst.lock().unwrap_or_else(|e| e.into_inner());
                *w = (*w).max(code);
                // Lines are printed whole under the lock, so outputs never interleave.
                render_port(args, command, i, port, result, human);
            });
        }
    });
    let code = *worst.lock().unwrap_or_else(|e| e.into_inner());
    ExitCode::from(code)
}

fn render_port(
    args: &PortArgs,
    command: &str,
    index: usize,
    port: &str,
    result: Result<Value, Error>,
    human: fn(&Value) -> String,
) {
    let mut m = Map::new();
    m.insert("ok".into(), Value::Bool(result.is_ok()));
    m.insert("command".into(), Value::String(command.into()));
    m.insert("port".into(), Value::String(port.into()));
    m.insert("port_index".into(), Value::from(index));
    match result {
        Ok(v) => {
            m.extend(object(v));
            if args.json {
                json_line(&Value::Object(m));
            } else {
                let body = human(&Value::Object(m));
                out(&format!("== {port}\n{body}"));
            }
        }
        Err(e) => {
            eprintln!("qtcp {command}: {port}: error: {}", e.message);
            if let Some(d) = &e.detail {
                m.extend(object(d.clone()));
            }
            m.insert("port".into(), Value::String(port.into()));
            m.insert("error".into(), error_json(&e));
            if args.json {
                json_line(&Value::Object(m));
            } else {
                out(&format!("== {port}\nerror: {}\n", e.message));
            }
        }
    }
}

/// Render a one-shot command's result and return its exit code.
pub fn finish(
    args: &PortArgs,
    command: &str,
    result: Result<Value, Error>,
    human: impl FnOnce(&Value) -> String,
) -> ExitCode {
    match result {
        Ok(v) => {
            if args.json {
                let mut m = Map::new();
                m.insert("ok".into(), Value::Bool(true));
                m.insert("command".into(), Value::String(command.into()));
                m.extend(object(v));
                json_line(&Value::Object(m));
            } else {
                out(&human(&v));
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(args.json, command, &e),
    }
}

/// Report an error: a one-line message on stderr, and with `--json` the JSON object on stdout.
pub fn fail(json: bool, command: &str, e: &Error) -> ExitCode {
    eprintln!("qtcp {command}: error: {}", e.message);
    if e.class == ErrorClass::ModuleSilent {
        eprintln!("hint: check power, wiring and --baud; run with -v to see the conversation");
    }
    if json {
        let mut m = Map::new();
        m.insert("ok".into(), Value::Bool(false));
        m.insert("command".into(), Value::String(command.into()));
        if let Some(d) = &e.detail {
            m.extend(object(d.clone()));
        }
        m.insert("error".into(), error_json(e));
        json_line(&Value::Object(m));
    }
    ExitCode::from(e.exit_code())
}

/// The `error` member of every JSON output: `{"class", "exit_code", "message"}`.
pub fn error_json(e: &Error) -> Value {
    serde_json::json!({"class": e.class.name(), "exit_code": e.exit_code(), "message": e.message})
}

/// Human rendering of a flat JSON object: `key: value` lines, nested objects flattened.
pub fn key_values(v: &Value) -> String {
    fn walk(prefix: &str, v: &Value, out: &mut String) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&key, v, out);
                }
            }
            Value::Null => {}
            Value::String(s) => out.push_str(&format!("{prefix}: {s}\n")),
            Value::Array(a) if a.is_empty() => {}
            other => out.push_str(&format!("{prefix}: {other}\n")),
        }
    }
    let mut s = String::new();
    walk("", v, &mut s);
    s
}

pub fn to_value<T: serde::Serialize>(t: &T) -> Value {
    serde_json::to_value(t).unwrap_or(Value::Null)
}
