//! What every device subcommand shares: the port options, opening a session, signals, and
//! rendering a result (human text or one JSON object) with its exit code.

use crate::error::{Cause, Error, ErrorClass, Reported};
use crate::proc::common::SyncOptions;
use crate::session::{Session, SessionOptions};
use crate::trace::Tracer;
use crate::transport::{PortSpec, Transport};
use serde::Serialize;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

pub use super::inbound::{discard_as_it_arrives, discard_inbound, take_inbound, warn_discarded, WithInbound};
pub use super::spinner::{SimSpinner, Spinner};
pub use super::text::{count, ip_state_text, rate, rows, seconds};

/// Parse a duration the way the simulator does ([`crate::units::parse_duration`]): humantime
/// (`500ms`, `1.5s`, `2min`), or a bare number of seconds.
pub fn duration(s: &str) -> Result<Duration, String> {
    crate::units::parse_duration(s)
}

/// `--flow-control`, mapped onto the core's [`FlowControl`](crate::transport::FlowControl).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum FlowArg {
    /// No flow control (the module's default, AT+IFC=0,0)
    #[default]
    None,
    /// RTS/CTS (AT+IFC=2,2 on the module)
    Hardware,
    /// XON/XOFF (AT+IFC=1,1 on the module; not binary-safe)
    Software,
}

/// `--dialect`: which module family to speak ([`crate::family::detect`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DialectArg {
    /// From the model the module reports (ATI, AT+CGMM), else AT+QIGETERROR
    #[default]
    Auto,
    /// M95, MC60, M66, M26, M35... (AT+QIOPEN="TCP",..., +QIRDI)
    Qi,
    /// BG96, BG95, BG77, EC2x, EG2x/EG9x, EC200x, UG96 (AT+QIOPEN=<cid>,<id>,..., +QIURC)
    Ctx,
}

impl From<DialectArg> for crate::family::detect::Choice {
    fn from(a: DialectArg) -> Self {
        use crate::family::detect::Choice;
        match a {
            DialectArg::Auto => Choice::Auto,
            DialectArg::Qi => Choice::Qi,
            DialectArg::Ctx => Choice::Ctx,
        }
    }
}

impl From<FlowArg> for crate::transport::FlowControl {
    fn from(a: FlowArg) -> Self {
        use crate::transport::FlowControl as F;
        match a {
            FlowArg::None => F::None,
            FlowArg::Hardware => F::Hardware,
            FlowArg::Software => F::Software,
        }
    }
}

/// Options of every subcommand that talks to a module, flattened into each (so `qtcp sim --help`
/// does not list them). For scripts written before, they are also accepted before the
/// subcommand name ([`PortArgs::merged`]).
#[derive(clap::Args, Debug, Clone)]
pub struct PortArgs {
    /// Serial device (/dev/ttyUSB0), `tcp://HOST:PORT` for a serial server, `sim` for the
    /// built-in simulator, or `sim:ARGS` to pass it simulator flags (e.g. `sim:--uplink 4KB/s`).
    /// probe, attach, push and close take several (repeat --port, or a glob such as
    /// '/dev/serial/by-id/*Quectel*') and drive them concurrently
    #[arg(short, long, env = "QTCP_PORT", value_name = "PORT", action = clap::ArgAction::Append)]
    pub port: Vec<String>,

    /// Baud rate of the serial line (given, it also paces the guard time before `+++` in
    /// transparent mode: a pty or adapter may hold bytes the line has not carried yet)
    #[arg(short, long, env = "QTCP_BAUD", default_value_t = 115200)]
    pub baud: u32,

    /// Whether --baud (or QTCP_BAUD) was given rather than defaulted.
    #[arg(skip)]
    pub baud_given: bool,

