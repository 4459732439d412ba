//! `--model` presets: what the module says it is, and the knobs each preset sets.

use crate::support::pty::*;
use qtcp::sim::args::{Model, MuxIndex, QirdUdp, SimArgs, MODEL_HELP};

#[test]
fn each_model_reports_itself() {
    for m in Model::ALL {
        let (sim, mut p) = start(&format!("--delays fast --echo off --model {}", m.name()));
        let ident = m.ident();
        let rev = m.revision();
        p.cmd(
            "ATI\r",
            format!("\r\nQuectel_Ltd\r\n{ident}\r\nRevision: {rev}\r\n\r\nOK\r\n").as_bytes(),
        );
        p.cmd(
            "AT+GMR\r",
            format!("\r\nRevision: {rev}\r\n\r\nOK\r\n").as_bytes(),
        );
        p.cmd("AT+CGMM\r", format!("\r\n{ident}\r\n\r\nOK\r\n").as_bytes());
        sim.shutdown();
    }
}

#[test]
fn the_help_table_says_what_each_preset_sets() {
    let name = |v: &dyn std::fmt::Debug| {
        let s = format!("{v:?}");
        // CamelCase -> kebab-case, as the flag values are spelled
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        }
        out
    };
    for m in Model::ALL {
        // one row in each of the two tables, the second without the model's identity
        let rows: Vec<&str> = MODEL_HELP
            .lines()
            .filter(|l| l.split_whitespace().next() == Some(m.name()))
            .collect();
        assert_eq!(rows.len(), 2, "two rows for {}", m.name());
        let row = rows.join(" ");
        let cols: Vec<&str> = rows[0]
            .split_whitespace()
            .chain(rows[1].split_whitespace().skip(1))
            .collect();
        let p = m.preset();
        assert_eq!(
            cols,
            vec![
                m.name(),
                m.ident(),
                m.revision(),
                &name(&p.close_urc),
                &name(&p.already_connect),
                &name(&p.qird_udp),
                &name(&p.mux_index),
                &p.cmee.to_string(),
                &name(&p.type_ahead),
                &name(&p.qird_gap),
                &name(&p.qicsgp_read),
            ],
            "row {row:?}"
        );
        // and the engine gets those values unless a flag says otherwise
        let c = SimArgs::parse_inline(&format!("--model {}", m.name()))
            .unwrap()
            .engine_config();
        assert_eq!(
            (c.close_urc, c.already_connect, c.qird_udp, c.mux_index),
            (p.close_urc, p.already_connect, p.qird_udp, p.mux_index)
        );
        assert_eq!(
            (c.cmee, c.type_ahead, c.qird_gap, c.qicsgp_read),
            (p.cmee, p.type_ahead, p.qird_gap, p.qicsgp_read)
        );
    }
    let c = SimArgs::parse_inline("--model gc65 --mux-index spaced --qird-udp one")
        .unwrap()
        .engine_config();
    assert_eq!((c.mux_index, c.qird_udp), (MuxIndex::Spaced, QirdUdp::One));
}

fn mux_session(flags: &str, want_connect: &[u8], want_send: &[u8], want_close: &[u8]) {
    let (l, port) = listener();
    let (sim, mut p) = start(&format!(
        "--delays fast --echo off --map 1.2.3.4:80=127.0.0.1:{port} {flags}"
    ));
    p.cmd("AT+QIMUX=1\r", b"\r\nOK\r\n");
    p.cmd("AT+QIOPEN=2,\"TCP\",\"1.2.3.4\",80\r", b"\r\nOK\r\n");
    let mut s = accept(&l);
    p.expect(want_connect);
    p.cmd("AT+QISEND=2,3\r", b"\r\n> ");
    p.cmd("abc", want_send);
    assert_eq!(sock_read(&mut s, 3), b"abc");
    p.cmd("AT+QICLOSE=2\r", want_close);
    sim.shutdown();
}

#[test]
fn mux_index_spacing_by_model_and_by_flag() {
    let spaced = (
        &b"\r\n2, CONNECT OK\r\n"[..],
        &b"\r\n2, SEND OK\r\n"[..],
        &b"\r\n2, CLOSE OK\r\n"[..],
    );
    let compact = (
        &b"\r\n2,CONNECT OK\r\n"[..],
        &b"\r\n2,SEND OK\r\n"[..],
        &b"\r\n2,CLOSE OK\r\n"[..],
    );
    for (flags, want) in [
        ("", spaced),
        ("--model gc65", compact),
        ("--model gc65 --mux-index spaced", spaced),
        ("--mux-index compact", compact),
    ] {
        mux_session(flags, want.0, want.1, want.2);
    }
}

#[test]
fn the_readme_shows_the_same_table() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let rows: Vec<&str> = MODEL_HELP
        .lines()
        .filter(|l| l.starts_with("  ") && !l.trim().is_empty())
        .map(str::trim)
        .collect();
    // the QI tables (two, each with its header row) and the ctx table with its header row
    assert_eq!(rows.len(), 2 * (1 + Model::ALL.len()) + 1 + Model::CTX.len());
    for r in rows {
        assert!(readme.lines().any(|l| l == r), "README.md lacks the row {r:?}");
    }
}
