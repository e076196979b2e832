//! Member names looked up by hashing: every member of every record is looked up, so a lookup costs one hash of a
//! few bytes and, usually, one comparison, where a scan of the names cost a comparison of lengths per name.

/// `N` names and the values they stand for, with an open-addressing index of `SLOTS` slots built by the compiler.
pub(super) struct KeyTable<T: 'static, const N: usize, const SLOTS: usize> {
    names: [&'static str; N],
    values: [T; N],
    /// For each slot, 1 + the index of the name placed there (0: empty). A name sits at the slot its hash points
    /// to or, when that is taken, at the next free one after it.
    slots: [u8; SLOTS],
}

impl<T: Copy, const N: usize, const SLOTS: usize> KeyTable<T, N, SLOTS> {
    /// Indexes `entries` (names distinct, fewer than `SLOTS` and 255), at compile time: the tables are `static`.
    // Indexing is safe to use here: this runs in the compiler only, where an index out of range fails the build.
    #[allow(clippy::indexing_slicing)]
    pub(super) const fn new(entries: &[(&'static str, T); N]) -> Self {
        assert!(0 < N && N < SLOTS && N < 255 && SLOTS.is_power_of_two());
        let (mut names, mut values, mut slots) = ([""; N], [entries[0].1; N], [0u8; SLOTS]);
        let mut index = 0;
        while index < N {
            let (name, value) = entries[index];
            let mut slot = home(name.as_bytes(), SLOTS);
            while slots[slot] != 0 {
                slot = (slot + 1) % SLOTS;
            }
            slots[slot] = index as u8 + 1;
            (names[index], values[index]) = (name, value);
            index += 1;
        }
        KeyTable { names, values, slots }
    }

    /// The value paired with `key` (exact case).
    #[inline]
    pub(super) fn get(&self, key: &str) -> Option<T> {
        self.values.get(index_of(&self.names, &self.slots, key)?).copied()
    }
}

/// The index in `names` of `key`, found through `slots` (see [`KeyTable`]; their length is a power of two).
/// Not generic, so that the tables of every value type share its code.
fn index_of(names: &[&str], slots: &[u8], key: &str) -> Option<usize> {
    let mut slot = home(key.as_bytes(), slots.len());
    // Ends at an empty slot at the latest: there are fewer names than slots.
    loop {
        let index = usize::from(*slots.get(slot)?).checked_sub(1)?;
        if names.get(index).is_some_and(|name| same_bytes(name.as_bytes(), key.as_bytes())) {
            return Some(index);
        }
        slot = (slot + 1) & (slots.len() - 1);
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

/// The slot where a search for `key` starts among `slots`: a multiplicative hash of its length
/// and of its first, last and next-to-last bytes (names that differ only elsewhere share a run of slots).
const fn home(key: &[u8], slots: usize) -> usize {
    let (first, last, before_last) = match (key.first(), key.split_last()) {
        (Some(&first), Some((&last, rest))) => {
            (first, last, if let Some(&byte) = rest.last() { byte } else { 0 })
        }
        _ => (0, 0, 0),
    };
    let word = (key.len() as u32) ^ (first as u32) << 8 ^ (last as u32) << 16 ^ (before_last as u32) << 24;
    // Scaled into `0..slots` by the product's high bits, which depend on every bit of the word.
    ((word.wrapping_mul(0x9E37_79B1) as u64).wrapping_mul(slots as u64) >> 32) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_name_and_nothing_else() {
        static TABLE: KeyTable<u8, 7, 8> =
            KeyTable::new(&[("a", 1), ("ab", 2), ("ba", 3), ("abc", 4), ("", 5), ("cab", 6), ("acb", 7)]);
        for (name, value) in [("a", 1), ("ab", 2), ("ba", 3), ("abc", 4), ("", 5), ("cab", 6), ("acb", 7)] {
            assert_eq!(TABLE.get(name), Some(value), "{name}");
        }
        for other in ["b", "abd", "A", "abcd", "bca", "x"] {
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
