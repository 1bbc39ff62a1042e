//! Who the platform shows first, and who it shows at all.
//!
//! The weight of a worker is `(shrunk rating / 5)^rating_exponent`, times a boost while
//! they have no reviews. The shrunk rating is a Bayesian mean with `prior_reviews`
//! pseudo-reviews at `prior_rating`, so one early review does not decide a career.
//! Gated tasks are shown only to workers who pass every gate: rating, reviews, approval
//! rate and approved tasks; `open_share` of tasks are posted without a gate.

use super::worker::Member;
use crate::scenario::Visibility;

impl Visibility {
    /// The rating shrunk toward the prior.
    pub fn shrunk_rating(&self, m: &Member) -> f64 {
        let n = f64::from(m.reviews);
        let total = self.prior_reviews + n;
        if total <= 0.0 {
            return self.prior_rating;
        }
        (self.prior_reviews * self.prior_rating + n * m.rating) / total
    }

    /// The member's visibility weight for the day.
    pub fn weight(&self, m: &Member) -> f64 {
        let base = if self.rating_exponent == 0.0 {
            1.0
        } else {
            (self.shrunk_rating(m) / 5.0).powf(self.rating_exponent)
        };
        if m.reviews == 0 {
            base * self.newcomer_boost
        } else {
            base
        }
    }

    /// Whether the member may see gated tasks. A worker with no reviews has no rating,
    /// so any positive `min_rating` keeps them to open tasks.
    pub fn passes_gate(&self, m: &Member) -> bool {
        let rating_ok = self.min_rating <= 0.0 || (m.reviews > 0 && m.rating >= self.min_rating);
        rating_ok
            && m.reviews >= self.min_reviews
            && m.approval_rate() >= self.min_approval
            && m.approved >= self.min_approved_tasks
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::worker::History;

    fn vis() -> Visibility {
        Visibility {
            min_rating: 4.5,
            min_reviews: 2,
            rating_exponent: 2.0,
            prior_reviews: 3.0,
            prior_rating: 4.0,
            newcomer_boost: 1.5,
            min_approval: 0.95,
            min_approved_tasks: 10,
            open_share: 0.5,
        }
    }

    fn member(rating: f64, reviews: u32, approved: u32, rejected: u32) -> Member {
        Member::new(
            0,
            &History {
                rating,
                reviews,
                approved,
                rejected,
            },
            0,
        )
    }

    #[test]
    fn shrinkage_pulls_few_reviews_to_the_prior() {
        let v = vis();
        assert_eq!(v.shrunk_rating(&member(5.0, 1, 0, 0)), (3.0 * 4.0 + 5.0) / 4.0);
        let many = v.shrunk_rating(&member(5.0, 1000, 0, 0));
        assert!((many - 5.0).abs() < 0.01);
    }

    #[test]
    fn weight_grows_with_rating_and_boosts_newcomers() {
        let v = vis();
        assert!(v.weight(&member(5.0, 50, 0, 0)) > v.weight(&member(3.0, 50, 0, 0)));
        let newcomer = v.weight(&member(0.0, 0, 0, 0));
        assert!((newcomer - 1.5 * (0.8f64).powi(2)).abs() < 1e-12);
        let flat = Visibility {
            rating_exponent: 0.0,
            ..v
        };
        assert_eq!(flat.weight(&member(1.0, 50, 0, 0)), flat.weight(&member(5.0, 50, 0, 0)));
    }

    #[test]
    fn gate_needs_every_condition() {
        let v = vis();
        assert!(v.passes_gate(&member(4.8, 5, 100, 2)));
        assert!(!v.passes_gate(&member(4.4, 5, 100, 2)), "rating");
        assert!(!v.passes_gate(&member(4.8, 1, 100, 2)), "reviews");
        assert!(!v.passes_gate(&member(4.8, 5, 100, 10)), "approval");
        assert!(!v.passes_gate(&member(4.8, 5, 9, 0)), "approved tasks");
        let newcomer_rules = Visibility {
            min_reviews: 0,
            min_approved_tasks: 0,
            ..v
        };
        assert!(
            !newcomer_rules.passes_gate(&member(5.0, 0, 0, 0)),
            "no reviews, no rating"
        );
    }
}
