//! Workers: the people (traits drawn once) and their membership of a platform (the
//! reputation, balance and totals the platform keeps about them).

use rand::Rng;

use crate::money::usd_to_cents;
use crate::rng::{SplitMix64, Stream, stream};
use crate::scenario::WorkerParams;

/// Seconds in a day.
pub const DAY_SECONDS: u32 = 86_400;

/// What else shapes a new worker: the tools behaviour and the niche categories.
#[derive(Clone, Copy, Debug)]
pub struct DrawRules<'a> {
    /// Share of workers who invest in tools.
    pub tools_share: f64,
    /// Seconds the investment takes.
    pub tools_seconds: u32,
    /// Shares of the niche categories, in group order (group = index + 1).
    pub niche_shares: &'a [f64],
    /// Each platform's join probability (one platform: always joined, no draw).
    pub join_probabilities: &'a [f64],
}

/// A person: traits fixed for the run, and when they came and went.
#[derive(Clone, Debug, PartialEq)]
pub struct Worker {
    /// Share of tasks done well.
    pub skill: f32,
    /// Speed multiplier (2 = twice as fast as expected).
    pub speed: f32,
    /// Least pay per hour of expected work accepted, cents per hour.
    pub reservation_cents_per_hour: f32,
    /// Seconds available on a working day.
    pub seconds_per_day: u32,
    /// Probability of working on a given day (days per week / 7).
    pub work_probability: f32,
    /// Day registered (0 = before day 1).
    pub entered_day: u32,
    /// Day they left, if they did.
    pub exited_day: Option<u32>,
    /// First day they finished a task, if any.
    pub first_task_day: Option<u32>,
    /// Tasks they had done before entering (approved and rejected).
    pub experience: u32,
    /// Share of working time that is productive.
    pub efficiency: f32,
    /// Whether they invest in tools and templates.
    pub invests_in_tools: bool,
    /// Unpaid seconds of that investment still to be made.
    pub tools_left: u32,
    /// Matching group: 0 for generalists, the niche category's group for specialists.
    pub group: u16,
    /// Which platforms the worker joined (bit p = platform p).
    pub platforms: u32,
    /// Whether they work today.
    pub working_today: bool,
    /// Seconds available today, all platforms together.
    pub capacity_today: u32,
    /// Moving average of net cents per available hour, all platforms (negative before
    /// the first working day).
    pub earnings_ewma: f64,
    /// Working days in a row with that average below the reservation wage.
    pub below_days: u32,
    /// Longest the worker stays logged on looking for work before logging off for the
    /// day, seconds (0: logs off when nothing is left).
    pub patience_seconds: u32,
    /// Second of the day their session starts (`workers.session_start_hour`).
    pub session_start_seconds: u32,
    /// Seconds of today's time left over and not logged on, all platforms (set at the
    /// end of the day, for the peak of workers logged on at once).
    pub idle_today: u32,
    /// Whether the profile is dormant (`workers.dormant_share`): it logs on a few
    /// times, never takes work, and lapses.
    pub dormant: bool,
    /// Sessions a dormant profile still logs on for (0 once it has lapsed).
    pub sessions_left: u32,
    /// Whether the worker is a treated newcomer of the field experiment
    /// (`churn.treated_share`).
    pub treated: bool,
}

/// The record a worker arrives with.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct History {
    /// Star rating.
    pub rating: f64,
    /// Reviews behind the rating.
    pub reviews: u32,
    /// Tasks approved.
    pub approved: u32,
    /// Tasks rejected.
    pub rejected: u32,
}

impl History {
    /// `reviews` reviews averaging `rating`, and no tasks yet.
    pub fn rated(rating: f64, reviews: u32) -> Self {
        History {
            rating,
            reviews,
            ..History::default()
        }
    }
}

