//! Units shared by the client's and the simulator's flags, so that the same text means the same
//! thing on both sides.

use std::time::Duration;

/// The longest duration any flag takes: a year. Longer ones are usage errors, not deadlines
/// that overflow the clock (`--idle 1e19` panicked adding it to an `Instant`: issue 18).
pub const MAX_DURATION: Duration = Duration::from_secs(365 * 24 * 3600);

/// Parse a duration: humantime (`500ms`, `1.5s`, `2min`, `1h 30m`), or a bare non-negative
/// number, which means seconds (`5` is 5 s, `0.25` is 250 ms, `0` is zero). At most
/// [`MAX_DURATION`].
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let too_long = || format!("bad duration `{s}`: longer than a year, the longest qtcp takes");
    let d = if let Ok(secs) = s.parse::<f64>() {
        if secs.is_finite() && secs > MAX_DURATION.as_secs_f64() {
            return Err(too_long());
        }
        Duration::try_from_secs_f64(secs)
            .map_err(|_| format!("bad duration `{s}`: not a non-negative number of seconds"))?
    } else {
        humantime::parse_duration(s)
            .map_err(|e| format!("bad duration `{s}`: {e} (examples: 500ms, 5s, 2min)"))?
    };
    if d > MAX_DURATION {
        return Err(format!(
            "bad duration `{s}`: longer than a year, the longest qtcp takes"
        ));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn bare_numbers_are_seconds() {
        assert_eq!(parse_duration("5"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("0.25"), Ok(Duration::from_millis(250)));
        assert!(parse_duration("-1").is_err());
        assert!(parse_duration("inf").is_err());
        assert!(parse_duration("NaN").is_err());
    }

    #[test]
    fn durations_past_a_year_are_refused_not_overflowed() {
        assert_eq!(parse_duration("365d"), Ok(super::MAX_DURATION));
        for s in ["1e19", "366d", "100years", "18446744073709551615"] {
            let e = parse_duration(s).unwrap_err();
            assert!(e.contains("longer than a year"), "{s}: {e}");
        }
    }

    #[test]
    fn humantime_forms() {
        assert_eq!(parse_duration("300ms"), Ok(Duration::from_millis(300)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2min"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("").is_err());
    }
}
