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
    /// built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`)
    #[arg(short, long, env = "QTCP_PORT", global = true, value_name = "PORT")]
    pub port: Option<String>,

    /// Baud rate of the serial line
    #[arg(short, long, env = "QTCP_BAUD", global = true, default_value_t = 115200)]
    pub baud: u32,

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
}

impl PortArgs {
    pub fn open(&self) -> Result<Session, Error> {
        let Some(port) = self.port.as_deref() else {
            return Err(Error::usage(
                "no port: pass --port PATH (or set QTCP_PORT); --port sim runs the built-in simulator",
            ));
        };
        let tracer = Tracer::new(self.trace.as_deref(), self.verbose)
            .map_err(|e| Error::usage(format!("--trace: {e}")))?;
        let transport = Transport::open(&PortSpec::parse(port), self.baud, tracer)?;
        let mut s = Session::new(transport);
        s.line_rate = (self.baud / 10).max(1);
        if let Some(t) = self.cmd_timeout {
            s.min_timeout = t;
        }
        s.set_interrupt(interrupt_flag());
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
        m.insert(
            "error".into(),
            serde_json::json!({"class": e.class.name(), "exit_code": e.exit_code(), "message": e.message}),
        );
        json_line(&Value::Object(m));
    }
    ExitCode::from(e.exit_code())
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
