//! One run of the market: the state of every worker, requester and task, and the daily
//! step that moves it — demand, supply, matching, work, pay, reputation, record.
//!
//! Workers, requesters and demand are shared; each platform is a [`Venue`] with its own
//! members, batches, ledger and flows. With several platforms a worker splits the day's
//! time between the platforms they joined, by what each has paid them lately.

use super::MoneyOverflow;
use super::alias::AliasTable;
use super::behaviour::LearningCurve;
use super::demand::DemandProcess;
use super::posting::{Poster, platform_weights};
use super::record::{
    Books, DailyRow, PlatformRunRow, RunRecord, RunRow, Work, WorkerPlatformRow, WorkerRow, hourly_usd, wage_eligible,
};
use super::requester::{Requester, posting_weights};
use super::scratch::Scratch;
use super::stars::Stars;
pub use super::venue::Flows;
use super::venue::Venue;
use super::worker::{DAY_SECONDS, DrawRules, Exit, History, Hot, Member, Totals, Worker};
use crate::metrics;
use crate::rng::{SplitMix64, Stream, day_key, entity_key, key, stream, unit_f64};
use crate::scenario::{Feedback, Scenario};
use rand_distr::{Distribution, Poisson};

/// Tasks each worker has done per category before day 1: their experience, spread over
/// the categories by share.
fn initial_practice(workers: &[&Worker], categories: &[crate::scenario::Category]) -> Vec<u32> {
    let total: f64 = categories.iter().map(|c| c.share.max(0.0)).sum();
    let mut out = Vec::with_capacity(workers.len() * categories.len());
    for w in workers {
        let experience = f64::from(w.experience);
        for c in categories {
            let share = if total > 0.0 { c.share.max(0.0) / total } else { 0.0 };
            out.push((experience * share).round() as u32);
        }
    }
    out
}

/// No member: the worker did not join that platform.
const NONE: u32 = u32::MAX;

use crate::scenario::{MAX_PLATFORMS, Matching};

/// The whole state of one run.
pub struct Market<'s> {
    pub(crate) sc: &'s Scenario,
    pub(crate) replicate: u32,
    pub(crate) cost_factor: f64,
    pub(crate) workers: Vec<Worker>,
    pub(crate) requesters: Vec<Requester>,
    /// One venue per platform.
    pub(crate) venues: Vec<Venue<'s>>,
    /// Member index of worker w on platform p at `w * platforms + p` (`NONE` if not joined).
    member_of: Vec<u32>,
    requester_pick: AliasTable,
    category_pick: AliasTable,
    platform_pick: AliasTable,
    demand: DemandProcess,
    /// Key of the members' work streams today.
    pub(crate) work_key: u64,
    /// Workers working today, by id.
    working: Vec<u32>,
    /// Each worker's chance of working on a day (0 once they have left), packed
    /// apart from the rest of the worker so the daily schedule draw stays in cache.
    schedule: Vec<f32>,
    /// Market flows today and over the metric period (sums over venues).
    pub(crate) today: Flows,
    totals: Flows,
    daily: Vec<DailyRow>,
    wages: Vec<f64>,
    /// Tasks done per worker and category, `worker * categories + category`.
    pub(crate) practice: Vec<u32>,
    /// Moving average of the market's mean net cents per available hour (churn).
    market_ewma: f64,
    /// Median reservation wage of the day-1 workers, cents per hour (entry response).
    reference_wage: f64,
    niche_shares: Vec<f64>,
    join_probabilities: Vec<f64>,
    /// Arrivals and exits today.
    entries_today: u64,
    exits_today: u64,
    /// The day the run's money outgrew 64-bit cents, if it did (the run is void).
    overflow_day: Option<u32>,
    /// Stars of a review of rejected, good and poor work.
    pub(crate) stars: [Stars; 3],
    /// How practice speeds tasks up.
    pub(crate) learning: LearningCurve,
    /// The hours batches are posted in, by `demand.hour_factors` (`None`: all at
    /// midnight).
    hour_pick: Option<AliasTable>,
    /// Today's sessions, (start second, seconds logged on): dormant profiles' from the
    /// morning, working workers' from the evening.
    sessions: Vec<(u32, u32)>,
    /// Workers logged on at each minute mark of the day, as a difference array (reused).
    minute_counts: Vec<i64>,
}

