//! Cache-line prefetch hints for the matching loops.
//!
//! With 100,000 workers or more, a task offered to a random worker costs a few trips to
//! main memory (the alias table's column, the worker's hot line, their practice count,
//! their rating). The next workers are known a little ahead (the matching stream's
//! next numbers, or the board's shuffled order), so their lines can be requested while
//! the current task is worked. A prefetch is only a hint: it reads nothing into the
//! program and never changes a result.

/// Asks the CPU to bring the cache line holding `x` closer (no effect on results; a
/// no-op on targets without a prefetch instruction).
#[inline(always)]
pub(crate) fn prefetch<T>(x: &T) {
    prefetch_address((x as *const T).cast::<u8>());
}

/// Prefetches `items[k]` when it exists.
#[inline(always)]
pub(crate) fn prefetch_at<T>(items: &[T], k: usize) {
    if let Some(x) = items.get(k) {
        prefetch(x);
    }
}

/// Prefetches every cache line of `x` (a value may straddle two or three lines).
#[inline(always)]
pub(crate) fn prefetch_whole<T>(x: &T) {
    let start = (x as *const T).cast::<u8>();
    let size = std::mem::size_of::<T>();
    for offset in (0..size).step_by(64).chain(size.checked_sub(1)) {
        prefetch_address(start.wrapping_add(offset));
    }
}

#[inline(always)]
fn prefetch_address(address: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint; it never faults (whatever the address) and has no
    // visible effect.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(address.cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = address;
}
