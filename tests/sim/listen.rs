//! `qtcp sim --listen ADDR` and the client's `--port tcp://HOST:PORT`: the simulator behind a
//! serial server, one client at a time, state kept across reconnections.

use crate::support::*;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

const FAST: &str = "--delays=fast";
const LISTEN: [&str; 2] = ["--listen", "127.0.0.1:0"];

fn listen_sim(extra: &[&str]) -> Sim {
    let mut args = vec![FAST, LISTEN[0], LISTEN[1]];
    args.extend_from_slice(extra);
    let sim = Sim::start(&args);
    assert!(sim.port.starts_with("tcp://127.0.0.1:"), "{}", sim.port);
    sim
}

#[test]
fn ready_line_gives_the_bound_address() {
    let sim = Sim::start(&[FAST, "--listen", "127.0.0.1:0"]);
    let listen = sim.ready["listen"].as_str().expect("listen").to_string();
    let port: u16 = listen.strip_prefix("127.0.0.1:").unwrap().parse().unwrap();
    assert_ne!(port, 0);
    assert_eq!(sim.ready["port"], format!("tcp://{listen}"));
    assert_eq!(sim.ready["link"], Value::Null);
    assert!(sim.ready["pid"].is_u64());
    // keys in the documented order
    let keys: Vec<_> = sim.ready.as_object().unwrap().keys().cloned().collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(sorted, ["link", "listen", "pid", "port"]);
    // a raw client speaks AT to it
    let mut s = TcpStream::connect(&listen).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(b"AT\r").unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    while !got.ends_with(b"OK\r\n") {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "closed: {:?}", String::from_utf8_lossy(&got));
        got.extend_from_slice(&buf[..n]);
    }
}

#[test]
fn pty_mode_ready_line_has_no_listen_key() {
    let sim = Sim::start(&[FAST]);
    assert!(sim.ready.get("listen").is_none(), "{}", sim.ready);
    assert!(sim.ready["port"].as_str().unwrap().starts_with("/dev/"));
}

#[test]
fn link_and_listen_conflict() {
    let r = qtcp(
        &["sim", "--listen", "127.0.0.1:0", "--link", "/tmp/x"],
        None,
        Duration::from_secs(10),
    );
    r.assert_code(2);
}

#[test]
fn bad_listen_address_is_usage() {
    let r = qtcp(
        &["sim", "--listen", "not an address"],
        None,
        Duration::from_secs(10),
    );
    r.assert_code(2);
}

#[test]
fn probe_attach_connect_send_across_reconnections() {
    let sim = listen_sim(&[]);
    let sink = Sink::start();
    let v = sim.qtcp(&["--json", "probe"]).assert_code(0).json();
    assert_eq!(v["sim_ready"], true);
    assert_eq!(v["sync_attempts"], 1);
    let v = sim
        .qtcp(&["--json", "attach", "--apn", "CMNET", "--activate"])
        .assert_code(0)
        .json();
    assert_eq!(v["ok"], true, "{v}");
    sim.qtcp(&["--json", "connect", &sink.addr]).assert_code(0);
    // the module kept its connection while nobody was connected to the serial server
    let v = sim.qtcp(&["--json", "probe"]).assert_code(0).json();
    assert_eq!(v["ip_state"], "CONNECT OK", "{v}");
    let data = random_bytes(20_000, 7);
    let file = write_file(sim.dir.path(), "d.bin", &data);
    let v = sim
        .qtcp(&["--json", "send", "--file", file.to_str().unwrap(), "--wait-ack"])
        .assert_code(0)
        .json();
    assert_eq!(v["bytes_acked"], 20_000);
    sink.wait_total(data.len(), Duration::from_secs(10));
    assert_eq!(sink.received()[0], data);
    let v = sim.qtcp(&["--json", "close"]).assert_code(0).json();
    assert_eq!(v["closed"], true);
}

