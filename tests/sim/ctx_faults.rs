//! The context dialect's knobs (one test per value not covered elsewhere) and the faults in
//! this dialect's signals, through a real pty and real sockets.

use super::ctx::{ctx_activate, ctx_connected, ctx_start};
use crate::support::pty::*;
use crate::support::Sim;
use std::io::Write;
use std::time::Duration;

fn qistate(p: &mut Port, id: usize) -> String {
    p.send(format!("AT+QISTATE=1,{id}\r").as_bytes());
    String::from_utf8_lossy(&p.read_until(b"\r\nOK\r\n")).into_owned()
}

#[test]
fn qigeterror_spacing_by_model_and_by_flag() {
    for (flags, want) in [
        ("--model ug96", &b"552, invalid parameters"[..]),
        ("--model ug96 --qigeterror-space off", b"552,invalid parameters"),
        ("--model bg96", b"552,invalid parameters"),
        ("--model bg96 --qigeterror-space on", b"552, invalid parameters"),
    ] {
        let (sim, mut p) = start(&format!("--delays fast --echo off {flags}"));
        p.cmd("AT+QIACT=0\r", b"\r\nERROR\r\n");
        let mut w = b"\r\n+QIGETERROR: ".to_vec();
        w.extend_from_slice(want);
        w.extend_from_slice(b"\r\n\r\nOK\r\n");
        p.cmd("AT+QIGETERROR\r", &w);
        sim.shutdown();
    }
}

#[test]
fn qiact_when_active_ok() {
    let (sim, mut p) = ctx_start("--qiact-when-active ok");
    ctx_activate(&mut p);
    p.cmd("AT+QIACT=1\r", b"\r\nOK\r\n");
    sim.shutdown();
}

#[test]
fn connected_state_2_and_3() {
    for (flag, want) in [
        ("", ",3,1,0,0,"),
        ("--connected-state 3", ",3,1,0,0,"),
        ("--connected-state 2", ",2,1,0,0,"),
    ] {
        let (sim, mut p, _s) = ctx_connected(flag, 0);
        let st = qistate(&mut p, 0);
        assert!(st.contains(want), "{flag}: {st}");
        sim.shutdown();
    }
}

#[test]
fn failed_open_keeps_id_on_is_the_default() {
    let (sim, mut p) = ctx_start("--failed-open-keeps-id on --fault connect-fail=1");
    ctx_activate(&mut p);
    p.cmd("AT+QIOPEN=1,4,\"TCP\",\"127.0.0.1\",9,0,0\r", b"\r\nOK\r\n");
    p.expect(b"\r\n+QIOPEN: 4,566\r\n");
    assert!(qistate(&mut p, 4).contains("+QISTATE: 4,\"TCP\""));
    sim.shutdown();
}

#[test]
fn urc_port_mismatch_means_no_urcs_by_flag_and_by_qurccfg() {
    // by flag: the open works, but its URC never reaches the host
    let (l, port) = listener();
    let (sim, mut p) = ctx_start(&format!("--urc-port usbat --map 1.2.3.4:80=127.0.0.1:{port}"));
    p.cmd(
        "AT+QURCCFG=\"urcport\"\r",
        b"\r\n+QURCCFG: \"urcport\",\"usbat\"\r\n\r\nOK\r\n",
    );
    ctx_activate(&mut p);
    p.cmd("AT+QIOPEN=1,0,\"TCP\",\"1.2.3.4\",80,0,0\r", b"\r\nOK\r\n");
    let mut s = accept(&l);
    s.write_all(b"unseen").unwrap();
    p.quiet(Duration::from_millis(200));
    // the host that polls still gets the data
    p.cmd("AT+QIRD=0,0\r", b"\r\n+QIRD: 6,0,6\r\n\r\nOK\r\n");
    // back to the port the simulator serves: URCs come again
    p.cmd("AT+QURCCFG=\"urcport\",\"uart1\"\r", b"\r\nOK\r\n");
    p.cmd("AT+QIOPEN=1,1,\"TCP\",\"1.2.3.4\",80,0,0\r", b"\r\nOK\r\n");
    let _s2 = accept(&l);
    p.expect(b"\r\n+QIOPEN: 1,0\r\n");
    // by command: usbmodem
    p.cmd("AT+QURCCFG=\"urcport\",\"usbmodem\"\r", b"\r\nOK\r\n");
    drop(s);
    p.quiet(Duration::from_millis(200));
    assert!(qistate(&mut p, 0).contains(",4,1,0,0,"));
    p.cmd("AT+QURCCFG=\"urcport\",\"com9\"\r", b"\r\nERROR\r\n");
    sim.shutdown();
    // the default serves uart1
    let (sim, mut p) = ctx_start("--urc-port uart1");
    p.cmd(
        "AT+QURCCFG=\"urcport\"\r",
        b"\r\n+QURCCFG: \"urcport\",\"uart1\"\r\n\r\nOK\r\n",
    );
    sim.shutdown();
}

