//! `qtcp at CMD...`: raw AT commands under the same port lock, synchronisation, trace and
//! deadlines as every other subcommand.

use super::common::{duration, emit_text, Origin, PortArgs, Text};
use crate::error::Reported;
use crate::proc::at::{check_all, run as run_at, AtOptions, AtReport};
use std::process::ExitCode;
use std::time::Duration;

const AFTER_HELP: &str = "\
Each command line is sent in turn (qtcp adds the CR); the response lines and the final result
of each are printed, and the run stops at the first command that does not end OK (or CLOSE OK,
DEACT OK; AT+QILOCIP answers with its address alone).

Refused before anything is sent (exit 2): a line with CR, LF, Ctrl-Z or ESC in it, one that
does not start with AT, and commands that would leave the module in a data phase or take
received data out of it: AT+QISEND (use qtcp send), AT+QIOPEN (use qtcp connect or qtcp
transparent), AT+QIRD (use qtcp recv), ATO (use qtcp transparent), ATD, ATA, AT+CMGS/CMGW.
Their test forms (AT+QISEND=?) are allowed.

Exit status: 0 when every command ends OK; ERROR is 12 (protocol); +CME ERROR: <n> is the
class of the code (SIM codes 10-18: 5, network and GPRS service codes 30-32, 103-148: 6, PDP
authentication 149: 7), else 12; no answer within the deadline is 4.

With --json: {\"ok\":true,\"command\":\"at\",\"results\":[{\"command\":\"AT+CSQ\",
\"lines\":[\"+CSQ: 21,0\"],\"final\":\"OK\",\"duration_s\":0.02}]}, and on failure the results so
far (the failed command last) and \"error\".";

#[derive(clap::Args, Debug)]
#[command(after_long_help = AFTER_HELP)]
pub struct AtCmd {
    #[command(flatten, next_help_heading = "Device options")]
    pub port: PortArgs,
    /// Command lines, sent in order (e.g. 'AT+QIFGCNT=0' 'AT&W')
    #[arg(value_name = "CMD", required = true)]
    pub commands: Vec<String>,
    /// Deadline of each command [default: the module's maximum response time for it plus 1 s,
    /// at least 5 s]
    #[arg(long, value_parser = duration, value_name = "DUR")]
    pub timeout: Option<Duration>,
}

fn human(r: &AtReport) -> String {
    let mut s = String::new();
    for res in &r.results {
        for l in &res.lines {
            s.push_str(l);
            s.push('\n');
        }
        if let Some(f) = &res.final_result {
            s.push_str(f);
            s.push('\n');
        }
    }
    s
}

pub fn run(port: &PortArgs, cmd: AtCmd) -> ExitCode {
    let o = AtOptions { timeout: cmd.timeout };
    // Every line is checked before the port is even opened: nothing is sent when one is bad.
    let result: Reported<AtReport> = check_all(&cmd.commands)
        .and_then(|()| port.open())
        .map_err(|e| crate::error::Failed::new(e, AtReport::default()))
        .and_then(|mut s| run_at(&mut s, &cmd.commands, &o));
    ExitCode::from(emit_text(
        port,
        "at",
        Origin::default(),
        &result,
        &Text::new(&human).partial(&human),
    ))
}
