//! The ctx family's steps against scripted transcripts (research §1 bytes), through the shared
//! procedures where one exists, and detection from what a module answers.

use super::ctx::CTX_FAMILY;
use super::detect::{detect, Choice};
use super::qi::QI_FAMILY;
use super::script::scripted;
use super::{ends, event, Acked, ContextStatus, Event};
use crate::error::{Cause, ErrorClass};
use crate::proc::common::StopReason;
use crate::proc::connect::{connect, ConnectOptions};
use crate::proc::recv::{recv, Chunk, Mode, RecvOptions, RecvSink};
use crate::proc::send::{send, NoEvents, SendOptions};
use crate::tokenizer::Urc;
use std::time::Duration;

fn to(dest: &str, reuse: bool) -> ConnectOptions {
    ConnectOptions {
        dest: crate::validate::destination(dest).unwrap(),
        udp: false,
        id: Some(0),
        reuse,
        timeout: Some(Duration::from_secs(150)),
        transparent: false,
    }
}

const NO_SOCKET: (&[u8], &[u8]) = (b"AT+QISTATE=1,0\r", b"\r\nOK\r\n");
/// The context is active already (what connect asks before QIOPEN).
const ACTIVE: (&[u8], &[u8]) = (b"AT+QIACT?\r", b"\r\n+QIACT: 1,1,1,\"10.7.157.1\"\r\n\r\nOK\r\n");
const OPEN: &[u8] = b"AT+QIOPEN=1,0,\"TCP\",\"10.0.0.1\",7,0,0\r";

#[test]
fn detects_by_model_and_by_qigeterror() {
    let (mut s, m) = scripted(
        &QI_FAMILY,
        vec![(
            b"ATI\r",
            b"\r\nQuectel\r\nBG96\r\nRevision: BG96MAR02A07M1G\r\n\r\nOK\r\n",
        )],
    );
    let d = detect(&mut s, Choice::Auto).unwrap();
    assert_eq!(
        (d.family.name(), d.how, d.model.as_deref()),
        ("ctx", "model", Some("BG96"))
    );
    assert_eq!(s.family().name(), "ctx", "the session speaks it from now on");
    drop(s);
    m.join().unwrap();

    let (mut s, m) = scripted(
        &QI_FAMILY,
        vec![
            (
                b"ATI\r",
                b"\r\nQuectel\r\nUC15\r\nRevision: UC15AR01\r\n\r\nOK\r\n",
            ),
            (b"AT+CGMM\r", b"\r\nUC15\r\n\r\nOK\r\n"),
            (
                b"AT+QIGETERROR\r",
                b"\r\n+QIGETERROR: 0,operation successful\r\n\r\nOK\r\n",
            ),
        ],
    );
    let d = detect(&mut s, Choice::Auto).unwrap();
    assert_eq!((d.family.name(), d.how), ("ctx", "qigeterror"));
    drop(s);
    m.join().unwrap();

    let (mut s, m) = scripted(
        &QI_FAMILY,
        vec![
            (b"ATI\r", b"\r\nSIMCOM_Ltd\r\nSIMCOM_SIM800\r\n\r\nOK\r\n"),
            (b"AT+CGMM\r", b"\r\nSIMCOM_SIM800\r\n\r\nOK\r\n"),
            (b"AT+QIGETERROR\r", b"\r\nERROR\r\n"),
        ],
    );
    assert_eq!(detect(&mut s, Choice::Auto).unwrap().family.name(), "qi");
    drop(s);
    m.join().unwrap();
}

#[test]
fn nb_iot_is_refused_unless_forced() {
    let (mut s, m) = scripted(
        &QI_FAMILY,
        vec![(
            b"ATI\r",
            b"\r\nQuectel_Ltd\r\nQuectel_BC660K-GL\r\nRevision: BC660KGLAAR01A03\r\n\r\nOK\r\n",
        )],
    );
    let e = detect(&mut s, Choice::Auto).err().unwrap();
    assert_eq!(e.class, ErrorClass::Usage);
    assert!(e.message.contains("NB-IoT"), "{}", e.message);
    // Forced: no question asked.
    assert_eq!(detect(&mut s, Choice::Ctx).unwrap().how, "forced");
    drop(s);
    m.join().unwrap();
}

