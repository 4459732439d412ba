//! The procedures against the simulator's engine in virtual time: no pty, no threads, no
//! sockets, no sleeping. A fault that fires "1.5 s into a 4 s QIACT" fires exactly there on
//! every run, so the outcome of every timed fault is deterministic, and the whole file runs in
//! milliseconds. The real-binary fault matrix (tests/fault_matrix/) stays the end-to-end layer.

use crate::per_family;
use crate::support::{random_bytes, Family};
use qtcp::error::ErrorClass;
use qtcp::family::detect::{detect, Choice};
use qtcp::proc::attach::{attach, AttachOptions, RecvMode};
use qtcp::proc::close::close;
use qtcp::proc::common::{sync, SyncOptions};
use qtcp::proc::connect::{connect, ConnectOptions};
use qtcp::proc::probe::{probe, SimWait};
use qtcp::proc::recv::{recv, Chunk, RecvOptions, RecvSink};
use qtcp::proc::sack::{watch, WatchOptions};
use qtcp::proc::send::{send, NoEvents, SendOptions};
use qtcp::session::{Session, SessionOptions};
use qtcp::sim::virtual_port::{Peer, VirtualLink, VirtualModule};
use qtcp::sim::SimArgs;
use qtcp::trace::Tracer;
use qtcp::transport::Transport;
use std::time::{Duration, Instant};

/// Where the virtual network's peers listen.
const SINK: &str = "10.0.0.9:7000";
const SERVER: &str = "10.0.0.9:7001";

/// A session on family `f`'s simulated model configured by `flags` (as `qtcp sim` takes them).
fn module(f: Family, flags: &str) -> (Session, VirtualLink) {
    module_with(f, flags, |_| {})
}

/// [`module`], with the engine's configuration adjusted by `tweak` first.
fn module_with(
    f: Family,
    flags: &str,
    tweak: impl FnOnce(&mut qtcp::sim::engine::EngineConfig),
) -> (Session, VirtualLink) {
    module_from(f, flags, tweak, Instant::now())
}

/// [`module_with`], the session's clock starting at `start`: an hour from now makes every
/// reading of the wall clock a moment of the session's past, so a procedure that mixes the two
/// clocks misses every deadline.
fn module_from(
    f: Family,
    flags: &str,
    tweak: impl FnOnce(&mut qtcp::sim::engine::EngineConfig),
    start: Instant,
) -> (Session, VirtualLink) {
    let flags = format!("--model {} {flags}", f.model);
    let mut cfg = SimArgs::parse_inline(&flags).unwrap().engine_config();
    tweak(&mut cfg);
    let link = VirtualLink::new(VirtualModule::new(cfg, start));
    let t = Transport::from_link(
        "virtual".into(),
        Box::new(link.clone()),
        Tracer::new(None, false).unwrap(),
    );
    let mut s = Session::new(t, SessionOptions::default());
    // As the CLI opens every port: synchronised first, then the family told from the model
    // (and a ctx module's APP RDY awaited).
    sync(&mut s, &SyncOptions::default()).unwrap();
    detect(&mut s, Choice::Auto).unwrap();
    assert_eq!(s.family().name(), f.name);
    s.family().await_ready(&mut s).unwrap();
    (s, link)
}

/// `probe` that waits up to 20 s for a SIM still starting, telling `progress` while it waits.
fn probe_waiting_for_sim(
    s: &mut Session,
    progress: &mut dyn FnMut(&qtcp::proc::probe::SimWaiting),
) -> qtcp::proc::probe::ModuleInfo {
    probe(
        s,
        1,
        &SyncOptions::default(),
        None,
        Some(SimWait {
            timeout: Duration::from_secs(20),
            progress,
        }),
    )
    .unwrap()
}

fn elapsed(s: &Session, from: Instant) -> Duration {
    s.now() - from
}

