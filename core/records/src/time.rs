//! Timestamps as they appear in IoT Hub logs and error bodies, read into milliseconds since the Unix epoch (UTC).

/// Milliseconds since 1970-01-01T00:00:00Z.
pub type Millis = i64;

/// Reads any timestamp shape IoT Hub uses: ISO 8601 (`2024-05-14T08:00:05Z`, fractions, offsets),
/// the portal's CSV export (`5/13/2024, 10:01:10.000 PM`) and the tracking-id form (`12/14/2016 03:15:17`).
pub fn parse(text: &str) -> Option<Millis> {
    let text = text.trim_ascii();
    let first = text.as_bytes().get(..5)?;
    if first.get(4) == Some(&b'-') { parse_iso(text) } else { parse_us(text) }
}

/// Formats milliseconds as ISO 8601 UTC with second precision (`2024-05-14T08:00:05Z`).
pub fn format(millis: Millis) -> String {
    let seconds = millis.div_euclid(1000);
    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

fn parse_iso(text: &str) -> Option<Millis> {
    // `YYYY-MM-DDTHH:MM:SS` (or a space for the `T`) is read at fixed places, then the optional fraction and offset.
    let head: &[u8; 19] = text.as_bytes().first_chunk()?;
    if (head[4], head[7], head[13], head[16]) != (b'-', b'-', b':', b':') || !matches!(head[10], b'T' | b' ')
    {
        return None;
    }
    let number = |digits: &[u8]| {
        digits
            .iter()
            .try_fold(0, |value, &digit| digit.is_ascii_digit().then(|| value * 10 + u32::from(digit - b'0')))
    };
    let (year, month, day) = (number(&head[..4])?, number(&head[5..7])?, number(&head[8..10])?);
    let (hour, minute, second) = (number(&head[11..13])?, number(&head[14..16])?, number(&head[17..])?);
    let mut cursor = Cursor { bytes: text.as_bytes(), pos: head.len() };
    let millis = cursor.fraction();
    let offset_minutes = match cursor.next() {
        None | Some(b'Z' | b'z') => 0,
        Some(sign @ (b'+' | b'-')) => {
            let hours = cursor.number(2)?;
            cursor.expect_optional(b':');
            let minutes = cursor.number(2)?;
            let total = i64::from(hours * 60 + minutes);
            if sign == b'+' { total } else { -total }
        }
        Some(_) => return None,
    };
    let local = to_millis(year, month, day, hour, minute, second, millis)?;
    Some(local - offset_minutes * 60_000)
}

fn parse_us(text: &str) -> Option<Millis> {
    let mut cursor = Cursor::new(text);
    let month = cursor.digits(1, 2)?;
    cursor.expect(b'/')?;
    let day = cursor.digits(1, 2)?;
    cursor.expect(b'/')?;
    let year = cursor.number(4)?;
    cursor.expect_optional(b',');
    cursor.skip_spaces();
    let mut hour = cursor.digits(1, 2)?;
    cursor.expect(b':')?;
    let minute = cursor.number(2)?;
    cursor.expect(b':')?;
    let second = cursor.number(2)?;
    let millis = cursor.fraction();
    cursor.skip_spaces();
    let suffix = cursor.rest();
    if suffix.eq_ignore_ascii_case(b"AM") && (1..=12).contains(&hour) {
        hour %= 12;
    } else if suffix.eq_ignore_ascii_case(b"PM") && (1..=12).contains(&hour) {
        hour = hour % 12 + 12;
    } else if !suffix.is_empty() {
        return None;
    }
    to_millis(year, month, day, hour, minute, second, millis)
}

fn to_millis(
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    millis: u32,
) -> Option<Millis> {
    let valid = (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && hour < 24
        && minute < 60
        && second < 61;
    valid.then(|| {
        let days = days_from_civil(i64::from(year), month, day);
        ((days * 24 + i64::from(hour)) * 60 + i64::from(minute)) * 60_000
            + i64::from(second) * 1000
            + i64::from(millis)
    })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A byte cursor over ASCII text.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Cursor<'a> {
        Cursor { bytes: text.as_bytes(), pos: 0 }
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.bytes.get(self.pos).copied()?;
        self.pos += 1;
        Some(byte)
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.next()? == byte).then_some(())
    }

    fn expect_optional(&mut self, byte: u8) {
        if self.bytes.get(self.pos) == Some(&byte) {
            self.pos += 1;
        }
    }

    fn skip_spaces(&mut self) {
        while self.bytes.get(self.pos) == Some(&b' ') {
            self.pos += 1;
        }
    }

    /// Exactly `count` digits.
    fn number(&mut self, count: usize) -> Option<u32> {
        self.digits(count, count)
    }

    /// Between `min` and `max` digits.
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let mut value = 0u32;
        let mut count = 0;
        while count < max {
            match self.bytes.get(self.pos) {
                Some(byte @ b'0'..=b'9') => {
                    value = value * 10 + u32::from(byte - b'0');
                    self.pos += 1;
                    count += 1;
                }
                _ => break,
            }
        }
        (count >= min).then_some(value)
    }

    /// An optional `.fff...` fraction, as milliseconds (extra digits ignored).
    fn fraction(&mut self) -> u32 {
        if self.bytes.get(self.pos) != Some(&b'.') {
            return 0;
        }
        self.pos += 1;
        let mut millis = 0;
        let mut count = 0;
        while let Some(byte @ b'0'..=b'9') = self.bytes.get(self.pos) {
            if count < 3 {
                millis = millis * 10 + u32::from(byte - b'0');
            }
            count += 1;
            self.pos += 1;
        }
        for _ in count..3 {
            millis *= 10;
        }
        millis
    }

    fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_shape_to_the_same_instant() {
        let expected = parse("2024-05-13T22:01:10Z").unwrap();
        assert_eq!(format(expected), "2024-05-13T22:01:10Z");
        assert_eq!(parse("5/13/2024, 10:01:10.000 PM"), Some(expected));
        assert_eq!(parse("5/13/2024 22:01:10"), Some(expected));
        assert_eq!(parse("2024-05-13T23:01:10+01:00"), Some(expected));
        assert_eq!(parse("2024-05-13 22:01:10.0000000"), Some(expected));
        assert_eq!(parse("2024-05-13T22:01:10.2712203Z"), Some(expected + 271));
        assert_eq!(parse("12/14/2016 03:15:17").map(format).as_deref(), Some("2016-12-14T03:15:17Z"));
        assert_eq!(parse("5/14/2024, 12:30:01.000 AM").map(format).as_deref(), Some("2024-05-14T00:30:01Z"));
        assert_eq!(parse("1970-01-01T00:00:00Z"), Some(0));
    }

    #[test]
    fn rejects_placeholders_and_impossible_dates() {
        for text in [
            "",
            " UTC timestamp",
            "2024-02-30T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "13/45/2024 10:00:00",
            "2024-05-13T25:00:00Z",
            "5/13/2024, 13:01:10.000 PM",
            "é",
            "2024-05-13X22:01:10Z",
            "2024-5-13T22:01:10Z",
            "2024-05-13T22:01:1Z",
            "2024-05-13T22:01",
            "2024-05-13T22-01:10Z",
            "2024-0a-13T22:01:10Z",
            "2024-05-13T22:01:10Q",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
    }
}