#[test]
fn connect_opens_after_reading_the_socket_state() {
    let (mut s, m) = scripted(
        &CTX_FAMILY,
        vec![NO_SOCKET, ACTIVE, (OPEN, b"\r\nOK\r\n\r\n+QIOPEN: 0,0\r\n")],
    );
    let rep = connect(&mut s, &to("10.0.0.1:7", false)).unwrap();
    assert!(!rep.reused);
    assert_eq!(rep.state_before, "IP GPRSACT");
    drop(s);
    m.join().unwrap();
}

/// State 3 on a live client (a real BG96, TG#475) is connected: 8 without --reuse.
#[test]
fn an_open_socket_is_already_connected() {
    let state3: &[u8] = b"\r\n+QISTATE: 0,\"TCP\",\"10.0.0.1\",7,22742,3,1,0,0,\"uart1\"\r\n\r\nOK\r\n";
    let (mut s, m) = scripted(
        &CTX_FAMILY,
        vec![(b"AT+QISTATE=1,0\r", state3), (b"AT+QISTATE=1,0\r", state3)],
    );
    let e = connect(&mut s, &to("10.0.0.1:7", false)).unwrap_err();
    assert_eq!((e.class, e.cause), (ErrorClass::Connect, Cause::AlreadyConnected));
    assert!(connect(&mut s, &to("10.0.0.1:7", true)).unwrap().reused);
    drop(s);
    m.join().unwrap();
}

/// A socket in state 4 (closing after the peer's close) is closed before the open; 563 (id in
/// use) is closed and tried once more.
#[test]
fn a_claimed_id_is_closed_and_the_open_retried_once() {
    let (mut s, m) = scripted(
        &CTX_FAMILY,
        vec![
            (
                b"AT+QISTATE=1,0\r",
                b"\r\n+QISTATE: 0,\"TCP\",\"10.0.0.1\",7,1,4,1,0,0,\"uart1\"\r\n\r\nOK\r\n",
            ),
            // State 4: closed by the peer, or with its context? The context is active.
            ACTIVE,
            (b"AT+QICLOSE=0\r", b"\r\nOK\r\n"),
            ACTIVE,
            (OPEN, b"\r\nOK\r\n\r\n+QIOPEN: 0,563\r\n"),
            (b"AT+QICLOSE=0\r", b"\r\nOK\r\n"),
            (OPEN, b"\r\nOK\r\n\r\n+QIOPEN: 0,0\r\n"),
        ],
    );
    let rep = connect(&mut s, &to("10.0.0.1:7", false)).unwrap();
    assert_eq!(rep.actions.len(), 2, "{:?}", rep.actions);
    drop(s);
    m.join().unwrap();
}

/// Module codes become exit classes (research §6.3) and travel with the error.
#[test]
fn open_failures_carry_their_module_code_and_class() {
    for (code, class) in [(566, ErrorClass::Connect), (561, ErrorClass::PdpContext)] {
        let answer = format!("\r\nOK\r\n\r\n+QIOPEN: 0,{code}\r\n").into_bytes().leak();
        let (mut s, m) = scripted(
            &CTX_FAMILY,
            vec![
                NO_SOCKET,
                ACTIVE,
                (OPEN, answer),
                (b"AT+QICLOSE=0\r", b"\r\nOK\r\n"),
            ],
        );
        let e = connect(&mut s, &to("10.0.0.1:7", false)).unwrap_err();
        assert_eq!((e.class, e.module_code), (class, Some(code)), "{}", e.message);
        drop(s);
        m.join().unwrap();
    }
    // ERROR instead of OK: the cause from QIGETERROR.
    let (mut s, m) = scripted(
        &CTX_FAMILY,
        vec![
            NO_SOCKET,
            ACTIVE,
            (OPEN, b"\r\nERROR\r\n"),
            (
                b"AT+QIGETERROR\r",
                b"\r\n+QIGETERROR: 552, invalid parameters\r\n\r\nOK\r\n",
            ),
        ],
    );
    let e = connect(&mut s, &to("10.0.0.1:7", false)).unwrap_err();
    assert_eq!((e.class, e.module_code), (ErrorClass::Protocol, Some(552)));
    assert!(e.message.contains("invalid parameters"), "{}", e.message);
    drop(s);
    m.join().unwrap();
}