fn attach_opts(activate: bool) -> AttachOptions {
    AttachOptions {
        apn: "CMNET".into(),
        user: String::new(),
        password: String::new(),
        register_timeout: Duration::from_secs(60),
        sim_timeout: Duration::from_secs(20),
        recv: Some(RecvMode::Retrieve),
        headers: false,
        activate,
        auth: None,
    }
}

fn connect_opts(dest: &str) -> ConnectOptions {
    ConnectOptions {
        dest: qtcp::validate::destination(dest).unwrap(),
        udp: false,
        id: None,
        reuse: false,
        timeout: Some(Duration::from_secs(75)),
        transparent: false,
    }
}

struct Collect(Vec<u8>);
impl RecvSink for Collect {
    fn data(&mut self, c: &Chunk) -> std::io::Result<()> {
        self.0.extend_from_slice(c.data);
        Ok(())
    }
}

fn probe_plain(s: &mut Session) -> qtcp::error::Result<qtcp::proc::probe::ModuleInfo> {
    probe(s, 1, &SyncOptions::default(), None, None).map_err(|f| f.error)
}

// ---------------------------------------------------------------------------------- healthy

per_family!(the_whole_flow_on_a_healthy_module, |f| {
    let (mut s, link) = module(f, "--echo off");
    link.module().peer(SINK, Peer::Sink);
    let t0 = s.now();
    let info = probe_plain(&mut s).unwrap();
    assert!(info.sim_ready);
    attach(&mut s, &attach_opts(true), &mut |_| {}).unwrap();
    connect(&mut s, &connect_opts(SINK)).unwrap();
    let data = random_bytes(100_000, 3);
    let o = SendOptions {
        wait_ack: true,
        ..Default::default()
    };
    let rep = send(&mut s, &data[..], &o, &mut NoEvents).unwrap();
    assert!(rep.complete);
    assert_eq!(link.module().received(SINK), &data[..]);
    let w = watch(
        &mut s,
        &WatchOptions {
            interval: Duration::from_millis(100),
            max_polls: 3,
            id: None,
        },
        &mut |_| {},
    )
    .unwrap();
    assert!(w.all_acknowledged);
    let c = close(&mut s, None, false).unwrap();
    assert!(c.closed);
    // QIACT alone takes 1 s of the default delay table: virtual time moved at least that much.
    assert!(elapsed(&s, t0) >= Duration::from_secs(1));
});

per_family!(a_sim_busy_for_three_seconds_is_waited_for, |f| {
    let (mut s, _link) = module(f, "--echo off --fault sim=busy:3s");
    let t0 = s.now();
    let mut waits = 0;
    let mut progress = |_: &qtcp::proc::probe::SimWaiting| waits += 1;
    let info = probe_waiting_for_sim(&mut s, &mut progress);
    assert!(info.sim_ready);
    assert!(elapsed(&s, t0) >= Duration::from_secs(3));
    assert!(elapsed(&s, t0) < Duration::from_secs(5));
    assert!(waits > 0);
});

per_family!(a_sim_busy_past_the_timeout_is_5_at_the_deadline, |f| {
    let (mut s, _link) = module(f, "--echo off --fault sim=busy");
    let t0 = s.now();
    let mut o = attach_opts(false);
    o.sim_timeout = Duration::from_secs(7);
    let e = attach(&mut s, &o, &mut |_| {}).unwrap_err();
    assert_eq!(e.error.class, ErrorClass::Sim);
    let t = elapsed(&s, t0);
    assert!(t >= Duration::from_secs(7) && t < Duration::from_secs(9), "{t:?}");
});

per_family!(never_registering_is_6_after_the_register_timeout, |f| {
    let (mut s, _link) = module(f, "--echo off --fault no-register");
    let t0 = s.now();
    let e = attach(&mut s, &attach_opts(false), &mut |_| {}).unwrap_err();
    assert_eq!(e.error.class, ErrorClass::Network);
    assert!(elapsed(&s, t0) >= Duration::from_secs(60));
});

