//! Issue 8: every example in README.md runs, so the docs cannot rot.
//!
//! Fenced blocks tagged `sh` are run in order, with bash, in one temporary directory holding a
//! copy of README.md, with the built `qtcp` first on PATH and HOME pointing into the directory.
//! Blocks tagged `bash file=NAME` are written to NAME (executable) for later blocks to use.
//! `console` blocks are the commands around the build itself (cargo run/install, .ci/run): the
//! first command is checked here with the built binary; `text` blocks are not commands, except
//! `text output`, which must be exactly what the `sh` block before it printed.

use crate::support::*;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Block {
    info: String,
    body: String,
    line: usize,
}

fn blocks(readme: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut cur: Option<Block> = None;
    for (i, line) in readme.lines().enumerate() {
        if let Some(rest) = line.strip_prefix("```") {
            match cur.take() {
                Some(b) => out.push(b),
                None => {
                    cur = Some(Block {
                        info: rest.trim().to_string(),
                        body: String::new(),
                        line: i + 1,
                    })
                }
            }
        } else if let Some(b) = cur.as_mut() {
            b.body.push_str(line);
            b.body.push('\n');
        }
    }
    out
}

fn run_bash(dir: &std::path::Path, path: &str, script: &str, line: usize) -> String {
    use std::os::unix::process::CommandExt;
    let start = Instant::now();
    // Output goes to files, not pipes: a background job the block forgot to stop must not keep
    // the test waiting for end-of-file. The block runs in its own process group, killed after.
    let out_path = dir.join(format!(".block-{line}.out"));
    let out = std::fs::File::create(&out_path).unwrap();
    let mut child = Command::new("bash")
        .args(["-euo", "pipefail", "-c", script])
        .current_dir(dir)
        .env("PATH", path)
        .env("HOME", dir.join("home"))
        .env_remove("QTCP_PORT")
        .stdin(Stdio::null())
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .process_group(0)
        .spawn()
        .unwrap();
    let pgid = child.id() as i32;
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break Some(st);
        }
        if start.elapsed() > Duration::from_secs(120) {
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    unsafe { libc::kill(-pgid, libc::SIGTERM) };
    let _ = child.wait();
    let output = std::fs::read_to_string(&out_path).unwrap_or_default();
    match status {
        Some(st) => assert!(
            st.success(),
            "README.md block at line {line} failed ({st}):\n{script}\noutput:\n{output}"
        ),
        None => {
            panic!("README.md block at line {line} did not finish within 120 s:\n{script}\noutput:\n{output}")
        }
    }
    output
}

#[test]
fn every_readme_example_runs() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(format!("{root}/README.md"), dir.path().join("README.md")).unwrap();
    std::fs::create_dir_all(dir.path().join("home")).unwrap();
    // Completions and man pages, for the install example.
    for sub in ["completions", "man"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        for e in std::fs::read_dir(format!("{root}/{sub}")).unwrap().flatten() {
            std::fs::copy(e.path(), dir.path().join(sub).join(e.file_name())).unwrap();
        }
    }
    let bin_dir = std::path::Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );

    let all = blocks(&readme);
    let mut ran = 0;
    let mut last_output: Option<(usize, String)> = None;
    for b in &all {
        if let Some(name) = b.info.strip_prefix("bash file=") {
            let p = dir.path().join(name.trim());
            std::fs::write(&p, &b.body).unwrap();
            Command::new("chmod").arg("+x").arg(&p).status().unwrap();
        } else if b.info == "sh" {
            last_output = Some((b.line, run_bash(dir.path(), &path, &b.body, b.line)));
            ran += 1;
        } else if b.info == "text output" {
            // What the sh block just before printed, exactly.
            let (at, output) = last_output
                .take()
                .expect("a `text output` block follows an sh block");
            assert_eq!(
                output, b.body,
                "README.md line {}: the output shown is not what the block at line {at} prints",
                b.line
            );
        }
    }
    assert!(ran >= 4, "expected the README's sh examples, ran {ran}");

    // The first command: `cargo run --release --` is the built binary.
    let first = all
        .iter()
        .find(|b| b.info == "console")
        .expect("first commands block");
    let push = first.body.lines().next().unwrap();
    let args = push
        .split('#')
        .next()
        .unwrap()
        .trim()
        .strip_prefix("cargo run --release -- ")
        .expect(push);
    let args: Vec<&str> = args.split_whitespace().collect();
    let mut cmd = vec!["--json"];
    cmd.extend(args);
    let r = qtcp_in(
        Some(std::path::Path::new(root)),
        &cmd,
        None,
        Duration::from_secs(60),
    );
    r.assert_code(0);
    assert_eq!(r.json()["complete"], true);
    assert!(first.body.contains(".ci/run"));
    assert!(std::fs::read_to_string(format!("{root}/.ci/run"))
        .unwrap()
        .contains("cargo test"));
}
