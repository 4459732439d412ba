//! Fault matrix: the real binary against `qtcp sim`, one case per (fault, operation). Each case
//! asserts the documented exit code, that the process ended within its deadline, what the JSON
//! says (acknowledged offset true at the server), and that the next command in the script works
//! (or, for faults that do not go away, what the user must do).
//!
//! All cases run in one test, a few at a time (each has its own simulator, pty and ports), so
//! the failures are reported together. `QTCP_MATRIX_FILTER=peer` runs the cases whose fault or
//! operation contains the text. `QTCP_WRITE_MATRIX=1` rewrites `RELIABILITY-matrix.md` (fault ×
//! operation → expected and observed exit code, seconds, pass/fail); the file is committed.

#[path = "../support/mod.rs"]
mod support;

mod cases;
mod flags_and_signals;

use cases::cases;
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::*;

const FAST: &str = "--delays=fast";
const FILE_LEN: usize = 60_000;
const AT_BYTES: &str = "20000";

#[derive(Default, Clone)]
struct Obs {
    code: Option<i32>,
    secs: f64,
    next: Vec<String>,
}

struct Ctx {
    /// The module family the case runs on (`qtcp sim --model`).
    family: Family,
    expect: i32,
    deadline: Duration,
    obs: Arc<Mutex<Obs>>,
}

impl Ctx {
    /// `qtcp sim --model <family's model> --delays=fast FLAGS`.
    fn sim(&self, flags: &[&str]) -> Sim {
        let mut f = vec![FAST];
        f.extend_from_slice(flags);
        self.family.sim(&f)
    }

    /// `qi` on the QI family, `ctx` on the ctx family: a command's line where they differ.
    fn pick<'a>(&self, qi: &'a str, ctx: &'a str) -> &'a str {
        if self.family.is_ctx() {
            ctx
        } else {
            qi
        }
    }

    /// What probe's `model` says on the family's simulator model.
    fn model(&self) -> &'static str {
        if self.family.is_ctx() {
            "BG96"
        } else {
            "Quectel_M95"
        }
    }

    /// What probe's `manufacturer` says on the family's simulator model.
    fn manufacturer(&self) -> &'static str {
        if self.family.is_ctx() {
            "Quectel"
        } else {
            "Quectel_Ltd"
        }
    }

    /// The operation under test: records code and time, asserts the code and the deadline.
    #[track_caller]
    fn op(&self, sim: &Sim, args: &[&str]) -> Run {
        let r = run(sim, self.deadline + Duration::from_secs(5), args);
        {
            let mut o = self.obs.lock().unwrap();
            o.code = Some(r.code);
            o.secs = r.elapsed.as_secs_f64();
        }
        assert!(
            r.elapsed <= self.deadline,
            "{args:?} took {:?} (deadline {:?})",
            r.elapsed,
            self.deadline
        );
        r.assert_code(self.expect);
        if args.contains(&"--json") && !r.stdout.is_empty() {
            let v = last_json(&r);
            if self.expect != 0 {
                assert_eq!(v["error"]["exit_code"], self.expect, "{v}");
            }
        }
        r
    }

    /// The next command of the script: must exit `code`.
    #[track_caller]
    fn then(&self, sim: &Sim, args: &[&str], code: i32) -> Run {
        let r = run(sim, Duration::from_secs(40), args);
        // The subcommand and its flags (no paths or ports: the file is generated).
        let what = args
            .iter()
            .filter(|a| **a != "--json" && !a.contains('/') && !a.contains(':'))
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        self.obs
            .lock()
            .unwrap()
            .next
            .push(format!("`{what}` → {}", r.code));
        r.assert_code(code);
        r
    }

    fn note(&self, s: &str) {
        self.obs.lock().unwrap().next.push(s.to_string());
    }
}

fn run(sim: &Sim, deadline: Duration, args: &[&str]) -> Run {
    let mut full = vec!["--port", sim.port.as_str()];
    full.extend_from_slice(args);
    qtcp(&full, None, deadline)
}

fn last_json(r: &Run) -> Value {
    let text = String::from_utf8_lossy(&r.stdout);
    let line = text.lines().last().unwrap_or("");
    serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {text:?}\n{}", r.stderr))
}

/// Short guard times for transparent mode (qtcp's --guard must cover them).
const TRANSPARENT_SIM: [&str; 4] = ["--guard-before", "300ms", "--guard-after", "200ms"];

fn transparent_args<'a>(dest: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["--json", "transparent", dest, "--guard", "400ms"];
    a.extend_from_slice(extra);
    a
}

/// A QI-family simulator (the tests beyond the matrix).
fn sim(flags: &[&str]) -> Sim {
    let mut f = vec![FAST];
    f.extend_from_slice(flags);
    Sim::start(&f)
}

fn connect(sim: &Sim, addr: &str) {
    run(sim, Duration::from_secs(30), &["--json", "connect", addr]).assert_code(0);
}

/// The file of a case, and its path.
fn file(sim: &Sim, seed: u64) -> (Vec<u8>, String) {
    let data = random_bytes(FILE_LEN, seed);
    let p = write_file(sim.dir.path(), "data.bin", &data);
    (data, p.to_str().unwrap().to_string())
}