    /// Flow control of the serial device; must match the module's AT+IFC (hardware: AT+IFC=2,2;
    /// software is XON/XOFF and not binary-safe)
    #[arg(
        long,
        env = "QTCP_FLOW_CONTROL",
        value_enum,
        default_value = "none",
        value_name = "MODE"
    )]
    pub flow_control: FlowArg,

    /// Module family: auto tells it from the model the module reports (ATI, AT+CGMM), else from
    /// AT+QIGETERROR; NB-IoT modules (BC66, BC95, BC660K) are refused unless one is forced
    #[arg(
        long,
        env = "QTCP_DIALECT",
        value_enum,
        default_value = "auto",
        value_name = "FAMILY"
    )]
    pub dialect: DialectArg,

    /// Write every byte in both directions to FILE as JSON Lines (passwords redacted)
    #[arg(long, env = "QTCP_TRACE", value_name = "FILE")]
    pub trace: Option<PathBuf>,

    /// Print a readable transcript of the conversation on stderr
    #[arg(short, long)]
    pub verbose: bool,

    /// Print one JSON object (JSON Lines for streams) on stdout instead of text
    #[arg(long)]
    pub json: bool,

    /// No progress bars, spinners, notices or warnings on stderr (errors are still printed)
    #[arg(short, long)]
    pub quiet: bool,

    /// Shortest deadline for any command (the table's values are the module's maximum response
    /// times plus 1 s)
    #[arg(long, value_parser = duration, value_name = "DUR")]
    pub cmd_timeout: Option<Duration>,

    /// Command that power-cycles the module (run with sh -c) when it fails to synchronise;
    /// consecutive resets back off as the recommended process says (3 quick, then 10 min,
    /// 30 min, 1 h), remembered per port in --state-dir
    #[arg(long, env = "QTCP_RESET_CMD", value_name = "CMD")]
    pub reset_cmd: Option<String>,

    /// PDP context the ctx family configures, activates and opens sockets on (1..16); the
    /// QI family has one context and takes only 1
    #[arg(
        long,
        env = "QTCP_CONTEXT",
        default_value_t = 1,
        value_parser = clap::value_parser!(u8).range(1..=16),
        value_name = "CID"
    )]
    pub context: u8,

    /// Where per-port recovery state is kept [default: $XDG_STATE_HOME/qtcp]
    #[arg(long, env = "QTCP_STATE_DIR", value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
}

impl PortArgs {
    /// The subcommand's device options, with those given before the subcommand name filling in
    /// what was not given after it (`qtcp --port X probe` as well as `qtcp probe --port X`).
    /// An option on the command line beats one from the environment or a default.
    pub fn merged(&self, top: &PortArgs, top_m: &clap::ArgMatches, sub_m: &clap::ArgMatches) -> PortArgs {
        use clap::parser::ValueSource::CommandLine;
        let from_top = |id: &str| {
            top_m.value_source(id) == Some(CommandLine) && sub_m.value_source(id) != Some(CommandLine)
        };
        let mut m = self.clone();
        if from_top("port") {
            m.port = top.port.clone();
        }
        if from_top("baud") {
            m.baud = top.baud;
        }
        let given = |mm: &clap::ArgMatches| {
            use clap::parser::ValueSource::EnvVariable;
            matches!(mm.value_source("baud"), Some(CommandLine | EnvVariable))
        };
        m.baud_given = given(top_m) || given(sub_m);
        if from_top("flow_control") {
            m.flow_control = top.flow_control;
        }
        if from_top("dialect") {
            m.dialect = top.dialect;
        }
        if from_top("trace") {
            m.trace = top.trace.clone();
        }
        m.verbose |= top.verbose;
        m.json |= top.json;
        m.quiet |= top.quiet;
        if from_top("cmd_timeout") {
            m.cmd_timeout = top.cmd_timeout;
        }
        if from_top("reset_cmd") {
            m.reset_cmd = top.reset_cmd.clone();
        }
        if from_top("context") {
            m.context = top.context;
        }
        if from_top("state_dir") {
            m.state_dir = top.state_dir.clone();
        }
        m
    }

