//! Matching: who sees which task.
//!
//! - `search`: tasks are offered in posting order; for each, the requester draws a
//!   worker by visibility weight among those with time left who pass the task's gate
//!   (an alias table fixed for the day). Drawing someone whose time ran out costs
//!   nothing and is redrawn; a worker who declines uses up one of the requester's
//!   `offers_per_task`. When the table is empty or the offers are used up the task stays
//!   unfilled — never an endless redraw. Once more than half the table's weight belongs
//!   to workers with no time left it is rebuilt, so a draw needs at most two tries on
//!   average.
//! - `dispatch`: the same offer loop, but the platform makes the offers: only workers
//!   whose acceptance rate and rating pass the dispatch gate are drawn, a worker may
//!   turn an offer down at random, and acceptance is tracked.
//! - `board`: in rounds, the workers with time left act in a fresh random order; each
//!   spends `search_seconds` (unpaid) looking at `board_choices` batches they can see,
//!   takes the one paying most per expected second among those they accept, and works
//!   it while it lasts, time remains and they choose to stay. A worker who finds nothing
//!   acceptable three times in a day stops picking; with a search patience
//!   (`workers.search_patience_minutes`) they stay logged on, searching unpaid, until it
//!   runs out.
//! - hours (`demand.hour_factors`): a batch is posted in an hour of the day, and only a
//!   worker whose available time that day reaches past that hour can take it (a board
//!   worker does not see it; an offer to anyone else goes unanswered). The gate says who
//!   may take which task, not in what order within the day tasks are taken.
//!
//! Niche categories form their own matching groups: their tasks are seen only by their
//! specialists, who see nothing else. Every table and list is kept per group.

use rand::Rng;

use super::alias::AliasTable;
use super::market::Market;
use super::prefetch::{prefetch, prefetch_at, prefetch_whole};
use super::scratch::{BoardView, LiveTable, Scratch, slot};
use super::work::Started;
use super::worker::{Hot, Member};
use crate::rng::{Stream, index, stream};

/// Offers drawn ahead of the one being worked (see `Market::prefetch_offers`).
const LOOKAHEAD: usize = 8;

/// Picks ahead of the one being made whose worker's lines are fetched (see
/// `Market::prefetch_picks`).
const BOARD_LOOKAHEAD: usize = 4;

/// Whether a platform's members are too many for their hot lines to stay in cache, so
/// that fetching ahead pays (below about 1 MB of hot lines the hints only cost time:
/// the matching bench at 1,000 workers is 7% slower with them, at 100,000 14% faster).
fn worth_prefetching(hot: &[Hot]) -> bool {
    std::mem::size_of_val(hot) > 1 << 20
}

/// A worker who finds nothing acceptable this many times in a day stops for the day.
pub(crate) const EMPTY_PICKS_BEFORE_LEAVING: u8 = 3;

