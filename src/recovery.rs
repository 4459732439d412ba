//! The recommended process's chapter 9: a module that does not answer is hung and must be
//! reset, but not too often. With `--reset-cmd` (a user command that power-cycles the module,
//! e.g. through a GPIO), qtcp resets a module that failed to synchronise and applies the
//! document's back-off between consecutive resets (three quick ones, the fourth at once, then
//! 10 min, 30 min, 1 h, 1 h ...), remembered per port across invocations in a small state file,
//! so a provisioning loop cannot hammer a broken module.

use crate::error::{Error, ErrorClass, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long after the `n`-th consecutive reset (1-based) the next one may happen.
pub fn backoff_after(n: u32) -> Duration {
    match n {
        0..=3 => Duration::ZERO,
        4 => Duration::from_secs(10 * 60),
        5 => Duration::from_secs(30 * 60),
        _ => Duration::from_secs(60 * 60),
    }
}

/// Where per-port state lives: `$QTCP_STATE_DIR`, else `$XDG_STATE_HOME/qtcp`, else
/// `~/.local/state/qtcp`.
pub fn default_state_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("QTCP_STATE_DIR") {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("XDG_STATE_HOME") {
        return PathBuf::from(d).join("qtcp");
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp"));
    home.join(".local/state/qtcp")
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct ResetState {
    /// Resets in a row that were not followed by a module that answered on its own.
    pub consecutive: u32,
    /// Unix time of the last reset.
    pub last_reset: u64,
}

#[derive(Debug, Clone)]
pub struct ResetPolicy {
    pub command: String,
    pub state_file: PathBuf,
    pub timeout: Duration,
}

fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The state file for a port: one file per port, named after the port path.
pub fn state_file(dir: &Path, port: &str) -> PathBuf {
    let name: String = port
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    dir.join(format!("reset-{name}.json"))
}

impl ResetPolicy {
    pub fn load(&self) -> ResetState {
        std::fs::read(&self.state_file)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    fn save(&self, st: &ResetState) {
        if let Some(dir) = self.state_file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let tmp = self.state_file.with_extension("tmp");
        if std::fs::write(&tmp, serde_json::to_vec(st).unwrap_or_default()).is_ok() {
            let _ = std::fs::rename(&tmp, &self.state_file);
        }
    }

    /// The module answered without a reset: the run of consecutive resets is over.
    pub fn module_answered(&self) {
        if self.load().consecutive != 0 {
            self.save(&ResetState::default());
        }
    }

    /// Reset the module if the back-off allows it. Errors (class `ModuleSilent`) say when the
    /// next reset is allowed, or why the command failed.
    pub fn reset(&self) -> Result<u32> {
        let st = self.load();
        let wait = backoff_after(st.consecutive);
        let next = st.last_reset + wait.as_secs();
        let now = now_unix();
        if st.consecutive > 0 && now < next {
            return Err(Error::silent(format!(
                "the module is hung and was reset {} times in a row; the next reset is allowed in {} \
                 (back-off of the recommended process; state in {})",
                st.consecutive,
                humantime::format_duration(Duration::from_secs(next - now)),
                self.state_file.display()
            ))
            .with_cause(crate::error::Cause::ResetBackoff {
                resets_in_a_row: st.consecutive,
                next_reset_in_s: next - now,
            }));
        }
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(&self.command)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| {
                Error::new(
                    ErrorClass::ModuleSilent,
                    format!("--reset-cmd could not start: {e}"),
                )
            })?;
        let deadline = std::time::Instant::now() + self.timeout;
        let status = loop {
            if let Some(st) = child.try_wait().ok().flatten() {
                break st;
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Error::silent(format!(
                    "--reset-cmd did not finish within {}",
                    humantime::format_duration(self.timeout)
                )));
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let n = st.consecutive + 1;
        self.save(&ResetState {
            consecutive: n,
            last_reset: now_unix(),
        });
        if !status.success() {
            return Err(Error::silent(format!("--reset-cmd failed ({status})")));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_follows_the_document() {
        let mins: Vec<u64> = (1..=8).map(|n| backoff_after(n).as_secs() / 60).collect();
        assert_eq!(mins, vec![0, 0, 0, 10, 30, 60, 60, 60]);
    }
}