/// The platforms a worker joins, as a bit set: each with its probability, and the most
/// likely one when the draws give none. With one platform nothing is drawn.
fn join<R: rand::Rng>(rng: &mut R, probabilities: &[f64]) -> u32 {
    if probabilities.len() <= 1 {
        return 1;
    }
    let mut set = 0u32;
    for (p, &prob) in probabilities.iter().enumerate() {
        if crate::rng::unit_f64(rng.next_u64()) < prob {
            set |= 1 << p;
        }
    }
    if set == 0 {
        let best = (0..probabilities.len()).fold(0, |b, p| if probabilities[p] > probabilities[b] { p } else { b });
        set = 1 << best;
    }
    set
}

impl Worker {
    /// Draws worker `id`'s traits from their own stream, so worker `id` is the same
    /// person in every variant, whatever the other workers are.
    pub fn draw(
        params: &WorkerParams,
        seed: u64,
        replicate: u32,
        id: u32,
        entered_day: u32,
        rules: DrawRules,
    ) -> (Worker, History) {
        let mut rng = stream(seed, replicate, Stream::WorkerTraits, 0, u64::from(id));
        let skill = params.skill.sample(&mut rng) as f32;
        let speed = params.speed.sample(&mut rng) as f32;
        let reservation = params.reservation_wage.sample(&mut rng);
        let hours = params.hours_per_day.sample(&mut rng);
        let days = params.days_per_week.sample(&mut rng);
        let rating = params.initial_rating.sample(&mut rng);
        let reviews = params.initial_reviews.sample(&mut rng).round() as u32;
        let experience = params.experience_tasks.sample(&mut rng).round();
        let approval = params.initial_approval.sample(&mut rng);
        let approved = (experience * approval).round() as u32;
        let rejected = (experience - f64::from(approved)).max(0.0) as u32;
        // Burn a fixed number of draws so traits added later do not shift these.
        let _ = rng.next_u64();
        // Traits added with the behaviours come after the burn, in this order.
        let efficiency = params.efficiency.sample(&mut rng) as f32;
        let invests_in_tools = crate::rng::unit_f64(rng.next_u64()) < rules.tools_share;
        let mut group = 0;
        if params.specialist_share > 0.0 && crate::rng::unit_f64(rng.next_u64()) < params.specialist_share {
            let total: f64 = rules.niche_shares.iter().sum();
            let mut u = crate::rng::unit_f64(rng.next_u64()) * total;
            group = rules.niche_shares.len() as u16;
            for (k, share) in rules.niche_shares.iter().enumerate() {
                if u < *share {
                    group = k as u16 + 1;
                    break;
                }
                u -= share;
            }
        }
        let platforms = join(&mut rng, rules.join_probabilities);
        // Traits added later still come last, so they shift none of the draws above.
        let patience_minutes = params.search_patience.sample(&mut rng);
        let start_hour = params.session_start_hour.sample(&mut rng);
        let worker = Worker {
            skill,
            speed,
            reservation_cents_per_hour: usd_to_cents(reservation) as f32,
            seconds_per_day: (hours * 3600.0).round() as u32,
            work_probability: (days / 7.0) as f32,
            entered_day,
            exited_day: None,
            first_task_day: None,
            experience: approved + rejected,
            efficiency,
            invests_in_tools,
            tools_left: if invests_in_tools { rules.tools_seconds } else { 0 },
            group,
            platforms,
            patience_seconds: (patience_minutes * 60.0).round() as u32,
            // 24:00 is midnight, the same moment as 0:00.
            session_start_seconds: ((start_hour * 3600.0).round() as u32) % DAY_SECONDS,
            working_today: false,
            capacity_today: 0,
            idle_today: 0,
            earnings_ewma: -1.0,
            below_days: 0,
            // Decided by the market from their own streams (`Market::register`, `churn`).
            dormant: false,
            sessions_left: 0,
            treated: false,
        };
        (
            worker,
            History {
                rating,
                reviews,
                approved,
                rejected,
            },
        )
    }