struct Collect(Vec<u8>);
impl RecvSink for Collect {
    fn data(&mut self, c: &Chunk) -> std::io::Result<()> {
        self.0.extend_from_slice(c.data);
        Ok(())
    }
}

/// Buffer mode: `AT+QIRD=<id>,<len>` and its `+QIRD: <n>` + bytes, through the shared loop;
/// the timer's poll asks the counters (`AT+QIRD=<id>,0`) and reads only when bytes wait.
#[test]
fn recv_reads_counted_records() {
    let (mut s, m) = scripted(
        &CTX_FAMILY,
        vec![
            // Which service: a TCP socket (a UDP one's short reads end datagrams).
            (
                b"AT+QISTATE=1,0\r",
                b"\r\n+QISTATE: 0,\"TCP\",\"10.0.0.1\",7,22742,3,1,0,0,\"uart1\"\r\n\r\nOK\r\n",
            ),
            (b"AT+QIRD=0,8\r", b"\r\n+QIRD: 5\r\nhe\r\nO\r\n\r\nOK\r\n"),
            // The timer's poll counts before it reads (modules forget the URC).
            (b"AT+QIRD=0,0\r", b"\r\n+QIRD: 5,5,0\r\n\r\nOK\r\n"),
            // Nothing unread: the socket's state says it is still connected.
            (
                b"AT+QISTATE=1,0\r",
                b"\r\n+QISTATE: 0,\"TCP\",\"10.0.0.1\",7,22742,3,1,0,0,\"uart1\"\r\n\r\nOK\r\n",
            ),
            (b"AT+QIRD=0,0\r", b"\r\n+QIRD: 8,5,3\r\n\r\nOK\r\n"),
            (b"AT+QIRD=0,3\r", b"\r\n+QIRD: 3\r\nK\r\n\r\n\r\nOK\r\n"),
        ],
    );
    let o = RecvOptions {
        mode: Mode::Retrieve,
        id: Some(0),
        bytes: Some(8),
        poll: Duration::from_millis(10),
        ..RecvOptions::default()
    };
    let mut out = Collect(Vec::new());
    let rep = recv(&mut s, &o, &mut out).unwrap();
    assert_eq!(out.0, b"he\r\nOK\r\n");
    assert_eq!(rep.bytes, 8);
    drop(s);
    m.join().unwrap();
}

/// `send` of `hello` on socket 0 against a module that answers what the procedure writes before
/// its first chunk (payload echo off, the counters), then `script`.
fn send_hello(
    script: Vec<super::script::Step>,
) -> Result<crate::proc::send::SendReport, crate::error::Failed<crate::proc::send::SendReport>> {
    let mut full: Vec<super::script::Step> = vec![
        (b"AT+QISDE=0\r", b"\r\nOK\r\n"),
        (b"AT+QISEND=0,0\r", b"\r\n+QISEND: 0,0,0\r\n\r\nOK\r\n"),
    ];
    full.extend(script);
    let (mut s, m) = scripted(&CTX_FAMILY, full);
    let o = SendOptions {
        id: Some(0),
        ..SendOptions::default()
    };
    let r = send(&mut s, &b"hello"[..], &o, &mut NoEvents);
    drop(s);
    m.join().unwrap();
    r
}