    /// The ports named, parsed; device globs expanded (sorted); a device named twice is driven
    /// once, while each `sim` is a simulator of its own.
    pub fn ports(&self) -> Result<Vec<PortSpec>, Error> {
        let mut out: Vec<PortSpec> = Vec::new();
        let add = |spec: PortSpec, out: &mut Vec<PortSpec>| {
            if matches!(spec, PortSpec::Sim(_)) || !out.contains(&spec) {
                out.push(spec);
            }
        };
        for p in &self.port {
            let spec = PortSpec::parse(p);
            let pattern = match &spec {
                PortSpec::Device(path) if path.contains(['*', '?', '[']) => path.clone(),
                _ => {
                    add(spec, &mut out);
                    continue;
                }
            };
            let paths = glob::glob(&pattern).map_err(|e| Error::usage(format!("--port {p:?}: {e}")))?;
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
                add(PortSpec::Device(f), &mut out);
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
    pub fn single(&self) -> Result<PortSpec, Error> {
        let mut ports = self.ports()?;
        if ports.len() > 1 {
            return Err(Error::usage(format!(
                "this command drives one port; {} were given (probe, attach, push and close take several)",
                ports.len()
            )));
        }
        Ok(ports.remove(0))
    }

    /// Open the one port of a single-port command, synchronised (see [`Self::open_port`]).
    pub fn open(&self) -> Result<Session, Error> {
        let port = self.single()?;
        Ok(self.open_port(&port, &SyncOptions::default())?.0)
    }

    /// Open `port` and synchronise with the module: the one place every command's first `AT`s
    /// are sent. A module that has just rebooted or lost autobaud lock gets its `AT`s
    /// (recommended process, 9.1) before the command that matters, so that command is never
    /// the one that goes unanswered. Returns the session and the attempts synchronising took.
    pub fn open_port(&self, port: &PortSpec, sync: &SyncOptions) -> Result<(Session, u32), Error> {
        let tracer = Tracer::new(self.trace.as_deref(), self.verbose)
            .map_err(|e| Error::usage(format!("--trace: {e}")))?;
        let transport = open_transport(port, self.baud, self.flow_control.into(), tracer)?;
        let reset = self.reset_cmd.as_ref().map(|cmd| {
            let dir = self
                .state_dir
                .clone()
                .unwrap_or_else(crate::recovery::default_state_dir);
            crate::recovery::ResetPolicy {
                command: cmd.clone(),
                state_file: crate::recovery::state_file(&dir, &port.name()),
                timeout: Duration::from_secs(60),
            }
        });
        let opts = SessionOptions {
            min_timeout: self.cmd_timeout.unwrap_or_default(),
            line_rate: (self.baud / 10).max(1),
            line_paced: self.baud_given,
            interrupt: Some(interrupt_flag()),
            reset,
            ..SessionOptions::default()
        };
        let mut s = Session::new(transport, opts);
        let attempts = crate::proc::common::sync(&mut s, sync)?;
        // Once per run: the family every later step speaks.
        crate::family::detect::detect(&mut s, self.dialect.into())?;
        set_dialect(Some(s.family().name()));
        s.family().await_ready(&mut s)?;
        if self.context != 1 && !s.family().has_contexts() {
            return Err(Error::usage(format!(
                "--context {}: the {} module family has one context (1)",
                self.context,
                s.family().name()
            )));
        }
        s.set_context_id(self.context);
        Ok((s, attempts))
    }

    /// Check a connection index against the family's sockets once the family is known (before
    /// anything else is sent): 0..5 on QI, 0..11 on ctx.
    pub fn check_id(&self, s: &Session, id: Option<u8>) -> Result<(), Error> {
        let f = s.family();
        match id {
            Some(i) if i > f.max_socket() => Err(Error::usage(format!(
                "--id {i}: the {} module family has connections 0..{}",
                f.name(),
                f.max_socket()
            ))),
            _ => Ok(()),
        }
    }

    /// [`Self::check_id`] for a command on an open socket; on ctx, then read the socket's
    /// access mode (`AT+QISTATE=1,<id>`), so data a direct-push socket pushes during the
    /// command is framed whichever process opened it.
    pub fn check_open_id(&self, s: &mut Session, id: Option<u8>) -> Result<(), Error> {
        self.check_id(s, id)?;
        let f = s.family();
        if f.has_contexts() {
            f.recv_mode(s, id)?;
        }
        Ok(())
    }

    /// Whether progress may be drawn on stderr: a terminal, no --quiet, no --json.
    pub fn progress_visible(&self) -> bool {
        !self.quiet && !self.json && std::io::stderr().is_terminal()
    }

    /// Whether a status spinner may be drawn: a terminal, no --quiet or --json, one port.
    pub fn spinner_visible(&self) -> bool {
        self.progress_visible() && self.port.len() == 1
    }
}

/// The wait for a SIM that is still starting, shared by attach, push and `probe --expect ready`.
#[derive(clap::Args, Debug, Clone)]
pub struct SimWaitArgs {
    /// How long to wait for a SIM that is still starting (busy or not ready, as for a few seconds
    /// after power-on) before giving up with exit 5; an absent or locked SIM fails at once
    #[arg(long, value_parser = duration, default_value = "20s", value_name = "DUR")]
    pub sim_timeout: Duration,
}

/// SIGINT/SIGTERM set this flag; procedures stop at the next safe point (never inside a QISEND
/// data phase). A second signal ends the process at once.
/// Open what `--port` names. The in-process simulator (`sim`, `sim:ARGS`) is wired here, in the
/// CLI, so the core never depends on it: it serves a pty (or, with `--listen`, a TCP port)
/// like any other module, and lives as long as the port.
pub fn open_transport(
    spec: &PortSpec,
    baud: u32,
    flow: crate::transport::FlowControl,
    tracer: Tracer,
) -> Result<Transport, Error> {
    match spec {
        PortSpec::Device(path) => Transport::open_device_with_flow(path, path.clone(), baud, flow, tracer),
        PortSpec::Tcp(addr) => Transport::open_tcp(addr, tracer),
        PortSpec::Sim(args) => {
            let args = crate::sim::SimArgs::parse_inline(args)
                .map_err(|e| Error::usage(format!("--port sim: {e}")))?;
            let sim = crate::sim::Simulator::start(&args).map_err(|e| {
                Error::new(
                    ErrorClass::PortUnavailable,
                    format!("cannot start the simulator: {e}"),
                )
            })?;
            let t = match sim.listen_addr() {
                // `sim:--listen ADDR`: the in-process simulator behind a TCP server
                Some(addr) => Transport::open_tcp(&addr.to_string(), tracer)?,
                None => {
                    let path = sim.port().to_string_lossy().into_owned();
                    Transport::open_device_with_flow(&path, "sim".into(), baud, flow, tracer)?
                }
            };
            Ok(t.keep_alive(Box::new(sim)))
        }
    }
}

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

thread_local! {
    /// The module family this thread's port speaks, once detected (each port of a multi-port
    /// command runs, and renders, on a thread of its own).
    static DIALECT: std::cell::Cell<Option<&'static str>> = const { std::cell::Cell::new(None) };
}

/// Remember the family detected on this thread's port, for `dialect` in its JSON.
pub fn set_dialect(name: Option<&'static str>) {
    DIALECT.with(|d| d.set(name));
}

/// The family detected on this thread's port: `"qi"`, `"ctx"`, or `None` before detection.
pub fn dialect() -> Option<&'static str> {
    DIALECT.with(|d| d.get())
}

/// Write to stdout; a closed pipe is a clean end, not a panic.
pub fn out(text: &str) {
    let mut o = std::io::stdout().lock();
    let _ = o.write_all(text.as_bytes());
    let _ = o.flush();
}

/// One JSON line on stdout (written whole, so concurrent ports never interleave).
pub fn json_line<T: Serialize + ?Sized>(v: &T) {
    out(&format!("{}\n", json_text(v)));
}

/// Serialise a value the CLI built. The types serialise by derive, with string keys only: a
/// failure is a bug of ours, reported as one (exit 1).
pub fn json_text<T: Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).expect("the CLI's output types serialise to JSON")
}

