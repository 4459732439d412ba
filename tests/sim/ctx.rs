//! The context dialect (`--model bg96` ...): identity, boot, PDP contexts, opening, state and
//! closing of sockets, through a real pty and real sockets, byte for byte (research
//! new-dialect.md §1).

use crate::support::pty::*;
use qtcp::sim::args::Model;
use std::io::Write;
use std::time::Duration;

/// A context-dialect module, echo off, fast delays, `flags` added.
pub fn ctx_start(flags: &str) -> (qtcp::sim::Simulator, Port) {
    start(&format!("--model bg96 --delays fast --echo off {flags}"))
}

/// Context 1 activated.
pub fn ctx_activate(p: &mut Port) {
    p.cmd("AT+QICSGP=1,1,\"internet\",\"\",\"\",1\r", b"\r\nOK\r\n");
    p.cmd("AT+QIACT=1\r", b"\r\nOK\r\n");
}

/// A context-dialect module with socket 0 connected (access mode `mode`, 0 or 1) to a loopback
/// server as 1.2.3.4:80: the simulator, the pty and the server's end.
pub fn ctx_connected(flags: &str, mode: u8) -> (qtcp::sim::Simulator, Port, std::net::TcpStream) {
    let (l, port) = listener();
    let (sim, mut p) = ctx_start(&format!("--map 1.2.3.4:80=127.0.0.1:{port} {flags}"));
    ctx_activate(&mut p);
    p.cmd(
        &format!("AT+QIOPEN=1,0,\"TCP\",\"1.2.3.4\",80,0,{mode}\r"),
        b"\r\nOK\r\n",
    );
    let s = accept(&l);
    p.expect(b"\r\n+QIOPEN: 0,0\r\n");
    (sim, p, s)
}

#[test]
fn each_ctx_model_reports_itself() {
    for m in Model::CTX {
        let (sim, mut p) = start(&format!("--delays fast --echo off --model {}", m.name()));
        let (ident, rev) = (m.ident(), m.revision());
        p.cmd(
            "ATI\r",
            format!("\r\nQuectel\r\n{ident}\r\nRevision: {rev}\r\n\r\nOK\r\n").as_bytes(),
        );
        p.cmd("AT+CGMI\r", b"\r\nQuectel\r\n\r\nOK\r\n");
        p.cmd("AT+CGMM\r", format!("\r\n{ident}\r\n\r\nOK\r\n").as_bytes());
        p.cmd("AT+CGMR\r", format!("\r\n{rev}\r\n\r\nOK\r\n").as_bytes());
        p.cmd(
            "AT+QGMR\r",
            format!("\r\n{rev}{}\r\n\r\nOK\r\n", m.qgmr_suffix()).as_bytes(),
        );
        p.cmd("AT+GSN\r", b"\r\n867451020123456\r\n\r\nOK\r\n");
        let max = m.max_cid();
        p.cmd(
            "AT+QIACT=?\r",
            format!("\r\n+QIACT: (1-{max})\r\n\r\nOK\r\n").as_bytes(),
        );
        // the context past the last one does not exist
        p.cmd(&format!("AT+QIACT={}\r", max + 1), b"\r\nERROR\r\n");
        // a UG96 puts a space after the comma [LOG OT#72]
        let sep = if m == Model::Ug96 { ", " } else { "," };
        p.cmd(
            "AT+QIGETERROR\r",
            format!("\r\n+QIGETERROR: 552{sep}invalid parameters\r\n\r\nOK\r\n").as_bytes(),
        );
        sim.shutdown();
    }
    // the BG96 as captured [LOG TG#157]
    assert_eq!(Model::Bg96.revision(), "BG96MAR02A07M1G");
}