/// `QISEND=<id>,<n>`, the prompt, the bytes, `SEND OK`; counters from `QISEND=<id>,0`.
#[test]
fn send_hands_chunks_over_and_reads_the_counters() {
    let (mut s, m) = scripted(
        &CTX_FAMILY,
        vec![
            (b"AT+QISDE=0\r", b"\r\nOK\r\n"),
            (b"AT+QISEND=0,0\r", b"\r\n+QISEND: 0,0,0\r\n\r\nOK\r\n"),
            (b"AT+QISEND=0,5\r", b"\r\n> "),
            (b"hello", b"\r\nSEND OK\r\n"),
            (b"AT+QISEND=0,0\r", b"\r\n+QISEND: 5,5,0\r\n\r\nOK\r\n"),
        ],
    );
    let o = SendOptions {
        id: Some(0),
        ..SendOptions::default()
    };
    let rep = send(&mut s, &b"hello"[..], &o, &mut NoEvents).unwrap();
    assert_eq!((rep.bytes_sent, rep.bytes_acked), (5, Some(5)));
    let f = s.family();
    drop(s);
    m.join().unwrap();
    assert_eq!(f.name(), "ctx");
}

/// SEND FAIL with the socket connected: back off, read the counters, send the chunk again.
#[test]
fn a_full_send_buffer_is_retried() {
    let rep = send_hello(vec![
        (b"AT+QISEND=0,5\r", b"\r\n> "),
        (b"hello", b"\r\nSEND FAIL\r\n"),
        (
            b"AT+QISTATE=1,0\r",
            b"\r\n+QISTATE: 0,\"TCP\",\"10.0.0.1\",7,1,2,1,0,0,\"uart1\"\r\n\r\nOK\r\n",
        ),
        (b"AT+QISEND=0,0\r", b"\r\n+QISEND: 0,0,0\r\n\r\nOK\r\n"),
        (b"AT+QISEND=0,5\r", b"\r\n> "),
        (b"hello", b"\r\nSEND OK\r\n"),
        (b"AT+QISEND=0,0\r", b"\r\n+QISEND: 5,5,0\r\n\r\nOK\r\n"),
    ])
    .unwrap();
    assert_eq!((rep.chunks, rep.bytes_written, rep.bytes_acked), (1, 5, Some(5)));
}

/// `+CME ERROR: <5xx>` to QISEND (some firmware, research §1.13) is a refusal read against the
/// socket's state, its words kept: here the socket is closing, so the connection is lost (9).
/// It was a protocol error (12) that lost the code.
#[test]
fn a_cme_error_to_qisend_is_a_refusal_that_keeps_its_words() {
    let e = send_hello(vec![
        (b"AT+QISEND=0,5\r", b"\r\n+CME ERROR: 567\r\n"),
        (
            b"AT+QISTATE=1,0\r",
            b"\r\n+QISTATE: 0,\"TCP\",\"10.0.0.1\",7,1,4,1,0,0,\"uart1\"\r\n\r\nOK\r\n",
        ),
        ACTIVE,
    ])
    .unwrap_err();
    assert_eq!(e.error.class, ErrorClass::ConnectionLost, "{}", e.error.message);
    assert!(e.error.message.contains("+CME ERROR: 567"), "{}", e.error.message);
}

/// `+CME ERROR` answering the payload itself is a refusal like `ERROR`, read against the
/// socket's state: connected, so the send is refused (10). It waited out the SEND OK deadline
/// and exited 4 (issue 18).
#[test]
fn a_cme_error_after_the_payload_is_a_refusal() {
    let e = send_hello(vec![
        (b"AT+QISEND=0,5\r", b"\r\n> "),
        (b"hello", b"\r\n+CME ERROR: 553\r\n"),
        (
            b"AT+QISTATE=1,0\r",
            b"\r\n+QISTATE: 0,\"TCP\",\"10.0.0.1\",7,1,3,1,0,0,\"uart1\"\r\n\r\nOK\r\n",
        ),
    ])
    .unwrap_err();
    assert_eq!(e.error.class, ErrorClass::SendRefused, "{}", e.error.message);
}