impl Market<'_> {
    /// Number of matching groups (1 + niche categories).
    fn groups(&self) -> usize {
        1 + self.sc.categories.iter().filter(|c| c.group > 0).count()
    }

    /// `search` or `dispatch` matching for the day on platform `p`: tasks are offered to
    /// workers drawn by visibility weight.
    pub(crate) fn match_offers(&mut self, p: usize, day: u32, dispatch: bool) {
        let mut s = std::mem::take(&mut self.venues[p].scratch);
        let groups = self.groups();
        s.tables.resize_with(groups * 2, LiveTable::default);
        let rules = self.venues[p].params;
        let d = rules.dispatch;
        let eligible = |m: &Member| !dispatch || d.admits(m);
        // A group's gated table is drawn from only for its gated batches: on a day
        // without any (every batch open, `open_share = 1`), it is left empty.
        let mut gated_today = vec![false; groups];
        for b in &self.venues[p].batches {
            gated_today[b.group as usize] |= b.gated;
        }
        for g in 0..groups as u16 {
            let v = &self.venues[p];
            let members = &v.members;
            let in_group = v.working.iter().copied().filter(|&i| {
                let m = &members[i as usize];
                m.group == g && eligible(m)
            });
            s.tables[slot(g, false)].rebuild(members, &v.hot, in_group.clone());
            let gated = &mut s.tables[slot(g, true)];
            if gated_today[g as usize] {
                gated.rebuild(members, &v.hot, in_group.filter(|&i| members[i as usize].qualified));
            } else {
                gated.rebuild(members, &v.hot, std::iter::empty());
            }
        }
        let mut rng = stream(self.sc.seed, self.replicate, Stream::Matching, day, p as u64);
        // The stream's next numbers are drawn ahead, so the lines of the workers they will
        // pick can be fetched while this offer is worked; each number is still used once
        // and in order, so the draws are the same as without the pipeline.
        let fetch = worth_prefetching(&self.venues[p].hot);
        let mut ahead = [0u64; LOOKAHEAD];
        ahead.iter_mut().for_each(|a| *a = rng.next_u64());
        let max_offers = rules.offers_per_task;
        let review = self.sc.unpaid.review_seconds;
        for b in 0..self.venues[p].batches.len() {
            let batch = self.venues[p].batches[b];
            let table_slot = slot(batch.group, batch.gated);
            for _ in 0..batch.size {
                let mut offers = 0;
                loop {
                    let table = &s.tables[table_slot].table;
                    if table.is_empty() {
                        break;
                    }
                    let bits = ahead[0];
                    ahead.rotate_left(1);
                    ahead[LOOKAHEAD - 1] = rng.next_u64();
                    if fetch {
                        self.prefetch_offers(p, table, &ahead, batch.category, dispatch);
                    }
                    let i = table.draw(bits);
                    let mut h = self.venues[p].hot[i as usize];
                    if h.time_left == 0 {
                        continue;
                    }
                    offers += 1;
                    if !h.on_in_hour(batch.hour) {
                        // Their hours end before the task was posted: the offer goes
                        // unanswered (no time spent, and on dispatch no decline
                        // counted), but it uses up one of the task's offers, so a task
                        // posted when nobody is on stays unfilled.
                        if offers >= max_offers {
                            break;
                        }
                        continue;
                    }
                    if review > 0 {
                        let spent = review.min(h.time_left);
                        h.time_left -= spent;
                        self.venues[p].hot[i as usize].time_left = h.time_left;
                        self.add_unpaid(p, i, spent);
                    }
                    let avoids = h.avoids_any && self.venues[p].avoids(i, batch.requester);
                    let mut takes = h.time_left > 0 && !avoids && self.accepts(&h, &batch);
                    if dispatch {
                        if takes && d.decline_probability > 0.0 {
                            takes = self.member_rng(p, i).unit() >= d.decline_probability;
                        }
                        self.venues[p].members[i as usize].offered(takes);
                    }
                    let mut filled = false;
                    if takes {
                        self.venues[p].batches[b].remaining -= 1;
                        if self.start_task(p, i, &batch, day) == Started::Returned {
                            self.venues[p].batches[b].remaining += 1;
                        } else {
                            filled = true;
                        }
                    }
                    let v = &self.venues[p];
                    if v.hot[i as usize].time_left == 0 {
                        let m = &v.members[i as usize];
                        let (weight, qualified, group) = (m.weight, m.qualified, m.group);
                        s.tables[slot(group, false)].retire(&v.members, &v.hot, weight, &mut s.items);
                        if qualified && !s.tables[slot(group, true)].table.is_empty() {
                            s.tables[slot(group, true)].retire(&v.members, &v.hot, weight, &mut s.items);
                        }
                    }
                    if filled || offers >= max_offers {
                        break;
                    }
                }
            }
        }
        self.venues[p].scratch = s;
    }

    /// Fetches ahead what the coming offers will read, each far enough ahead for a trip
    /// to main memory: the alias column of the last number drawn ahead, the hot line and
    /// rating of the worker of the middle one (whose column was fetched some offers
    /// ago), and the practice count of the worker two offers on (whose hot line was).
    #[inline]
    fn prefetch_offers(&self, p: usize, table: &AliasTable, ahead: &[u64; LOOKAHEAD], category: u16, dispatch: bool) {
        let v = &self.venues[p];
        table.prefetch(ahead[LOOKAHEAD - 1]);
        let middle = table.draw(ahead[LOOKAHEAD / 2]) as usize;
        prefetch_at(&v.hot, middle);
        if let Some(m) = v.members.get(middle) {
            prefetch(&m.rating);
            prefetch(&m.reviews);
            if dispatch {
                prefetch(&m.recent_offers);
                prefetch(&m.totals.offers_received);
            }
        }
        if let Some(h) = v.hot.get(table.draw(ahead[1]) as usize) {
            let categories = self.sc.categories.len();
            prefetch_at(&self.practice, h.worker as usize * categories + category as usize);
        }
    }

    /// `board` matching for the day on platform `p`.
    pub(crate) fn match_board(&mut self, p: usize, day: u32) {
        let mut s = std::mem::take(&mut self.venues[p].scratch);
        let groups = self.groups();
        s.lists.resize_with(groups * 2, Vec::new);
        for list in &mut s.lists {
            list.clear();
        }
        s.position.clear();
        let v = &self.venues[p];
        for (b, batch) in v.batches.iter().enumerate() {
            let list = &mut s.lists[slot(batch.group, batch.gated)];
            s.position.push(list.len() as u32);
            list.push(b as u32);
        }
        s.active.clear();
        s.active
            .extend(v.working.iter().copied().filter(|&i| v.hot[i as usize].time_left > 0));
        let mut rng = stream(self.sc.seed, self.replicate, Stream::Matching, day, p as u64);
        let left = |s: &Scratch| s.lists.iter().any(|l| !l.is_empty());
        let fetch = worth_prefetching(&self.venues[p].hot);
        while !s.active.is_empty() && left(&s) {
            // A fresh random order each round (Fisher–Yates).
            for k in (1..s.active.len()).rev() {
                let j = index(rng.next_u64(), k + 1);
                s.active.swap(k, j);
            }
            for k in 0..s.active.len() {
                if !left(&s) {
                    break;
                }
                if fetch {
                    self.prefetch_picks(p, &s.active, &s.lists, k);
                }
                self.board_pick(p, s.active[k], day, &mut s);
            }
            let v = &self.venues[p];
            s.active.retain(|&i| {
                v.hot[i as usize].time_left > 0 && v.members[i as usize].empty_picks < EMPTY_PICKS_BEFORE_LEAVING
            });
        }
        self.venues[p].scratch = s;
    }

    /// Fetches ahead what the coming picks of the round will read: the hot line and
    /// membership of the worker a few places on, and the practice counts of the next
    /// worker (whose hot line was fetched a few picks ago).
    #[inline]
    fn prefetch_picks(&self, p: usize, active: &[u32], lists: &[Vec<u32>], k: usize) {
        let v = &self.venues[p];
        if let Some(&later) = active.get(k + BOARD_LOOKAHEAD) {
            prefetch_at(&v.hot, later as usize);
            if let Some(m) = v.members.get(later as usize) {
                prefetch(&m.group);
                prefetch(&m.rating);
                prefetch(&m.reviews);
            }
        }
        if let Some(h) = active.get(k + 1).and_then(|&next| v.hot.get(next as usize)) {
            prefetch_at(&self.practice, h.worker as usize * self.sc.categories.len());
        }
        // The batches the worker two places on will look at: their stream is theirs
        // alone, so a copy of it draws the same numbers their pick will (unless the board
        // changes before then, and then a wrong line is fetched, which costs nothing).
        if let Some(&soon) = active.get(k + 2) {
            let view = BoardView::of(lists, &v.members[soon as usize]);
            if view.len() > 0 {
                let mut rng = v.hot[soon as usize].rng;
                for _ in 0..v.params.board_choices {
                    let b = view.get(index(rng.bits(), view.len()));
                    if let Some(batch) = v.batches.get(b as usize) {
                        prefetch_whole(batch);
                    }
                }
            }
        }
    }

    /// One pick of one worker on the board: search, choose, work the batch.
    fn board_pick(&mut self, p: usize, member: u32, day: u32, s: &mut Scratch) {
        let rules = self.venues[p].params;
        let search = rules.search_seconds;
        let hot = &mut self.venues[p].hot[member as usize];
        let spent = search.min(hot.time_left);
        hot.time_left -= spent;
        let h = *hot;
        self.add_unpaid(p, member, spent);
        let m = &mut self.venues[p].members[member as usize];
        m.totals.search_seconds += spent;
        // Until a pick finds work, its search counts against the worker's patience.
        m.search_streak += spent;
        if h.time_left == 0 {
            return;
        }
        let view = BoardView::of(&s.lists, m);
        let visible = view.len();
        if visible == 0 {
            // Nothing to see: the worker leaves the board (and, with a search patience,
            // waits out the rest of it logged on; see `close_day`).
            m.empty_picks = EMPTY_PICKS_BEFORE_LEAVING;
            return;
        }
        let choices = rules.board_choices;
        let mut best: Option<(u32, f64)> = None;
        for _ in 0..choices {
            let bits = self.member_rng(p, member).bits();
            let b = view.get(index(bits, visible));
            let v = &self.venues[p];
            let batch = &v.batches[b as usize];
            // A batch posted after the worker's hours end is not there while they are.
            if !h.on_in_hour(batch.hour)
                || (h.avoids_any && v.avoids(member, batch.requester))
                || !self.accepts(&h, batch)
            {
                continue;
            }
            let value = batch.expected_net_cents as f64 / f64::from(batch.expected_seconds);
            if best.is_none_or(|(_, v)| value > v) {
                best = Some((b, value));
            }
        }
        let Some((b, _)) = best else {
            // After three fruitless picks in a day the worker stops picking: the board
            // only empties during the day, so they would find little later either.
            // With a search patience they stay logged on until it runs out (counted
            // at the end of the day, `close_day`), without the cost of more picks.
            self.venues[p].members[member as usize].empty_picks += 1;
            return;
        };
        self.venues[p].members[member as usize].search_streak = 0;
        let stay = self.sc.switching.batch_stay;
        // Every task of a batch is alike: one copy serves the whole stay.
        let task = self.venues[p].batches[b as usize];
        // Without learning, every task of the stay after the first (which may pay a
        // switching cost) takes the same time: it is worked out once.
        let steady = !self.learning.is_on();
        let mut need = None;
        loop {
            self.venues[p].batches[b as usize].remaining -= 1;
            let seconds = match need {
                Some(n) => n,
                None => self.task_seconds(&self.venues[p].hot[member as usize], &task),
            };
            let started = self.start_task_of(p, member, &task, day, seconds);
            if steady && need.is_none() && started == Started::Submitted {
                need = Some(self.task_seconds(&self.venues[p].hot[member as usize], &task));
            }
            if started == Started::Returned {
                self.venues[p].batches[b as usize].remaining += 1;
                break;
            }
            if self.venues[p].batches[b as usize].remaining == 0 {
                self.remove_batch(p, b, s);
                break;
            }
            if self.venues[p].hot[member as usize].time_left == 0 {
                break;
            }
            if stay < 1.0 && self.member_rng(p, member).unit() >= stay {
                break;
            }
        }
    }

    /// Takes an exhausted batch off the board.
    fn remove_batch(&mut self, p: usize, b: u32, s: &mut Scratch) {
        let batch = &self.venues[p].batches[b as usize];
        let list = &mut s.lists[slot(batch.group, batch.gated)];
        let pos = s.position[b as usize] as usize;
        list.swap_remove(pos);
        if let Some(&moved) = list.get(pos) {
            s.position[moved as usize] = pos as u32;
        }
    }
}
