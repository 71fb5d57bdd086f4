//! Dates for reports and alerts, in UTC, without a date-time dependency: Unix time to civil
//! date (Howard Hinnant's `civil_from_days`) and RFC 3339 text.

use std::time::{SystemTime, UNIX_EPOCH};

/// Year, month, day, hour, minute, second of a Unix time (UTC).
pub fn civil(epoch_secs: u64) -> (i64, u32, u32, u32, u32, u32) {
    let days = i64::try_from(epoch_secs / 86_400).unwrap_or(0);
    let secs = (epoch_secs % 86_400) as u32;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day, secs / 3600, secs % 3600 / 60, secs % 60)
}

/// `2026-11-28T19:06:06Z`.
pub fn rfc3339(epoch_secs: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(epoch_secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// `2026-11-28T19:06:06.123456789Z` (as Falco writes alert times).
pub fn rfc3339_nanos(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let (y, mo, d, h, mi, s) = civil(since.as_secs());
    format!(
        "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:09}Z",
        since.subsec_nanos()
    )
}

/// The current time as [`rfc3339`].
pub fn now_rfc3339() -> String {
    rfc3339(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn known_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        // A leap day and the end of a century leap year.
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_796_321_166), "2026-12-03T18:06:06Z");
        assert_eq!(civil(4_102_444_799), (2099, 12, 31, 23, 59, 59));
        assert_eq!(
            rfc3339_nanos(UNIX_EPOCH + Duration::new(1_700_000_000, 42)),
            "2023-11-14T22:13:20.000000042Z"
        );
    }
}
