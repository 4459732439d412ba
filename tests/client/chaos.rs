//! Chaos: seeded random fault schedules against `qtcp push`, with and without `--reconnect`.
//!
//! Each run draws, from its seed, a file size, a link (uplink rate, RTT), one to three faults
//! with random parameters (peer close, +PDP DEACT, acknowledgement stall with a short
//! `--ack-timeout`, reboot at a random byte; line noise; fragmented responses) and whether to
//! pass `--reconnect`. Every run must either deliver the whole file (each connection's bytes at
//! the server equal the file from its reported resume offset, the last one ending at the end of
//! the file) or exit with a documented code whose reported `acked_offset` is true (the server
//! holds at least that prefix of the file, across the connections).
//!
//! `QTCP_CHAOS_RUNS=N` (default 8) runs seeds `QTCP_CHAOS_FIRST` (default 1) onwards;
//! `QTCP_CHAOS_SEED=S` runs that one seed (a failing run prints its seed).

use crate::support::*;
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug)]
struct Plan {
    size: usize,
    sim: Vec<String>,
    push: Vec<String>,
    reconnect: bool,
}

fn plan(seed: u64) -> Plan {
    let mut r = Rng::new(seed);
    let size = 2_000 + r.below(78_000) as usize;
    let mut sim = vec!["--delays=fast".to_string(), "--seed".into(), seed.to_string()];
    let uplink = [50, 100, 200, 400, 1000][r.below(5) as usize];
    sim.extend(["--uplink".into(), format!("{uplink}KB/s")]);
    if r.chance(30) {
        sim.extend(["--rtt".into(), format!("{}ms", 10 + r.below(60))]);
    }
    let mut push = Vec::new();
    let byte_faults = 1 + r.below(2);
    let mut stall = false;
    for _ in 0..byte_faults {
        let at = r.below(size as u64 + 5_000);
        let f = match r.below(4) {
            0 => format!("peer-close-after-bytes={at}"),
            1 => format!("pdp-deact-after-bytes={at}"),
            2 => {
                stall = true;
                format!("ack-stall-after-bytes={at}")
            }
            _ => format!("reboot-after-bytes={at}"),
        };
        sim.extend(["--fault".into(), f]);
    }
    if r.chance(30) {
        sim.extend(["--fault".into(), format!("noise=0.0{}", 1 + r.below(9))]);
    }
    if r.chance(20) {
        sim.extend([
            "--fault".into(),
            format!("fragment={}/{}ms", 1 + r.below(16), r.below(3)),
        ]);
    }
    if stall {
        push.extend(["--ack-timeout".into(), format!("{}ms", 400 + r.below(600))]);
    }
    let reconnect = r.chance(60);
    if reconnect {
        push.push("--reconnect".into());
    }
    Plan {
        size,
        sim,
        push,
        reconnect,
    }
}

/// Documented exit codes of a push that ends early under these faults.
const DOCUMENTED: &[i32] = &[4, 7, 8, 9, 10, 11];