/// `QIACT=<cid>` only when `QIACT?` shows the context inactive; an ERROR is looked at again.
#[test]
fn activation_is_checked_again_after_an_error() {
    let (mut s, m) = scripted(
        &CTX_FAMILY,
        vec![
            (b"AT+QIACT?\r", b"\r\nOK\r\n"),
            (b"AT+QIACT=1\r", b"\r\nERROR\r\n"),
            // Asked at once, while it still names this ERROR's cause.
            (
                b"AT+QIGETERROR\r",
                b"\r\n+QIGETERROR: 561,PDP context opening failed\r\n\r\nOK\r\n",
            ),
            (b"AT+QIACT?\r", b"\r\n+QIACT: 1,1,1,\"10.7.157.1\"\r\n\r\nOK\r\n"),
            (b"AT+QIACT?\r", b"\r\n+QIACT: 1,1,1,\"10.7.157.1\"\r\n\r\nOK\r\n"),
        ],
    );
    let f = s.family();
    let st = f.context(&mut s).unwrap();
    let mut actions = Vec::new();
    assert_eq!(f.activate(&mut s, &st, &mut actions).unwrap(), "10.7.157.1");
    // Harmless twice: active, so no QIACT.
    let st = f.context(&mut s).unwrap();
    assert_eq!(f.activate(&mut s, &st, &mut actions).unwrap(), "10.7.157.1");
    assert_eq!(actions, vec!["QIACT=1".to_string()]);
    drop(s);
    m.join().unwrap();
}

/// A failed activation reports the code of the last QIACT's own ERROR, asked right after it:
/// the first attempt's 561 is not carried into the retry's failure, whose register says 0.
#[test]
fn a_failed_activation_reports_the_last_attempts_code_only() {
    let (mut s, m) = scripted(
        &CTX_FAMILY,
        vec![
            (b"AT+QIACT=1\r", b"\r\nERROR\r\n"),
            (
                b"AT+QIGETERROR\r",
                b"\r\n+QIGETERROR: 561,PDP context opening failed\r\n\r\nOK\r\n",
            ),
            (b"AT+QIACT?\r", b"\r\nOK\r\n"),
            (b"AT+QIDEACT=1\r", b"\r\nOK\r\n"),
            (b"AT+QIACT=1\r", b"\r\nERROR\r\n"),
            (
                b"AT+QIGETERROR\r",
                b"\r\n+QIGETERROR: 0,operation successful\r\n\r\nOK\r\n",
            ),
            (b"AT+QIACT?\r", b"\r\nOK\r\n"),
        ],
    );
    let f = s.family();
    let st = ContextStatus {
        active: false,
        local_ip: None,
        ip_state: "IP INITIAL".into(),
    };
    let mut actions = Vec::new();
    let e = f.activate(&mut s, &st, &mut actions).unwrap_err();
    assert_eq!(e.class, ErrorClass::PdpContext);
    assert_eq!(e.module_code, None, "{e:?}");
    assert_eq!(
        actions,
        vec!["QIDEACT=1 (the context would not activate)".to_string()]
    );
    drop(s);
    m.join().unwrap();
}

/// The password's QICSGP runs with echo off; when it fails and ATE1 fails too, the QICSGP
/// failure is the one reported (ATE1's does not mask it).
#[test]
fn apn_failure_is_reported_over_a_failing_echo_restore() {
    let (mut s, m) = scripted(
        &CTX_FAMILY,
        vec![
            (b"AT\r", b"AT\r\r\nOK\r\n"),
            (b"ATE0\r", b"ATE0\r\r\nOK\r\n"),
            (b"AT+QICSGP=1,1,\"apn\",\"u\",\"secret\",3\r", b"\r\nERROR\r\n"),
            (b"ATE1\r", b"\r\nERROR\r\n"),
        ],
    );
    s.run(&crate::command::At::Sync).unwrap();
    assert!(s.echo_seen());
    let f = s.family();
    let e = f
        .configure_context(&mut s, "apn", "u", "secret", None)
        .unwrap_err();
    assert_eq!(e.class, ErrorClass::PdpContext, "{e:?}");
    assert!(e.message.contains("AT+QICSGP"), "{e:?}");
    drop(s);
    m.join().unwrap();
}

