//! Small pieces of the human text every command shares: aligned label rows, rates, counts,
//! and the TCP/IP state in words.

/// Human text as aligned `Label    value` rows, the important row first (as `mmcli -m 0` and
/// `ip -br` lay out a status); rows with an empty value are left out.
pub fn rows(rows: &[(&str, String)]) -> String {
    let width = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0) + 4;
    rows.iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(l, v)| format!("{l:<width$}{v}\n"))
        .collect()
}

/// A rate in bytes per second, in the unit that keeps it short.
pub fn rate(bps: f64) -> String {
    if bps >= 1e6 {
        format!("{:.2} MB/s", bps / 1e6)
    } else if bps >= 1e3 {
        format!("{:.1} kB/s", bps / 1e3)
    } else {
        format!("{bps:.0} B/s")
    }
}

/// `n thing` or `n things`.
pub fn count(n: u64, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// The TCP/IP state (`AT+QISTAT`) with what it means for the next step.
pub fn ip_state_text(state: &str) -> String {
    let meaning = match state {
        "IP INITIAL" => "no context",
        "IP START" => "APN set, context not active",
        "IP CONFIG" | "IP IND" => "context activating",
        "IP GPRSACT" | "IP STATUS" => "context active, no connection",
        "TCP CONNECTING" | "UDP CONNECTING" => "connecting",
        "CONNECT OK" => "connection open",
        "IP CLOSE" => "connection closed, context active",
        "PDP DEACT" => "context deactivated by the network",
        _ => "",
    };
    if meaning.is_empty() {
        state.to_string()
    } else {
        format!("{state} ({meaning})")
    }
}
