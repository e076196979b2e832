//! Hand-written formatting helpers: integers, timestamps, JSON and CSV escaping. They append to byte buffers
//! so the writers never go through `format!` on the hot path.

/// Appends the decimal digits of `n`.
pub(crate) fn uint(buf: &mut Vec<u8>, mut n: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// Appends `n` zero-padded to `width` digits (more digits when `n` needs them).
pub(crate) fn padded(buf: &mut Vec<u8>, n: u64, width: usize) {
    let mut tmp = [b'0'; 20];
    let mut i = tmp.len();
    let mut rest = n;
    loop {
        i -= 1;
        tmp[i] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let start = i.min(tmp.len().saturating_sub(width));
    buf.extend_from_slice(&tmp[start..]);
}

/// Appends `n` as upper-case hex zero-padded to `width` digits.
pub(crate) fn hex(buf: &mut Vec<u8>, n: u64, width: usize) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    for shift in (0..width).rev() {
        let nibble = if shift >= 16 { 0 } else { (n >> (shift * 4)) & 0xF };
        buf.push(DIGITS[nibble as usize]);
    }
}

/// A UTC instant broken into calendar fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Civil {
    pub(crate) year: i64,
    pub(crate) month: u32,
    pub(crate) day: u32,
    pub(crate) hour: u32,
    pub(crate) minute: u32,
    pub(crate) second: u32,
    pub(crate) milli: u32,
}

/// Splits milliseconds since the Unix epoch into calendar fields (proleptic Gregorian, UTC).
pub(crate) fn civil(ms: i64) -> Civil {
    let seconds = ms.div_euclid(1000);
    let milli = ms.rem_euclid(1000) as u32;
    let days = seconds.div_euclid(86_400);
    let rest = seconds.rem_euclid(86_400) as u32;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil { year, month, day, hour: rest / 3600, minute: rest % 3600 / 60, second: rest % 60, milli }
}

fn date_time(buf: &mut Vec<u8>, c: &Civil) {
    padded(buf, c.year.max(0) as u64, 4);
    buf.push(b'-');
    padded(buf, u64::from(c.month), 2);
    buf.push(b'-');
    padded(buf, u64::from(c.day), 2);
    buf.push(b'T');
    padded(buf, u64::from(c.hour), 2);
    buf.push(b':');
    padded(buf, u64::from(c.minute), 2);
    buf.push(b':');
    padded(buf, u64::from(c.second), 2);
}

/// `2024-05-14T08:00:05Z` (second precision, as IoT Hub writes `time`).
pub(crate) fn iso(buf: &mut Vec<u8>, ms: i64) {
    date_time(buf, &civil(ms));
    buf.push(b'Z');
}

/// `2024-05-14T08:00:05.5170000Z`: seven fractional digits; `ticks` (0..10_000) refines below the millisecond.
pub(crate) fn iso7(buf: &mut Vec<u8>, ms: i64, ticks: u32) {
    let c = civil(ms);
    date_time(buf, &c);
    buf.push(b'.');
    padded(buf, u64::from(c.milli) * 10_000 + u64::from(ticks % 10_000), 7);
    buf.push(b'Z');
}

/// The Log Analytics portal's CSV form: `5/13/2024, 10:01:10.000 PM`.
pub(crate) fn csv_time(buf: &mut Vec<u8>, ms: i64) {
    let c = civil(ms);
    uint(buf, u64::from(c.month));
    buf.push(b'/');
    uint(buf, u64::from(c.day));
    buf.push(b'/');
    padded(buf, c.year.max(0) as u64, 4);
    buf.extend_from_slice(b", ");
    let hour12 = match c.hour % 12 {
        0 => 12,
        h => h,
    };
    uint(buf, u64::from(hour12));
    buf.push(b':');
    padded(buf, u64::from(c.minute), 2);
    buf.push(b':');
    padded(buf, u64::from(c.second), 2);
    buf.push(b'.');
    padded(buf, u64::from(c.milli), 3);
    buf.extend_from_slice(if c.hour < 12 { b" AM" } else { b" PM" });
}

