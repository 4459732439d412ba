//! `cargo bench --bench qtcp`: end-to-end figures of the `qtcp` binary against `qtcp sim`, each
//! run as its own process, printed as a table and written to BENCHMARKS.md.
//!
//! 1. push goodput against the link's bottleneck, for several link profiles, and the same push
//!    with the recommended process's literal rule (`--window 3000 --poll-min 5s --poll-max 5s`);
//! 2. receive goodput (retrieve mode, `qtcp recv` after `attach --recv retrieve` and `connect`)
//!    the same way, against the downlink or the line with its QIRD framing; the received
//!    bytes' SHA-256 is checked; 1b and 2b: the same for a BG96-family module (`--model bg96`,
//!    the context dialect's framing in the bottleneck);
//! 3. unpaced throughput and CPU (qtcp and the simulator separately) of push and of recv, with a
//!    pty ping-pong floor;
//! 4. peak RSS for small and large pushes;
//! 5. start-up: wall time of `qtcp probe`;
//! 6. many modules on one host: N simulators and one `qtcp push` over a glob of them.
//!
//! Environment: `QTCP_BENCH_QUICK=1` scales every size down (a smoke run of about a minute;
//! BENCHMARKS.md is then not written), `QTCP_BENCH_ONLY=push,recv,ctx,unpaced,memory,startup,many` picks
//! sections, `QTCP_BENCH_MANY=1,16,64` sets the module counts of the many-modules section, `QTCP_BENCH_BIG=N` sets the large push of the memory section in MiB (default 1024),
//! `QTCP_BENCH_OUT=FILE` writes the table elsewhere.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

#[path = "../tests/support/mod.rs"]
mod support;

use support::{Rng, Sim, Usage};

#[path = "qtcp/fixtures.rs"]
mod fixtures;
#[path = "qtcp/floor.rs"]
mod floor;
#[path = "qtcp/profiles.rs"]
mod profiles;

use fixtures::*;
use floor::*;
use profiles::*;

const MIB: f64 = 1024.0 * 1024.0;

/// A `qtcp sim` with these space-separated flags (the harness's, stderr on ours).
fn start_sim(flags: &str) -> Sim {
    Sim::start(&flags.split_whitespace().collect::<Vec<_>>())
}

/// Run `qtcp ARGS` to completion: its JSON output and what it cost.
fn qtcp(args: &[String]) -> (serde_json::Value, Usage) {
    let (out, err, u) = qtcp_raw(args);
    let v = serde_json::from_str(out.trim()).unwrap_or(serde_json::Value::Null);
    if u.status != 0 {
        eprintln!("qtcp {args:?} exited {}: {out}{err}", u.status);
    }
    (v, u)
}

/// Run `qtcp ARGS` to completion (the harness's run, with a deadline no bench run reaches): its
/// stdout, stderr and what it cost.
fn qtcp_raw(args: &[String]) -> (String, String, Usage) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = support::qtcp(&args, None, Duration::from_secs(24 * 3600));
    (String::from_utf8_lossy(&r.stdout).into_owned(), r.stderr, r.usage)
}

struct Bench {
    quick: bool,
    dir: tempfile::TempDir,
    sink: Server,
    source: Source,
    /// The unpaced receive row, for the table of section 3.
    unpaced_recv: Option<String>,
    md: String,
    notes: Vec<String>,
    /// The pty ping-pong floor, measured before any thread started.
    floor: (f64, f64, f64),
}

fn port_args(sim: &Sim, baud: Option<u32>) -> Vec<String> {
    let mut a = vec![
        "--port".to_string(),
        sim.port.clone(),
        "--json".into(),
        "-q".into(),
    ];
    if let Some(b) = baud {
        a.push("--baud".into());
        a.push(b.to_string());
    }
    a
}

/// CPU time over wall time of one process (the share of a core it used while it ran).
fn cpu_share(u: &Usage) -> String {
    format!("{:.3}", u.cpu / u.wall.max(1e-9))
}

fn fmt_rate(bps: f64) -> String {
    if bps >= 1e6 {
        format!("{:.2} MB/s", bps / 1e6)
    } else {
        format!("{:.0} B/s", bps)
    }
}