/// The `error` member of every JSON output.
#[derive(Debug, Serialize)]
pub struct ErrorJson {
    pub class: ErrorClass,
    pub exit_code: u8,
    pub message: String,
    /// The module's own error code (ctx: `+QIOPEN: <id>,<err>`, `AT+QIGETERROR`), when it gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module_code: Option<u32>,
    /// The module's words for that code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module_text: Option<String>,
}

impl ErrorJson {
    pub fn of(e: &Error) -> ErrorJson {
        ErrorJson {
            class: e.class,
            exit_code: e.exit_code(),
            message: message(e),
            module_code: e.module_code,
            module_text: e.module_text.clone(),
        }
    }
}

/// The message the user sees: the core's description of the module's situation, plus the flag
/// or command that helps, where one does.
pub fn message(e: &Error) -> String {
    match &e.cause {
        Cause::NoReset => format!(
            "{}; without --reset-cmd qtcp cannot power-cycle it: reset the module (PWRKEY or power) and retry",
            e.message
        ),
        Cause::MustClose => format!("{}; close it first with qtcp close", e.message),
        Cause::ContextLost => format!("{}; run qtcp attach/connect again", e.message),
        Cause::NotRetrieveMode => format!(
            "{}; is the module in retrieve mode (qtcp attach --recv retrieve)?",
            e.message
        ),
        Cause::UnframedDirectMode => format!(
            "{}. Use retrieve mode (qtcp attach --recv retrieve, recommended), or pass --headers \
             (IPD<len> framing)",
            e.message
        ),
        Cause::NoConnection => format!("{}; run qtcp connect first", e.message),
        Cause::AlreadyConnected => format!("{}; close it first (qtcp close) or pass --reuse", e.message),
        Cause::ModeMismatch { mux: true } => format!("{}: pass --id 0..5", e.message),
        Cause::ModeMismatch { mux: false } => {
            format!("{}: --id needs multi-connection mode (QIMUX=1)", e.message)
        }
        _ => e.message.clone(),
    }
}