#[test]
fn counters_and_close() {
    let (mut s, m) = scripted(
        &CTX_FAMILY,
        vec![
            (b"AT+QISEND=2,0\r", b"\r\n+QISEND: 9,7,2\r\n\r\nOK\r\n"),
            (b"AT+QISEND=3,0\r", b"\r\nERROR\r\n"),
            (b"AT+QICLOSE=2\r", b"\r\nOK\r\n"),
        ],
    );
    let f = s.family();
    match f.acknowledged(&mut s, Some(2)).unwrap() {
        Acked::Counters(c) => assert_eq!((c.sent, c.acked, c.unacked), (9, 7, 2)),
        other => panic!("{other:?}"),
    }
    assert_eq!(f.acknowledged(&mut s, Some(3)).unwrap(), Acked::NoSocket);
    assert_eq!(f.close(&mut s, Some(2)).unwrap(), super::Closed::Closed);
    drop(s);
    m.join().unwrap();
}

/// ctx URCs are the same events as QI's.
#[test]
fn ctx_urcs_are_the_same_events() {
    let closed = event(&Urc::SocketClosed { id: 1 }).unwrap();
    assert_eq!(ends(closed, Some(1)), Some(StopReason::Closed));
    assert_eq!(ends(closed, Some(2)), None);
    assert_eq!(
        ends(event(&Urc::ContextDeact { cid: 1 }).unwrap(), Some(0)),
        Some(StopReason::PdpDeact)
    );
    assert_eq!(
        ends(event(&Urc::AppRdy).unwrap(), Some(0)),
        Some(StopReason::Rebooted)
    );
    assert_eq!(
        event(&Urc::SocketData { id: 4, len: None }),
        Some(Event::DataReady { id: Some(4) })
    );
    assert_eq!(
        event(&Urc::Qirdi(vec![0, 1, 4])),
        Some(Event::DataReady { id: Some(4) })
    );
}

/// LTE-M attach shows in `+CEREG`, not in `+CREG`: the ctx family reads both.
#[test]
fn eps_registration_counts_on_the_ctx_family() {
    let (mut s, m) = scripted(
        &CTX_FAMILY,
        vec![
            (b"AT+CREG?\r", b"\r\n+CREG: 0,0\r\n\r\nOK\r\n"),
            (b"AT+CEREG?\r", b"\r\n+CEREG: 0,5\r\n\r\nOK\r\n"),
            (b"AT+CGATT?\r", b"\r\n+CGATT: 1\r\n\r\nOK\r\n"),
        ],
    );
    let st = crate::proc::common::network_state(&mut s).unwrap();
    assert_eq!((st.cs_registration, st.eps_registration), (Some(0), Some(5)));
    assert!(st.ready());
    drop(s);
    m.join().unwrap();
}

/// `connect --recv direct` on ctx: the socket is opened in access mode 1 (direct push), and the
/// report says so, with the context.
#[test]
fn direct_push_is_the_sockets_access_mode() {
    let (mut s, m) = scripted(
        &CTX_FAMILY,
        vec![
            NO_SOCKET,
            ACTIVE,
            (
                b"AT+QIOPEN=1,0,\"TCP\",\"10.0.0.1\",7,0,1\r",
                b"\r\nOK\r\n\r\n+QIOPEN: 0,0\r\n",
            ),
        ],
    );
    let f = s.family();
    let done = f
        .set_recv_mode(&mut s, crate::proc::attach::RecvMode::Direct)
        .unwrap();
    assert!(done.is_some());
    let rep = connect(&mut s, &to("10.0.0.1:7", false)).unwrap();
    assert_eq!((rep.context_id, rep.access_mode), (Some(1), Some(1)));
    drop(s);
    m.join().unwrap();
}

/// From a fresh boot (no context): the network is awaited and the context activated before
/// QIOPEN, as QI's QIOPEN does by itself.
#[test]
fn connect_activates_an_inactive_context_first() {
    let (mut s, m) = scripted(
        &CTX_FAMILY,
        vec![
            NO_SOCKET,
            (b"AT+QIACT?\r", b"\r\nOK\r\n"),
            (b"AT+CREG?\r", b"\r\n+CREG: 0,1\r\n\r\nOK\r\n"),
            (b"AT+CGATT?\r", b"\r\n+CGATT: 1\r\n\r\nOK\r\n"),
            (b"AT+QIACT=1\r", b"\r\nOK\r\n"),
            ACTIVE,
            (OPEN, b"\r\nOK\r\n\r\n+QIOPEN: 0,0\r\n"),
        ],
    );
    let rep = connect(&mut s, &to("10.0.0.1:7", false)).unwrap();
    assert!(rep.actions.iter().any(|a| a == "QIACT=1"), "{:?}", rep.actions);
    drop(s);
    m.join().unwrap();
}