    /// A newcomer: the same draws as anyone, but no reputation and no experience yet.
    pub fn newcomer(
        params: &WorkerParams,
        seed: u64,
        replicate: u32,
        id: u32,
        day: u32,
        rules: DrawRules,
    ) -> (Worker, History) {
        let (mut w, _) = Worker::draw(params, seed, replicate, id, day, rules);
        w.experience = 0;
        (w, History::default())
    }

    /// Whether the worker has finished investing in tools (and so works faster).
    #[inline]
    pub fn has_tools(&self) -> bool {
        self.invests_in_tools && self.tools_left == 0
    }

    /// Whether the worker is registered on `day`.
    pub fn is_registered(&self, day: u32) -> bool {
        self.entered_day <= day && self.exited_day.is_none_or(|d| d > day)
    }
}

/// Whether a member has left the platform, and what happens to their balance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Still here.
    Staying,
    /// Left; the balance is paid out as it matures, whatever the minimum.
    LeftPaid,
    /// Left below the payout minimum; the balance is kept by the platform.
    LeftForfeited,
}

/// What a platform pays out and holds for a member, cents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Balance {
    /// Earned but not yet past the payout delay.
    pub unmatured: i64,
    /// Past the delay, waiting for a payout day and the minimum.
    pub matured: i64,
    /// The part of the balance earned before the metric period (warm-up); payouts and
    /// forfeits take it first and it is left out of the books.
    pub opening: i64,
    /// Paid out in the metric period.
    pub paid_out: i64,
    /// Kept by the platform when the worker left below the minimum.
    pub forfeited: i64,
}

impl Balance {
    /// Held by the platform for the worker, from the metric period.
    pub fn pending(&self) -> i64 {
        self.unmatured + self.matured - self.opening
    }

    /// Moves `amount` out of the matured balance to the worker (or to the platform when
    /// `forfeit`), counting only what exceeds the opening balance.
    pub fn release(&mut self, amount: i64, forfeit: bool) {
        self.matured -= amount;
        let from_opening = amount.min(self.opening);
        self.opening -= from_opening;
        let counted = amount - from_opening;
        if forfeit {
            self.forfeited += counted;
        } else {
            self.paid_out += counted;
        }
    }
}

/// Totals of a member over the metric period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Tasks submitted (approved or rejected).
    pub tasks_done: u32,
    /// Tasks rejected.
    pub tasks_rejected: u32,
    /// Tasks started and returned unfinished (64-bit: a return can take no time, so
    /// time does not bound their number).
    pub tasks_returned: u64,
    /// Pay of approved tasks.
    pub gross_cents: i64,
    /// What the worker kept (gross less worker-side fees and levy, which are therefore
    /// `gross_cents - net_cents`).
    pub net_cents: i64,
    /// Seconds of approved work (u32 holds 100 years of full days).
    pub paid_seconds: u32,
    /// Seconds of searching, returned and rejected work.
    pub unpaid_seconds: u32,
    /// Of those, seconds logged on looking for work (board picks and waiting up to the
    /// search patience).
    pub search_seconds: u32,
    /// Seconds available but not logged on (no work found, patience run out).
    pub idle_seconds: u32,
    /// `dispatch`: offers received (64-bit: a declined offer takes no time, so a day
    /// can bring a worker more than four billion of them).
    pub offers_received: u64,
    /// `dispatch`: offers accepted.
    pub offers_accepted: u64,
}

impl Totals {
    /// Fees and levy deducted from the worker's pay.
    pub fn fee_cents(&self) -> i64 {
        self.gross_cents - self.net_cents
    }
}