#[test]
fn peer_close_after_bytes_is_the_closed_urc() {
    let (sim, mut p, mut s) = ctx_connected("--fault peer-close-after-bytes=4", 0);
    p.cmd("AT+QISEND=0,4\r", b"\r\n> ");
    p.cmd("abcd", b"\r\nSEND OK\r\n");
    p.expect(b"\r\n+QIURC: \"closed\",0\r\n");
    assert_eq!(sock_read_to_eof(&mut s), b"abcd");
    assert!(qistate(&mut p, 0).contains(",4,1,0,0,"));
    sim.shutdown();
}

#[test]
fn pdp_deact_after_is_the_pdpdeact_urc_and_the_context_must_be_deactivated() {
    let (sim, mut p, mut s) = ctx_connected("--fault pdp-deact-after=300ms", 0);
    p.read_until_t(b"\r\n+QIURC: \"pdpdeact\",1\r\n", Duration::from_secs(3));
    assert!(sock_read_to_eof(&mut s).is_empty());
    assert!(qistate(&mut p, 0).contains(",4,1,0,0,"));
    p.cmd("AT+QIACT?\r", b"\r\nOK\r\n");
    p.cmd("AT+QIOPEN=1,1,\"TCP\",\"1.2.3.4\",80,0,0\r", b"\r\nERROR\r\n");
    p.cmd(
        "AT+QIGETERROR\r",
        b"\r\n+QIGETERROR: 570,PDP context broken down\r\n\r\nOK\r\n",
    );
    p.cmd("AT+QIACT=1\r", b"\r\nERROR\r\n");
    p.cmd("AT+QIDEACT=1\r", b"\r\nOK\r\n");
    p.cmd("AT+QIACT=1\r", b"\r\nOK\r\n");
    sim.shutdown();
}

#[test]
fn reboot_with_an_active_context_says_pdpdeact_then_rdy_and_app_rdy() {
    let (sim, mut p) = ctx_start("--fault reboot-after=300ms");
    ctx_activate(&mut p);
    p.read_until_t(b"\r\n+QIURC: \"pdpdeact\",1\r\n", Duration::from_secs(3));
    p.read_until_t(b"\r\nRDY\r\n", Duration::from_secs(3));
    p.read_until_t(b"\r\nAPP RDY\r\n", Duration::from_secs(3));
    p.cmd("AT+QIACT?\r", b"\r\nOK\r\n");
    sim.shutdown();
}

#[test]
fn cfun_1_1_reboots() {
    let (sim, mut p) = ctx_start("");
    p.cmd("AT+CFUN=1,1\r", b"\r\nOK\r\n");
    p.read_until_t(b"\r\nRDY\r\n", Duration::from_secs(3));
    p.read_until_t(b"\r\nAPP RDY\r\n", Duration::from_secs(3));
    sim.shutdown();
}

#[test]
fn qpowd_says_ok_then_powered_down() {
    let (sim, mut p) = ctx_start("");
    p.cmd("AT+QPOWD=1\r", b"\r\nOK\r\n\r\nPOWERED DOWN\r\n");
    p.send(b"AT\r");
    p.quiet(Duration::from_millis(100));
    sim.shutdown();
}

#[test]
fn drop_recv_urc_leaves_the_host_to_poll() {
    let (sim, mut p, mut s) = ctx_connected("--fault drop-recv-urc", 0);
    s.write_all(b"quiet").unwrap();
    p.quiet(Duration::from_millis(200));
    p.cmd("AT+QIRD=0,0\r", b"\r\n+QIRD: 5,0,5\r\n\r\nOK\r\n");
    p.cmd("AT+QIRD=0,100\r", b"\r\n+QIRD: 5\r\nquiet\r\n\r\nOK\r\n");
    sim.shutdown();
}