per_family!(
    send_with_reconnect_resumes_from_the_first_unacknowledged_byte,
    |f| {
        let (mut s, link) = module(f, "--echo off --delays fast --fault peer-close-after-bytes=40000");
        link.module().peer(SINK, Peer::Sink);
        connect(&mut s, &connect_opts(SINK)).unwrap();
        let data = random_bytes(120_000, 5);
        let o = SendOptions {
            wait_ack: true,
            reconnect: Some(connect_opts(SINK)),
            ..Default::default()
        };
        let rep = send(&mut s, &data[..], &o, &mut NoEvents).unwrap();
        assert!(rep.complete);
        assert!(!rep.reconnects.is_empty());
        // The server got every byte, the ones after the reconnect from the resume offset on: the
        // second connection's bytes are exactly the tail from that offset.
        let got = link.module().received(SINK).to_vec();
        let resumed = rep.reconnects[0].resume_offset as usize;
        assert!(got.len() >= data.len());
        assert_eq!(&got[got.len() - (data.len() - resumed)..], &data[resumed..]);
    }
);

per_family!(recv_reads_everything_a_server_sent_then_sees_the_close, |f| {
    let (mut s, link) = module(f, "--echo off --delays fast");
    let data = random_bytes(50_000, 7);
    link.module().peer(
        SERVER,
        Peer::Source {
            data: data.clone(),
            close: true,
        },
    );
    attach(&mut s, &attach_opts(false), &mut |_| {}).unwrap();
    connect(&mut s, &connect_opts(SERVER)).unwrap();
    let mut out = Collect(Vec::new());
    let o = RecvOptions {
        timeout: Some(Duration::from_secs(30)),
        ..Default::default()
    };
    let rep = recv(&mut s, &o, &mut out).unwrap();
    assert_eq!(out.0, data);
    assert!(rep.closed);
});

// ------------------------------------------------------------------------- timed faults

/// Exit class of an operation hit by a timed fault, and how far into it the fault fired.
fn class_of<T, P>(r: Result<T, qtcp::error::Failed<P>>) -> Option<ErrorClass> {
    r.err().map(|f| f.error.class)
}

/// What the CLI does when it opens the port for the next command of a script: synchronise, and
/// wait until the family's module answers its own commands (a ctx module after a reset answers
/// ERROR to `+Q...` until `APP RDY`).
fn as_the_next_command(s: &mut Session) {
    sync(s, &SyncOptions::default()).unwrap();
    s.family().await_ready(s).unwrap();
}

per_family!(reboot_during_qiact_is_4_and_the_next_attach_works, |f| {
    let (mut s, _link) = module(f, "--echo off --qiact-delay 4s --fault reboot-after=1500ms");
    let r = attach(&mut s, &attach_opts(true), &mut |_| {});
    assert_eq!(class_of(r), Some(ErrorClass::ModuleSilent));
    as_the_next_command(&mut s);
    attach(&mut s, &attach_opts(false), &mut |_| {}).unwrap();
});

per_family!(reboot_during_qiopen_is_4_and_the_next_connect_works, |f| {
    let (mut s, link) = module(f, "--echo off --qiopen-delay 4s --fault reboot-after=1500ms");
    link.module().peer(SINK, Peer::Sink);
    let r = connect(&mut s, &connect_opts(SINK));
    assert_eq!(r.err().map(|e| e.class), Some(ErrorClass::ModuleSilent));
    as_the_next_command(&mut s);
    connect(&mut s, &connect_opts(SINK)).unwrap();
});

per_family!(reboot_while_waiting_for_the_sim_is_survived, |f| {
    // The SIM is busy for 5 s after each power-on; the module reboots 1 s in: probe
    // synchronises again and waits for the new power-on's SIM.
    let (mut s, _link) = module(f, "--echo off --fault sim=busy:5s --fault reboot-after=1s");
    let info = probe_waiting_for_sim(&mut s, &mut |_| {});
    assert!(info.sim_ready);
});

