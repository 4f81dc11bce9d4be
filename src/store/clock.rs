//! How the store shows a moment: RFC 3339 in UTC with milliseconds and `Z`
//! (`2026-12-02T10:31:05.123Z`), and reading RFC 3339 back in any offset.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use super::rows::Millis;

/// The earliest moment RFC 3339 can show: 0000-01-01T00:00:00.000Z.
const EARLIEST: Millis = -62_167_219_200_000;
/// The latest moment RFC 3339 can show: 9999-12-31T23:59:59.999Z.
const LATEST: Millis = 253_402_300_799_999;

/// Why a text is not an RFC 3339 moment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not an RFC 3339 time ({problem}): write it like 2026-12-02T10:31:05.123Z")]
pub struct TimeError {
    /// The text that was read.
    pub text: String,
    /// What is wrong with it.
    pub problem: &'static str,
}

/// Shows `ms` as RFC 3339 in UTC with exactly three fraction digits and `Z`; moments outside
/// years 0000–9999 are shown as the nearest one inside.
pub fn rfc3339(ms: Millis) -> String {
    let ms = ms.clamp(EARLIEST, LATEST);
    let moment = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        moment.year(),
        u8::from(moment.month()),
        moment.day(),
        moment.hour(),
        moment.minute(),
        moment.second(),
        moment.millisecond()
    )
}

/// Reads an RFC 3339 moment in any offset (`Z`, `+01:00`, `-05:30`) as UTC milliseconds;
/// fraction digits past the millisecond are dropped.
pub fn parse_rfc3339(text: &str) -> Result<Millis, TimeError> {
    let fail = |problem| TimeError {
        text: text.to_owned(),
        problem,
    };
    let bytes = text.as_bytes();
    if bytes.len() < 20 || !matches!(bytes[10], b'T' | b't' | b' ') {
        return Err(fail("expected YYYY-MM-DDTHH:MM:SS and an offset"));
    }
    let date = parse_date(&bytes[..10]).ok_or_else(|| fail("the date is not YYYY-MM-DD"))?;
    let (clock, rest) =
        parse_clock(&bytes[11..]).ok_or_else(|| fail("the time is not HH:MM:SS"))?;
    let offset = parse_offset(rest).ok_or_else(|| fail("the offset is not Z or ±HH:MM"))?;
    let moment = PrimitiveDateTime::new(date, clock).assume_offset(offset);
    let nanos = moment.unix_timestamp_nanos();
    i64::try_from(nanos / 1_000_000).map_err(|_| fail("the moment is out of range"))
}

fn digits(bytes: &[u8]) -> Option<u32> {
    if bytes.is_empty() || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(bytes.iter().fold(0, |n, b| n * 10 + u32::from(b - b'0')))
}

fn parse_date(bytes: &[u8]) -> Option<Date> {
    if bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(&bytes[..4])?).ok()?;
    let month = Month::try_from(u8::try_from(digits(&bytes[5..7])?).ok()?).ok()?;
    let day = u8::try_from(digits(&bytes[8..10])?).ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

/// Reads `HH:MM:SS[.fraction]` and returns the time and what follows it.
fn parse_clock(bytes: &[u8]) -> Option<(Time, &[u8])> {
    if bytes.len() < 9 || bytes[2] != b':' || bytes[5] != b':' {
        return None;
    }
    let hour = u8::try_from(digits(&bytes[..2])?).ok()?;
    let minute = u8::try_from(digits(&bytes[3..5])?).ok()?;
    let second = u8::try_from(digits(&bytes[6..8])?).ok()?;
    let mut rest = &bytes[8..];
    let mut millisecond = 0;
    if rest.first() == Some(&b'.') {
        let length = rest[1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if length == 0 {
            return None;
        }
        let mut fraction = rest[1..1 + length].to_vec();
        fraction.resize(3, b'0');
        millisecond = u16::try_from(digits(&fraction[..3])?).ok()?;
        rest = &rest[1 + length..];
    }
    Some((
        Time::from_hms_milli(hour, minute, second, millisecond).ok()?,
        rest,
    ))
}

fn parse_offset(bytes: &[u8]) -> Option<UtcOffset> {
    match bytes {
        b"Z" | b"z" => Some(UtcOffset::UTC),
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let hours = i8::try_from(digits(&[*h1, *h2])?).ok()?;
            let minutes = i8::try_from(digits(&[*m1, *m2])?).ok()?;
            let (hours, minutes) = if *sign == b'-' {
                (-hours, -minutes)
            } else {
                (hours, minutes)
            };
            UtcOffset::from_hms(hours, minutes, 0).ok()
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moment_is_shown_in_utc_with_milliseconds_and_z() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(1_796_207_465_123), "2026-12-02T10:31:05.123Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn moments_outside_four_digit_years_are_clamped() {
        assert_eq!(rfc3339(i64::MAX), "9999-12-31T23:59:59.999Z");
        assert_eq!(rfc3339(i64::MIN), "0000-01-01T00:00:00.000Z");
    }

    #[test]
    fn any_offset_is_read_back_as_utc() {
        let utc = parse_rfc3339("2026-12-02T10:31:05.123Z").unwrap();
        assert_eq!(utc, 1_796_207_465_123);
        assert_eq!(parse_rfc3339("2026-12-02T11:31:05.123+01:00").unwrap(), utc);
        assert_eq!(parse_rfc3339("2026-12-02T05:01:05.123-05:30").unwrap(), utc);
        assert_eq!(parse_rfc3339("2026-12-02t10:31:05.123456z").unwrap(), utc);
        assert_eq!(parse_rfc3339("2026-12-02T10:31:05Z").unwrap(), utc - 123);
        assert_eq!(parse_rfc3339("2026-12-02T10:31:05.1Z").unwrap(), utc - 23);
    }

    #[test]
    fn what_is_shown_reads_back_to_the_same_moment() {
        for ms in [0, 1, -1, 999, 1_796_207_465_123, EARLIEST, LATEST] {
            assert_eq!(parse_rfc3339(&rfc3339(ms)).unwrap(), ms);
        }
    }

    #[test]
    fn text_that_is_not_rfc_3339_is_refused_with_a_reason() {
        for text in [
            "",
            "2026-12-02",
            "2026-12-02T10:31:05",
            "2026-13-02T10:31:05Z",
            "2026-12-02T25:31:05Z",
            "2026-12-02T10:31:05+1:00",
            "2026-12-02T10:31:05.Z.",
            "2026-12-02T10:31:05.123Zjunk",
            "２０２６-12-02T10:31:05Z",
        ] {
            let error = parse_rfc3339(text).unwrap_err();
            assert!(
                error.to_string().contains("2026-12-02T10:31:05.123Z"),
                "{error}"
            );
        }
    }
}