impl<'s> Market<'s> {
    /// Sets up replicate `replicate` of a scenario. `cost_factor` scales the tasks
    /// posted (the demand response to the policy's all-in cost; 1 for none).
    pub fn new(sc: &'s Scenario, replicate: u32, cost_factor: f64) -> Self {
        let seed = sc.seed;
        let niche_shares: Vec<f64> = sc.categories.iter().filter(|c| c.group > 0).map(|c| c.share).collect();
        let join_probabilities: Vec<f64> = sc.platforms.iter().map(|p| p.join_probability).collect();
        let rules = DrawRules {
            tools_share: sc.tools.share,
            tools_seconds: sc.tools.seconds,
            niche_shares: &niche_shares,
            join_probabilities: &join_probabilities,
        };
        let drawn: Vec<(Worker, History)> = (0..sc.workers.count)
            .map(|id| Worker::draw(&sc.workers, seed, replicate, id, 0, rules))
            .collect();
        let workers: Vec<&Worker> = drawn.iter().map(|(w, _)| w).collect();
        let requesters = (0..sc.requesters.count)
            .map(|id| Requester::draw(&sc.requesters, &sc.platforms, seed, replicate, id))
            .collect();
        let practice = initial_practice(&workers, &sc.categories);
        let mut reservations: Vec<f64> = workers
            .iter()
            .map(|w| f64::from(w.reservation_cents_per_hour))
            .collect();
        reservations.sort_by(f64::total_cmp);
        let reference_wage = metrics::quantile_sorted(&reservations, 0.5).unwrap_or(0.0);
        let mut category_pick = AliasTable::default();
        category_pick.rebuild(sc.categories.iter().enumerate().map(|(i, c)| (i as u32, c.share)));
        let mut market = Market {
            sc,
            replicate,
            cost_factor,
            workers: Vec::with_capacity(drawn.len()),
            requesters,
            venues: sc.platforms.iter().map(Venue::new).collect(),
            member_of: Vec::with_capacity(drawn.len() * sc.platforms.len()),
            requester_pick: posting_weights(&sc.requesters),
            category_pick,
            platform_pick: platform_weights(&sc.platforms),
            demand: DemandProcess::new(&sc.demand, stream(seed, replicate, Stream::Demand, 0, 0)),
            work_key: 0,
            working: Vec::new(),
            schedule: Vec::new(),
            today: Flows::default(),
            totals: Flows::default(),
            daily: Vec::with_capacity((sc.days - sc.warmup_days) as usize),
            wages: Vec::new(),
            practice,
            market_ewma: -1.0,
            reference_wage,
            niche_shares,
            join_probabilities,
            entries_today: 0,
            exits_today: 0,
            overflow_day: None,
            stars: [1.0, sc.requesters.good_work_stars, sc.requesters.poor_work_stars]
                .map(|mean| Stars::new(mean, sc.requesters.rating_noise)),
            learning: LearningCurve::new(&sc.learning),
            hour_pick: sc.demand.hour_factors.map(|weights| {
                let mut t = AliasTable::default();
                t.rebuild(weights.iter().enumerate().map(|(h, &w)| (h as u32, w)));
                t
            }),
            sessions: Vec::new(),
            minute_counts: Vec::new(),
        };
        // Every platform's members grow to at most the day-1 pool: reserved at once,
        // not doubled past it.
        for v in &mut market.venues {
            v.members.reserve_exact(drawn.len());
            v.hot.reserve_exact(drawn.len());
        }
        for (w, history) in drawn {
            market.register(w, history);
        }
        market
    }

    /// Adds a worker to the market and to the platforms they joined. Whether their
    /// profile goes dormant is drawn here, for day-1 workers and newcomers alike, from
    /// its own stream (and only when the share is positive), so no other draw moves.
    fn register(&mut self, mut w: Worker, history: History) {
        let id = self.workers.len() as u32;
        let wp = &self.sc.workers;
        if wp.dormant_share > 0.0
            && unit_f64(key(self.sc.seed, self.replicate, Stream::Dormancy, 0, u64::from(id))) < wp.dormant_share
        {
            w.dormant = true;
            w.sessions_left = wp.dormant_sessions;
        }
        self.schedule.push(w.work_probability);
        for (p, venue) in self.venues.iter_mut().enumerate() {
            if w.platforms & (1 << p) != 0 {
                self.member_of.push(venue.members.len() as u32);
                venue.members.push(Member::join(id, &w, &history));
                venue.hot.push(Hot::of(id, &w));
            } else {
                self.member_of.push(NONE);
            }
        }
        self.workers.push(w);
    }