/// The server's first connection starts with the file up to the reported acknowledged offset.
#[track_caller]
fn acked_prefix_true(sink: &Sink, data: &[u8], v: &Value) -> u64 {
    let acked = v["acked_offset"]
        .as_u64()
        .unwrap_or_else(|| panic!("no acked_offset in {v}"));
    let got = sink.wait_total(acked as usize, Duration::from_secs(10));
    assert!(
        got as u64 >= acked,
        "server has {got} bytes, acked_offset {acked}"
    );
    let conns = sink.received();
    let first = conns.first().map(Vec::as_slice).unwrap_or(&[]);
    assert!(
        first.len() as u64 >= acked,
        "first connection {} < acked {acked}",
        first.len()
    );
    assert!(
        first[..acked as usize] == data[..acked as usize],
        "server bytes differ from the file below acked_offset {acked}"
    );
    if let Some(sent) = v["sent_offset"].as_u64() {
        assert!(sent >= acked, "sent_offset {sent} < acked_offset {acked}");
    }
    acked
}

/// Every connection's bytes equal the file from its resume offset, and the last one ends at EOF.
#[track_caller]
fn whole_file_delivered(sink: &Sink, data: &[u8], v: &Value) {
    let resumes: Vec<usize> = std::iter::once(0)
        .chain(
            v["reconnects"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|r| r["resume_offset"].as_u64().unwrap() as usize)
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default(),
        )
        .collect();
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        let conns = sink.received();
        if conns.len() >= resumes.len()
            && conns.last().map(|c| resumes.last().unwrap() + c.len()) >= Some(data.len())
        {
            break;
        }
        assert!(Instant::now() < end, "server never got the whole file: {v}");
        std::thread::sleep(Duration::from_millis(10));
    }
    let conns = sink.received();
    assert_eq!(conns.len(), resumes.len(), "connections vs reconnects: {v}");
    for (i, (c, &from)) in conns.iter().zip(&resumes).enumerate() {
        assert!(from + c.len() <= data.len(), "connection {i} overruns the file");
        assert!(
            c[..] == data[from..from + c.len()],
            "connection {i} differs from the file at {from}"
        );
    }
    assert_eq!(resumes.last().unwrap() + conns.last().unwrap().len(), data.len());
}

/// Wait (with a deadline) until `probe` reports `ip_state`.
fn await_state(sim: &Sim, state: &str) {
    let end = Instant::now() + Duration::from_secs(15);
    loop {
        let r = run(sim, Duration::from_secs(20), &["--json", "probe"]);
        if r.code == 0 && r.json()["ip_state"] == state {
            return;
        }
        assert!(Instant::now() < end, "the module never reached {state}");
    }
}

// ---------------------------------------------------------------------------------------------
// The runner

/// The families every case runs on, in the order of the matrix's rows.
const FAMILIES: [Family; 2] = [Family::QI, Family::CTX];

/// Cases whose documented outcome is not met yet (reported in RELIABILITY.md), as (family,
/// fault, operation, why): they are run and shown in the matrix as KNOWN BUG without failing
/// the suite; one that starts passing fails it, so the entry is removed when the bug is fixed.
const KNOWN_BUGS: &[(&str, &str, &str, &str)] = &[];

struct Row {
    family: &'static str,
    fault: &'static str,
    op: &'static str,
    expect: i32,
    code: Option<i32>,
    secs: f64,
    next: Vec<String>,
    failure: Option<String>,
}