fn stalled_watch(f: Family, flags: &str) -> Option<ErrorClass> {
    let (mut s, link) = module(f, flags);
    link.module().peer(SINK, Peer::Sink);
    connect(&mut s, &connect_opts(SINK)).unwrap();
    send(
        &mut s,
        &b"unacknowledged"[..],
        &SendOptions::default(),
        &mut NoEvents,
    )
    .unwrap();
    class_of(watch(
        &mut s,
        &WatchOptions {
            interval: Duration::from_millis(100),
            max_polls: 100,
            id: None,
        },
        &mut |_| {},
    ))
}

per_family!(sack_watch_hit_by_a_reboot_is_9, |f| {
    let c = stalled_watch(
        f,
        "--echo off --delays fast --fault reboot-after=2500ms --fault ack-stall-after-bytes=1",
    );
    assert_eq!(c, Some(ErrorClass::ConnectionLost));
});

per_family!(sack_watch_hit_by_pdp_deact_is_7, |f| {
    let c = stalled_watch(
        f,
        "--echo off --delays fast --fault pdp-deact-after=2500ms --fault ack-stall-after-bytes=1",
    );
    assert_eq!(c, Some(ErrorClass::PdpContext));
});

per_family!(sack_watch_on_a_vanishing_device_is_13, |f| {
    let c = stalled_watch(
        f,
        "--echo off --delays fast --fault vanish-after=2s --fault ack-stall-after-bytes=1",
    );
    assert_eq!(c, Some(ErrorClass::Io));
});

per_family!(a_device_vanishing_during_qiact_or_qiopen_is_13, |f| {
    let (mut s, _link) = module(f, "--echo off --qiact-delay 4s --fault vanish-after=1500ms");
    let r = attach(&mut s, &attach_opts(true), &mut |_| {});
    assert_eq!(class_of(r), Some(ErrorClass::Io));
    let (mut s, link) = module(f, "--echo off --qiopen-delay 4s --fault vanish-after=1500ms");
    link.module().peer(SINK, Peer::Sink);
    let r = connect(&mut s, &connect_opts(SINK));
    assert_eq!(r.err().map(|e| e.class), Some(ErrorClass::Io));
});

per_family!(
    a_device_vanishing_mid_send_is_13_with_a_true_acknowledged_offset,
    |f| {
        let (mut s, link) = module(
            f,
            "--echo off --delays fast --uplink 20KB/s --fault vanish-after=2s",
        );
        link.module().peer(SINK, Peer::Sink);
        connect(&mut s, &connect_opts(SINK)).unwrap();
        let data = random_bytes(200_000, 11);
        let o = SendOptions {
            wait_ack: true,
            ..Default::default()
        };
        let f = send(&mut s, &data[..], &o, &mut NoEvents).unwrap_err();
        assert_eq!(f.error.class, ErrorClass::Io);
        let rep = f.partial.expect("a partial report");
        let acked = rep.acked_offset.expect("TCP has an acknowledged offset") as usize;
        // 2 s at 20 KB/s: about 40 kB acknowledged, and every acknowledged byte is at the server.
        assert!(acked > 20_000 && acked < 60_000, "{acked}");
        let got = link.module().received(SINK).to_vec();
        assert!(got.len() >= acked);
        assert_eq!(&got[..acked], &data[..acked]);
    }
);