#[test]
fn push_over_tcp() {
    let sim = listen_sim(&[]);
    let sink = Sink::start();
    let data = random_bytes(50_000, 9);
    let file = write_file(sim.dir.path(), "p.bin", &data);
    let v = sim
        .qtcp(&["--json", "push", file.to_str().unwrap(), &sink.addr])
        .assert_code(0)
        .json();
    assert_eq!(v["ok"], true, "{v}");
    sink.wait_total(data.len(), Duration::from_secs(10));
    assert_eq!(sink.received()[0], data);
}

#[test]
fn many_reconnections_keep_working() {
    let sim = listen_sim(&[]);
    for _ in 0..5 {
        sim.qtcp(&["--json", "probe"]).assert_code(0);
    }
}

#[test]
fn second_concurrent_client_is_refused_with_3() {
    let sim = listen_sim(&[]);
    let addr = sim.port.strip_prefix("tcp://").unwrap().to_string();
    let mut first = TcpStream::connect(&addr).unwrap();
    // make sure the first connection owns the line
    first.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    first.write_all(b"AT\r").unwrap();
    let mut buf = [0u8; 64];
    assert!(first.read(&mut buf).unwrap() > 0);
    let r = sim.qtcp(&["--json", "probe"]);
    r.assert_code(3);
    assert!(r.elapsed < Duration::from_secs(5), "{:?}", r.elapsed);
    let v = r.json();
    assert_eq!(v["error"]["class"], "port_unavailable");
    assert!(v["error"]["message"].as_str().unwrap().contains("busy"), "{v}");
    // the first client is undisturbed
    first.write_all(b"AT\r").unwrap();
    let n = first.read(&mut buf).unwrap();
    assert!(n > 0);
    drop(first);
    // and once it is gone the port is free again
    sim.qtcp(&["--json", "probe"]).assert_code(0);
}

#[test]
fn connection_refused_is_3() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    let r = qtcp(
        &["--json", "--port", &format!("tcp://{addr}"), "probe"],
        None,
        Duration::from_secs(30),
    );
    r.assert_code(3);
    let v = r.json();
    assert!(v["error"]["message"].as_str().unwrap().contains("refused"), "{v}");
}

#[test]
fn tcp_port_without_port_number_is_usage() {
    let r = qtcp(
        &["--json", "--port", "tcp://127.0.0.1", "probe"],
        None,
        Duration::from_secs(10),
    );
    r.assert_code(2);
}

#[test]
fn line_pacing_applies_over_tcp() {
    // 19200 baud: 1920 bytes/s each way; 4000 bytes of payload take about 2 s.
    let sim = listen_sim(&["--line-baud", "19200"]);
    let sink = Sink::start();
    sim.qtcp(&["--json", "connect", &sink.addr]).assert_code(0);
    let data = random_bytes(4000, 3);
    let file = write_file(sim.dir.path(), "d", &data);
    let t = Instant::now();
    sim.qtcp(&["--json", "send", "--file", file.to_str().unwrap(), "--wait-ack"])
        .assert_code(0);
    assert!(t.elapsed() >= Duration::from_millis(1700), "{:?}", t.elapsed());
    sink.wait_total(data.len(), Duration::from_secs(10));
    assert_eq!(sink.received()[0], data);
}

#[test]
fn fragmented_output_over_tcp() {
    let sim = listen_sim(&["--fault", "fragment=2/1ms"]);
    let v = sim.qtcp(&["--json", "probe"]).assert_code(0).json();
    assert_eq!(v["sim_ready"], true);
}

#[test]
fn vanished_module_refuses_connections() {
    let sim = listen_sim(&["--fault", "vanish-after=1s"]);
    sim.qtcp(&["--json", "probe"]).assert_code(0);
    std::thread::sleep(Duration::from_millis(1500));
    sim.qtcp(&["--json", "probe"]).assert_code(3);
}

#[test]
fn in_process_sim_behind_tcp() {
    let r = qtcp(
        &[
            "--json",
            "--port",
            "sim:--listen 127.0.0.1:0 --delays fast",
            "probe",
        ],
        None,
        Duration::from_secs(30),
    );
    r.assert_code(0);
    assert_eq!(r.json()["sim_ready"], true);
}