    /// The memberships of worker `w`: (platform, member index).
    fn memberships(&self, w: u32) -> impl Iterator<Item = (usize, u32)> + '_ {
        let n = self.venues.len();
        self.member_of[w as usize * n..(w as usize + 1) * n]
            .iter()
            .enumerate()
            .filter(|(_, m)| **m != NONE)
            .map(|(p, m)| (p, *m))
    }

    /// Runs every day. `on_day` is called after each day; when it returns `false` the
    /// run stops and `None` is returned (an interrupted run has no record). A run whose
    /// money outgrows 64-bit cents stops with an error instead of wrapping around.
    pub fn run(mut self, variant: u32, mut on_day: impl FnMut() -> bool) -> Result<Option<RunRecord>, MoneyOverflow> {
        for day in 1..=self.sc.days {
            self.step(day);
            if let Some(day) = self.overflow_day {
                return Err(MoneyOverflow {
                    replicate: self.replicate,
                    day,
                });
            }
            if !on_day() {
                return Ok(None);
            }
        }
        Ok(Some(self.finish(variant)))
    }

    /// The day the run's money outgrew 64-bit cents, if it did: the run is void and
    /// must not be stepped further.
    pub fn overflow_day(&self) -> Option<u32> {
        self.overflow_day
    }

    /// The workers (people), by id.
    pub fn workers(&self) -> &[Worker] {
        &self.workers
    }

    /// The platforms' states, in scenario order.
    pub fn venues(&self) -> &[Venue<'s>] {
        &self.venues
    }

    /// The memberships of the first platform, by member index (with one platform,
    /// member i is worker i).
    pub fn members(&self) -> &[Member] {
        &self.venues[0].members
    }

    /// Today's flows so far (tasks posted, done, money), all platforms.
    pub fn today(&self) -> Flows {
        let mut f = Flows::default();
        for v in &self.venues {
            f.add(&v.today);
        }
        f
    }

    /// Simulates one day: [`open_day`](Self::open_day), [`match_day`](Self::match_day),
    /// [`close_day`](Self::close_day).
    pub fn step(&mut self, day: u32) {
        let multiplier = self.open_day(day);
        self.match_day(day);
        self.close_day(day, multiplier);
    }

    /// The morning of a day: demand is posted and workers start with their time.
    /// Returns the day's demand multiplier.
    pub fn open_day(&mut self, day: u32) -> f64 {
        let sc = self.sc;
        for v in &mut self.venues {
            v.today = Flows::default();
        }

        // 1. Demand: how many tasks, and the batches that carry them, on each platform.
        let (multiplier, target) = self.demand.step(&sc.demand, day, self.cost_factor);
        let mut post_rng = stream(sc.seed, self.replicate, Stream::Posting, day, 0);
        let poster = Poster {
            requesters: &self.requester_pick,
            categories: &self.category_pick,
            list: &sc.categories,
            platforms: &sc.platforms,
            platform_pick: &self.platform_pick,
            requester_list: &self.requesters,
        };
        let mut lists: Vec<_> = self.venues.iter_mut().map(|v| std::mem::take(&mut v.batches)).collect();
        let counts = poster.post_day(&mut post_rng, target, &mut lists);
        for ((v, list), c) in self.venues.iter_mut().zip(lists).zip(counts) {
            v.batches = list;
            v.today.tasks_posted = c.posted;
            v.today.floor_raised = c.floor_raised;
            v.today.floor_dropped = c.floor_dropped;
        }
        // The hour each batch is posted in, from its own stream keyed by platform and
        // position, so the batches every variant shares get the same hours and no other
        // draw moves; without an hourly profile nothing is drawn.
        if let Some(hours) = &self.hour_pick {
            let hour_key = day_key(sc.seed, self.replicate, Stream::PostingHours, day);
            for (p, v) in self.venues.iter_mut().enumerate() {
                for (b, batch) in v.batches.iter_mut().enumerate() {
                    batch.hour = hours.draw(entity_key(hour_key, ((p as u64) << 32) | b as u64)) as u8;
                }
            }
        }
        self.sessions.clear();

        // 2. Supply: who works today and for how long, split across their platforms;
        //    today's weights and gates.
        self.work_key = day_key(sc.seed, self.replicate, Stream::Work, day);
        let schedule_key = day_key(sc.seed, self.replicate, Stream::Schedule, day);
        let weekday = sc.workers.weekday[((day - 1) % 7) as usize];
        // Only yesterday's workers need resetting: nobody else's day state is read.
        for &id in &self.working {
            let w = &mut self.workers[id as usize];
            w.working_today = false;
            w.capacity_today = 0;
        }
        self.working.clear();
        for v in &mut self.venues {
            for &m in &v.working {
                v.members[m as usize].working = false;
                v.hot[m as usize].time_left = 0;
            }
            v.working.clear();
        }
        for id in 0..self.schedule.len() as u32 {
            let chance = f64::from(self.schedule[id as usize]) * weekday;
            // A uniform draw is below 1, so a sure day needs no draw (nothing else reads
            // this stream).
            if chance >= 1.0 || unit_f64(entity_key(schedule_key, u64::from(id))) < chance {
                if self.workers[id as usize].dormant {
                    self.dormant_session(id);
                    continue;
                }
                let w = &mut self.workers[id as usize];
                w.working_today = true;
                w.capacity_today = w.seconds_per_day;
                self.working.push(id);
                self.open_memberships(id);
            }
        }
        for p in 0..self.venues.len() {
            self.continue_jobs(p, day);
            self.venues[p].surge_today = 1.0;
            if self.venues[p].params.matching == Matching::Dispatch {
                self.apply_surge(p);
            }
        }
        multiplier
    }

    /// A dormant profile's working day: it logs on to the first platform it joined,
    /// looks for work for a session (unpaid search, capped by the day's hours) and
    /// takes none; the rest of the day is idle. It stays out of matching, so it is never
    /// offered or shown a task, and out of the pay rule of `churn`. After its last
    /// session it never logs on again but stays registered (`schedule` 0, no exit).
    fn dormant_session(&mut self, id: u32) {
        let w = &mut self.workers[id as usize];
        let day = w.seconds_per_day;
        let session = day.min(self.sc.workers.dormant_session_seconds);
        w.sessions_left -= 1;
        if w.sessions_left == 0 {
            self.schedule[id as usize] = 0.0;
        }
        self.sessions.push((w.session_start_seconds, session));
        let first = self.memberships(id).next();
        if let Some((p, m)) = first {
            let t = &mut self.venues[p].members[m as usize].totals;
            t.unpaid_seconds += session;
            t.search_seconds += session;
            t.idle_seconds += day - session;
        }
    }

    /// Starts a working worker's day on each platform they joined: their share of
    /// today's time (by what each platform has paid them lately), weights and gates.
    /// Building tools comes first, unpaid.
    fn open_memberships(&mut self, id: u32) {
        let n = self.venues.len();
        let base = id as usize * n;
        let capacity = self.workers[id as usize].capacity_today;
        let mut shares = [0.0f64; MAX_PLATFORMS];
        let mut total = 0.0;
        if n > 1 {
            let (mut positive, mut joined, mut known) = (0.0, 0.0, false);
            for p in 0..n {
                let m = self.member_of[base + p];
                if m != NONE {
                    let e = self.venues[p].members[m as usize].earnings_ewma;
                    known |= e >= 0.0;
                    positive += e.max(0.0);
                    joined += 1.0;
                }
            }
            let mean = positive / joined;
            for (p, share) in shares.iter_mut().enumerate().take(n) {
                let m = self.member_of[base + p];
                if m != NONE {
                    // Some time always goes to every platform joined, so a worker keeps
                    // finding out what each pays.
                    let e = self.venues[p].members[m as usize].earnings_ewma;
                    *share = if known { e.max(0.0) + 0.1 * mean + 1.0 } else { 1.0 };
                    total += *share;
                }
            }
        }
        let w = &mut self.workers[id as usize];
        // The last hour today's available time reaches, counted on past midnight.
        let end = w.session_start_seconds + capacity;
        let last_hour = (end.saturating_sub(1) / 3600).min(u32::from(u8::MAX)) as u8;
        let tools_spent = w.tools_left.min(capacity);
        w.tools_left -= tools_spent;
        let tools = w.has_tools();
        let available = capacity - tools_spent;
        let last = (0..n).rev().find(|&p| self.member_of[base + p] != NONE).unwrap_or(0);
        let (mut given_capacity, mut given_time, mut first) = (0u32, 0u32, true);
        for (p, share) in shares.iter().enumerate().take(n) {
            let m = self.member_of[base + p];
            if m == NONE {
                continue;
            }
            let (cap, time) = if n == 1 {
                (capacity, available)
            } else if p == last {
                (capacity - given_capacity, available - given_time)
            } else {
                let share = share / total;
                (
                    (f64::from(capacity) * share) as u32,
                    (f64::from(available) * share) as u32,
                )
            };
            given_capacity += cap;
            given_time += time;
            let venue = &mut self.venues[p];
            let vis = venue.params.visibility;
            let member = &mut venue.members[m as usize];
            member.working = true;
            // The member's stream for the day: keyed by (worker, platform), so their luck
            // on one platform does not depend on what they did on another.
            let hot = &mut venue.hot[m as usize];
            hot.rng = SplitMix64::new(entity_key(self.work_key, u64::from(id) | ((p as u64) << 32)));
            hot.time_left = time;
            hot.tools = tools;
            hot.last_hour = last_hour;
            debug_assert!(hot.is_clear(), "tallies are folded every evening");
            member.today_net_cents = 0;
            member.today_paid_seconds = 0;
            member.today_tasks = 0;
            member.day_capacity = cap;
            member.empty_picks = 0;
            member.search_streak = 0;
            // The weight depends on the rating and the review count only, which change
            // together (`Member::add_review`): a member without a new review keeps
            // yesterday's weight, and the `powf` is skipped.
            if member.weight_reviews != member.reviews {
                member.weight = vis.weight(member);
                member.weight_reviews = member.reviews;
            }
            member.qualified = vis.passes_gate(member);
            if first {
                member.totals.unpaid_seconds += tools_spent;
                first = false;
            }
            venue.working.push(m);
        }
    }

    /// Dispatch: when the day's work (hours of expected task time) outruns the hours
    /// workers have, pay is multiplied by the platform's surge rule; requesters pay it.
    fn apply_surge(&mut self, p: usize) {
        let v = &mut self.venues[p];
        let demand: f64 = v
            .batches
            .iter()
            .map(|b| f64::from(b.size) * f64::from(b.expected_seconds))
            .sum();
        // Only the time of workers the platform would offer jobs to is supply.
        let d = &v.params.dispatch;
        let supply: f64 = v
            .working
            .iter()
            .filter(|&&i| d.admits(&v.members[i as usize]))
            .map(|&i| f64::from(v.hot[i as usize].time_left))
            .sum();
        let surge = v.params.dispatch.surge(demand, supply);
        if surge > 1.0 {
            let fees = &v.params.fee;
            for b in &mut v.batches {
                b.pay_cents = (b.pay_cents as f64 * surge).round() as i64;
                b.charge = fees.charge(b.pay_cents, b.size, 0);
                b.expected_net_cents = b.charge.worker_net_cents;
            }
        }
        v.surge_today = surge;
    }

    /// The working day: on each platform, tasks meet workers, and work is done and paid.
    pub fn match_day(&mut self, day: u32) {
        for p in 0..self.venues.len() {
            match self.venues[p].params.matching {
                Matching::Search => self.match_offers(p, day, false),
                Matching::Dispatch => self.match_offers(p, day, true),
                Matching::Board => self.match_board(p, day),
            }
        }
    }

    /// The evening: idle time, earnings into balances, exits and arrivals, payouts, the
    /// day's record.
    pub fn close_day(&mut self, day: u32, multiplier: f64) {
        let sc = self.sc;
        // Every sum of cents of the run is part of what requesters paid on all
        // platforms since day 1; once that outgrows 64 bits the run is void, and nothing
        // more is summed.
        let spend = self.venues.iter().try_fold(0i64, |total, v| {
            if v.overflowed {
                None
            } else {
                total.checked_add(v.spend_ever_cents)
            }
        });
        if spend.is_none() {
            self.overflow_day.get_or_insert(day);
            return;
        }
        for &id in &self.working {
            self.workers[id as usize].idle_today = 0;
        }
        self.wages.clear();
        let mut active = 0u64;
        // With one platform a worker's day is their one member's, in the same order as
        // `working`: it is tallied while the member's line is in cache, not in a second
        // pass over every member.
        let single = self.venues.len() == 1;
        for v in &mut self.venues {
            v.today.tasks_unfilled = v.batches.iter().map(|b| u64::from(b.remaining)).sum();
            // The norm tomorrow's raters follow: a moving average of the daily share of
            // 5-star ratings (days without ratings leave it where it was).
            let t = v.today;
            if t.ratings_given > 0 {
                let share = t.top_ratings_given as f64 / t.ratings_given as f64;
                v.rating_norm = ewma(v.rating_norm, share, sc.requesters.norm_weight);
            }
            v.lenient = match sc.requesters.feedback {
                Feedback::Public => sc.requesters.leniency * v.rating_norm.max(0.0),
                Feedback::Private => 0.0,
            };
            for &i in &v.working {
                let h = &mut v.hot[i as usize];
                let m = &mut v.members[i as usize];
                let worker = &mut self.workers[m.worker as usize];
                let patience = worker.patience_seconds;
                // Time nothing filled: the worker stayed logged on looking for work until
                // their patience ran out (unpaid search), and was not logged on after.
                let search = h.time_left.min(patience.saturating_sub(m.search_streak));
                let idle = h.time_left - search;
                worker.idle_today += idle;
                m.fold(h);
                m.totals.unpaid_seconds += search;
                m.totals.search_seconds += search;
                m.totals.idle_seconds += idle;
                let net = m.today_net_cents;
                if single {
                    active += u64::from(m.today_tasks > 0);
                    if m.today_paid_seconds > 0 {
                        self.wages
                            .push(hourly_usd(net, u64::from(m.today_paid_seconds)).unwrap_or(0.0));
                    }
                }
                v.ledger.credit(&mut v.members, i, net, day);
            }
            if v.params.matching == Matching::Dispatch {
                let decay = v.params.dispatch.acceptance_decay as f32;
                v.members.iter_mut().for_each(|m| m.fade_offers(decay));
            }
        }
        let n = self.venues.len();
        if !single {
            for k in 0..self.working.len() {
                let id = self.working[k] as usize;
                let (mut net, mut paid, mut tasks) = (0i64, 0u64, 0u32);
                for p in 0..n {
                    let m = self.member_of[id * n + p];
                    if m != NONE {
                        let member = &self.venues[p].members[m as usize];
                        net += member.today_net_cents;
                        paid += u64::from(member.today_paid_seconds);
                        tasks += member.today_tasks;
                    }
                }
                if tasks > 0 {
                    active += 1;
                }
                if paid > 0 {
                    self.wages.push(hourly_usd(net, paid).unwrap_or(0.0));
                }
            }
        }
        // Logged on today: the day's time less what was left over and not logged on,
        // that is paid + unpaid time (searching included) and work carried over.
        for &id in &self.working {
            let w = &self.workers[id as usize];
            self.sessions
                .push((w.session_start_seconds, w.capacity_today - w.idle_today));
        }
        self.churn(day);
        for v in &mut self.venues {
            v.ledger.end_of_day(&mut v.members, day);
        }
        self.today = self.today();

        // Record (after warm-up), then open the metric period at the end of warm-up.
        if day > sc.warmup_days {
            self.daily.push(DailyRow {
                day,
                demand_multiplier: multiplier,
                tasks_posted: self.today.tasks_posted,
                tasks_done: self.today.tasks_done,
                tasks_unfilled: self.today.tasks_unfilled,
                workers_active: active,
                entries: self.entries_today,
                exits: self.exits_today,
                surge_multiplier: self.venues.iter().map(|v| v.surge_today).fold(1.0, f64::max),
                peak_workers_logged_on: peak_logged_on(&self.sessions, &mut self.minute_counts),
                mean_hourly_wage: metrics::mean(&self.wages),
                median_hourly_wage: metrics::median_in_place(&mut self.wages),
                mean_rating_given: (self.today.ratings_given > 0)
                    .then(|| self.today.stars_given as f64 / self.today.ratings_given as f64),
                platform_fee_cents: self.today.platform_fee_cents,
                worker_net_cents: self.today.worker_net_cents,
            });
            let today = self.today;
            self.totals.add(&today);
            for v in &mut self.venues {
                let t = v.today;
                v.totals.add(&t);
            }
        }
        if day == sc.warmup_days {
            self.open_metric_period();
        }
    }

    /// Exits and arrivals at the end of a day. A worker whose moving average of net
    /// earnings per available hour (all platforms) stays below their reservation wage
    /// for `exit_patience_days` working days in a row leaves, as does anyone a life event
    /// takes (`exit_hazard`); newcomers arrive
    /// (Poisson), at a fixed rate or in response to the market's recent earnings.
    fn churn(&mut self, day: u32) {
        let sc = self.sc;
        let c = &sc.churn;
        self.entries_today = 0;
        self.exits_today = 0;
        let (mut rate_sum, mut rate_n) = (0.0, 0u32);
        let mut leaving = Vec::new();
        // The moving averages are read only by the split of time across platforms, by
        // exits on pay and by arrivals that respond to pay: a market with none of these
        // skips the pass over every worker (none of them is recorded).
        let averages_read =
            self.venues.len() > 1 || c.exit_patience_days > 0 || (c.entry_per_day > 0.0 && c.entry_elasticity != 0.0);
        if averages_read {
            for k in 0..self.working.len() {
                let id = self.working[k];
                if self.workers[id as usize].capacity_today == 0 {
                    continue;
                }
                let mut net = 0i64;
                let n = self.venues.len();
                for p in 0..n {
                    let m = self.member_of[id as usize * n + p];
                    if m == NONE {
                        continue;
                    }
                    let member = &mut self.venues[p].members[m as usize];
                    net += member.today_net_cents;
                    if member.day_capacity > 0 {
                        let rate = member.today_net_cents as f64 * 3600.0 / f64::from(member.day_capacity);
                        member.earnings_ewma = ewma(member.earnings_ewma, rate, c.ewma_weight);
                    }
                }
                let w = &mut self.workers[id as usize];
                let rate = net as f64 * 3600.0 / f64::from(w.capacity_today);
                rate_sum += rate;
                rate_n += 1;
                w.earnings_ewma = ewma(w.earnings_ewma, rate, c.ewma_weight);
                if c.exit_patience_days == 0 {
                    continue;
                }
                let reservation = f64::from(w.reservation_cents_per_hour);
                w.below_days = if w.earnings_ewma < reservation {
                    w.below_days + 1
                } else {
                    0
                };
                if w.below_days >= c.exit_patience_days {
                    leaving.push(id);
                }
            }
        }
        // Life events: a daily chance of leaving whatever the pay (a pool's half-life is
        // ln 2 / hazard days). Drawn per worker and day from its own stream, and only
        // when the hazard is on, so markets without it draw nothing more.
        if c.exit_hazard > 0.0 {
            let life = day_key(sc.seed, self.replicate, Stream::LifeEvents, day);
            for (id, w) in self.workers.iter().enumerate() {
                if w.exited_day.is_none() && unit_f64(entity_key(life, id as u64)) < c.exit_hazard {
                    leaving.push(id as u32);
                }
            }
            leaving.sort_unstable();
            leaving.dedup();
        }
        for id in leaving {
            self.leave(id, day);
        }
        if rate_n > 0 {
            self.market_ewma = ewma(self.market_ewma, rate_sum / f64::from(rate_n), c.ewma_weight);
        }
        if c.entry_per_day <= 0.0 {
            return;
        }
        let response = if c.entry_elasticity == 0.0 {
            1.0
        } else if self.market_ewma > 0.0 && self.reference_wage > 0.0 {
            (self.market_ewma / self.reference_wage)
                .powf(c.entry_elasticity)
                .min(100.0)
        } else {
            0.0
        };
        let mean = c.entry_per_day * response;
        if mean <= 0.0 {
            return;
        }
        let mut rng = stream(sc.seed, self.replicate, Stream::Entry, day, 0);
        let arrivals = Poisson::new(mean).map(|p| p.sample(&mut rng) as u64).unwrap_or(0);
        for _ in 0..arrivals {
            let id = self.workers.len() as u32;
            let rules = DrawRules {
                tools_share: sc.tools.share,
                tools_seconds: sc.tools.seconds,
                niche_shares: &self.niche_shares,
                join_probabilities: &self.join_probabilities,
            };
            let (mut w, mut history) = Worker::newcomer(&sc.workers, sc.seed, self.replicate, id, day, rules);
            // The field experiment: a newcomer is treated with a chance drawn from its own
            // stream (and only when the share is positive), so every variant treats the
            // same people and no other draw moves. The treatment is one hire, approved,
            // with a public 5-star review, as if an experimenter had hired them before
            // they arrived (Pallais 2014); no pay moves, so the books are untouched.
            if c.treated_share > 0.0
                && unit_f64(key(sc.seed, self.replicate, Stream::Treatment, 0, u64::from(id))) < c.treated_share
            {
                w.treated = true;
                history = History {
                    rating: 5.0,
                    reviews: 1,
                    approved: 1,
                    rejected: 0,
                };
            }
            self.register(w, history);
            self.practice.extend(std::iter::repeat_n(0, sc.categories.len()));
        }
        self.entries_today = arrivals;
    }

    /// A worker leaves every platform on `day`: unfinished work is given up (unpaid),
    /// and each balance is paid out as it matures — or, when it is below that platform's
    /// payout minimum and the platform keeps such balances, forfeited.
    fn leave(&mut self, id: u32, day: u32) {
        self.workers[id as usize].exited_day = Some(day);
        self.schedule[id as usize] = 0.0;
        self.exits_today += 1;
        for (p, member) in self.memberships(id).collect::<Vec<_>>() {
            let v = &mut self.venues[p];
            let rule = v.params.payout;
            let m = &mut v.members[member as usize];
            m.working = false;
            let held = m.balance.unmatured + m.balance.matured;
            m.exit = if rule.forfeit_below_minimum && held < rule.minimum_cents {
                Exit::LeftForfeited
            } else {
                Exit::LeftPaid
            };
            if m.exit == Exit::LeftForfeited && m.balance.matured > 0 {
                let matured = m.balance.matured;
                m.balance.release(matured, true);
            }
            if m.carrying {
                m.carrying = false;
                if let Some(k) = v.jobs.iter().position(|j| j.member == member) {
                    let job = v.jobs.swap_remove(k);
                    let m = &mut v.members[member as usize];
                    m.totals.unpaid_seconds += job.spent;
                    m.totals.tasks_returned += 1;
                }
                debug_assert!(v.jobs.iter().all(|j| j.member != member), "one carried job a member");
            }
            let m = &mut v.members[member as usize];
            if m.balance.matured > 0 && !m.payable {
                m.payable = true;
                v.ledger.enqueue(member);
            }
        }
    }

    /// Moves carried-over jobs on platform `p` forward with today's time, finishing
    /// those that end.
    fn continue_jobs(&mut self, p: usize, day: u32) {
        let mut k = 0;
        while k < self.venues[p].jobs.len() {
            let v = &mut self.venues[p];
            let job = v.jobs[k];
            if !v.members[job.member as usize].working {
                k += 1;
                continue;
            }
            let spend = job.left.min(v.hot[job.member as usize].time_left);
            v.hot[job.member as usize].time_left -= spend;
            let job = &mut v.jobs[k];
            job.left -= spend;
            job.spent += spend;
            if job.left == 0 {
                let done = v.jobs.swap_remove(k);
                v.members[done.member as usize].carrying = false;
                self.complete(p, done.member, &done.task, done.spent, day);
            } else {
                k += 1;
            }
        }
    }

    /// Everything before this point was warm-up: totals start from zero, balances held
    /// now are opening balances outside the books, work in progress counts from now.
    fn open_metric_period(&mut self) {
        for v in &mut self.venues {
            for m in &mut v.members {
                m.totals = Totals::default();
                m.balance.opening = m.balance.unmatured + m.balance.matured;
                m.balance.paid_out = 0;
                m.balance.forfeited = 0;
            }
            for job in &mut v.jobs {
                job.spent = 0;
            }
            v.totals = Flows::default();
        }
        self.totals = Flows::default();
    }

    /// The run's record: a row per worker registered in the metric period (totals over
    /// their platforms), the run's totals and metrics, the daily rows, and — with several
    /// platforms — a row per worker and platform and a row per platform.
    fn finish(mut self, variant: u32) -> RunRecord {
        // The working state (the last day's batches, the hot lines, practice counts) is
        // done with: freed before the rows are built, so a run's peak memory is its
        // members and rows, not those plus 275,000 batches and 200,000 hot lines (the
        // large plain market, issue 19).
        for v in &mut self.venues {
            v.batches = Vec::new();
            v.scratch = Scratch::default();
            v.hot = Vec::new();
        }
        self.practice = Vec::new();
        self.schedule = Vec::new();
        let sc = self.sc;
        let days = sc.days - sc.warmup_days;
        let several = self.venues.len() > 1;
        let mut rows = Vec::with_capacity(self.workers.len());
        let mut per_platform = Vec::new();
        let mut platform_rows: Vec<PlatformRunRow> = self
            .venues
            .iter()
            .map(|v| PlatformRunRow {
                platform: v.params.name.clone(),
                tasks_posted: v.totals.tasks_posted,
                tasks_done: v.totals.tasks_done,
                tasks_unfilled: v.totals.tasks_unfilled,
                // Balances are added up member by member below.
                books: books(&v.totals, 0, 0, 0),
                ..PlatformRunRow::default()
            })
            .collect();
        let mut platform_wages: Vec<Vec<f64>> = vec![Vec::new(); self.venues.len()];
        let (mut paid_out, mut pending, mut forfeited) = (0i64, 0i64, 0i64);
        let (mut paid_seconds, mut unpaid_seconds, mut search_seconds) = (0u64, 0u64, 0u64);
        for (id, w) in self.workers.iter().enumerate() {
            if w.exited_day.is_some_and(|d| d <= sc.warmup_days) {
                continue;
            }
            let mut t = Totals::default();
            let (mut b_paid, mut b_pending, mut b_forfeited) = (0i64, 0i64, 0i64);
            let (mut reviews, mut stars, mut approved, mut judged) = (0u64, 0.0f64, 0u64, 0u64);
            let mut joined = 0u32;
            let mut only_rating = 0.0;
            for (p, m) in self.memberships(id as u32) {
                let member = &self.venues[p].members[m as usize];
                let mt = &member.totals;
                let b = &member.balance;
                joined += 1;
                add_totals(&mut t, mt);
                b_paid += b.paid_out;
                b_pending += b.pending();
                b_forfeited += b.forfeited;
                reviews += u64::from(member.reviews);
                stars += member.rating * f64::from(member.reviews);
                only_rating = member.rating;
                approved += u64::from(member.approved);
                judged += u64::from(member.approved) + u64::from(member.rejected);
                let row = &mut platform_rows[p];
                row.workers_joined += 1;
                row.workers_active += u64::from(mt.tasks_done > 0);
                row.books.paid_out_cents += b.paid_out;
                row.books.pending_cents += b.pending();
                row.books.forfeited_cents += b.forfeited;
                if wage_eligible(u64::from(mt.paid_seconds), sc.reporting) {
                    platform_wages[p].extend(hourly_usd(mt.net_cents, u64::from(mt.paid_seconds)));
                }
                if several {
                    per_platform.push(WorkerPlatformRow {
                        worker_id: id as u32,
                        platform: self.venues[p].params.name.clone(),
                        work: work(mt, b.paid_out, b.pending(), b.forfeited),
                        rating: (member.reviews > 0).then_some(member.rating),
                        reviews: member.reviews,
                        approval_rate: member.approval_rate(),
                    });
                }
            }
            paid_out += b_paid;
            pending += b_pending;
            forfeited += b_forfeited;
            paid_seconds += u64::from(t.paid_seconds);
            unpaid_seconds += u64::from(t.unpaid_seconds);
            search_seconds += u64::from(t.search_seconds);
            let tax = sc.taxes.estimate(t.net_cents, days);
            rows.push(WorkerRow {
                worker_id: id as u32,
                entered_day: w.entered_day,
                exited_day: w.exited_day,
                first_task_day: w.first_task_day,
                platforms_joined: joined,
                work: work(&t, b_paid, b_pending, b_forfeited),
                hourly_wage_all_time: hourly_usd(t.net_cents, u64::from(t.paid_seconds) + u64::from(t.unpaid_seconds)),
                // One platform: its rating as it is; several: the mean over all reviews.
                rating: (reviews > 0).then(|| {
                    if joined == 1 {
                        only_rating
                    } else {
                        stars / reviews as f64
                    }
                }),
                reviews,
                approval_rate: if judged == 0 {
                    1.0
                } else {
                    approved as f64 / judged as f64
                },
                experience_tasks: w.experience,
                uses_tools: w.invests_in_tools,
                dormant: w.dormant,
                treated: w.treated,
                tax_cents: tax,
                after_tax_cents: t.net_cents - tax,
                specialty: match w.group {
                    0 => String::new(),
                    g => sc
                        .categories
                        .iter()
                        .find(|c| c.group == g)
                        .map(|c| c.name.clone())
                        .unwrap_or_default(),
                },
            });
        }
        for (row, mut wages) in platform_rows.iter_mut().zip(platform_wages) {
            wages.sort_by(f64::total_cmp);
            row.median_hourly_wage = metrics::quantile_sorted(&wages, 0.5);
        }
        let f = &self.totals;
        let mut run = RunRow {
            seed: sc.seed,
            days,
            tasks_posted: f.tasks_posted,
            tasks_done: f.tasks_done,
            tasks_unfilled: f.tasks_unfilled,
            hours_paid: paid_seconds as f64 / 3600.0,
            hours_unpaid: unpaid_seconds as f64 / 3600.0,
            hours_search: search_seconds as f64 / 3600.0,
            books: books(f, paid_out, pending, forfeited),
            floor_raised_tasks: f.floor_raised,
            floor_dropped_tasks: f.floor_dropped,
            ..RunRow::default()
        };
        run.fill_metrics(&rows, sc.reporting);
        RunRecord {
            variant,
            replicate: self.replicate,
            run,
            workers: rows,
            daily: self.daily,
            worker_platforms: per_platform,
            platforms: if several { platform_rows } else { Vec::new() },
        }
    }
}