#[test]
fn qiopen_no_urc_opens_silently() {
    let (l, port) = listener();
    let (sim, mut p) = ctx_start(&format!(
        "--fault qiopen-no-urc --map 1.2.3.4:80=127.0.0.1:{port}"
    ));
    ctx_activate(&mut p);
    p.cmd("AT+QIOPEN=1,0,\"TCP\",\"1.2.3.4\",80,0,0\r", b"\r\nOK\r\n");
    let _s = accept(&l);
    p.quiet(Duration::from_millis(200));
    // the socket is up all the same: a host that gives up closes it
    assert!(qistate(&mut p, 0).contains(",3,1,0,0,"));
    p.cmd("AT+QICLOSE=0\r", b"\r\nOK\r\n");
    sim.shutdown();
}

#[test]
fn silent_and_noise_work_in_this_dialect_too() {
    let (sim, mut p) = ctx_start("--fault silent=AT+QIACT");
    p.send(b"AT+QIACT=1\r");
    p.quiet(Duration::from_millis(200));
    sim.shutdown();
    let (sim, mut p) = ctx_start("--fault noise=1");
    p.send(b"AT+QIACT?\r");
    let got = p.read_until(b"\r\nOK\r\n");
    assert!(got.len() > 6 && got.iter().any(|b| *b >= 0x80), "{}", show(&got));
    sim.shutdown();
}

#[test]
fn sim_busy_on_ec21_says_not_inserted_first() {
    let (sim, mut p) = start(
        "--model ec21 --delays fast --echo off --cmee 1 --boot --rdy-delay 20ms --sim-busy 1200ms --call-ready-delay 1300ms",
    );
    p.read_until_t(b"\r\nRDY\r\n", Duration::from_secs(3));
    p.cmd("AT+CPIN?\r", b"\r\n+CME ERROR: 10\r\n");
    p.read_until(b"\r\n+CFUN: 1\r\n");
    std::thread::sleep(Duration::from_millis(700));
    p.cmd("AT+CPIN?\r", b"\r\n+CME ERROR: 14\r\n");
    p.read_until_t(b"\r\n+CPIN: READY\r\n", Duration::from_secs(3));
    p.read_until_t(b"\r\nAPP RDY\r\n", Duration::from_secs(3));
    sim.shutdown();
    // a BG96 says busy from the start
    let (sim, mut p) =
        start("--model bg96 --delays fast --echo off --cmee 1 --boot --rdy-delay 20ms --sim-busy 1200ms");
    p.read_until_t(b"\r\nRDY\r\n", Duration::from_secs(3));
    p.read_until(b"\r\n+CFUN: 1\r\n");
    p.cmd("AT+CPIN?\r", b"\r\n+CME ERROR: 14\r\n");
    sim.shutdown();
}