/// The JSON object of a one-shot command: `ok` and `command` first, the port when several are
/// driven (and for probe), the report's fields in their declared order, then `error`.
#[derive(Serialize)]
pub struct Envelope<'a, T: Serialize> {
    pub ok: bool,
    pub command: &'a str,
    /// The module family spoken (`"qi"`, `"ctx"`); null when no module was reached.
    pub dialect: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port_index: Option<usize>,
    #[serde(flatten)]
    pub report: Option<&'a T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorJson>,
}

/// Where a result came from: the port's name when it is shown, and its index among several.
#[derive(Debug, Clone, Copy, Default)]
pub struct Origin<'a> {
    pub port: Option<&'a str>,
    pub index: Option<usize>,
}

/// How a command's result reads as text: the report; the partial report of a failure (printed
/// on stdout before the error line on stderr); and the `hint:` line that names the next step,
/// when the command knows a better one than [`hint`]'s.
pub struct Text<'a, R, P> {
    pub report: &'a (dyn Fn(&R) -> String + Sync),
    pub partial: &'a (dyn Fn(&P) -> String + Sync),
    pub hint: &'a (dyn Fn(&Error, Option<&P>) -> Option<String> + Sync),
}

fn no_text<P>(_: &P) -> String {
    String::new()
}

fn no_hint<P>(_: &Error, _: Option<&P>) -> Option<String> {
    None
}

impl<'a, R, P> Text<'a, R, P> {
    /// The report's text; a failure shows only the error line (and the general hint).
    pub fn new(report: &'a (dyn Fn(&R) -> String + Sync)) -> Self {
        Text {
            report,
            partial: &no_text::<P>,
            hint: &no_hint::<P>,
        }
    }
    pub fn partial(mut self, partial: &'a (dyn Fn(&P) -> String + Sync)) -> Self {
        self.partial = partial;
        self
    }
    pub fn hint(mut self, hint: &'a (dyn Fn(&Error, Option<&P>) -> Option<String> + Sync)) -> Self {
        self.hint = hint;
        self
    }
}

/// The next step after an error, where there is one every command shares.
pub fn hint(e: &Error) -> Option<String> {
    match (&e.cause, e.class) {
        // The back-off's own message says when the next reset may run.
        (Cause::ResetBackoff { .. }, _) => None,
        (_, ErrorClass::ModuleSilent) => {
            Some("check power, wiring and --baud; run with -v to see the conversation".into())
        }
        (_, ErrorClass::PortUnavailable) => {
            Some("check the device name (ls /dev/serial/by-id) and that no other program holds it".into())
        }
        (_, ErrorClass::Sim) => {
            Some("check that the SIM is inserted and unlocked; qtcp probe shows its state".into())
        }
        (_, ErrorClass::Network) => Some("check the antenna and the signal (qtcp probe)".into()),
        _ => None,
    }
}

