//! `qtcp sim`: run the simulator until SIGINT/SIGTERM; print one JSON line when ready.

use std::io::Write;
use std::process::ExitCode;

/// The long help's account of `--listen` and `--replay`.
pub const LONG_HELP: &str = "\
Serial over the network (--listen ADDR):
  The simulated module is offered over raw TCP instead of a pty, as a serial server (ser2net in
  raw mode, pyserial socket://) offers a real one: clients use --port tcp://HOST:PORT. Port 0
  picks a free port; the ready line then reads
    {\"port\":\"tcp://127.0.0.1:PORT\",\"link\":null,\"pid\":N,\"listen\":\"127.0.0.1:PORT\"}
  One client at a time: a connection made while another is open is closed at once without a
  byte, which qtcp reports as port_unavailable (exit 3), like a serial port held by another
  process; a refused connection is exit 3 too. Clients may disconnect and reconnect any number
  of times: the module's state (context, connections, settings) persists, and what it says
  while nobody is connected is lost. --line-baud and --fault fragment=... pace and cut the TCP
  stream as they do the pty; --link cannot be combined with --listen.

Record and replay (--replay FILE, --replay-timing):
  qtcp --trace FILE records a session with a real module as JSON Lines
    {\"t\": SECONDS, \"dir\": \"tx\"|\"rx\", \"data\": ESCAPED}
  (tx host->module, rx module->host; printable ASCII as is, \\\\ \\r \\n \\t \\xNN for the rest;
  passwords as ***). qtcp sim --replay FILE answers as that module did. The host's recorded
  bytes are cut into exchanges: a command line (up to CR), or a data phase (what the host wrote
  after a `> ` prompt). Each exchange owns the module bytes recorded after it and before the
  next one: its answer and any URC in between. When the host sends the next recorded command
  line (exactly; a recorded *** matches any password), or data of the recorded length (the
  bytes themselves may differ), the simulator sends that exchange's module bytes, at once or,
  with --replay-timing, at the recorded delays after the command. Echoes of a redacted password
  or of other data carry the host's bytes.
  Repeat --replay to replay several traces (one per qtcp process of a script: probe, attach,
  connect, send...) in order as one conversation; a file that concatenates such traces is the
  same. Module bytes recorded before a file's first command are sent after the previous file's
  last answer.
  The host may re-synchronise: a bare AT that is not the next recorded command is answered OK,
  and recorded AT the host does not send are passed over. Any other command that does not match
  is a mismatch: the answer is ERROR, the replay stays where it was (a host that then sends the
  recorded command goes on), and a line on stderr names the trace line, the expected and the
  sent command; --host-log FILE gets one JSON line per exchange ({\"replay\":\"match\"|
  \"mismatch\"|\"extra-sync\",...}). When the simulator ends (SIGINT/SIGTERM) it prints
    {\"replay\":{\"exchanges\":N,\"replayed\":N,\"extra_sync\":N,\"skipped_sync\":N,
     \"complete\":BOOL,\"mismatches\":[{\"at\":\"FILE:LINE\",\"expected\":..,\"got\":..}]}}
  on stdout and exits 12 if there was a mismatch (0 otherwise, complete or not).
  Limits: the replay has no state of its own (the engine flags other than --listen, --link,
  --line-baud, --fault fragment=... and --host-log are ignored); a data phase is taken by its
  recorded length, so a host that sends fewer bytes is waited for; transparent mode (+++, ATO)
  is not replayed; answers depend only on the order of commands, not on time.
";

#[derive(clap::Args, Debug)]
#[command(after_long_help = LONG_HELP)]
pub struct SimCmd {
    #[command(flatten)]
    pub args: crate::sim::SimArgs,
    /// The host's flow control, accepted so one set of flags serves both sides: a pty has no
    /// RTS/CTS lines, so hardware changes nothing; XON/XOFF is applied by the host's kernel on
    /// its end of the pty
    #[arg(
        long,
        env = "QTCP_FLOW_CONTROL",
        value_enum,
        default_value = "none",
        value_name = "MODE"
    )]
    pub flow_control: super::common::FlowArg,
}

pub fn run(cmd: SimCmd) -> ExitCode {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let term = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for sig in [SIGINT, SIGTERM] {
        if let Err(e) = signal_hook::flag::register(sig, term.clone()) {
            eprintln!("qtcp sim: cannot install signal handler: {e}");
            return ExitCode::from(1);
        }
    }
    let sim = match crate::sim::Simulator::start(&cmd.args) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("qtcp sim: cannot start the simulator: {e}");
            // A bad --replay file or --listen address is a usage error; the rest is the port.
            return ExitCode::from(if e.kind() == std::io::ErrorKind::InvalidInput {
                2
            } else {
                3
            });
        }
    };
    // keys in the documented order: port, link, pid (then listen, with --listen)
    let mut line = format!(
        "{{\"port\":{},\"link\":{},\"pid\":{}",
        serde_json::Value::from(sim.port().display().to_string()),
        sim.link()
            .map_or(serde_json::Value::Null, |l| l.display().to_string().into()),
        std::process::id()
    );
    if let Some(a) = sim.listen_addr() {
        line.push_str(&format!(",\"listen\":{}", serde_json::Value::from(a.to_string())));
    }
    line.push('}');
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }
    while !term.load(std::sync::atomic::Ordering::Relaxed) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let replay = sim.replay_status();
    sim.shutdown();
    match replay {
        Some(st) => {
            let mut out = std::io::stdout().lock();
            // serialised from the struct: keys in the documented order
            let body = serde_json::to_string(&st).unwrap_or_else(|_| "null".into());
            let _ = writeln!(out, "{{\"replay\":{body}}}");
            let _ = out.flush();
            if st.mismatches.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(crate::error::ErrorClass::Protocol.exit_code())
            }
        }
        None => ExitCode::SUCCESS,
    }
}