#[test]
fn fault_matrix() {
    let filter = std::env::var("QTCP_MATRIX_FILTER").ok();
    let family_filter = std::env::var("QTCP_MATRIX_FAMILY").ok();
    let all = cases();
    let total = all.len() * FAMILIES.len();
    // One job per (case, family): each case is defined once and run on both families, the
    // ctx run against `qtcp sim --model bg96`.
    let jobs: Vec<(usize, Family)> = all
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            filter
                .as_deref()
                .is_none_or(|f| c.fault.contains(f) || c.op.contains(f))
        })
        .flat_map(|(i, _)| FAMILIES.iter().map(move |f| (i, *f)))
        .filter(|(_, f)| family_filter.as_deref().is_none_or(|n| n == f.name))
        .collect();
    let (cases, jobs) = (Arc::new(all), Arc::new(jobs));
    let rows: Arc<Mutex<Vec<(usize, Row)>>> = Arc::new(Mutex::new(Vec::new()));
    let next = Arc::new(AtomicUsize::new(0));
    let workers: usize = std::env::var("QTCP_MATRIX_JOBS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let handles: Vec<_> = (0..workers)
        .map(|_| {
            let (cases, jobs, rows, next) = (cases.clone(), jobs.clone(), rows.clone(), next.clone());
            std::thread::spawn(move || loop {
                let j = next.fetch_add(1, Ordering::SeqCst);
                let Some(&(i, family)) = jobs.get(j) else { break };
                let case = &cases[i];
                let obs = Arc::new(Mutex::new(Obs::default()));
                let ctx = Ctx {
                    family,
                    expect: case.expect,
                    deadline: Duration::from_secs(case.deadline_s),
                    obs: obs.clone(),
                };
                let f = case.f;
                let res = std::thread::Builder::new()
                    .name(format!("{} / {} / {}", family.name, case.fault, case.op))
                    .spawn(move || f(&ctx))
                    .unwrap()
                    .join();
                let failure = res.err().map(|p| {
                    p.downcast_ref::<String>()
                        .cloned()
                        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_else(|| "panic".into())
                });
                let o = obs.lock().unwrap().clone();
                rows.lock().unwrap().push((
                    j,
                    Row {
                        family: family.name,
                        fault: case.fault,
                        op: case.op,
                        expect: case.expect,
                        code: o.code,
                        secs: o.secs,
                        next: o.next,
                        failure,
                    },
                ));
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let mut rows = std::mem::take(&mut *rows.lock().unwrap());
    rows.sort_by_key(|(j, _)| *j);
    for (_, r) in rows.iter_mut() {
        if let Some(k) = KNOWN_BUGS
            .iter()
            .find(|k| k.0 == r.family && k.1 == r.fault && k.2 == r.op)
        {
            r.failure = match r.failure.take() {
                Some(_) => None,
                None => Some(format!("passes now: remove it from KNOWN_BUGS ({})", k.3)),
            };
            r.next.push(format!("KNOWN BUG: {}", k.3));
        }
    }
    let failed: Vec<&Row> = rows
        .iter()
        .map(|(_, r)| r)
        .filter(|r| r.failure.is_some())
        .collect();
    for (_, r) in &rows {
        eprintln!(
            "{:<3} {:<34} {:<40} expect {:>3} got {:>4} {:>6.2}s {}",
            r.family,
            r.fault,
            r.op,
            r.expect,
            r.code.map_or("-".into(), |c| c.to_string()),
            r.secs,
            if r.failure.is_some() { "FAIL" } else { "pass" }
        );
    }
    for fam in FAMILIES {
        let of: Vec<&Row> = rows
            .iter()
            .map(|(_, r)| r)
            .filter(|r| r.family == fam.name)
            .collect();
        if !of.is_empty() {
            eprintln!(
                "{}: {} of {} cases pass",
                fam.name,
                of.iter().filter(|r| r.failure.is_none()).count(),
                of.len()
            );
        }
    }
    if std::env::var("QTCP_WRITE_MATRIX").as_deref() == Ok("1") && rows.len() == total {
        write_matrix(&rows.iter().map(|(_, r)| r).collect::<Vec<_>>());
    }
    if !failed.is_empty() {
        let mut msg = format!("{} of {} cases failed:\n", failed.len(), rows.len());
        for r in failed {
            msg.push_str(&format!(
                "- {} / {} / {}: {}\n",
                r.family,
                r.fault,
                r.op,
                r.failure.as_deref().unwrap_or("")
            ));
        }
        panic!("{msg}");
    }
}

fn write_matrix(rows: &[&Row]) {
    let mut s = String::from(
        "# Fault matrix\n\n\
         Generated by `QTCP_WRITE_MATRIX=1 cargo test --test fault_matrix` (tests/fault_matrix/): \
         the real `qtcp` binary against `qtcp sim --delays fast` with the fault injected during the \
         operation. Every case is defined once and run on both module families: *family* `qi` is \
         `qtcp sim --model m95` (`AT+QIOPEN=\"TCP\",...`), `ctx` is `qtcp sim --model bg96` \
         (`AT+QIOPEN=<cid>,<id>,...`; the simulator gives each fault the context dialect's \
         signal: `+QIURC: \"closed\"`, `+QIURC: \"pdpdeact\"`, `+QIOPEN: <id>,566`...); the \
         expected exit code is the same contract on both. *expected* is the documented exit code, *observed* what the run returned, \
         *s* its duration in seconds on the machine that generated the file (each case also has a \
         deadline, *limit*); *next* is the next command of the script and its exit code, run \
         against the same simulator after the fault (or what the user must do). A case passes \
         when the exit code, the deadline, the JSON (acknowledged offset true at the server, \
         whole file for successful pushes) and the next step are all as expected.\n\n\
         | fault | operation | family | expected | observed | s | limit | next | result |\n\
         |---|---|---|---|---|---|---|---|---|\n",
    );
    let limits: std::collections::HashMap<(&str, &str), u64> =
        cases().iter().map(|c| ((c.fault, c.op), c.deadline_s)).collect();
    for r in rows {
        s.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {:.1} | {} | {} | {} |\n",
            r.fault,
            r.op,
            r.family,
            r.expect,
            r.code.map_or("hang".into(), |c| c.to_string()),
            r.secs,
            limits.get(&(r.fault, r.op)).copied().unwrap_or(0),
            r.next.join("; "),
            if r.failure.is_some() {
                "**FAIL**"
            } else if r.next.iter().any(|n| n.starts_with("KNOWN BUG")) {
                "**KNOWN BUG**"
            } else {
                "pass"
            }
        ));
    }
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("RELIABILITY-matrix.md");
    std::fs::write(path, s).unwrap();
}
