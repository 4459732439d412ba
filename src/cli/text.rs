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

/// A duration in seconds, in the unit that keeps it meaningful: a transfer of a few
/// milliseconds read "in 0.0 s".
pub fn seconds(secs: f64) -> String {
    let ms = (secs * 1e3).round();
    if ms >= 1000.0 {
        format!("{secs:.1} s")
    } else if ms >= 1.0 {
        format!("{ms:.0} ms")
    } else {
        "under 1 ms".into()
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

#[cfg(test)]
mod tests {
    use super::seconds;

    #[test]
    fn seconds_keep_a_meaningful_unit() {
        assert_eq!(seconds(0.0004), "under 1 ms");
        assert_eq!(seconds(0.0123), "12 ms");
        assert_eq!(seconds(0.9994), "999 ms");
        assert_eq!(seconds(0.9996), "1.0 s");
        assert_eq!(seconds(0.0006), "1 ms");
        assert_eq!(seconds(1.0), "1.0 s");
        assert_eq!(seconds(16.54), "16.5 s");
    }
}