/// Everything a membership touches for every offer and every task, in one 64-byte
/// cache line apart from the rest of [`Member`]: whether the worker has time, whether
/// they take the task, how long it takes them, its outcome, and today's tallies.
/// Tallies are folded into the member's totals at the end of the day (or earlier, if a
/// narrow tally would overflow), so a task never touches the cold part of a member.
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(C, align(64))]
pub struct Hot {
    /// Speed × efficiency: how much faster than expected the worker is before practice
    /// and tools.
    pub base_pace: f64,
    /// The member's random stream for today (set when their day opens).
    pub rng: SplitMix64,
    /// Seconds left today on this platform.
    pub time_left: u32,
    /// The person.
    pub worker: u32,
    /// Least pay per hour of own time accepted, cents.
    pub reservation: f32,
    /// Share of tasks done well.
    pub skill: f32,
    /// Pay of approved tasks today, cents (folded into `Totals::gross_cents`).
    pub today_gross: i32,
    /// Net pay today, cents (folded into `Member::today_net_cents`).
    pub today_net: i32,
    /// Seconds of approved work today.
    pub today_paid: u32,
    /// Seconds of unpaid work today.
    pub today_unpaid: u32,
    /// Requester of the last task started (`u32::MAX` before the first).
    pub last_requester: u32,
    /// Tasks submitted today.
    pub today_tasks: u16,
    /// Tasks rejected today.
    pub today_rejected: u16,
    /// Tasks returned unfinished today.
    pub today_returned: u16,
    /// Category of the last task started (`u16::MAX` before the first).
    pub last_category: u16,
    /// Whether the worker has finished building tools (and works faster).
    pub tools: bool,
    /// Whether the worker avoids any requester (then `Venue::avoids` must be asked).
    pub avoids_any: bool,
    /// Whether the worker has ever finished a task (so `first_task_day` is set).
    pub started: bool,
    /// The last hour of the day (0–47, past midnight counted on) that today's available
    /// time reaches: they can take tasks posted in this hour or earlier
    /// (`demand.hour_factors`). Set when their day opens.
    pub last_hour: u8,
}

// The hot fields fill one cache line exactly: a new one must replace another.
const _: () = assert!(std::mem::size_of::<Hot>() == 64);

impl Hot {
    /// The hot fields of worker `id`.
    pub fn of(id: u32, w: &Worker) -> Hot {
        Hot {
            base_pace: f64::from(w.speed) * f64::from(w.efficiency),
            rng: SplitMix64::new(0),
            time_left: 0,
            worker: id,
            reservation: w.reservation_cents_per_hour,
            skill: w.skill,
            today_gross: 0,
            today_net: 0,
            today_paid: 0,
            today_unpaid: 0,
            last_requester: u32::MAX,
            today_tasks: 0,
            today_rejected: 0,
            today_returned: 0,
            last_category: u16::MAX,
            tools: w.has_tools(),
            avoids_any: false,
            started: w.first_task_day.is_some(),
            last_hour: 0,
        }
    }

    /// Whether the worker's available time today reaches the hour a task was posted in,
    /// so they are logged on, or can be, while it is on offer.
    #[inline]
    pub fn on_in_hour(&self, hour: u8) -> bool {
        hour <= self.last_hour
    }

    /// Whether today's tallies are all zero.
    pub fn is_clear(&self) -> bool {
        self.today_gross == 0
            && self.today_net == 0
            && self.today_paid == 0
            && self.today_unpaid == 0
            && self.today_tasks == 0
            && self.today_rejected == 0
            && self.today_returned == 0
    }
}