#[test]
fn everyday_3gpp_commands() {
    let (sim, mut p) = ctx_start("");
    p.cmd("AT\r", b"\r\nOK\r\n");
    p.cmd("AT+CPIN?\r", b"\r\n+CPIN: READY\r\n\r\nOK\r\n");
    p.cmd("AT+CSQ\r", b"\r\n+CSQ: 21,0\r\n\r\nOK\r\n");
    p.cmd("AT+CREG?\r", b"\r\n+CREG: 0,1\r\n\r\nOK\r\n");
    p.cmd("AT+CGREG?\r", b"\r\n+CGREG: 0,1\r\n\r\nOK\r\n");
    p.cmd("AT+CEREG?\r", b"\r\n+CEREG: 0,1\r\n\r\nOK\r\n");
    p.cmd("AT+CEREG=2\r", b"\r\nOK\r\n");
    p.cmd(
        "AT+CEREG?\r",
        b"\r\n+CEREG: 2,1,\"2842\",\"0426F01\",8\r\n\r\nOK\r\n",
    );
    p.send(b"AT+COPS?\r");
    assert!(p.read_until(b"\r\nOK\r\n").starts_with(b"\r\n+COPS: 0"));
    p.send(b"AT+QCCID\r");
    assert!(p.read_until(b"\r\nOK\r\n").starts_with(b"\r\n+QCCID: "));
    p.cmd("AT+CIMI\r", b"\r\n460001234567890\r\n\r\nOK\r\n");
    p.cmd("AT+CGATT?\r", b"\r\n+CGATT: 1\r\n\r\nOK\r\n");
    p.cmd("AT+CFUN?\r", b"\r\n+CFUN: 1\r\n\r\nOK\r\n");
    // the QI dialect's commands do not exist here
    p.cmd("AT+QIREGAPP\r", b"\r\nERROR\r\n");
    p.cmd("AT+QIMUX=1\r", b"\r\nERROR\r\n");
    sim.shutdown();
}

#[test]
fn boot_says_rdy_then_app_rdy_and_q_commands_wait_for_it() {
    let (sim, mut p) = ctx_start("--boot --rdy-delay 20ms --sim-busy 300ms --call-ready-delay 600ms");
    p.read_until_t(b"\r\nRDY\r\n", Duration::from_secs(3));
    p.read_until(b"\r\n+CFUN: 1\r\n");
    p.cmd("AT\r", b"\r\nOK\r\n");
    p.cmd("AT+QIACT?\r", b"\r\nERROR\r\n");
    p.cmd("AT+CPIN?\r", b"\r\nERROR\r\n");
    p.cmd("AT+CMEE=1\r", b"\r\nOK\r\n");
    p.cmd("AT+CPIN?\r", b"\r\n+CME ERROR: 14\r\n");
    p.read_until(b"\r\n+CPIN: READY\r\n");
    p.cmd("AT+QIACT?\r", b"\r\nERROR\r\n");
    p.read_until_t(b"\r\nAPP RDY\r\n", Duration::from_secs(3));
    p.cmd("AT+QIACT?\r", b"\r\nOK\r\n");
    sim.shutdown();
}