/// A refused open carries the module's code and the manual's words for it, and the class
/// of the code (566: connect, 8).
#[test]
fn a_refused_open_carries_the_module_code_and_text() {
    let (mut s, m) = scripted(
        &CTX_FAMILY,
        vec![
            NO_SOCKET,
            ACTIVE,
            (OPEN, b"\r\nOK\r\n\r\n+QIOPEN: 0,566\r\n"),
            (b"AT+QICLOSE=0\r", b"\r\nOK\r\n"),
        ],
    );
    let e = connect(&mut s, &to("10.0.0.1:7", false)).unwrap_err();
    assert_eq!(e.class, ErrorClass::Connect);
    assert_eq!(e.module_code, Some(566));
    assert_eq!(e.module_text.as_deref(), Some("socket connect failed"));
    drop(s);
    m.join().unwrap();
}

/// probe's ctx part: QGMR, CEREG, the contexts and sockets, the URC port, and the synthesised
/// `ip_state`; mux and the module-wide receive mode are null.
#[test]
fn probe_reads_contexts_sockets_and_the_urc_port() {
    let (mut s, m) = scripted(
        &CTX_FAMILY,
        vec![
            (b"AT+QGMR\r", b"\r\nBG96MAR02A07M1G_01.016.01.016\r\n\r\nOK\r\n"),
            (b"AT+CEREG?\r", b"\r\n+CEREG: 0,1\r\n\r\nOK\r\n"),
            (b"AT+QIACT?\r", b"\r\n+QIACT: 1,1,1,\"10.7.157.1\"\r\n\r\nOK\r\n"),
            (
                b"AT+QISTATE?\r",
                b"\r\n+QISTATE: 0,\"TCP\",\"1.2.3.4\",80,4000,2,1,0,1,\"usbat\"\r\n\r\nOK\r\n",
            ),
            (
                b"AT+QURCCFG=\"urcport\"\r",
                b"\r\n+QURCCFG: \"urcport\",\"usbmodem\"\r\n\r\nOK\r\n",
            ),
        ],
    );
    let mut info = crate::proc::probe::ModuleInfo {
        mux: Some(true),
        ..Default::default()
    };
    let f = s.family();
    f.probe_state(&mut s, &mut info).unwrap();
    assert_eq!(info.mux, None);
    assert_eq!(info.recv_mode, None);
    assert_eq!(
        info.revision_extended.as_deref(),
        Some("BG96MAR02A07M1G_01.016.01.016")
    );
    assert!(info.eps_registration.as_ref().unwrap().registered);
    assert_eq!(info.contexts.as_ref().unwrap()[0].ip, "10.7.157.1");
    assert_eq!(info.sockets.as_ref().unwrap()[0].access_mode, Some(1));
    assert_eq!(info.ip_state.as_deref(), Some("CONNECT OK"));
    assert_eq!(info.urc_port.as_deref(), Some("usbmodem"));
    drop(s);
    m.join().unwrap();
}

/// Closing an idle socket: QICLOSE answers OK there, so the state is read first and the
/// report says nothing was open, as on QI.
#[test]
fn closing_an_idle_socket_says_nothing_was_open() {
    let (mut s, m) = scripted(
        &CTX_FAMILY,
        vec![
            NO_SOCKET,
            (b"AT+QICLOSE=0\r", b"\r\nOK\r\n"),
            (b"AT+QIACT?\r", b"\r\nOK\r\n"),
            (b"AT+QISTATE?\r", b"\r\nOK\r\n"),
        ],
    );
    let rep = crate::proc::close::close(&mut s, None, false).unwrap();
    assert!(!rep.closed);
    assert!(rep.note.is_some());
    assert_eq!(rep.ip_state, "IP INITIAL");
    drop(s);
    m.join().unwrap();
}