/// A worker's membership of a platform: reputation, today's state, balance and totals.
#[derive(Clone, Debug)]
// In this order (no reordering by the compiler): what a rated task touches, the rating
// and its count, opens the struct, so one cache line holds both (seven times in eight)
// and matching can fetch it ahead with one hint.
#[repr(C)]
pub struct Member {
    /// Mean stars.
    pub rating: f64,
    /// Reviews.
    pub reviews: u32,
    /// Approved tasks (ever).
    pub approved: u32,
    /// Rejected tasks (ever).
    pub rejected: u32,
    /// Matching group (copied from the worker).
    pub group: u16,
    /// Whether the member passes today's gate.
    pub qualified: bool,
    /// Picks today that found nothing acceptable (board).
    pub empty_picks: u8,
    /// Today's visibility weight.
    pub weight: f64,
    /// The review count `weight` was worked out at (`u32::MAX`: not yet). A rating
    /// changes only with a review, so the weight is redone only after one.
    pub weight_reviews: u32,
    /// Whether the member works today.
    pub working: bool,
    /// Whether the member is on the payable list: their matured balance grew (or they
    /// left with one) since the last payout day.
    pub payable: bool,
    /// Whether the member has a task carried over in `Venue::jobs` (at most one: a
    /// carried task takes all of the next day's time before another is started), so a
    /// worker who leaves without one costs no scan of the jobs.
    pub carrying: bool,
    /// Whether the worker has left, and what happens to their balance.
    pub exit: Exit,
    /// Index of the worker's list of avoided requesters in `Venue::blocklists`
    /// (`u32::MAX`: they avoid nobody), kept apart because few workers ever have one.
    pub blocklist: u32,
    /// Net earned today, folded from the hot tallies (see [`Hot`]).
    pub today_net_cents: i64,
    /// Seconds of approved work today, folded from the hot tallies.
    pub today_paid_seconds: u32,
    /// Tasks submitted today, folded from the hot tallies.
    pub today_tasks: u32,
    /// Seconds available at the start of today.
    pub day_capacity: u32,
    /// Seconds searched today since the last pick that found work (board), against
    /// `workers.search_patience_minutes`.
    pub search_streak: u32,
    /// `dispatch`: recent offers received, each weighted by how long ago it came (the
    /// weight falls every evening by the platform's `acceptance_decay`).
    pub recent_offers: f32,
    /// `dispatch`: recent offers accepted, weighted in the same way.
    pub recent_accepted: f32,
    /// The person.
    pub worker: u32,
    /// Moving average of net cents per available hour on this platform (negative
    /// before the first day); workers split their time by it.
    pub earnings_ewma: f64,
    /// Balance with the platform.
    pub balance: Balance,
    /// Totals over the metric period.
    pub totals: Totals,
}

impl Member {
    /// A new membership for worker `id` with the reputation they arrive with.
    pub fn join(id: u32, w: &Worker, history: &History) -> Member {
        Member::new(id, history, w.group)
    }

    /// A membership for worker `id` with a reputation and a matching group.
    pub fn new(id: u32, history: &History, group: u16) -> Member {
        Member {
            worker: id,
            rating: history.rating,
            reviews: history.reviews,
            approved: history.approved,
            rejected: history.rejected,
            working: false,
            weight: 0.0,
            weight_reviews: u32::MAX,
            qualified: false,
            empty_picks: 0,
            today_net_cents: 0,
            today_paid_seconds: 0,
            today_tasks: 0,
            balance: Balance::default(),
            payable: false,
            carrying: false,
            exit: Exit::Staying,
            blocklist: u32::MAX,
            day_capacity: 0,
            search_streak: 0,
            earnings_ewma: -1.0,
            group,
            recent_offers: 0.0,
            recent_accepted: 0.0,
            totals: Totals::default(),
        }
    }

    /// Share of work approved (1 with no history).
    pub fn approval_rate(&self) -> f64 {
        let n = u64::from(self.approved) + u64::from(self.rejected);
        if n == 0 {
            1.0
        } else {
            f64::from(self.approved) / n as f64
        }
    }

    /// Share of recent dispatch offers accepted, shrunk toward 1 by five offers so one
    /// early refusal does not shut a newcomer out. As old offers fade, the rate of a
    /// worker who gets no offers drifts back to 1, so a low rate is not final.
    pub fn acceptance_rate(&self) -> f64 {
        (f64::from(self.recent_accepted) + 5.0) / (f64::from(self.recent_offers) + 5.0)
    }

