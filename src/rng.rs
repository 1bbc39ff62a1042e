//! Seed derivation and named random streams.
//!
//! Every random draw in a run comes from a stream keyed by (master seed, replicate,
//! subsystem, and where it matters the day and the entity). The variant is never part of
//! a key, so two variants of one replicate see the same workers, the same demand and the
//! same per-worker luck (common random numbers). Entity-and-day streams keep that pairing
//! intact even when a policy changes how many draws one worker makes: worker `i`'s draws
//! on day `d` come from their own stream whatever the other workers did.
//!
//! Two generators are used, both defined bit for bit by their published algorithms so
//! results do not depend on a crate's choice of default generator:
//! `Xoshiro256PlusPlus` (rand) for long subsystem streams, and [`SplitMix64`] for the
//! short per-entity streams, whose state is one `u64` and cheap to keep per worker.

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// The subsystems that own random streams. The discriminant is part of every key, so
/// adding a subsystem never changes the streams of the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    /// Worker traits at creation (entity = worker id).
    WorkerTraits = 1,
    /// Requester traits at creation (entity = requester id).
    RequesterTraits = 2,
    /// The demand process: regime, noise, stochastic rounding (one stream per run).
    Demand = 3,
    /// Batches posted on a day (day = day).
    Posting = 4,
    /// Who works on a day (day, entity = worker id).
    Schedule = 5,
    /// Matching on a day: requesters' draws in `search`, round orders in `board`.
    Matching = 6,
    /// A worker's own draws on a day: durations, quality, ratings (day, entity = worker).
    Work = 7,
    /// Arrivals of newcomers (day).
    Entry = 8,
    /// The fixed sample of tasks used to price the all-in cost per task.
    CostSample = 9,
    /// Exits for reasons other than pay (day, entity = worker id).
    LifeEvents = 10,
    /// Whether a sign-up's profile goes dormant (entity = worker id).
    Dormancy = 11,
    /// Whether a newcomer is treated in the field experiment (entity = worker id).
    Treatment = 12,
    /// The hour a batch is posted in, with `demand.hour_factors` (day, entity =
    /// platform and batch).
    PostingHours = 13,
    /// Designs and bootstraps of `sensitivity` (never part of a run).
    Design = 20,
}

/// Golden-ratio increment of SplitMix64.
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 output function (Steele, Lea and Flood, OOPSLA 2014): a strong 64-bit
/// mixer, used both to derive keys and as the step of [`SplitMix64`].
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Derives a 64-bit key from the master seed, the replicate, the subsystem and two
/// further coordinates (day and entity; 0 where they do not apply).
pub fn key(seed: u64, replicate: u32, stream: Stream, day: u32, entity: u64) -> u64 {
    entity_key(day_key(seed, replicate, stream, day), entity)
}

/// The part of a key shared by every entity on a day; combine it with [`entity_key`].
/// Hot loops derive the day key once and then pay one mix per entity.
pub fn day_key(seed: u64, replicate: u32, stream: Stream, day: u32) -> u64 {
    let mut h = mix64(seed.wrapping_add(GOLDEN));
    h = mix64(h ^ u64::from(replicate).wrapping_mul(GOLDEN));
    h = mix64(h ^ (stream as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93));
    mix64(h ^ u64::from(day).wrapping_mul(0xA076_1D64_78BD_642F))
}

/// The key of one entity under a [`day_key`].
#[inline]
pub fn entity_key(day_key: u64, entity: u64) -> u64 {
    mix64(day_key ^ entity.wrapping_mul(0xE703_7ED1_A0B4_28DB))
}

/// A long stream for a subsystem: `Xoshiro256PlusPlus` seeded from the derived key.
pub fn stream(seed: u64, replicate: u32, stream: Stream, day: u32, entity: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(key(seed, replicate, stream, day, entity))
}

/// SplitMix64: a tiny generator whose whole state is one `u64`, for short per-entity
/// streams (a worker's draws on one day). Each stream starts at a derived key; streams
/// are far apart on the generator's 2^64 cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A stream starting from `key` (use [`key`] to derive it).
    pub fn new(key: u64) -> Self {
        Self { state: key }
    }

    /// The next 64 random bits.
    #[inline]
    pub fn bits(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix64(self.state)
    }

    /// A uniform draw in [0, 1) with 53 random bits.
    #[inline]
    pub fn unit(&mut self) -> f64 {
        unit_f64(self.bits())
    }
}

impl rand::TryRng for SplitMix64 {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok((self.bits() >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(self.bits())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.bits().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

/// Maps 64 random bits to a uniform draw in [0, 1) (the top 53 bits).
#[inline]
pub fn unit_f64(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Maps 64 random bits to an index in `0..n` without division (Lemire's multiply-shift
/// on the top 32 bits; the bias for `n` far below 2^32 is negligible).
#[inline]
pub fn index(bits: u64, n: usize) -> usize {
    (((bits >> 32) * n as u64) >> 32) as usize
}

/// The standard normal quantile of `u` in (0, 1) (Acklam's rational approximation,
/// relative error below 1.2e-9). Turns one uniform draw into one normal draw, so a
/// per-task draw always consumes the same number of random numbers.
pub fn normal_quantile(u: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let u = u.clamp(1e-300, 1.0 - 1e-16);
    let low = 0.02425;
    if u < low {
        let q = (-2.0 * u.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if u <= 1.0 - low {
        let q = u - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -normal_quantile(1.0 - u)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn normal_quantile_matches_tables() {
        assert!((normal_quantile(0.975) - 1.959_963_985).abs() < 1e-8);
        assert!((normal_quantile(0.5)).abs() < 1e-12);
        assert!((normal_quantile(0.001) + 3.090_232_306).abs() < 1e-7);
    }

    use super::*;
    use rand::Rng;

    #[test]
    fn keys_differ_by_every_coordinate() {
        let base = key(1, 0, Stream::Work, 3, 7);
        assert_ne!(base, key(2, 0, Stream::Work, 3, 7));
        assert_ne!(base, key(1, 1, Stream::Work, 3, 7));
        assert_ne!(base, key(1, 0, Stream::Schedule, 3, 7));
        assert_ne!(base, key(1, 0, Stream::Work, 4, 7));
        assert_ne!(base, key(1, 0, Stream::Work, 3, 8));
        assert_eq!(base, key(1, 0, Stream::Work, 3, 7));
    }

    #[test]
    fn splitmix_matches_reference_sequence() {
        // Reference values of SplitMix64 seeded with 1234567 (from the C reference
        // implementation by Vigna, splitmix64.c).
        let mut g = SplitMix64::new(1234567);
        assert_eq!(g.bits(), 6457827717110365317);
        assert_eq!(g.bits(), 3203168211198807973);
        assert_eq!(g.bits(), 9817491932198370423);
    }

    #[test]
    fn unit_is_in_range_and_index_covers() {
        let mut g = SplitMix64::new(9);
        let mut seen = [false; 5];
        for _ in 0..1000 {
            let u = g.unit();
            assert!((0.0..1.0).contains(&u));
            seen[index(g.bits(), 5)] = true;
        }
        assert!(seen.iter().all(|&s| s));
        assert!(unit_f64(u64::MAX) < 1.0);
    }

    #[test]
    fn xoshiro_stream_is_reproducible() {
        let mut a = stream(5, 2, Stream::Demand, 0, 0);
        let mut b = stream(5, 2, Stream::Demand, 0, 0);
        for _ in 0..10 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }
}