/// The most sessions logged on at once over the day, counted at each minute mark
/// (0:00, 0:01, …, 23:59): a session `(start, seconds)` is on at mark t when
/// start ≤ t < start + seconds. A session running past midnight wraps into the same
/// day's early hours, as if yesterday's like session had spilled over, so a day is a
/// circle and every hour is treated alike; a session shorter than a minute may fall
/// between marks. One pass over the sessions into a difference array of 1,440 minutes,
/// then one over the minutes: O(sessions + 1,440), no sort and no random number.
fn peak_logged_on(sessions: &[(u32, u32)], counts: &mut Vec<i64>) -> u64 {
    const MINUTES: usize = (DAY_SECONDS / 60) as usize;
    counts.clear();
    counts.resize(MINUTES + 1, 0);
    // Marks in [from, to) seconds: the first mark at or after each end.
    let mut add = |from: u32, to: u32| {
        counts[from.div_ceil(60) as usize] += 1;
        counts[to.div_ceil(60) as usize] -= 1;
    };
    for &(start, seconds) in sessions {
        if seconds == 0 {
            continue;
        }
        if seconds >= DAY_SECONDS {
            add(0, DAY_SECONDS);
            continue;
        }
        let end = start + seconds;
        if end <= DAY_SECONDS {
            add(start, end);
        } else {
            add(start, DAY_SECONDS);
            add(0, end - DAY_SECONDS);
        }
    }
    let (mut on, mut peak) = (0i64, 0i64);
    for &c in &counts[..MINUTES] {
        on += c;
        peak = peak.max(on);
    }
    peak as u64
}