    /// Counts a dispatch offer and whether it was taken.
    pub fn offered(&mut self, taken: bool) {
        self.recent_offers += 1.0;
        self.recent_accepted += f32::from(u8::from(taken));
        self.totals.offers_received += 1;
        self.totals.offers_accepted += u64::from(taken);
    }

    /// The evening on a dispatch platform: past offers weigh `decay` times less.
    pub fn fade_offers(&mut self, decay: f32) {
        self.recent_offers *= decay;
        self.recent_accepted *= decay;
    }

    /// Moves the hot tallies of the day into the member's totals and today's sums, and
    /// clears them.
    pub fn fold(&mut self, h: &mut Hot) {
        let approved = u32::from(h.today_tasks - h.today_rejected);
        self.approved += approved;
        self.rejected += u32::from(h.today_rejected);
        self.totals.tasks_done += u32::from(h.today_tasks);
        self.totals.tasks_rejected += u32::from(h.today_rejected);
        self.totals.tasks_returned += u64::from(h.today_returned);
        self.totals.gross_cents += i64::from(h.today_gross);
        self.totals.net_cents += i64::from(h.today_net);
        self.totals.paid_seconds += h.today_paid;
        self.totals.unpaid_seconds += h.today_unpaid;
        self.today_net_cents += i64::from(h.today_net);
        self.today_paid_seconds += h.today_paid;
        self.today_tasks += u32::from(h.today_tasks);
        h.today_gross = 0;
        h.today_net = 0;
        h.today_paid = 0;
        h.today_unpaid = 0;
        h.today_tasks = 0;
        h.today_rejected = 0;
        h.today_returned = 0;
    }

    /// Adds a star rating to the running mean.
    pub fn add_review(&mut self, stars: f64) {
        self.reviews += 1;
        self.rating += (stars - self.rating) / f64::from(self.reviews);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balance_release_takes_opening_first() {
        let mut b = Balance {
            matured: 100,
            opening: 30,
            ..Balance::default()
        };
        assert_eq!(b.pending(), 70);
        b.release(50, false);
        assert_eq!((b.matured, b.opening, b.paid_out, b.pending()), (50, 0, 20, 50));
        b.release(50, true);
        assert_eq!((b.forfeited, b.pending()), (50, 0));
    }

    #[test]
    fn reviews_update_the_mean() {
        let h = History::rated(4.0, 1);
        let mut m = Member::new(0, &h, 0);
        m.add_review(5.0);
        assert_eq!((m.rating, m.reviews), (4.5, 2));
        assert_eq!(m.approval_rate(), 1.0);
    }

    #[test]
    fn dispatch_gates_wait_for_reviews_and_forget_old_refusals() {
        let d = crate::scenario::Dispatch {
            min_acceptance: 0.5,
            min_rating: 4.6,
            rating_gate_reviews: 3,
            acceptance_decay: 0.5,
            decline_probability: 0.0,
            surge_threshold: 1.0,
            surge_slope: 0.0,
            surge_cap: 1.0,
        };
        let h = History::default();
        let mut m = Member::new(0, &h, 0);
        m.add_review(4.0);
        m.add_review(4.0);
        assert!(d.admits(&m), "two reviews are too few to judge");
        m.add_review(4.0);
        assert!(!d.admits(&m), "a 4.0 mean over three reviews is below 4.6");

        let mut m = Member::new(0, &h, 0);
        for _ in 0..20 {
            m.offered(false);
        }
        assert!(!d.admits(&m));
        assert_eq!((m.totals.offers_received, m.totals.offers_accepted), (20, 0));
        for _ in 0..3 {
            m.fade_offers(d.acceptance_decay as f32);
        }
        assert!(d.admits(&m), "after three half-lives the refusals weigh 2.5 offers");
        assert_eq!(m.totals.offers_received, 20, "the totals do not fade");
    }
}
