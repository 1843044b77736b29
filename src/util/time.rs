//! Dates and durations: "today" for the date checks, and phase timings for benchmarks.

use std::sync::OnceLock;
use std::time::Instant;

use jiff::civil::Date;

/// Runs `job`; with `KBGEN_TIMINGS` set in the environment, prints how long it took on
/// stderr (`timing: <what>: 0.123 s`). See docs/benchmarks.md.
pub fn timed<T>(what: &str, job: impl FnOnce() -> T) -> T {
    static ON: OnceLock<bool> = OnceLock::new();
    if !*ON.get_or_init(|| std::env::var_os("KBGEN_TIMINGS").is_some()) {
        return job();
    }
    let start = Instant::now();
    let out = job();
    eprintln!("timing: {what}: {:.3} s", start.elapsed().as_secs_f64());
    out
}

/// The environment variable that pins "today" (`YYYY-MM-DD`), for reproducible
/// checks and tests; see [`today`].
pub const TODAY_VAR: &str = "KBGEN_TODAY";

/// Today's date where it is latest on Earth (UTC+14), so no one's "today" is in
/// the future; or the date in `KBGEN_TODAY` when that holds a valid date.
pub fn today() -> Date {
    if let Some(d) = std::env::var(TODAY_VAR)
        .ok()
        .and_then(|s| parse_date(&s).ok())
    {
        return d;
    }
    let tz = jiff::tz::TimeZone::fixed(jiff::tz::offset(14));
    jiff::Timestamp::now().to_zoned_datetime(tz).date()
}

/// Parses a strict `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Result<Date, String> {
    let s = s.trim();
    let shape_ok = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shape_ok {
        return Err(format!(
            "`updated` must be a date written YYYY-MM-DD, found `{s}`"
        ));
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<i16>().unwrap_or(0);
    let (y, m, d) = (num(0..4), num(5..7) as i8, num(8..10) as i8);
    Date::new(y, m, d).map_err(|_| format!("`updated` is `{s}`, which is not a real date"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2026-1-2").is_err());
        assert!(parse_date("2026-13-01").is_err());
        assert_eq!(
            parse_date("2024-02-29").unwrap(),
            Date::new(2024, 2, 29).unwrap()
        );
    }
}
