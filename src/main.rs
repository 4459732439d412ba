use std::process::ExitCode;

fn main() -> ExitCode {
    qtcp::cli::main()
}