fn run_one(seed: u64) -> Result<String, String> {
    let p = plan(seed);
    let sim_args: Vec<&str> = p.sim.iter().map(String::as_str).collect();
    let sim = Sim::start(&sim_args);
    let sink = Sink::start();
    let data = random_bytes(p.size, seed);
    let file = write_file(sim.dir.path(), "f", &data);
    let mut args = vec![
        "--port",
        sim.port.as_str(),
        "--json",
        "push",
        file.to_str().unwrap(),
        sink.addr.as_str(),
    ];
    args.extend(p.push.iter().map(String::as_str));
    // QTCP_CHAOS_TRACE=DIR keeps each run's wire trace as DIR/chaos-<seed>.jsonl.
    let trace = std::env::var("QTCP_CHAOS_TRACE")
        .ok()
        .map(|d| format!("{d}/chaos-{seed}.jsonl"));
    if let Some(t) = &trace {
        args.extend(["--trace", t.as_str()]);
    }
    let r = qtcp(&args, None, Duration::from_secs(90));
    if std::env::var("QTCP_CHAOS_VERBOSE").is_ok() {
        eprintln!("{p:?}\n{}\n{}", String::from_utf8_lossy(&r.stdout), r.stderr);
    }
    let ctx = || {
        format!(
            "seed {seed} (QTCP_CHAOS_SEED={seed}): {p:?}\nexit {}: {}\n{}",
            r.code,
            String::from_utf8_lossy(&r.stdout),
            r.stderr
        )
    };
    let v: Value = serde_json::from_slice(&r.stdout).map_err(|e| format!("not JSON ({e}); {}", ctx()))?;
    let resumes: Vec<usize> = std::iter::once(0)
        .chain(
            v["reconnects"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|x| x["resume_offset"].as_u64().unwrap_or(0) as usize)
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default(),
        )
        .collect();
    // What the server must hold at least: the whole file on success, else the acked prefix.
    let need = if r.code == 0 {
        if v["complete"] != true {
            return Err(format!("exit 0 but not complete; {}", ctx()));
        }
        data.len()
    } else {
        if !DOCUMENTED.contains(&r.code) {
            return Err(format!("undocumented exit code; {}", ctx()));
        }
        match v["acked_offset"].as_u64() {
            Some(a) => a as usize,
            None => return Err(format!("no acked_offset; {}", ctx())),
        }
    };
    // Wait until the connections cover `need` (bytes may still be in flight to the sink).
    let end = Instant::now() + Duration::from_secs(10);
    let covered = loop {
        let conns = sink.received();
        let mut covered = 0usize;
        for (i, c) in conns.iter().enumerate() {
            let from = resumes.get(i).copied().unwrap_or(usize::MAX);
            if from == usize::MAX {
                break;
            }
            if from + c.len() > data.len() || c[..] != data[from..from + c.len()] {
                return Err(format!(
                    "connection {i} ({} bytes from offset {from}) differs from the file; {}",
                    c.len(),
                    ctx()
                ));
            }
            if from <= covered {
                covered = covered.max(from + c.len());
            }
        }
        if covered >= need || Instant::now() > end {
            break covered;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    if covered < need {
        return Err(format!(
            "the server holds {covered} contiguous bytes of the file, {need} were reported; {}",
            ctx()
        ));
    }
    if r.code == 0 && sink.received().len() != resumes.len() {
        return Err(format!(
            "{} connections at the server, {} reported; {}",
            sink.received().len(),
            resumes.len(),
            ctx()
        ));
    }
    Ok(format!(
        "seed {seed}: exit {} size {} reconnect {} reconnects {} in {:.1}s",
        r.code,
        p.size,
        p.reconnect,
        resumes.len() - 1,
        r.elapsed.as_secs_f64()
    ))
}

#[test]
fn chaos_push() {
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    let seeds: Vec<u64> = match env("QTCP_CHAOS_SEED") {
        Some(s) => vec![s],
        None => {
            let first = env("QTCP_CHAOS_FIRST").unwrap_or(1);
            (first..first + env("QTCP_CHAOS_RUNS").unwrap_or(8)).collect()
        }
    };
    let jobs = env("QTCP_CHAOS_JOBS").unwrap_or(4) as usize;
    let seeds = Arc::new(seeds);
    let next = Arc::new(AtomicUsize::new(0));
    let results = Arc::new(Mutex::new(Vec::new()));
    let handles: Vec<_> = (0..jobs)
        .map(|_| {
            let (seeds, next, results) = (seeds.clone(), next.clone(), results.clone());
            std::thread::spawn(move || loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(&seed) = seeds.get(i) else { break };
                let r = std::panic::catch_unwind(|| run_one(seed))
                    .unwrap_or_else(|_| Err(format!("seed {seed} (QTCP_CHAOS_SEED={seed}): panicked")));
                results.lock().unwrap().push((seed, r));
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let mut results = std::mem::take(&mut *results.lock().unwrap());
    results.sort_by_key(|(s, _)| *s);
    let (mut ok, mut delivered, mut failed) = (0, 0, Vec::new());
    for (_, r) in &results {
        match r {
            Ok(line) => {
                ok += 1;
                if line.contains("exit 0 ") {
                    delivered += 1;
                }
                eprintln!("{line}");
            }
            Err(e) => failed.push(e.clone()),
        }
    }
    eprintln!(
        "chaos: {ok}/{} runs as documented ({delivered} delivered the whole file), seeds {}..={}",
        results.len(),
        seeds.first().unwrap(),
        seeds.last().unwrap()
    );
    assert!(
        failed.is_empty(),
        "{} failing runs:\n{}",
        failed.len(),
        failed.join("\n---\n")
    );
}
