//! The search for the largest message a server accepts, pure: sizes doubling from 1 KiB up to
//! the limit (on one connection while they are accepted), then, between the largest accepted
//! and the smallest refused, one byte above the one and one below the other (limits are often
//! round numbers, inclusive or not), then halving until the gap is a thousandth of the size.
//! Bounded in tries whatever the answers.

/// The first size tried.
const START: usize = 1024;
/// Tries at most, whatever the server answers.
pub(crate) const MAX_TRIES: u32 = 40;

/// Where the search stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SizeSearch {
    max: usize,
    accepted: Option<usize>,
    refused: Option<usize>,
    tries: u32,
    /// Whether the size one above the largest accepted was tried.
    above_tried: bool,
    /// Whether the size one below the smallest refused was tried.
    below_tried: bool,
}

impl SizeSearch {
    pub(crate) fn new(max: usize) -> Self {
        SizeSearch {
            max: max.max(1),
            accepted: None,
            refused: None,
            tries: 0,
            above_tried: false,
            below_tried: false,
        }
    }

    /// The next size to try, or `None` when the search is over.
    pub(crate) fn next(&self) -> Option<usize> {
        if self.tries >= MAX_TRIES {
            return None;
        }
        match (self.accepted, self.refused) {
            (None, None) => Some(START.min(self.max)),
            (Some(a), None) => (a < self.max).then(|| a.saturating_mul(2).min(self.max)),
            (lo, Some(hi)) => {
                let lo = lo.unwrap_or(0);
                if hi <= lo.saturating_add(1) {
                    None
                } else if lo > 0 && !self.above_tried {
                    Some(lo + 1)
                } else if !self.below_tried {
                    Some(hi - 1)
                } else if hi - lo <= (lo / 1024).max(1) {
                    None
                } else {
                    Some(lo + (hi - lo) / 2)
                }
            }
        }
    }

    /// What the server did with a message of `size` bytes.
    pub(crate) fn record(&mut self, size: usize, accepted: bool) {
        self.tries += 1;
        if self.accepted.is_some_and(|a| size == a + 1) {
            self.above_tried = true;
        }
        if self.refused.is_some_and(|r| size + 1 == r) {
            self.below_tried = true;
        }
        if accepted {
            self.accepted = Some(self.accepted.map_or(size, |a| a.max(size)));
        } else {
            self.refused = Some(self.refused.map_or(size, |r| r.min(size)));
        }
    }

    /// The largest size accepted and the smallest refused, so far.
    pub(crate) fn bounds(&self) -> (Option<usize>, Option<usize>) {
        (self.accepted, self.refused)
    }

    pub(crate) fn max(&self) -> usize {
        self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the search against a server that accepts up to `limit` bytes.
    fn against(limit: usize, max: usize) -> (SizeSearch, u32) {
        let mut s = SizeSearch::new(max);
        let mut tries = 0;
        while let Some(size) = s.next() {
            s.record(size, size <= limit);
            tries += 1;
        }
        (s, tries)
    }

    #[test]
    fn a_round_limit_is_found_to_the_byte() {
        let (s, tries) = against(1 << 20, 8 << 20);
        assert_eq!(s.bounds(), (Some(1 << 20), Some((1 << 20) + 1)));
        assert!(tries <= 14, "{tries}");
    }

    #[test]
    fn a_limit_one_below_a_round_size_too() {
        let (s, tries) = against((4 << 20) - 1, 8 << 20);
        assert_eq!(s.bounds(), (Some((4 << 20) - 1), Some(4 << 20)));
        assert!(tries <= 16, "{tries}");
    }

    #[test]
    fn any_other_limit_within_a_thousandth() {
        for limit in [1_000_000, 4_194_000, 70_000, 1500] {
            let (s, _) = against(limit, 8 << 20);
            let (Some(lo), Some(hi)) = s.bounds() else {
                panic!("{limit}: {s:?}");
            };
            assert!(lo <= limit && limit < hi, "{limit}: {s:?}");
            assert!(hi - lo <= (lo / 1024).max(1), "{limit}: {s:?}");
        }
    }

    #[test]
    fn everything_accepted_and_nothing_accepted() {
        let (s, _) = against(usize::MAX, 8 << 20);
        assert_eq!(s.bounds(), (Some(8 << 20), None));
        let (s, tries) = against(0, 8 << 20);
        assert_eq!(s.bounds(), (None, Some(1)));
        assert!(tries <= 12, "{tries}");
        let (s, _) = against(100, 10);
        assert_eq!(s.bounds(), (Some(10), None));
    }

    #[test]
    fn the_tries_are_bounded() {
        let mut s = SizeSearch::new(usize::MAX);
        let mut n = 0;
        while let Some(size) = s.next() {
            s.record(size, n % 2 == 0);
            n += 1;
        }
        assert!(n <= MAX_TRIES);
    }
}
