//! The buffers matching keeps from day to day on each venue: offer tables and board
//! lists, two per matching group (open and gated). They live apart from the matching
//! code so that a venue can own them without the venue depending on matching.

use super::alias::AliasTable;
use super::worker::{Hot, Member};

/// An alias table with the weight of its members whose time ran out.
#[derive(Debug, Default)]
pub(crate) struct LiveTable {
    pub(super) table: AliasTable,
    pub(super) dead: f64,
}

impl LiveTable {
    pub(super) fn rebuild(&mut self, members: &[Member], hot: &[Hot], from: impl Iterator<Item = u32>) {
        self.table.rebuild(
            from.filter(|&i| hot[i as usize].time_left > 0)
                .map(|i| (i, members[i as usize].weight)),
        );
        self.dead = 0.0;
    }

    /// Notes that a member of the table has no time left; rebuilds when most of the
    /// weight is gone.
    pub(super) fn retire(&mut self, members: &[Member], hot: &[Hot], weight: f64, items: &mut Vec<u32>) {
        self.dead += weight;
        if self.dead > 0.5 * self.table.total() {
            items.clear();
            items.extend(self.table.items());
            self.rebuild(members, hot, items.iter().copied());
        }
    }
}

/// Buffers reused by matching from day to day.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    /// Offer tables, two per group: open tasks (even) and gated tasks (odd).
    pub(super) tables: Vec<LiveTable>,
    pub(super) items: Vec<u32>,
    /// Board lists of batches with tasks left, two per group like the tables.
    pub(super) lists: Vec<Vec<u32>>,
    pub(super) position: Vec<u32>,
    pub(super) active: Vec<u32>,
}

/// The batches a board member can see: their group's open batches, then its gated
/// ones if they pass the gate, numbered in that order.
pub(super) struct BoardView<'a> {
    pub(super) open: &'a [u32],
    pub(super) gated: &'a [u32],
}

impl<'a> BoardView<'a> {
    pub(super) fn of(lists: &'a [Vec<u32>], m: &Member) -> Self {
        let gated: &[u32] = if m.qualified { &lists[slot(m.group, true)] } else { &[] };
        BoardView {
            open: &lists[slot(m.group, false)],
            gated,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.open.len() + self.gated.len()
    }

    /// The batch numbered `k` (`k < len()`).
    pub(super) fn get(&self, k: usize) -> u32 {
        match self.open.get(k) {
            Some(&b) => b,
            None => self.gated[k - self.open.len()],
        }
    }
}

/// The slot of a group's open (gated = false) or gated list or table.
#[inline]
pub(super) fn slot(group: u16, gated: bool) -> usize {
    group as usize * 2 + usize::from(gated)
}