/// Render a one-shot command's result (one JSON object, or human text and a one-line error on
/// stderr) and return its exit code.
pub fn emit<R: Serialize, P: Serialize>(
    args: &PortArgs,
    command: &str,
    origin: Origin,
    result: &Reported<R, P>,
    human: &(dyn Fn(&R) -> String + Sync),
) -> u8 {
    emit_text(args, command, origin, result, &Text::new(human))
}

/// [`emit`] with the whole text of the command: the partial report of a failure and its hint.
pub fn emit_text<R: Serialize, P: Serialize>(
    args: &PortArgs,
    command: &str,
    origin: Origin,
    result: &Reported<R, P>,
    text: &Text<R, P>,
) -> u8 {
    let several = origin.index.is_some();
    match result {
        Ok(r) => {
            if args.json {
                json_line(&Envelope {
                    ok: true,
                    command,
                    dialect: dialect(),
                    port: origin.port,
                    port_index: origin.index,
                    report: Some(r),
                    error: None,
                });
            } else if several {
                out(&format!("== {}\n{}", origin.port.unwrap_or(""), (text.report)(r)));
            } else {
                out(&(text.report)(r));
            }
            0
        }
        Err(f) => {
            let e = &f.error;
            let msg = message(e);
            let partial = f.partial.as_deref();
            if let (false, false, Some(p)) = (args.json, several, partial) {
                out(&(text.partial)(p));
            }
            match (several, origin.port) {
                (true, Some(p)) => eprintln!("qtcp {command}: {p}: error: {msg}"),
                _ => eprintln!("qtcp {command}: error: {msg}"),
            }
            if !several {
                if let Some(h) = (text.hint)(e, partial).or_else(|| hint(e)) {
                    eprintln!("hint: {h}");
                }
            }
            if args.json {
                json_line(&Envelope {
                    ok: false,
                    command,
                    dialect: dialect(),
                    port: origin.port,
                    port_index: origin.index,
                    report: partial,
                    error: Some(ErrorJson::of(e)),
                });
            } else if several {
                out(&format!("== {}\nerror: {msg}\n", origin.port.unwrap_or("")));
            }
            e.exit_code()
        }
    }
}

/// Report an error that has no report (bad flags, a port that cannot be opened).
pub fn fail(args: &PortArgs, command: &str, e: Error) -> ExitCode {
    let r: Reported<(), ()> = Err(e.into());
    ExitCode::from(emit(args, command, Origin::default(), &r, &no_text::<()>))
}

/// Run a one-shot job on every port named: alone, it renders like [`emit`]; with several ports
/// they run concurrently, each prints one JSON line (or a `== PORT` block), and the exit code is
/// the highest one seen. `show_port` puts the port in the JSON even when there is one.
pub fn run_ports<R, P, F>(
    args: &PortArgs,
    command: &str,
    show_port: bool,
    job: F,
    text: &Text<R, P>,
) -> ExitCode
where
    R: Serialize,
    P: Serialize,
    F: Fn(&PortSpec) -> Reported<R, P> + Sync,
{
    let ports = match args.ports() {
        Ok(p) => p,
        Err(e) => return fail(args, command, e),
    };
    if ports.len() == 1 {
        let name = ports[0].name();
        let origin = Origin {
            port: show_port.then_some(name.as_str()),
            index: None,
        };
        return ExitCode::from(emit_text(args, command, origin, &job(&ports[0]), text));
    }
    if args.trace.is_some() {
        return fail(
            args,
            command,
            Error::usage("--trace records one port: use it with a single --port"),
        );
    }
    let worst = std::sync::Mutex::new(0u8);
    std::thread::scope(|scope| {
        for (i, port) in ports.iter().enumerate() {
            let job = &job;
            let worst = &worst;
            scope.spawn(move || {
                let result = job(port);
                let name = port.name();
                let origin = Origin {
                    port: Some(&name),
                    index: Some(i),
                };
                let code = emit_text(args, command, origin, &result, text);
                let mut w = worst.lock().unwrap_or_else(|e| e.into_inner());
                *w = (*w).max(code);
            });
        }
    });
    let code = *worst.lock().unwrap_or_else(|e| e.into_inner());
    ExitCode::from(code)
}