/// A .NET `TimeSpan` text for a duration: `00:01:12.4410000`.
pub(crate) fn timespan(buf: &mut Vec<u8>, ms: i64) {
    let ms = ms.max(0) as u64;
    let seconds = ms / 1000;
    padded(buf, seconds / 3600, 2);
    buf.push(b':');
    padded(buf, seconds % 3600 / 60, 2);
    buf.push(b':');
    padded(buf, seconds % 60, 2);
    buf.push(b'.');
    padded(buf, ms % 1000 * 10_000, 7);
}

/// Appends `text` escaped for the inside of a JSON string (no surrounding quotes).
pub(crate) fn json_escape(buf: &mut Vec<u8>, text: &[u8]) {
    let mut from = 0;
    for (i, &byte) in text.iter().enumerate() {
        let escape: &[u8] = match byte {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1F => b"",
            _ => continue,
        };
        buf.extend_from_slice(&text[from..i]);
        if escape.is_empty() {
            buf.extend_from_slice(b"\\u00");
            hex(buf, u64::from(byte), 2);
        } else {
            buf.extend_from_slice(escape);
        }
        from = i + 1;
    }
    buf.extend_from_slice(&text[from..]);
}

/// Appends `text` as a quoted JSON string.
pub(crate) fn json_str(buf: &mut Vec<u8>, text: &str) {
    buf.push(b'"');
    json_escape(buf, text.as_bytes());
    buf.push(b'"');
}

/// Appends `text` as a quoted CSV field (quotes doubled).
pub(crate) fn csv_quoted(buf: &mut Vec<u8>, text: &[u8]) {
    buf.push(b'"');
    let mut from = 0;
    for (i, &byte) in text.iter().enumerate() {
        if byte == b'"' {
            buf.extend_from_slice(&text[from..=i]);
            buf.push(b'"');
            from = i + 1;
        }
    }
    buf.extend_from_slice(&text[from..]);
    buf.push(b'"');
}

/// Appends a CSV field, quoting it only when it contains a comma, quote or line break.
pub(crate) fn csv_field(buf: &mut Vec<u8>, text: &[u8]) {
    if text.iter().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        csv_quoted(buf, text);
    } else {
        buf.extend_from_slice(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut buf = Vec::new();
        f(&mut buf);
        String::from_utf8(buf).unwrap_or_default()
    }

    #[test]
    fn timestamps() {
        // 2024-05-13T22:01:10Z
        let t = 1_715_637_670_000;
        assert_eq!(s(|b| iso(b, t)), "2024-05-13T22:01:10Z");
        assert_eq!(s(|b| csv_time(b, t)), "5/13/2024, 10:01:10.000 PM");
        assert_eq!(s(|b| csv_time(b, 1_715_644_800_000 + 3_198_000)), "5/14/2024, 12:53:18.000 AM");
        assert_eq!(s(|b| csv_time(b, 1_715_644_800_000 + 12 * 3_600_000 + 5)), "5/14/2024, 12:00:00.005 PM");
        assert_eq!(s(|b| iso7(b, t + 517, 3)), "2024-05-13T22:01:10.5170003Z");
        assert_eq!(s(|b| timespan(b, 72_441)), "00:01:12.4410000");
        assert_eq!(s(|b| iso(b, 0)), "1970-01-01T00:00:00Z");
        assert_eq!(s(|b| iso(b, 951_782_400_000)), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn numbers_and_escapes() {
        assert_eq!(s(|b| uint(b, 0)), "0");
        assert_eq!(s(|b| uint(b, 18_446_744_073_709_551_615)), "18446744073709551615");
        assert_eq!(s(|b| padded(b, 7, 3)), "007");
        assert_eq!(s(|b| padded(b, 12345, 3)), "12345");
        assert_eq!(s(|b| hex(b, 0x1C, 4)), "001C");
        assert_eq!(s(|b| hex(b, 1, 24)), "000000000000000000000001");
        assert_eq!(s(|b| json_str(b, "a\"b\\c\n\u{1}")), "\"a\\\"b\\\\c\\n\\u0001\"");
        assert_eq!(s(|b| csv_quoted(b, b"{\"a\":1}")), "\"{\"\"a\"\":1}\"");
        assert_eq!(s(|b| csv_field(b, b"plain")), "plain");
    }
}