impl Bench {
    fn sim_flags(&self, extra: &str) -> String {
        format!(
            "--delays fast --map 1.2.3.4:80=127.0.0.1:{} {extra}",
            self.sink.port
        )
    }

    /// One push through a fresh simulator: (goodput by wall time, report, qtcp usage, sim usage).
    fn push(
        &self,
        sim_flags: &str,
        baud: Option<u32>,
        file: &Path,
        extra: &[&str],
    ) -> (f64, serde_json::Value, Usage, Usage) {
        let sim = start_sim(&self.sim_flags(sim_flags));
        let size = std::fs::metadata(file).unwrap().len();
        self.sink.take();
        let mut args = port_args(&sim, baud);
        args.push("push".into());
        args.push(file.display().to_string());
        args.push("1.2.3.4:80".into());
        args.extend(extra.iter().map(|s| s.to_string()));
        let (v, u) = qtcp(&args);
        let su = sim.stop().usage;
        let got = self.sink.take();
        let ok = v["ok"].as_bool() == Some(true) && v["bytes_acked"].as_u64() == Some(size);
        assert!(ok, "push failed: {v}");
        // the sink may still be draining the last bytes; acknowledged means delivered
        let _ = got;
        (size as f64 / u.wall, v, u, su)
    }

    fn section_push(&mut self, f: &Framing, heading: &str) {
        let target_s = if self.quick { 3.0 } else { 15.0 };
        let base_bytes: u64 = if self.quick { 3000 } else { 8192 };
        let mut t = String::new();
        let _ = writeln!(
            t,
            "| profile | simulator flags | size | bottleneck | what sets it | qtcp goodput | ratio | \
             polls | qtcp CPU/wall | sim CPU/wall | literal rule (size) | literal goodput | literal ratio |"
        );
        let _ = writeln!(t, "|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for p in profiles() {
            let (bn, what) = p.push_bottleneck(f);
            let size = ((bn * target_s) as u64 / 1024).max(2) * 1024;
            let file = random_file(self.dir.path(), size);
            let flags = format!("{} {}", f.model, p.flags);
            let (g, v, qu, su) = self.push(&flags, p.baud, &file, &[]);
            let bfile = random_file(self.dir.path(), base_bytes);
            let (bg, _, _, _) = self.push(
                &flags,
                p.baud,
                &bfile,
                &["--window", "3000", "--poll-min", "5s", "--poll-max", "5s"],
            );
            let row = format!(
                "| {} | `{}` | {} KiB | {} | {} | {} | **{:.2}** | {} | {} | {} | {} B | {} | {:.2} |",
                p.name,
                flags.trim(),
                size / 1024,
                fmt_rate(bn),
                what,
                fmt_rate(g),
                g / bn,
                v["polls"],
                cpu_share(&qu),
                cpu_share(&su),
                base_bytes,
                fmt_rate(bg),
                bg / bn
            );
            println!("{row}");
            let _ = writeln!(t, "{row}");
        }
        let _ = writeln!(self.md, "## {heading}: {}\n", f.name);
        self.md.push_str(&t);
        self.md.push('\n');
    }

