//! Weighted choice in O(1): Walker's alias method, built with Vose's algorithm.
//!
//! Visibility weights are fixed for a day, so a table is built once per day (and again
//! when most of its weight belongs to workers whose time has run out). A draw takes one
//! 64-bit random number: the top 32 bits choose a column, the low 32 bits flip the
//! column's biased coin. Everything is integer arithmetic after the build, so a draw is
//! the same bits on every machine.

/// One column of the table: everything a draw reads, in 16 bytes, so a draw from a
/// table too big for the cache costs one trip to memory instead of three (the coin, the
/// alias and the item used to live in separate vectors).
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(16))]
struct Column {
    /// Probability of keeping the column's own item, scaled to 2^32.
    keep: u64,
    /// The column's own item.
    item: u32,
    /// The item taken when the coin says no (the item of the column's alias).
    alias: u32,
}

/// An alias table over items (member indices) with weights.
#[derive(Clone, Debug, Default)]
pub struct AliasTable {
    columns: Vec<Column>,
    /// Sum of the weights the table was built from.
    total: f64,
    // Scratch for the build, kept to avoid allocating every day.
    scaled: Vec<f64>,
    small: Vec<u32>,
    large: Vec<u32>,
}

impl AliasTable {
    /// Rebuilds the table from `(item, weight)` pairs; items with weight 0 (or less, or
    /// not finite) are left out. Reuses the table's memory.
    pub fn rebuild(&mut self, entries: impl IntoIterator<Item = (u32, f64)>) {
        self.columns.clear();
        self.scaled.clear();
        self.total = 0.0;
        for (item, w) in entries {
            if w > 0.0 && w.is_finite() {
                self.columns.push(Column {
                    keep: 1 << 32,
                    item,
                    alias: item,
                });
                self.scaled.push(w);
                self.total += w;
            }
        }
        let n = self.columns.len();
        if n == 0 {
            return;
        }
        let factor = n as f64 / self.total;
        self.small.clear();
        self.large.clear();
        for (i, w) in self.scaled.iter_mut().enumerate() {
            *w *= factor;
            if *w < 1.0 {
                self.small.push(i as u32);
            } else {
                self.large.push(i as u32);
            }
        }
        while let (Some(&s), Some(&l)) = (self.small.last(), self.large.last()) {
            self.small.pop();
            let (s, l) = (s as usize, l as usize);
            self.columns[s].keep = (self.scaled[s] * 4_294_967_296.0) as u64;
            self.columns[s].alias = self.columns[l].item;
            self.scaled[l] -= 1.0 - self.scaled[s];
            if self.scaled[l] < 1.0 {
                self.large.pop();
                self.small.push(l as u32);
            }
        }
        // Leftovers (from rounding) keep their own item with certainty.
        for &i in self.small.iter().chain(self.large.iter()) {
            self.columns[i as usize].keep = 1 << 32;
        }
    }

    /// Number of items with positive weight.
    pub fn len(&self) -> usize {
        self.columns.len()
    }

    /// Whether no item has positive weight.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// Sum of the weights.
    pub fn total(&self) -> f64 {
        self.total
    }

    /// The items in the table, in build order.
    pub fn items(&self) -> impl Iterator<Item = u32> + '_ {
        self.columns.iter().map(|c| c.item)
    }

    /// Fetches the line a later `draw(bits)` will read (a hint; see `prefetch`).
    #[inline]
    pub(crate) fn prefetch(&self, bits: u64) {
        if self.columns.is_empty() {
            return;
        }
        let column = crate::rng::index(bits, self.columns.len());
        super::prefetch::prefetch(&self.columns[column]);
    }

    /// Draws an item with probability proportional to its weight. The table must not be
    /// empty.
    #[inline]
    pub fn draw(&self, bits: u64) -> u32 {
        let c = self.columns[crate::rng::index(bits, self.columns.len())];
        if bits & 0xFFFF_FFFF < c.keep { c.item } else { c.alias }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    #[test]
    fn frequencies_follow_weights() {
        let mut t = AliasTable::default();
        t.rebuild([(10, 1.0), (11, 2.0), (12, 0.0), (13, 5.0)]);
        assert_eq!(t.len(), 3);
        assert_eq!(t.total(), 8.0);
        let mut rng = SplitMix64::new(3);
        let mut counts = [0usize; 4];
        let n = 400_000;
        for _ in 0..n {
            counts[(t.draw(rng.bits()) - 10) as usize] += 1;
        }
        assert_eq!(counts[2], 0, "zero weight is never drawn");
        for (i, w) in [(0, 1.0), (1, 2.0), (3, 5.0)] {
            let share = counts[i] as f64 / n as f64;
            assert!((share - w / 8.0).abs() < 0.005, "item {i}: {share}");
        }
    }

    #[test]
    fn empty_and_single_tables() {
        let mut t = AliasTable::default();
        t.rebuild(std::iter::empty());
        assert!(t.is_empty());
        t.rebuild([(7, 0.3)]);
        let mut rng = SplitMix64::new(1);
        assert!((0..100).all(|_| t.draw(rng.bits()) == 7));
    }
}
