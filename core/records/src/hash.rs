//! A fast, non-cryptographic hasher for the diagnoser's maps (device ids and counters).
//! The keys come from logs, not from an adversary able to pick collisions against a running service.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FxHash's word-at-a-time scheme (as used inside rustc), with the product's high half folded back into its
/// low half at each word, so that every bit of a word reaches every bit of the hash. The plain multiply only
/// carries bits upwards, and record fingerprints of devices with similar names (`hvac-0319`, `hvac-0396`)
/// collided. 64 bits on every platform, so the npm package finds the same duplicates as the native builds.
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        let product = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
        self.hash = product ^ (product >> 32);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let mut tail = [0u8; 8];
        let rest = chunks.remainder();
        for (slot, byte) in tail.iter_mut().zip(rest) {
            *slot = *byte;
        }
        self.add(u64::from_le_bytes(tail) ^ rest.len() as u64);
    }

    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }

    fn write_u32(&mut self, value: u32) {
        self.add(u64::from(value));
    }

    fn write_u64(&mut self, value: u64) {
        self.add(value);
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A `HashMap` using [`FxHasher`].
pub type FxHashMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