/// A moving average step (the first observation starts it).
fn ewma(current: f64, observation: f64, weight: f64) -> f64 {
    if current < 0.0 {
        observation
    } else {
        weight * observation + (1.0 - weight) * current
    }
}

/// Adds one membership's totals into a worker's.
/// The books of the run or of a platform: the money flows, and what became of workers'
/// balances.
fn books(f: &Flows, paid_out_cents: i64, pending_cents: i64, forfeited_cents: i64) -> Books {
    Books {
        requester_spend_cents: f.requester_spend_cents,
        worker_net_cents: f.worker_net_cents,
        paid_out_cents,
        pending_cents,
        platform_fee_cents: f.platform_fee_cents,
        levy_cents: f.levy_cents,
        processing_cents: f.processing_cents,
        forfeited_cents,
    }
}

/// A worker's tallies and balances as recorded, on one platform or added up over all.
fn work(t: &Totals, paid_out_cents: i64, pending_cents: i64, forfeited_cents: i64) -> Work {
    Work {
        tasks_done: t.tasks_done,
        tasks_rejected: t.tasks_rejected,
        tasks_returned: t.tasks_returned,
        gross_cents: t.gross_cents,
        fee_cents: t.fee_cents(),
        net_cents: t.net_cents,
        paid_out_cents,
        pending_cents,
        forfeited_cents,
        paid_seconds: u64::from(t.paid_seconds),
        unpaid_seconds: u64::from(t.unpaid_seconds),
        search_seconds: u64::from(t.search_seconds),
        idle_seconds: u64::from(t.idle_seconds),
        offers_received: t.offers_received,
        offers_accepted: t.offers_accepted,
        hourly_wage: hourly_usd(t.net_cents, u64::from(t.paid_seconds)),
    }
}

