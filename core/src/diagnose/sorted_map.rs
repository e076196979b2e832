//! `SortedMap`: a map kept as a vector sorted by key, for the diagnoser's small maps (the codes of an incident or
//! a burst, a device's lock-lost messages, the token-renewal groups).
//!
//! Hand-written instead of `BTreeMap`, whose node code cost ~2 KiB gzip of the npm package: these maps hold a
//! handful of keys, where a binary search over one vector is as fast, and they iterate in key order just the same.

/// A map with its entries sorted by key (serialized as its list of entries).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub(super) struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap { entries: Vec::new() }
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    /// Applies `change` to the value of `key`, made by `make` first when the key is new.
    pub(super) fn update(&mut self, key: K, make: impl FnOnce() -> V, change: impl FnOnce(&mut V)) {
        let at = match self.entries.binary_search_by(|(probe, _)| probe.cmp(&key)) {
            Ok(at) => at,
            Err(at) => {
                self.entries.insert(at, (key, make()));
                at
            }
        };
        if let Some((_, value)) = self.entries.get_mut(at) {
            change(value);
        }
    }

    /// The value of `key`, made by `make` first when the key is new (a function, not a closure, so that every
    /// call site shares one copy of this code in the WebAssembly build).
    pub(super) fn slot(&mut self, key: K, make: fn() -> V) -> Option<&mut V> {
        let at = match self.entries.binary_search_by(|(probe, _)| probe.cmp(&key)) {
            Ok(at) => at,
            Err(at) => {
                self.entries.insert(at, (key, make()));
                at
            }
        };
        self.entries.get_mut(at).map(|(_, value)| value)
    }

    /// The keys, in order.
    pub(super) fn keys(&self) -> impl Iterator<Item = &K> {
        self.entries.iter().map(|(key, _)| key)
    }

    /// The values, in key order.
    pub(super) fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, value)| value)
    }

    /// The entries, in key order.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(key, value)| (key, value))
    }

    /// True when the map holds no entry.
    pub(super) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes every entry.
    pub(super) fn clear(&mut self) {
        self.entries.clear();
    }

    /// Moves every entry of `other` in; `combine` joins a value into the value of an equal key.
    pub(super) fn merge_with(&mut self, other: SortedMap<K, V>, mut combine: impl FnMut(&mut V, V)) {
        for (key, value) in other.entries {
            match self.entries.binary_search_by(|(probe, _)| probe.cmp(&key)) {
                Ok(at) => {
                    if let Some((_, mine)) = self.entries.get_mut(at) {
                        combine(mine, value);
                    }
                }
                Err(at) => self.entries.insert(at, (key, value)),
            }
        }
    }

    /// True when `key` has an entry.
    pub(super) fn contains_key(&self, key: &K) -> bool {
        self.entries.binary_search_by(|(probe, _)| probe.cmp(key)).is_ok()
    }
}

impl<K: Ord> SortedMap<K, u64> {
    /// Counts one more of `key`.
    pub(super) fn bump(&mut self, key: K) {
        if let Some(count) = self.slot(key, || 0) {
            *count += 1;
        }
    }

    /// Adds the counts of `other` to these.
    pub(super) fn add_all(&mut self, other: SortedMap<K, u64>) {
        self.merge_with(other, |mine, theirs| *mine += theirs);
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::SortedMap;

    #[test]
    fn entries_stay_sorted_and_updates_reach_existing_values() {
        let mut map = SortedMap::default();
        for code in [404104, 401003, 404104, 500001, 401003, 404104] {
            map.update(code, || 0u64, |n| *n += 1);
        }
        assert_eq!(
            map.iter().map(|(&k, &v)| (k, v)).collect::<Vec<_>>(),
            [(401003, 2), (404104, 3), (500001, 1)]
        );
        assert_eq!(map.keys().copied().collect::<Vec<_>>(), [401003, 404104, 500001]);
        assert_eq!(map.values().copied().max(), Some(3));
        map.clear();
        assert!(map.is_empty());
    }
}