#[test]
fn listen_and_host_log_work_for_ctx_models() {
    let sim = Sim::start(&[
        "--model",
        "bg96",
        "--delays",
        "fast",
        "--echo",
        "off",
        "--listen",
        "127.0.0.1:0",
        "--host-log",
        "/dev/null",
    ]);
    let listen = sim.ready["listen"].as_str().unwrap().to_string();
    let mut s = std::net::TcpStream::connect(&listen).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(b"ATI\r").unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    while !got.ends_with(b"OK\r\n") {
        let n = std::io::Read::read(&mut s, &mut buf).unwrap();
        assert!(n > 0);
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(
        got,
        b"\r\nQuectel\r\nBG96\r\nRevision: BG96MAR02A07M1G\r\n\r\nOK\r\n"
    );
    drop(s);
    assert_eq!(sim.stop().code, 0);
}

/// §6.6 question 7: `--cme-5xx on` words a failing TCP/IP command as `+CME ERROR: <its
/// QIGETERROR code>` once AT+CMEE>=1 (the words with CMEE=2), plain `ERROR` with CMEE=0; the
/// default is plain `ERROR` whatever CMEE says [LOG EWF#20]. Immediate failures (QISEND on a
/// socket whose connect failed, a quoted port) and a QIACT that fails later alike.
#[test]
fn cme_5xx_on_words_tcpip_failures_as_cme_errors() {
    let qisend = "AT+QISEND=0,5\r";
    let quoted_port = "AT+QIOPEN=1,1,\"TCP\",\"1.2.3.4\",\"80\",0,0\r";
    let closed = b"\r\n+QIGETERROR: 567,socket has been closed\r\n\r\nOK\r\n";
    // socket 0 kept, not connected, after a failed connect
    let failed_open = |p: &mut Port| {
        ctx_activate(p);
        p.cmd("AT+QIOPEN=1,0,\"TCP\",\"127.0.0.1\",9,0,0\r", b"\r\nOK\r\n");
        p.expect(b"\r\n+QIOPEN: 0,566\r\n");
    };

    let (sim, mut p) = ctx_start("--fault connect-fail=1");
    failed_open(&mut p);
    p.cmd("AT+CMEE=1\r", b"\r\nOK\r\n");
    p.cmd(qisend, b"\r\nERROR\r\n");
    p.cmd("AT+QIGETERROR\r", closed);
    p.cmd(quoted_port, b"\r\nERROR\r\n");
    sim.shutdown();

    let (sim, mut p) = ctx_start("--cme-5xx on --fault connect-fail=1");
    failed_open(&mut p);
    p.cmd("AT+CMEE=0\r", b"\r\nOK\r\n");
    p.cmd(qisend, b"\r\nERROR\r\n");
    p.cmd("AT+CMEE=1\r", b"\r\nOK\r\n");
    p.cmd(qisend, b"\r\n+CME ERROR: 567\r\n");
    p.cmd("AT+QIGETERROR\r", closed);
    p.cmd(quoted_port, b"\r\n+CME ERROR: 552\r\n");
    p.cmd("AT+CMEE=2\r", b"\r\nOK\r\n");
    p.cmd(qisend, b"\r\n+CME ERROR: socket has been closed\r\n");
    // a success is still OK
    p.cmd("AT+QISDE?\r", b"\r\n+QISDE: 1\r\n\r\nOK\r\n");
    sim.shutdown();

    // the final result of a QIACT that fails after its activation time
    let (sim, mut p) = ctx_start("--cme-5xx on --fault qiact-fail");
    p.cmd("AT+CMEE=1\r", b"\r\nOK\r\n");
    p.cmd("AT+QICSGP=1,1,\"internet\",\"\",\"\",1\r", b"\r\nOK\r\n");
    p.cmd("AT+QIACT=1\r", b"\r\n+CME ERROR: 561\r\n");
    sim.shutdown();
}

/// §6.6 question 8: by default a successful TCP/IP command sets QIGETERROR to 0; with
/// `--qigeterror-keep on` the code stays (through successful commands, a successful connect's
/// URC and AT+QIGETERROR itself) until another error replaces it.
#[test]
fn qigeterror_keep_on_survives_successes() {
    let zero = b"\r\n+QIGETERROR: 0,operation successful\r\n\r\nOK\r\n";
    let invalid = b"\r\n+QIGETERROR: 552,invalid parameters\r\n\r\nOK\r\n";
    let used = b"\r\n+QIGETERROR: 563,socket identity has been used\r\n\r\nOK\r\n";

    let (sim, mut p) = ctx_start("");
    p.cmd("AT+QIACT=0\r", b"\r\nERROR\r\n");
    p.cmd("AT+QISDE?\r", b"\r\n+QISDE: 1\r\n\r\nOK\r\n");
    p.cmd("AT+QIGETERROR\r", zero);
    sim.shutdown();

    let (sim, mut p, _s) = ctx_connected("--qigeterror-keep on", 0);
    p.cmd("AT+QIACT=0\r", b"\r\nERROR\r\n");
    p.cmd("AT+QISDE?\r", b"\r\n+QISDE: 1\r\n\r\nOK\r\n");
    // an open that succeeds (OK, then +QIOPEN: 1,0) does not clear it either
    let (l, port) = listener();
    p.cmd(
        &format!("AT+QIOPEN=1,1,\"TCP\",\"127.0.0.1\",{port},0,0\r"),
        b"\r\nOK\r\n",
    );
    let _s1 = accept(&l);
    p.expect(b"\r\n+QIOPEN: 1,0\r\n");
    p.cmd("AT+QIGETERROR\r", invalid);
    p.cmd("AT+QIGETERROR\r", invalid);
    // another error replaces it
    p.cmd("AT+QIOPEN=1,0,\"TCP\",\"1.2.3.4\",80,0,2\r", b"\r\nERROR\r\n");
    p.cmd("AT+QIGETERROR\r", used);
    sim.shutdown();
}