#[test]
fn contexts_configured_activated_listed_and_deactivated() {
    let (sim, mut p) = ctx_start("");
    // [LOG EWF#20] byte-exact
    p.cmd("AT+QICSGP=1\r", b"\r\n+QICSGP: 1,\"\",\"\",\"\",0\r\n\r\nOK\r\n");
    p.cmd("AT+QIACT?\r", b"\r\nOK\r\n");
    p.cmd("AT+QICSGP=3,1,\"apn3\",\"u\",\"p\",2\r", b"\r\nOK\r\n");
    p.cmd(
        "AT+QICSGP=3\r",
        b"\r\n+QICSGP: 1,\"apn3\",\"u\",\"p\",2\r\n\r\nOK\r\n",
    );
    p.cmd("AT+QICSGP=17,1,\"x\",\"\",\"\"\r", b"\r\nERROR\r\n");
    p.cmd("AT+QIDNSCFG=1\r", b"\r\nERROR\r\n");
    p.cmd("AT+QIACT=1\r", b"\r\nOK\r\n");
    p.cmd("AT+QIACT=3\r", b"\r\nOK\r\n");
    p.cmd(
        "AT+QIACT?\r",
        b"\r\n+QIACT: 1,1,1,\"10.0.0.2\"\r\n\r\n+QIACT: 3,1,1,\"10.0.2.2\"\r\n\r\nOK\r\n",
    );
    // QIACT on an active context: ERROR by default
    p.cmd("AT+QIACT=1\r", b"\r\nERROR\r\n");
    p.cmd(
        "AT+QIDNSCFG=1\r",
        b"\r\n+QIDNSCFG: 1,\"8.8.8.8\",\"8.8.4.4\"\r\n\r\nOK\r\n",
    );
    p.cmd("AT+QIDNSCFG=1,\"1.1.1.1\"\r", b"\r\nOK\r\n");
    p.cmd(
        "AT+QIDNSCFG=1\r",
        b"\r\n+QIDNSCFG: 1,\"1.1.1.1\",\"8.8.4.4\"\r\n\r\nOK\r\n",
    );
    p.cmd("AT+QIDEACT=3\r", b"\r\nOK\r\n");
    p.cmd("AT+QIACT?\r", b"\r\n+QIACT: 1,1,1,\"10.0.0.2\"\r\n\r\nOK\r\n");
    // already inactive: OK
    p.cmd("AT+QIDEACT=3\r", b"\r\nOK\r\n");
    sim.shutdown();
}

#[test]
fn qiact_is_answered_after_its_delay_and_input_waits() {
    let (sim, mut p) = ctx_start("--qiact-delay 300ms");
    p.send(b"AT+QIACT=1\r");
    p.quiet(Duration::from_millis(150));
    p.send(b"AT+QIACT?\r");
    p.expect(b"\r\nOK\r\n\r\n+QIACT: 1,1,1,\"10.0.0.2\"\r\n\r\nOK\r\n");
    sim.shutdown();
}

#[test]
fn qiact_fails_with_the_fault_and_qigeterror_says_561() {
    let (sim, mut p) = ctx_start("--fault qiact-fail");
    p.cmd("AT+QIACT=1\r", b"\r\nERROR\r\n");
    p.cmd(
        "AT+QIGETERROR\r",
        b"\r\n+QIGETERROR: 561,PDP context opening failed\r\n\r\nOK\r\n",
    );
    p.cmd("AT+QIACT?\r", b"\r\nOK\r\n");
    sim.shutdown();
}

#[test]
fn qidnsgip_answers_ok_then_its_urc_burst() {
    let (sim, mut p) = ctx_start("--map example.com=127.0.0.1:9");
    p.cmd("AT+QIDNSGIP=1,\"example.com\"\r", b"\r\nERROR\r\n");
    ctx_activate(&mut p);
    p.cmd("AT+QIDNSGIP=1,\"example.com\"\r", b"\r\nOK\r\n");
    p.expect(b"\r\n+QIURC: \"dnsgip\",0,1,600\r\n\r\n+QIURC: \"dnsgip\",\"10.99.0.1\"\r\n");
    sim.shutdown();
    let (sim, mut p) = ctx_start("--fault dns-fail");
    ctx_activate(&mut p);
    p.cmd("AT+QIDNSGIP=1,\"example.com\"\r", b"\r\nOK\r\n");
    p.expect(b"\r\n+QIURC: \"dnsgip\",565\r\n");
    sim.shutdown();
}

