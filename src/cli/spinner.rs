//! The spinner of the core's waits ("QIOPEN 220.180.239.212:8063, 3 s of 76 s") and of the SIM
//! wait, and push's phase lines: on a terminal only, never with --quiet or --json.

use crate::proc::probe::SimWaiting;
use crate::progress::{Wait, Waiting};
use std::sync::Arc;
use std::time::Duration;

/// A spinner on stderr with what is awaited and for how long ("waiting for GPRS attach, 12 s of
/// 60 s"), drawn while a wait lasts; nothing off a terminal, with --quiet or --json. It also
/// prints the lines of push's phases, on a terminal only.
pub struct Spinner {
    visible: bool,
    /// The spinner of the wait in progress, if any.
    bar: Arc<std::sync::Mutex<Option<indicatif::ProgressBar>>>,
}

/// The spinner of the SIM wait (attach, push, probe --expect ready).
pub type SimSpinner = Spinner;

/// What a command line waits for, in words.
fn awaited(cmd: &str) -> String {
    let upper = cmd.to_ascii_uppercase();
    if upper.starts_with("AT+QIOPEN=") {
        // AT+QIOPEN=[<index>,]"TCP","<host>",<port>
        let f: Vec<&str> = cmd["AT+QIOPEN=".len()..]
            .split(',')
            .map(|f| f.trim().trim_matches('"'))
            .collect();
        if f.len() >= 3 {
            return format!("QIOPEN {}:{}", f[f.len() - 2], f[f.len() - 1]);
        }
    }
    match upper.as_str() {
        "AT+QIACT" => "activating the context (QIACT)".into(),
        "AT+QIDEACT" => "deactivating the context (QIDEACT)".into(),
        "AT+CGATT=1" => "GPRS attach (CGATT=1)".into(),
        _ if upper.starts_with("AT+QIDNSGIP=") => {
            format!("resolving {} (QIDNSGIP)", cmd[12..].trim_matches('"'))
        }
        _ => cmd.to_string(),
    }
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Start (`Some`) or end (`None`) the spinner of a wait.
fn draw_wait(slot: &std::sync::Mutex<Option<indicatif::ProgressBar>>, visible: bool, w: Option<&Waiting>) {
    let mut slot = lock(slot);
    if let Some(old) = slot.take() {
        old.finish_and_clear();
    }
    let (Some(w), true) = (w, visible) else {
        return;
    };
    let what = match &w.wait {
        Wait::Network => "waiting for registration and GPRS attach".to_string(),
        Wait::Command(c) => awaited(c),
    };
    let of = w.timeout.as_secs();
    let style = indicatif::ProgressStyle::with_template("{spinner} {msg}, {waited} of {of}")
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner())
        .with_key(
            "waited",
            |st: &indicatif::ProgressState, out: &mut dyn std::fmt::Write| {
                let _ = write!(out, "{} s", st.elapsed().as_secs());
            },
        )
        .with_key(
            "of",
            move |_: &indicatif::ProgressState, out: &mut dyn std::fmt::Write| {
                let _ = write!(out, "{of} s");
            },
        );
    let bar = indicatif::ProgressBar::new_spinner()
        .with_style(style)
        .with_message(what);
    bar.enable_steady_tick(Duration::from_millis(100));
    *slot = Some(bar);
}

impl Spinner {
    pub fn new(visible: bool) -> Spinner {
        Spinner {
            visible,
            bar: Arc::new(std::sync::Mutex::new(None)),
        }
    }

    /// The SIM is still starting (its wait reports itself every poll).
    pub fn waiting(&self, w: &SimWaiting) {
        if !self.visible {
            return;
        }
        let mut slot = lock(&self.bar);
        let bar = slot.get_or_insert_with(|| {
            let b = indicatif::ProgressBar::new_spinner();
            b.enable_steady_tick(Duration::from_millis(100));
            b
        });
        bar.set_message(format!(
            "waiting for the SIM to start ({}): {:.0} s of {}",
            w.sim,
            w.waited.as_secs_f64(),
            humantime::format_duration(w.timeout)
        ));
    }

    /// A wait of the core starts (`Some`: what, and for how long at most) or ends (`None`).
    pub fn wait(&self, w: Option<&Waiting>) {
        draw_wait(&self.bar, self.visible, w)
    }

    /// The session hook that draws the core's waits on this spinner.
    pub fn hook(&self) -> crate::progress::OnWait {
        let (bar, visible) = (self.bar.clone(), self.visible);
        Box::new(move |w| draw_wait(&bar, visible, w))
    }

    /// One line on stderr (a phase of push that completed); nothing when hidden.
    pub fn line(&self, text: &str) {
        if !self.visible {
            return;
        }
        match lock(&self.bar).as_ref() {
            Some(bar) => bar.suspend(|| eprintln!("{text}")),
            None => eprintln!("{text}"),
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(bar) = lock(&self.bar).take() {
            bar.finish_and_clear();
        }
    }
}
