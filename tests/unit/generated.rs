//! The committed completions/ and man/ are generated from the clap definition. This test renders
//! them in memory and fails when a committed copy is stale. Regenerate with:
//!
//!     REGENERATE=1 cargo test --test unit generated

use clap_complete::Shell;
use clap_mangen::roff::{bold, roman, Roff};
use clap_mangen::Man;
use std::path::Path;

const REGENERATE: &str = "REGENERATE=1 cargo test --test unit generated";

fn man_page(cmd: &clap::Command, sub: Option<&str>) -> Vec<u8> {
    let man = Man::new(cmd.clone());
    let mut out = Vec::new();
    man.render_title(&mut out).unwrap();
    man.render_name_section(&mut out).unwrap();
    man.render_synopsis_section(&mut out).unwrap();
    man.render_description_section(&mut out).unwrap();
    man.render_options_section(&mut out).unwrap();
    if cmd.get_subcommands().next().is_some() {
        man.render_subcommands_section(&mut out).unwrap();
    }

    let mut r = Roff::new();
    r.control("SH", ["EXIT STATUS"]);
    r.control("TP", []).text([bold("0")]).text([roman("success")]);
    for c in qtcp::ErrorClass::ALL {
        r.control("TP", [])
            .text([bold(c.exit_code().to_string())])
            .text([roman(c.description())]);
    }
    r.control("PP", []).text([roman(
        "With several ports, the exit status is the highest class seen. With --json, failures also print {\"ok\": false, \"error\": {\"class\", \"exit_code\", \"message\"}} on stdout.",
    )]);
    r.control("SH", ["ENVIRONMENT"]);
    for (name, what) in qtcp::cli::ENVIRONMENT {
        r.control("TP", []).text([bold(*name)]).text([roman(*what)]);
    }
    r.control("SH", ["FILES"]);
    r.control("TP", []).text([bold("/dev/ttyUSB*, /dev/serial/by-id/*")]).text([roman(
        "Serial devices of modules. qtcp locks the port exclusively (TIOCEXCL and flock) while it runs; keep ModemManager away with the udev property ID_MM_DEVICE_IGNORE=1.",
    )]);
    r.control("TP", [])
        .text([bold("$XDG_STATE_HOME/qtcp/")])
        .text([roman("Per-port state of the recovery policy (reset back-off).")]);
    let examples = qtcp::cli::examples(sub);
    if !examples.is_empty() {
        r.control("SH", ["EXAMPLES"]);
        for (what, line) in examples {
            r.control("TP", []).text([roman(what)]).text([bold(line)]);
        }
    }
    r.control("SH", ["SEE ALSO"]);
    r.text([roman("qtcp(1), README.md of the qtcp source")]);
    r.to_writer(&mut out).unwrap();
    man.render_version_section(&mut out).unwrap();
    out
}

fn expected() -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut cmd = qtcp::cli::command();
    cmd.build();
    for (shell, name) in [
        (Shell::Bash, "qtcp.bash"),
        (Shell::Zsh, "_qtcp"),
        (Shell::Fish, "qtcp.fish"),
        (Shell::PowerShell, "_qtcp.ps1"),
        (Shell::Elvish, "qtcp.elv"),
    ] {
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut cmd.clone(), "qtcp", &mut buf);
        files.push((format!("completions/{name}"), buf));
    }
    files.push(("man/qtcp.1".into(), man_page(&cmd, None)));
    for sub in cmd.get_subcommands() {
        if sub.is_hide_set() || sub.get_name() == "help" {
            continue;
        }
        let name = format!("qtcp-{}", sub.get_name());
        let name: &'static str = Box::leak(name.into_boxed_str());
        let sc = sub.clone().name(name).display_name(name);
        files.push((format!("man/{name}.1"), man_page(&sc, Some(sub.get_name()))));
    }
    files
}

#[test]
fn completions_and_man_pages_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let regenerate = std::env::var_os("REGENERATE").is_some();
    let mut stale = Vec::new();
    for (rel, content) in expected() {
        let path = root.join(&rel);
        if regenerate {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &content).unwrap();
        } else if std::fs::read(&path).ok().as_deref() != Some(&content[..]) {
            stale.push(rel);
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files {stale:?}: run `{REGENERATE}` and commit them"
    );
}

#[test]
fn cli_definition_is_consistent() {
    qtcp::cli::command().debug_assert();
}
