//! Member names looked up by hashing: every member of every record is looked up, so a lookup costs one hash of a
//! few bytes and, usually, one comparison, where a scan of the names cost a comparison of lengths per name.

/// Names and the values they stand for, placed by the compiler in an open-addressing table of `SLOTS` slots.
pub(super) struct KeyTable<T: 'static, const SLOTS: usize> {
    /// Each name sits at the slot its hash points to or, when that is taken, at the next free one after it; an
    /// empty name marks a free slot.
    names: [&'static str; SLOTS],
    /// The value of the name in the same slot.
    values: [T; SLOTS],
}

impl<T: Copy, const SLOTS: usize> KeyTable<T, SLOTS> {
    /// Places `entries` (names distinct and not empty, fewer than `SLOTS`), at compile time: the tables are
    /// `static`.
    // Indexing is allowed here: this runs in the compiler only, where an index out of range fails the build.
    #[allow(clippy::indexing_slicing)]
    pub(super) const fn new(entries: &[(&'static str, T)]) -> Self {
        assert!(!entries.is_empty() && entries.len() < SLOTS && SLOTS.is_power_of_two());
        let (mut names, mut values) = ([""; SLOTS], [entries[0].1; SLOTS]);
        let mut index = 0;
        while index < entries.len() {
            let (name, value) = entries[index];
            assert!(!name.is_empty());
            let mut slot = home(name.as_bytes(), SLOTS);
            while !names[slot].is_empty() {
                slot = (slot + 1) % SLOTS;
            }
            (names[slot], values[slot]) = (name, value);
            index += 1;
        }
        KeyTable { names, values }
    }

    /// The value paired with `key` (exact case).
    #[inline]
    pub(super) fn get(&self, key: &str) -> Option<T> {
        self.values.get(slot_of(&self.names, key)?).copied()
    }
}

/// The slot of `key` among `names` (see [`KeyTable`]; their number is a power of two). Not generic, so that the
/// tables of every value type share its code.
fn slot_of(names: &[&str], key: &str) -> Option<usize> {
    let mut slot = home(key.as_bytes(), names.len());
    // Ends at a free slot at the latest: there are fewer names than slots.
    loop {
        let name = names.get(slot)?;
        if name.is_empty() {
            return None;
        }
        if same_bytes(name.as_bytes(), key.as_bytes()) {
            return Some(slot);
        }
        slot = (slot + 1) & (names.len() - 1);
    }
}

/// `a == b`. The WebAssembly build's `memcmp` compares one byte at a time, and names are compared for nearly
/// every member of every record, so there they are compared a word at a time; native `memcmp`s are faster.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if cfg!(target_family = "wasm") { same_words(a, b) } else { a == b }
}

/// `a == b`, compared eight bytes at a time.
fn same_words(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    // Whole words from the start, then the last word, which may overlap the one before.
    match (a.last_chunk::<8>(), b.last_chunk::<8>()) {
        (Some(a_last), Some(b_last)) => {
            let mut words = a.chunks_exact(8).zip(b.chunks_exact(8));
            words.all(|(x, y)| x.first_chunk::<8>() == y.first_chunk::<8>()) && a_last == b_last
        }
        _ => a.iter().zip(b).all(|(x, y)| x == y),
    }
}

/// The slot where a search for `key` starts among `slots`: a multiplicative hash of its length and of its first
/// and last bytes (names that differ only elsewhere share a run of slots).
const fn home(key: &[u8], slots: usize) -> usize {
    let (first, last) = match (key.first(), key.last()) {
        (Some(&first), Some(&last)) => (first, last),
        _ => (0, 0),
    };
    let word = (key.len() as u32) ^ (first as u32) << 8 ^ (last as u32) << 16;
    // Scaled into `0..slots` by the product's high bits, which depend on every bit of the word.
    ((word.wrapping_mul(0x9E37_79B1) as u64).wrapping_mul(slots as u64) >> 32) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_name_and_nothing_else() {
        static TABLE: KeyTable<u8, 8> =
            KeyTable::new(&[("a", 1), ("ab", 2), ("ba", 3), ("abc", 4), ("bc", 5), ("cab", 6), ("acb", 7)]);
        for (name, value) in [("a", 1), ("ab", 2), ("ba", 3), ("abc", 4), ("bc", 5), ("cab", 6), ("acb", 7)] {
            assert_eq!(TABLE.get(name), Some(value), "{name}");
        }
        for other in ["", "b", "abd", "A", "abcd", "bca", "x"] {
            assert_eq!(TABLE.get(other), None, "{other}");
        }
    }

    #[test]
    fn bytes_compare_equal_exactly_when_equal() {
        for len in 0..20 {
            let text: Vec<u8> = (0..len).map(|i| b'a' + i as u8).collect();
            assert!(same_words(&text, &text.clone()));
            assert!(!same_words(&text, &[text.as_slice(), b"x"].concat()));
            for at in 0..len {
                let mut other = text.clone();
                other[at] ^= 0x20;
                assert!(!same_words(&text, &other), "{len} {at}");
            }
        }
    }
}
