//! A word's hash from its first and last bytes, read as whole integers: a few loads and two multiplications
//! whatever the word's length, where a byte-by-byte hash takes a step per byte.

/// `0x20` in every byte: OR-ed in, it lowercases ASCII letters and leaves digits as they are.
const LOWER: u64 = 0x2020_2020_2020_2020;

/// The hash of `word` as lowercase (`| 0x20`, exact for letters and digits): its first and last eight bytes
/// (four, or two, for shorter words; they overlap when the word is shorter than twice that) and its length. The
/// pattern tables key their words by it. Inlined: the npm build optimises the core for size, where it would be a
/// call for every word.
#[inline(always)]
pub(crate) fn hash(word: &[u8]) -> u64 {
    let len = word.len();
    let (head, tail) = if len >= 8 {
        (read(word, 0, u64::from_le_bytes), read(word, len - 8, u64::from_le_bytes))
    } else if len >= 4 {
        (read(word, 0, u32::from_le_bytes), read(word, len - 4, u32::from_le_bytes))
    } else {
        (read(word, 0, u16::from_le_bytes), read(word, len.saturating_sub(2), u16::from_le_bytes))
    };
    let hash = ((head | LOWER) ^ 0x9E37_79B9_7F4A_7C15).wrapping_mul(0x2545_F491_4F6C_DD1D);
    let hash = (hash.rotate_left(29) ^ (tail | LOWER) ^ len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    hash ^ (hash >> 29)
}

/// The `N` bytes of `word` at `at` read by `from_le_bytes` (one load); 0 when the word is shorter.
#[inline(always)]
fn read<const N: usize, T: Into<u64>>(word: &[u8], at: usize, from_le_bytes: fn([u8; N]) -> T) -> u64 {
    let bytes = word.get(at..at + N).and_then(|bytes| <[u8; N]>::try_from(bytes).ok());
    bytes.map_or(0, |bytes| from_le_bytes(bytes).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_little_endian_and_stay_inside_the_word() {
        assert_eq!(read(b"abcdefghij", 1, u64::from_le_bytes), u64::from_le_bytes(*b"bcdefghi"));
        assert_eq!(read(b"abcd", 0, u32::from_le_bytes), u64::from(u32::from_le_bytes(*b"abcd")));
        assert_eq!(read(b"a", 0, u16::from_le_bytes), 0);
    }

    #[test]
    fn the_hash_ignores_case_and_tells_words_apart() {
        let lower = b"devicemaximumqueuedepthexceeded";
        assert_eq!(hash(b"DeviceMaximumQueueDepthExceeded"), hash(lower));
        for word in [&b"ab"[..], b"abc", b"abcd", b"abcdefg", b"abcdefgh", b"abcdefghijklmnopq"] {
            assert_eq!(hash(&word.to_ascii_uppercase()), hash(word));
            assert_ne!(hash(word), hash(&[word, b"x"].concat()));
            assert_ne!(hash(&word[1..]), hash(word));
        }
        assert_ne!(hash(b"abc"), hash(b"abd"));
    }
}