/// Attach in retrieve mode, connect to a server that sends `data` and stays open, and receive
/// `data.len()` bytes: the outcome, what was delivered (always a true prefix of `data`) and how
/// long the receive itself took in virtual time.
fn receive_from_a_server(
    s: &mut Session,
    link: &VirtualLink,
    data: &[u8],
) -> (
    qtcp::error::Reported<qtcp::proc::recv::RecvReport>,
    Vec<u8>,
    Duration,
) {
    link.module().peer(
        SERVER,
        Peer::Source {
            data: data.to_vec(),
            close: false,
        },
    );
    attach(s, &attach_opts(false), &mut |_| {}).unwrap();
    connect(s, &connect_opts(SERVER)).unwrap();
    let mut out = Collect(Vec::new());
    let o = RecvOptions {
        bytes: Some(data.len() as u64),
        timeout: Some(Duration::from_secs(120)),
        ..Default::default()
    };
    let t0 = s.now();
    let r = recv(s, &o, &mut out);
    assert_eq!(&data[..out.0.len()], &out.0[..]);
    (r, out.0, elapsed(s, t0))
}

fn recv_hit_by(f: Family, flags: &str) -> (Option<ErrorClass>, usize) {
    let (mut s, link) = module(f, flags);
    let (r, got, _) = receive_from_a_server(&mut s, &link, &random_bytes(200_000, 13));
    (class_of(r), got.len())
}

per_family!(recv_hit_by_pdp_deact_is_7_reboot_9_vanish_13, |f| {
    let base = "--echo off --delays fast --downlink 20KB/s";
    let (c, n) = recv_hit_by(f, &format!("{base} --fault pdp-deact-after=1500ms"));
    assert_eq!(c, Some(ErrorClass::PdpContext));
    assert!(n > 0 && n < 200_000);
    let (c, n) = recv_hit_by(f, &format!("{base} --fault reboot-after=1500ms"));
    assert_eq!(c, Some(ErrorClass::ConnectionLost));
    assert!(n > 0 && n < 200_000);
    let (c, n) = recv_hit_by(f, &format!("{base} --fault vanish-after=1500ms"));
    assert_eq!(c, Some(ErrorClass::Io));
    assert!(n > 0 && n < 200_000);
});

// -------------------------------------------------------------- firmware that differs

per_family!(a_smaller_qisend_maximum_is_learnt_from_the_refusal, |f| {
    let (mut s, link) = module(f, "--echo off --delays fast --qisend-max 512");
    link.module().peer(SINK, Peer::Sink);
    connect(&mut s, &connect_opts(SINK)).unwrap();
    let data = random_bytes(10_000, 17);
    let o = SendOptions {
        wait_ack: true,
        ..Default::default()
    };
    let rep = send(&mut s, &data[..], &o, &mut NoEvents).unwrap();
    assert!(rep.complete);
    assert_eq!(link.module().received(SINK), &data[..]);
});

per_family!(
    firmware_without_implicit_activation_gets_qiregapp_and_qiact,
    |f| {
        let (mut s, link) = module(f, "--echo off --delays fast --no-implicit-activation");
        link.module().peer(SINK, Peer::Sink);
        let rep = connect(&mut s, &connect_opts(SINK)).unwrap();
        // (A ctx module never activates implicitly: the knob is its default.)
        let qiact = if f.is_ctx() { "QIACT=1" } else { "QIACT" };
        assert!(rep.actions.iter().any(|a| a == qiact), "{:?}", rep.actions);
    }
);

per_family!(
    a_smaller_qird_maximum_is_learnt_without_stalling_every_read,
    |f| {
        let (mut s, link) = module(f, "--echo off --delays fast --qird-max 512");
        let data = random_bytes(100_000, 19);
        let (r, got, took) = receive_from_a_server(&mut s, &link, &data);
        r.unwrap();
        assert_eq!(got, data);
        // One fallback poll (500 ms) teaches qtcp the limit; 196 reads do not each wait for one.
        assert!(took < Duration::from_secs(2), "{took:?}");
    }
);