#[test]
fn qiopen_ok_then_the_urc_and_qistate_with_ten_fields() {
    let (sim, mut p, _s) = ctx_connected("", 0);
    p.send(b"AT+QISTATE=1,0\r");
    let got = p.read_until(b"\r\nOK\r\n");
    let text = String::from_utf8(got).unwrap();
    // `+QISTATE: 0,"TCP","1.2.3.4",80,<lport>,3,1,0,0,"uart1"` [LOG TG#475]
    let line = text.trim_start().lines().next().unwrap();
    let f: Vec<&str> = line.trim_start_matches("+QISTATE: ").split(',').collect();
    assert_eq!(f.len(), 10, "{line}");
    assert_eq!(
        (f[0], f[1], f[2], f[3], f[5], f[6], f[7], f[8], f[9]),
        (
            "0",
            "\"TCP\"",
            "\"1.2.3.4\"",
            "80",
            "3",
            "1",
            "0",
            "0",
            "\"uart1\""
        ),
        "{line}"
    );
    assert!(f[4].parse::<u16>().unwrap() > 0);
    // the same line from `?` and from `=0,<cid>`; nothing for another context or socket
    p.send(b"AT+QISTATE?\r");
    assert_eq!(p.read_until(b"\r\nOK\r\n"), text.as_bytes());
    p.send(b"AT+QISTATE=0,1\r");
    assert_eq!(p.read_until(b"\r\nOK\r\n"), text.as_bytes());
    p.cmd("AT+QISTATE=0,2\r", b"\r\nOK\r\n");
    p.cmd("AT+QISTATE=1,5\r", b"\r\nOK\r\n");
    p.cmd("AT+QICLOSE=0\r", b"\r\nOK\r\n");
    p.cmd("AT+QISTATE=1,0\r", b"\r\nOK\r\n");
    sim.shutdown();
}

#[test]
fn qiopen_failures_each_with_its_code() {
    let (l, port) = listener();
    drop(l); // nothing listens there any more: refused
    let (sim, mut p) = ctx_start(&format!(
        "--map refused:80=127.0.0.1:{port} --map 1.2.3.4:80=127.0.0.1:{port}"
    ));
    // context not active: ERROR
    p.cmd("AT+QIOPEN=1,0,\"TCP\",\"refused\",80,0,0\r", b"\r\nERROR\r\n");
    p.cmd(
        "AT+QIGETERROR\r",
        b"\r\n+QIGETERROR: 561,PDP context opening failed\r\n\r\nOK\r\n",
    );
    ctx_activate(&mut p);
    // a quoted port: ERROR and 552 [LOG OT#72]
    p.cmd("AT+QIOPEN=1,0,\"TCP\",\"refused\",\"80\",0,0\r", b"\r\nERROR\r\n");
    p.cmd(
        "AT+QIGETERROR\r",
        b"\r\n+QIGETERROR: 552,invalid parameters\r\n\r\nOK\r\n",
    );
    p.cmd("AT+QIOPEN=1,12,\"TCP\",\"refused\",80,0,0\r", b"\r\nERROR\r\n");
    // refused: 566
    p.cmd("AT+QIOPEN=1,0,\"TCP\",\"refused\",80,0,0\r", b"\r\nOK\r\n");
    p.expect(b"\r\n+QIOPEN: 0,566\r\n");
    // the id stays claimed: 563 until QICLOSE
    p.cmd(
        "AT+QIOPEN=1,0,\"TCP\",\"1.2.3.4\",80,0,0\r",
        b"\r\nOK\r\n\r\n+QIOPEN: 0,563\r\n",
    );
    p.send(b"AT+QISTATE=1,0\r");
    let st = p.read_until(b"\r\nOK\r\n");
    assert!(show(&st).contains(",4,1,0,0,"), "{}", show(&st));
    p.cmd("AT+QICLOSE=0\r", b"\r\nOK\r\n");
    // a name that does not resolve on this machine: 565
    p.cmd(
        "AT+QIOPEN=1,1,\"TCP\",\"no-such-host.invalid\",80,0,0\r",
        b"\r\nOK\r\n",
    );
    p.expect(b"\r\n+QIOPEN: 1,565\r\n");
    // the connect-fail fault is 566 too
    sim.shutdown();
    let (sim, mut p) = ctx_start("--fault connect-fail=1 --failed-open-keeps-id off");
    ctx_activate(&mut p);
    p.cmd("AT+QIOPEN=1,2,\"TCP\",\"127.0.0.1\",9,0,0\r", b"\r\nOK\r\n");
    p.expect(b"\r\n+QIOPEN: 2,566\r\n");
    // with the knob off the id is free again
    p.cmd("AT+QISTATE=1,2\r", b"\r\nOK\r\n");
    sim.shutdown();
}

