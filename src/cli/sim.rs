//! `qtcp sim`: run the simulator until SIGINT/SIGTERM; print one JSON line when ready.

use std::io::Write;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct SimCmd {
    #[command(flatten)]
    pub args: crate::sim::SimArgs,
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
            return ExitCode::from(3);
        }
    };
    // keys in the documented order: port, link, pid
    let line = format!(
        "{{\"port\":{},\"link\":{},\"pid\":{}}}",
        serde_json::Value::from(sim.port().display().to_string()),
        sim.link()
            .map_or(serde_json::Value::Null, |l| l.display().to_string().into()),
        std::process::id()
    );
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }
    while !term.load(std::sync::atomic::Ordering::Relaxed) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    sim.shutdown();
    ExitCode::SUCCESS
}