    fn recv_available(&self) -> bool {
        Command::new(support::BIN)
            .args(["recv", "--help"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// One receive through a fresh simulator: attach (retrieve mode), connect to the source,
    /// then `qtcp recv --bytes N --out FILE`, with the source starting to send when recv is
    /// spawned. Checks the file's SHA-256. Returns (goodput by recv wall time, chunks, recv
    /// usage, sim usage).
    fn recv(&self, sim_flags: &str, baud: Option<u32>, bytes: u64) -> (f64, u64, Usage, Usage) {
        let flags = format!(
            "--delays fast --map 1.2.3.4:80=127.0.0.1:{} {sim_flags}",
            self.source.port
        );
        let sim = start_sim(&flags);
        self.source.arm(bytes);
        let port = port_args(&sim, baud);
        for step in [
            &["attach", "--apn", "bench", "--recv", "retrieve"][..],
            &["connect", "1.2.3.4:80"][..],
        ] {
            let mut a = port.clone();
            a.extend(step.iter().map(|s| s.to_string()));
            let (v, u) = qtcp(&a);
            assert_eq!(u.status, 0, "{step:?}: {v}");
        }
        let out = self.dir.path().join(format!("recv-{bytes}"));
        let mut a: Vec<String> = vec!["--port".into(), sim.port.clone()];
        if let Some(b) = baud {
            a.extend(["--baud".into(), b.to_string()]);
        }
        a.extend(
            [
                "recv",
                "--mode",
                "retrieve",
                "--bytes",
                &bytes.to_string(),
                "--out",
            ]
            .iter()
            .map(|s| s.to_string()),
        );
        a.push(out.display().to_string());
        self.source.go();
        let (_, err, u) = qtcp_raw(&a);
        let su = sim.stop().usage;
        assert_eq!(u.status, 0, "qtcp recv: {err}");
        // `qtcp recv: N bytes in C chunks, ...`
        let chunks = err
            .split(" bytes in ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let got = std::fs::metadata(&out).map_or(0, |m| m.len());
        assert_eq!(got, bytes, "received {got} of {bytes} bytes");
        assert_eq!(
            file_hash(&out),
            stream_hash(bytes),
            "received bytes differ from sent"
        );
        let _ = std::fs::remove_file(&out);
        (bytes as f64 / u.wall, chunks, u, su)
    }

    fn section_recv(&mut self, f: &Framing, heading: &str) {
        let _ = writeln!(self.md, "## {heading}: {}\n", f.name);
        if !self.recv_available() {
            println!("recv: `qtcp recv` does not exist in this build: skipped");
            self.md
                .push_str("`qtcp recv` is not in this build yet: not measured.\n\n");
            return;
        }
        let target_s = if self.quick { 3.0 } else { 15.0 };
        let mut t = String::new();
        let _ = writeln!(
            t,
            "| profile | simulator flags | size | bottleneck | what sets it | qtcp goodput | ratio | \
             QIRD reads (mean size) | qtcp CPU | sim CPU | qtcp CPU/wall | sim CPU/wall | SHA-256 |"
        );
        let _ = writeln!(t, "|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for p in profiles() {
            let (bn, what) = p.recv_bottleneck(f);
            let size = ((bn * target_s) as u64 / 1024).max(2) * 1024;
            let flags = format!("{} {}", f.model, p.recv_flags);
            let (g, chunks, qu, su) = self.recv(&flags, p.baud, size);
            let row = format!(
                "| {} | `{}` | {} KiB | {} | {} | {} | **{:.2}** | {} ({:.0} B) | {:.2} s | {:.2} s | {} | {} | match |",
                p.name,
                flags.trim(),
                size / 1024,
                fmt_rate(bn),
                what,
                fmt_rate(g),
                g / bn,
                chunks,
                size as f64 / chunks.max(1) as f64,
                qu.cpu,
                su.cpu,
                cpu_share(&qu),
                cpu_share(&su),
            );
            println!("{row}");
            let _ = writeln!(t, "{row}");
        }
        self.md.push_str(&t);
        self.md.push('\n');
        if !f.model.is_empty() {
            // Section 3's unpaced row is the M95 family's.
            return;
        }

        // unpaced
        let size: u64 = if self.quick { 4 << 20 } else { 64 << 20 };
        let (g, chunks, qu, su) = self.recv("", None, size);
        let mib = size as f64 / MIB;
        let row = format!(
            "| recv (retrieve, QIRD 1500), unpaced pty | {} MiB | {:.2} s | **{:.2} MB/s** | {:.2} s | **{:.1} ms** | {:.2} s | {:.1} ms |",
            size >> 20,
            qu.wall,
            g / 1e6,
            qu.cpu,
            qu.cpu / mib * 1e3,
            su.cpu,
            su.cpu / mib * 1e3
        );
        println!(
            "{row}  (chunks {chunks}; sim peak RSS {:.0} MiB)",
            su.maxrss_kib as f64 / 1024.0
        );
        self.unpaced_recv = Some(row);
    }

    fn section_unpaced(&mut self) {
        let size: u64 = if self.quick { 4 << 20 } else { 64 << 20 };
        let file = random_file(self.dir.path(), size);
        let (g, v, qu, su) = self.push("", None, &file, &[]);
        let mib = size as f64 / MIB;
        let floor = self.floor;
        let mut t = String::new();
        let _ = writeln!(
            t,
            "| what | size | wall | throughput | qtcp CPU | qtcp CPU/MiB | sim CPU | sim CPU/MiB |"
        );
        let _ = writeln!(t, "|---|---|---|---|---|---|---|---|");
        let row = format!(
            "| push, unpaced pty | {} MiB | {:.2} s | **{:.2} MB/s** | {:.2} s | **{:.1} ms** | {:.2} s | {:.1} ms |",
            size >> 20,
            qu.wall,
            g / 1e6,
            qu.cpu,
            qu.cpu / mib * 1e3,
            su.cpu,
            su.cpu / mib * 1e3
        );
        println!("{row}  (chunks {}, polls {})", v["chunks"], v["polls"]);
        let _ = writeln!(t, "{row}");
        if let Some(r) = self.unpaced_recv.take() {
            let _ = writeln!(t, "{r}");
        }
        let row = format!(
            "| reference: bare pty ping-pong of the same exchange between two single-threaded processes | {:.0} MiB | {:.2} s | {:.2} MB/s | {:.2} s (host side) | {:.1} ms | | |",
            floor.0 / MIB,
            floor.1,
            floor.0 / floor.1 / 1e6,
            floor.2,
            floor.2 / (floor.0 / MIB) * 1e3
        );
        println!("{row}");
        let _ = writeln!(t, "{row}");
        let bare_chunks = if self.quick { 2000 } else { 20000 };
        let sim = start_sim(&self.sim_flags(""));
        let bare = bare_host(&sim.port, bare_chunks);
        let su = sim.stop().usage;
        if let Some(bare) = bare {
            // The bare host does not ask for acknowledgements at the end: the sink must still
            // have received every byte (it may be draining the last ones after the close).
            let want = bare.0 as u64;
            let until = Instant::now() + Duration::from_secs(10);
            while self.sink.received.load(Ordering::Relaxed) < want && Instant::now() < until {
                thread::sleep(Duration::from_millis(10));
            }
            let got = self.sink.take();
            assert_eq!(got, want, "bare host: the sink got {got} of {want} bytes");
            let row = format!(
                "| reference: the same push exchange by a bare host (one thread, raw poll/read/write, QISACK every 5 chunks) against `qtcp sim` | {:.0} MiB | {:.2} s | {:.2} MB/s | {:.2} s (host side) | {:.1} ms | {:.2} s | {:.1} ms |",
                bare.0 / MIB,
                bare.1,
                bare.0 / bare.1 / 1e6,
                bare.2,
                bare.2 / (bare.0 / MIB) * 1e3,
                su.cpu,
                su.cpu / (bare.0 / MIB) * 1e3
            );
            println!("{row}");
            let _ = writeln!(t, "{row}");
            let _ = writeln!(
                t,
                "\nRatios in this run: qtcp's push / the floor = **{:.2}**; the bare host against the \
                 simulator / the floor = {:.2}; qtcp's push / the bare host = {:.2}.",
                g / 1e6 / (floor.0 / floor.1 / 1e6),
                (bare.0 / bare.1) / (floor.0 / floor.1),
                g / (bare.0 / bare.1)
            );
        } else {
            eprintln!("bare host: the simulator did not connect; row left out");
        }
        self.md.push_str("## 3. Unpaced throughput and CPU\n\n");
        self.md.push_str(&t);
        self.md.push('\n');
    }

    fn section_memory(&mut self) {
        let big_mib: u64 = std::env::var("QTCP_BENCH_BIG")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(if self.quick { 16 } else { 1024 });
        let mut t = String::new();
        let _ = writeln!(
            t,
            "| file | wall | throughput | qtcp peak RSS | simulator peak RSS |"
        );
        let _ = writeln!(t, "|---|---|---|---|---|");
        for (name, file) in [
            ("1 MiB random", random_file(self.dir.path(), 1 << 20)),
            ("big sparse (zeros)", sparse_file(self.dir.path(), big_mib << 20)),
        ] {
            let (g, _, qu, su) = self.push("", None, &file, &[]);
            let size = std::fs::metadata(&file).unwrap().len();
            let row = format!(
                "| {} ({} MiB) | {:.1} s | {:.2} MB/s | **{:.1} MiB** | {:.1} MiB |",
                name,
                size >> 20,
                qu.wall,
                g / 1e6,
                qu.maxrss_kib as f64 / 1024.0,
                su.maxrss_kib as f64 / 1024.0
            );
            println!("{row}");
            let _ = writeln!(t, "{row}");
        }
        self.md.push_str("## 4. Peak memory of a push\n\n");
        self.md.push_str(&t);
        self.md.push('\n');
    }

    /// Many modules on one host (issue 13, item 2): N simulators on the GPRS-like link, linked
    /// as `DIR/ttyM*`, and one `qtcp push` over that glob driving them all concurrently, 64 KiB
    /// each. Aggregate goodput against N × the per-link bottleneck, the CPU of every process
    /// together, and the peak RSS of each kind of process.
    fn section_many(&mut self) {
        let counts: Vec<usize> = std::env::var("QTCP_BENCH_MANY")
            .ok()
            .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
            // one module first: the same push alone, so the fixed cost of a 64 KiB push
            // (sync, connect, first and last round trip) is not taken for a scaling loss
            .unwrap_or_else(|| if self.quick { vec![1, 4] } else { vec![1, 16, 64] });
        let size: u64 = if self.quick { 8 << 10 } else { 64 << 10 };
        let p = profiles()
            .into_iter()
            .find(|p| p.name == "GPRS-like")
            .expect("GPRS-like profile");
        let (bn, what) = p.push_bottleneck(&QI);
        let mut t = String::new();
        let _ = writeln!(
            t,
            "| modules | size each | per-link bottleneck | aggregate goodput | vs N × bottleneck | \
             send phases' goodput (sum) | vs N × bottleneck | push wall | qtcp CPU | simulators' CPU | all CPU / push wall | qtcp peak RSS | \
             simulator peak RSS (max) | pushes complete |"
        );
        let _ = writeln!(t, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for n in counts {
            let dir = self.dir.path().join(format!("many-{n}"));
            std::fs::create_dir_all(&dir).expect("many dir");
            let sims: Vec<Sim> = (0..n)
                .map(|i| {
                    let link = dir.join(format!("ttyM{i:03}"));
                    start_sim(&self.sim_flags(&format!("{} --link {}", p.flags, link.display())))
                })
                .collect();
            let file = random_file(self.dir.path(), size);
            self.sink.take();
            let mut args: Vec<String> = vec![
                "--json".into(),
                "-q".into(),
                "--port".into(),
                format!("{}/ttyM*", dir.display()),
            ];
            if let Some(b) = p.baud {
                args.extend(["--baud".into(), b.to_string()]);
            }
            args.extend(["push".into(), file.display().to_string(), "1.2.3.4:80".into()]);
            let (out, err, qu) = qtcp_raw(&args);
            let sus: Vec<Usage> = sims.into_iter().map(|s| s.stop().usage).collect();
            let done: Vec<serde_json::Value> = out
                .lines()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .filter(|v| v["ok"].as_bool() == Some(true) && v["bytes_acked"].as_u64() == Some(size))
                .collect();
            let complete = done.len();
            // Each push's own goodput (its send phase, first byte to last acknowledgement),
            // summed: what the links carried, without the setup every push pays once.
            let data_phase: f64 = done.iter().filter_map(|v| v["goodput_bps"].as_f64()).sum();
            if complete < n {
                eprintln!(
                    "many {n}: {complete} of {n} pushes complete (exit {}): {err}",
                    qu.status
                );
            }
            let agg = (complete as u64 * size) as f64 / qu.wall;
            let sim_cpu: f64 = sus.iter().map(|u| u.cpu).sum();
            let sim_rss = sus.iter().map(|u| u.maxrss_kib).max().unwrap_or(0);
            let row = format!(
                "| {n} | {} KiB | {} ({what}) | {} | **{:.2}** | {} | **{:.2}** | {:.1} s | {:.2} s | {:.2} s | {:.3} | {:.1} MiB | {:.1} MiB | {complete}/{n} |",
                size >> 10,
                fmt_rate(bn),
                fmt_rate(agg),
                agg / (n as f64 * bn),
                fmt_rate(data_phase),
                data_phase / (n as f64 * bn),
                qu.wall,
                qu.cpu,
                sim_cpu,
                (qu.cpu + sim_cpu) / qu.wall,
                qu.maxrss_kib as f64 / 1024.0,
                sim_rss as f64 / 1024.0,
            );
            println!("{row}");
            let _ = writeln!(t, "{row}");
            let _ = std::fs::remove_dir_all(&dir);
        }
        self.md
            .push_str("## 6. Many modules on one host (GPRS-like, one `qtcp push` over a glob)\n\n");
        self.md.push_str(&t);
        self.md.push('\n');
    }

    fn section_startup(&mut self) {
        let sim = start_sim(&self.sim_flags(""));
        let n = if self.quick { 5 } else { 20 };
        let mut walls = Vec::new();
        for _ in 0..n {
            let (v, u) = qtcp(&["--port".into(), sim.port.clone(), "--json".into(), "probe".into()]);
            assert_eq!(v["ok"].as_bool(), Some(true), "probe: {v}");
            walls.push(u.wall);
        }
        let _ = sim.stop();
        walls.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let med = walls[walls.len() / 2];
        let row = format!(
            "| `qtcp --port <sim pty> probe` | {n} | {:.1} ms | **{:.1} ms** | {:.1} ms |",
            walls[0] * 1e3,
            med * 1e3,
            walls[walls.len() - 1] * 1e3
        );
        println!("{row}");
        self.md
            .push_str("## 5. Start-up\n\n| command | runs | min | median | max |\n|---|---|---|---|---|\n");
        self.md.push_str(&row);
        self.md.push_str("\n\n");
    }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = thread::available_parallelism().map_or(0, |n| n.get());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .unwrap_or_default()
        .trim()
        .to_string();
    format!("{cores} cores ({cpu}), Linux {kernel}")
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

fn main() {
    let quick = std::env::var("QTCP_BENCH_QUICK").is_ok_and(|v| v != "0" && !v.is_empty());
    let only: Option<Vec<String>> = std::env::var("QTCP_BENCH_ONLY")
        .ok()
        .map(|s| s.split(',').map(|x| x.trim().to_string()).collect());
    let want = |s: &str| only.as_ref().is_none_or(|o| o.iter().any(|x| x == s));
    let floor = pingpong(if quick { 2000 } else { 20000 });
    let mut b = Bench {
        floor,
        quick,
        dir: tempfile::tempdir().expect("tempdir"),
        sink: Server::sink(),
        source: Source::start(),
        unpaced_recv: None,
        md: String::new(),
        notes: Vec::new(),
    };
    let t0 = Instant::now();
    let load_before = loadavg();
    println!("qtcp benchmarks on {}; load average {load_before}", machine());
    if want("push") {
        b.section_push(&QI, "1. Push goodput against the bottleneck");
    }
    if want("recv") {
        b.section_recv(&QI, "2. Receive goodput (retrieve mode)");
    }
    if want("ctx") {
        b.section_push(&CTX, "1b. Push goodput against the bottleneck");
        b.section_recv(&CTX, "2b. Receive goodput (buffer access mode)");
    }
    if want("unpaced") {
        b.section_unpaced();
    } else if let Some(r) = b.unpaced_recv.take() {
        b.md.push_str(
            "## 3. Unpaced throughput and CPU\n\n| what | size | wall | throughput | qtcp CPU | \
             qtcp CPU/MiB | sim CPU | sim CPU/MiB |\n|---|---|---|---|---|---|---|---|\n",
        );
        b.md.push_str(&r);
        b.md.push_str("\n\n");
    }
    if want("memory") {
        b.section_memory();
    }
    if want("startup") {
        b.section_startup();
    }
    if want("many") {
        b.section_many();
    }
    let total = t0.elapsed().as_secs_f64();
    let load_after = loadavg();
    println!("total {total:.0} s; load average {load_after}");
    let _ = &b.notes;
    if quick {
        return;
    }
    let out = std::env::var("QTCP_BENCH_OUT")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("BENCHMARKS.md"));
    let mut md = String::new();
    let _ = writeln!(md, "# qtcp benchmarks\n");
    let _ = writeln!(
        md,
        "Generated by `cargo bench --bench qtcp` ({total:.0} s). Machine: {}. Load average \
         {load_before} before, {load_after} after (the machine is shared: figures are noisy).\n",
        machine()
    );
    md.push_str(&b.md);
    if let Ok(notes) = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/NOTES.md"))
    {
        md.push_str(&notes);
    }
    std::fs::write(&out, md).expect("write BENCHMARKS.md");
    println!("wrote {}", out.display());
}