#[test]
fn qiopen_timeout_is_569() {
    // A listener whose accept queue is full drops SYNs (Linux): connects to it time out. Fill
    // it with connections nobody accepts until one of ours times out.
    let (l, port) = listener();
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut held = Vec::new();
    for _ in 0..4096 {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(100)) {
            Ok(s) => held.push(s),
            Err(_) => break,
        }
    }
    let (sim, mut p) = ctx_start(&format!(
        "--connect-timeout 300ms --map 1.2.3.4:80=127.0.0.1:{port}"
    ));
    ctx_activate(&mut p);
    p.cmd("AT+QIOPEN=1,0,\"TCP\",\"1.2.3.4\",80,0,0\r", b"\r\nOK\r\n");
    p.expect(b"\r\n+QIOPEN: 0,569\r\n");
    p.cmd(
        "AT+QIGETERROR\r",
        b"\r\n+QIGETERROR: 569,operation timeout\r\n\r\nOK\r\n",
    );
    sim.shutdown();
    drop(l);
}

#[test]
fn qiclose_is_ok_when_idle_and_checks_its_timeout() {
    let (sim, mut p) = ctx_start("");
    // [LOG EWF#20]
    p.cmd("AT+QICLOSE=0\r", b"\r\nOK\r\n");
    p.cmd("AT+QICLOSE=11,10\r", b"\r\nOK\r\n");
    p.cmd("AT+QICLOSE=0,65536\r", b"\r\nERROR\r\n");
    p.cmd("AT+QICLOSE=12\r", b"\r\nERROR\r\n");
    sim.shutdown();
}

#[test]
fn qideact_closes_the_contexts_sockets() {
    let (sim, mut p, mut s) = ctx_connected("", 0);
    p.cmd("AT+QIDEACT=1\r", b"\r\nOK\r\n");
    assert!(sock_read_to_eof(&mut s).is_empty());
    p.cmd("AT+QISTATE?\r", b"\r\nOK\r\n");
    p.cmd("AT+QIACT?\r", b"\r\nOK\r\n");
    sim.shutdown();
}

#[test]
fn peer_close_says_closed_and_state_4_until_qiclose() {
    let (sim, mut p, mut s) = ctx_connected("", 0);
    s.write_all(b"last words").unwrap();
    drop(s);
    p.expect(b"\r\n+QIURC: \"recv\",0\r\n");
    p.expect(b"\r\n+QIURC: \"closed\",0\r\n");
    p.send(b"AT+QISTATE=1,0\r");
    assert!(show(&p.read_until(b"\r\nOK\r\n")).contains(",4,1,0,0,"));
    // still readable
    p.cmd("AT+QIRD=0,1500\r", b"\r\n+QIRD: 10\r\nlast words\r\n\r\nOK\r\n");
    p.cmd("AT+QISEND=0,3\r", b"\r\nERROR\r\n");
    p.cmd("AT+QICLOSE=0\r", b"\r\nOK\r\n");
    p.cmd("AT+QIRD=0,0\r", b"\r\nERROR\r\n");
    sim.shutdown();
}

#[test]
fn twelve_sockets_at_once() {
    let (l, port) = listener();
    let (sim, mut p) = ctx_start(&format!("--map 1.2.3.4:80=127.0.0.1:{port}"));
    ctx_activate(&mut p);
    let mut servers = Vec::new();
    for id in 0..12 {
        p.cmd(
            &format!("AT+QIOPEN=1,{id},\"TCP\",\"1.2.3.4\",80,0,0\r"),
            b"\r\nOK\r\n",
        );
        servers.push(accept(&l));
        p.expect(format!("\r\n+QIOPEN: {id},0\r\n").as_bytes());
    }
    for (id, s) in servers.iter_mut().enumerate() {
        p.cmd(&format!("AT+QISEND={id},2\r"), b"\r\n> ");
        p.cmd(&format!("{id:02}"), b"\r\nSEND OK\r\n");
        assert_eq!(sock_read(s, 2), format!("{id:02}").as_bytes());
    }
    sim.shutdown();
}
