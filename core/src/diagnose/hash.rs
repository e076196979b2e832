//! The diagnoser's maps (device ids and counters) use FxHash, from `rustc-hash`: fast, not cryptographic.
//! The keys come from logs, not from an adversary able to pick collisions against a running service.

pub use rustc_hash::FxHasher;

/// A `HashMap` using [`FxHasher`].
pub type FxHashMap<K, V> = std::collections::HashMap<K, V, rustc_hash::FxBuildHasher>;
