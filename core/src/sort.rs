//! The crate's one sort.
//!
//! Each `slice::sort_by` call compiles the standard library's sort anew for its element type and closure
//! (several kilobytes of code each time), which is most of the weight of sorting in the WebAssembly build.
//! [`sort_by`] instead orders positions with a single merge sort that every call site shares; the part
//! compiled per call is a comparison closure and a swap. The sorts here run on reports and tables (devices,
//! counts, findings), never per record, so the indirect calls cost nothing measurable.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, keeping equal items in their order (like `slice::sort_by`).
pub(crate) fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    let order = {
        let items = &*items;
        order(items.len(), &mut |a, b| match (items.get(a), items.get(b)) {
            (Some(a), Some(b)) => compare(a, b),
            _ => Ordering::Equal,
        })
    };
    permute(order, &mut |a, b| items.swap(a, b));
}

/// Sorts `items` by their natural order.
pub(crate) fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// The positions `0..len` in the order `compare` gives them: a stable bottom-up merge sort.
fn order(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    let mut merged: Vec<usize> = Vec::with_capacity(len);
    let mut width = 1;
    while width < len {
        merged.clear();
        for run in order.chunks(width * 2) {
            let (mut left, mut right) = run.split_at(width.min(run.len()));
            // Take from the right run only when its head is strictly smaller: equal items keep their order.
            while let (Some(&l), Some(&r)) = (left.first(), right.first()) {
                if compare(r, l) == Ordering::Less {
                    merged.push(r);
                    right = right.get(1..).unwrap_or_default();
                } else {
                    merged.push(l);
                    left = left.get(1..).unwrap_or_default();
                }
            }
            merged.extend_from_slice(left);
            merged.extend_from_slice(right);
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    order
}

/// Rearranges items so that position `i` receives the item at `order[i]`, by following each cycle of the
/// permutation with `swap`.
fn permute(mut order: Vec<usize>, swap: &mut dyn FnMut(usize, usize)) {
    for start in 0..order.len() {
        let mut at = start;
        // Each visited slot is marked done by pointing it at itself.
        while let Some(next) = order.get_mut(at).map(|slot| std::mem::replace(slot, at)) {
            if next == start || next == at {
                break;
            }
            swap(at, next);
            at = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (no dependency): xorshift.
    fn numbers(seed: u64, len: usize, range: u64) -> Vec<u64> {
        let mut state = seed.max(1);
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state % range
            })
            .collect()
    }

    #[test]
    fn sorts_like_the_standard_stable_sort() {
        for len in [0, 1, 2, 3, 5, 8, 17, 64, 100, 1000, 4097] {
            for range in [1, 3, 50, u64::MAX] {
                // (key, original position): the position shows whether equal keys kept their order.
                let items: Vec<(u64, usize)> =
                    numbers((len as u64).wrapping_add(range), len, range).into_iter().zip(0..).collect();
                let mut ours = items.clone();
                sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
                let mut std = items;
                std.sort_by_key(|item| item.0);
                assert_eq!(ours, std, "len {len}, range {range}");
            }
        }
    }

    #[test]
    fn sorts_descending_and_by_natural_order() {
        let mut words = vec!["pear", "apple", "fig", "apple", "kiwi"];
        sort(&mut words);
        assert_eq!(words, ["apple", "apple", "fig", "kiwi", "pear"]);
        let mut counts = vec![(3, "a"), (9, "b"), (3, "c"), (1, "d")];
        sort_by(&mut counts, |a, b| b.0.cmp(&a.0));
        assert_eq!(counts, [(9, "b"), (3, "a"), (3, "c"), (1, "d")]);
    }
}