// Issue 13, item 3: on a downlink slower than the line, one AT+QIRD per arriving packet, not
// one per handful of bytes: at most 1.2 × (bytes / 1500) reads.
per_family!(receive_on_a_slow_downlink_reads_once_per_packet, |f| {
    for profile in ["--downlink 8KB/s --rtt 600ms", "--downlink 20KB/s --rtt 300ms"] {
        let (mut s, link) = module_with(f, &format!("--echo off --delays fast {profile}"), |c| {
            c.host_log = true
        });
        let data = random_bytes(300_000, 23);
        let (r, got, _) = receive_from_a_server(&mut s, &link, &data);
        r.unwrap();
        assert_eq!(got, data);
        let reads = link
            .module()
            .host_log()
            .iter()
            .filter(|l| l.contains("AT+QIRD"))
            .count();
        let bound = (1.2 * data.len() as f64 / 1500.0).ceil() as usize;
        assert!(
            reads <= bound,
            "{profile}: {reads} QIRD for 300 kB (bound {bound})"
        );
    }
});

per_family!(a_device_vanishing_during_probe_is_13, |f| {
    // AT+CGMR goes unanswered, so probe is waiting for it when the device vanishes.
    let (mut s, _link) = module(f, "--echo off --fault silent=AT+CGMR --fault vanish-after=500ms");
    let r = probe_plain(&mut s);
    assert_eq!(r.err().map(|e| e.class), Some(ErrorClass::Io));
});

// ---------------------------------------------------------------------- transparent mode

/// The bridge's output, and what it was told.
#[derive(Default)]
struct Bridged {
    data: Vec<u8>,
    events: Vec<qtcp::proc::transparent::TransparentEvent>,
}
impl qtcp::proc::transparent::TransparentIo for Bridged {
    fn data(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(bytes);
        Ok(())
    }
    fn event(&mut self, e: &qtcp::proc::transparent::TransparentEvent) {
        self.events.push(e.clone());
    }
}

/// A transparent session to `dest` on a module configured by `flags`, with `input` written and
/// then EOF (`eof`) or the input kept open. Returns the outcome, what the server sent back and
/// how long the session took in the session's (virtual) time.
fn transparent_to(
    f: Family,
    flags: &str,
    dest: &str,
    peer: Peer,
    input: &[u8],
    eof: bool,
) -> (
    qtcp::error::Reported<qtcp::proc::transparent::TransparentReport>,
    Bridged,
    Duration,
) {
    use qtcp::proc::transparent::{transparent, TransparentOptions};
    // The session's clock an hour ahead of the wall clock: transparent takes time from the
    // session only (issue 18: it mixed in Instant::now()).
    let (mut s, link) = module_from(f, flags, |_| {}, Instant::now() + Duration::from_secs(3600));
    link.module().peer(dest, peer);
    attach(&mut s, &attach_opts(false), &mut |_| {}).unwrap();
    let o = TransparentOptions {
        dest: qtcp::validate::destination(dest).unwrap(),
        udp: false,
        connect_timeout: Some(Duration::from_secs(75)),
        wait: Duration::from_millis(200),
        packet_size: 512,
        guard: Duration::from_millis(1000),
        close: true,
        duration: None,
        linger: Duration::from_secs(2),
    };
    let (tx, rx) = std::sync::mpsc::sync_channel(4);
    for c in input.chunks(1000) {
        tx.send(c.to_vec()).unwrap();
    }
    // Kept open (no EOF) unless asked: the session then ends only by what the module says.
    let kept = (!eof).then_some(tx);
    let mut io = Bridged::default();
    let t0 = s.now();
    let r = transparent(&mut s, &o, &rx, &mut io);
    let took = elapsed(&s, t0);
    drop(kept);
    (r, io, took)
}