fn add_totals(t: &mut Totals, o: &Totals) {
    t.tasks_done += o.tasks_done;
    t.tasks_rejected += o.tasks_rejected;
    t.tasks_returned += o.tasks_returned;
    t.gross_cents += o.gross_cents;
    t.net_cents += o.net_cents;
    t.paid_seconds += o.paid_seconds;
    t.unpaid_seconds += o.unpaid_seconds;
    t.search_seconds += o.search_seconds;
    t.idle_seconds += o.idle_seconds;
    t.offers_received += o.offers_received;
    t.offers_accepted += o.offers_accepted;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    /// Long jobs (1–10 hours) on short days (2–3 hours), so work carries over.
    fn scenario(matching: &str) -> String {
        format!(
            r#"
[simulation]
days = 20
[workers]
count = 80
hours_per_day = {{ dist = "uniform", low = 2.0, high = 3.0 }}
reservation_wage = {{ dist = "fixed", value = 0.0 }}
[demand]
tasks_per_day = 120.0
[platform]
matching = "{matching}"
search_seconds = 45
[[tasks.categories]]
name = "long"
share = 1.0
pay_usd = {{ dist = "fixed", value = 20.0 }}
duration_seconds = {{ dist = "uniform", low = 3600.0, high = 36000.0 }}
batch_size = {{ dist = "fixed", value = 2.0 }}
[[tasks.categories]]
name = "short"
share = 1.0
pay_usd = {{ dist = "fixed", value = 0.1 }}
duration_seconds = {{ dist = "fixed", value = 40.0 }}
batch_size = {{ dist = "fixed", value = 30.0 }}
"#
        )
    }

    #[test]
    fn the_peak_counts_sessions_on_at_each_minute_mark_and_wraps_at_midnight() {
        let mut counts = Vec::new();
        let h = 3600;
        assert_eq!(peak_logged_on(&[], &mut counts), 0);
        // Back to back sessions never overlap: one ends at 10:00 as the next starts.
        assert_eq!(peak_logged_on(&[(9 * h, h), (10 * h, h)], &mut counts), 1);
        // A session from 23:00 to 01:00 overlaps one from 00:30 (wrapping), not one
        // from 01:00.
        assert_eq!(peak_logged_on(&[(23 * h, 2 * h), (h / 2, h)], &mut counts), 2);
        assert_eq!(peak_logged_on(&[(23 * h, 2 * h), (h, h)], &mut counts), 1);
        // A whole day overlaps everything; nothing logged on counts for nothing; a
        // session within one minute falls between marks.
        assert_eq!(
            peak_logged_on(&[(5, DAY_SECONDS), (12 * h, 60), (0, 0)], &mut counts),
            2
        );
        assert_eq!(peak_logged_on(&[(61, 30)], &mut counts), 0);
    }

    #[test]
    fn worked_time_never_exceeds_the_schedule_and_all_of_it_is_accounted() {
        let two_platforms = "[[platforms]]\nname = \"a\"\nmatching = \"board\"\n[[platforms]]\nname = \"b\"\nmatching = \"search\"\njoin_probability = 0.6\n";
        for (label, text) in [
            ("board", scenario("board")),
            ("search", scenario("search")),
            (
                "two platforms",
                scenario("board").replace("[platform]\nmatching = \"board\"\nsearch_seconds = 45\n", two_platforms),
            ),
        ] {
            let study = parse(&text, "t.toml").unwrap();
            let sc = &study.base().scenario;
            let mut m = Market::new(sc, 0, 1.0);
            let mut scheduled = vec![0u64; m.workers.len()];
            for day in 1..=sc.days {
                m.step(day);
                for (id, w) in m.workers.iter().enumerate() {
                    scheduled[id] += u64::from(w.capacity_today);
                }
            }
            let mut accounted = vec![0u64; m.workers.len()];
            let mut carried = 0;
            for v in &m.venues {
                for (i, member) in v.members.iter().enumerate() {
                    let t = &member.totals;
                    let in_progress: u64 = v
                        .jobs
                        .iter()
                        .filter(|j| j.member == i as u32)
                        .map(|j| u64::from(j.spent))
                        .sum();
                    carried += in_progress;
                    accounted[member.worker as usize] += u64::from(t.paid_seconds)
                        + u64::from(t.unpaid_seconds)
                        + u64::from(t.idle_seconds)
                        + in_progress;
                }
            }
            for (id, w) in m.workers.iter().enumerate() {
                assert!(scheduled[id] <= u64::from(w.seconds_per_day) * u64::from(sc.days));
                assert_eq!(accounted[id], scheduled[id], "{label}: worker {id}");
            }
            assert!(carried > 0, "{label}: the test needs jobs that carry over");
        }
    }
}