/// One line of a JSON Lines stream (`recv`, `sack-watch`, and `transparent`'s notices on
/// stderr): `type` first, then the variant's fields in their declared order. `E` is the
/// command's event type, `T` its report.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StreamLine<'a, E: Serialize, T: Serialize> {
    /// Received bytes (recv).
    Data(DataLine<'a>),
    /// Something that happened on the way (a URC, setup done, data mode left).
    Event(E),
    /// One QISACK poll (sack-watch).
    Sample(&'a crate::proc::sack::Sample),
    /// One echo probe (echo).
    Probe(&'a crate::proc::echo::ProbeReport),
    /// The last line: how it ended.
    Summary(Summary<'a, T>),
}

/// A piece of received data; `bytes` (base64) is absent when the data goes to `--out`.
#[derive(Serialize)]
pub struct DataLine<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<String>,
    pub len: usize,
    pub offset: u64,
    pub from: Option<&'a str>,
    pub protocol: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<u8>,
}

/// The summary line of a stream: success, the exit code where the stream documents it, the
/// report (or the partial report of a failure) and the error.
#[derive(Serialize)]
pub struct Summary<'a, T: Serialize> {
    pub ok: bool,
    /// The command, for streams whose summary is read on its own (echo's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<u8>,
    /// The module family spoken; null when no module was reached.
    pub dialect: Option<&'static str>,
    #[serde(flatten)]
    pub report: Option<&'a T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorJson>,
}

impl<'a, T: Serialize> Summary<'a, T> {
    /// The summary of `result`; `with_code` adds `exit_code` (recv and transparent do).
    pub fn of<P>(result: &'a Reported<T, P>, with_code: bool) -> Summary<'a, T>
    where
        P: std::borrow::Borrow<T>,
    {
        match result {
            Ok(r) => Summary {
                ok: true,
                command: None,
                exit_code: with_code.then_some(0),
                dialect: dialect(),
                report: Some(r),
                error: None,
            },
            Err(f) => Summary {
                ok: false,
                command: None,
                exit_code: with_code.then_some(f.error.exit_code()),
                dialect: dialect(),
                report: f.partial.as_deref().map(|p| p.borrow()),
                error: Some(ErrorJson::of(&f.error)),
            },
        }
    }
}

/// A stream with no events of its own.
#[derive(Serialize)]
pub enum NoEvent {}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(ports: &[&str]) -> PortArgs {
        PortArgs {
            port: ports.iter().map(|p| p.to_string()).collect(),
            baud: 115_200,
            baud_given: false,
            flow_control: Default::default(),
            dialect: Default::default(),
            trace: None,
            verbose: false,
            json: false,
            quiet: false,
            cmd_timeout: None,
            reset_cmd: None,
            context: 1,
            state_dir: None,
        }
    }

    #[test]
    fn ports_are_parsed_before_globbing() {
        let p = args(&["sim", "sim:--delays fast", "sim", "tcp://127.0.0.1:5000"])
            .ports()
            .unwrap();
        assert_eq!(
            p,
            vec![
                PortSpec::Sim(String::new()),
                PortSpec::Sim("--delays fast".into()),
                PortSpec::Sim(String::new()),
                PortSpec::Tcp("127.0.0.1:5000".into()),
            ]
        );
        // A device named twice is driven once.
        assert_eq!(args(&["/dev/null", "/dev/null"]).ports().unwrap().len(), 1);
        // A device glob that happens to start with "sim" is a glob, not the simulator.
        let e = args(&["simcom-[0-9]*"]).ports().unwrap_err();
        assert_eq!(e.class, ErrorClass::PortUnavailable, "{e}");
    }

    #[test]
    fn json_error_classes_are_the_documented_names() {
        for c in ErrorClass::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.name());
        }
    }
}