per_family!(
    transparent_ends_cleanly_with_plus_plus_plus_after_input_eof,
    |f| {
        let data = random_bytes(3000, 31);
        let (r, io, took) = transparent_to(f, "--echo off --delays fast", SERVER, Peer::Echo, &data, true);
        let rep = r.unwrap();
        assert_eq!(rep.reason, Some(qtcp::proc::common::StopReason::Eof));
        assert_eq!(rep.bytes_out, 3000);
        assert_eq!(io.data, data, "the echo, whole and in order");
        assert!(rep.marker_checks.is_empty());
        assert!(!rep.connection_open);
        // QI: QIMODE=0 restored; ctx: nothing to restore (the socket's access mode), so null.
        let restored = (!f.is_ctx()).then_some(true);
        assert_eq!(rep.qimode_restored, restored, "{:?}", rep.actions);
        // Linger (2 s of quiet after the echo) and the module's guard after +++, in session time.
        assert!(took >= Duration::from_millis(2500), "{took:?}");
        assert!(took < Duration::from_secs(20), "{took:?}");
    }
);

per_family!(transparent_sees_the_peer_close_in_data_mode, |f| {
    let (r, io, took) = transparent_to(
        f,
        "--echo off --delays fast",
        SERVER,
        Peer::Source {
            data: b"bye".to_vec(),
            close: true,
        },
        b"",
        false,
    );
    let f = r.unwrap_err();
    assert_eq!(f.error.class, ErrorClass::ConnectionLost, "{}", f.error.message);
    let rep = f.partial.expect("report");
    assert_eq!(rep.reason, Some(qtcp::proc::common::StopReason::Closed));
    assert_eq!(io.data, b"bye");
    assert_eq!(rep.marker_checks.len(), 1);
    assert_eq!(rep.marker_checks[0].verdict, "module");
    assert!(took < Duration::from_secs(20), "{took:?}");
});

per_family!(transparent_sees_pdp_deact_in_data_mode, |f| {
    let (r, _io, took) = transparent_to(
        f,
        "--echo off --delays fast --fault pdp-deact-after=3s",
        SINK,
        Peer::Sink,
        b"some bytes",
        false,
    );
    let f = r.unwrap_err();
    assert_eq!(f.error.class, ErrorClass::PdpContext, "{}", f.error.message);
    let rep = f.partial.expect("report");
    assert_eq!(rep.reason, Some(qtcp::proc::common::StopReason::PdpDeact));
    assert_eq!(rep.bytes_out, 10);
    assert!(took < Duration::from_secs(20), "{took:?}");
});

// Issue 18 point 2: transparent took every input chunk the moment it was there and queued it
// without bound (a large stdin was held whole). It takes input only while less than 64 KiB
// wait for the module: of 8 MiB ready at once, a 200 ms session holds a bounded part, the
// rest stays with the reader.
per_family!(transparent_takes_input_only_as_fast_as_the_module_takes_it, |f| {
    use qtcp::proc::transparent::{transparent, TransparentOptions};
    let (mut s, link) = module(f, "--echo off --delays fast");
    link.module().peer(SINK, Peer::Sink);
    attach(&mut s, &attach_opts(false), &mut |_| {}).unwrap();
    let o = TransparentOptions {
        dest: qtcp::validate::destination(SINK).unwrap(),
        udp: false,
        connect_timeout: Some(Duration::from_secs(75)),
        wait: Duration::from_millis(200),
        packet_size: 512,
        guard: Duration::from_millis(1000),
        close: true,
        duration: Some(Duration::from_millis(200)),
        linger: Duration::from_secs(1),
    };
    // An unbounded channel full from the start: only the bridge's own bound holds it back.
    let (tx, rx) = std::sync::mpsc::channel();
    let chunk = vec![0x5a; 16 * 1024];
    for _ in 0..512 {
        tx.send(chunk.clone()).unwrap();
    }
    let rep = transparent(&mut s, &o, &rx, &mut Bridged::default()).unwrap();
    let left: usize = rx.try_iter().map(|c| c.len()).sum();
    let taken = rep.bytes_out + rep.bytes_unsent;
    assert!(rep.bytes_unsent <= 80 * 1024, "{} bytes queued", rep.bytes_unsent);
    assert_eq!(taken as usize + left, 512 * 16 * 1024);
    assert!(left > 4 << 20, "{taken} taken of 8 MiB in a 200 ms session");
    drop(tx);
});
