//! A small, seedable, portable pseudo-random generator: xoshiro256** seeded through SplitMix64
//! (both by Blackman and Vigna, public domain algorithms), written here to avoid a dependency.
//!
//! Only integer operations and IEEE-exact float operations (`+ - * /`, `sqrt`) are used, so a
//! seed gives the same numbers on every platform.

/// One SplitMix64 step: advances `state` and returns the next output.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Mixes two words into one well-distributed seed (for per-item streams: `mix(seed, index)`).
pub fn mix(a: u64, b: u64) -> u64 {
    let mut s = a ^ b.wrapping_mul(0xD1B5_4A32_D192_ED03);
    splitmix64(&mut s)
}

/// xoshiro256** generator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator seeded from `seed` (any value, including 0).
    pub fn new(seed: u64) -> Self {
        let mut sm = seed;
        Rng {
            s: [
                splitmix64(&mut sm),
                splitmix64(&mut sm),
                splitmix64(&mut sm),
                splitmix64(&mut sm),
            ],
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let [s0, s1, s2, s3] = &mut self.s;
        let result = s1.wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = *s1 << 17;
        *s2 ^= *s0;
        *s3 ^= *s1;
        *s1 ^= *s2;
        *s0 ^= *s3;
        *s2 ^= t;
        *s3 = s3.rotate_left(45);
        result
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `[0, n)` (0 when `n` is 0), by multiply-high (bias below 2⁻⁶⁴·n).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `[0, n)` as `usize`.
    pub fn index(&mut self, n: usize) -> usize {
        usize::try_from(self.below(n as u64)).unwrap_or(0)
    }

    /// `true` with probability `p` (clamped to `[0, 1]`).
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A heavy-tailed positive value with the given mean: Lomax (Pareto II) with shape 2,
    /// `mean · (1/√u − 1)`. Median ≈ 0.41 · mean; P(X > x) = (1 + x/mean)⁻².
    pub fn lomax(&mut self, mean: f64) -> f64 {
        // u in (0, 1]: never divide by zero.
        let u = 1.0 - self.unit();
        mean * (1.0 / u.sqrt() - 1.0)
    }

    /// Picks an index with probability proportional to `cumulative` weights (a running sum,
    /// non-decreasing); `None` if the slice is empty or the total is not positive.
    pub fn weighted(&mut self, cumulative: &[f64]) -> Option<usize> {
        let total = *cumulative.last()?;
        if total.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
            return None;
        }
        let x = self.unit() * total;
        let i = cumulative.partition_point(|&c| c <= x);
        Some(i.min(cumulative.len() - 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_reference_values() {
        // First outputs of SplitMix64 from state 0 (reference implementation by S. Vigna).
        let mut s = 0u64;
        assert_eq!(splitmix64(&mut s), 0xE220_A839_7B1D_CDAF);
        assert_eq!(splitmix64(&mut s), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn deterministic_and_seed_sensitive() {
        let a: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..5)
            .map({
                let mut r = Rng::new(7);
                move |_| r.next_u64()
            })
            .collect();
        let mut r8 = Rng::new(8);
        assert_eq!(a, b);
        assert_ne!(a[0], r8.next_u64());
    }

    #[test]
    fn distributions_are_plausible() {
        let mut r = Rng::new(42);
        let n = 100_000;
        let mut sum = 0.0;
        let mut below_median = 0;
        let mut hits = 0;
        let mut counts = [0u32; 4];
        let cumulative = [1.0, 3.0, 3.0, 4.0];
        for _ in 0..n {
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
            sum += u;
            let x = r.lomax(10.0);
            assert!(x >= 0.0);
            if x < 10.0 * (2f64.sqrt() - 1.0) {
                below_median += 1;
            }
            if r.chance(0.25) {
                hits += 1;
            }
            counts[r.weighted(&cumulative).unwrap()] += 1;
            assert!(r.below(3) < 3);
        }
        let mean = sum / n as f64;
        assert!((mean - 0.5).abs() < 0.01, "{mean}");
        let frac = below_median as f64 / n as f64;
        assert!((frac - 0.5).abs() < 0.01, "{frac}");
        assert!((hits as f64 / n as f64 - 0.25).abs() < 0.01);
        assert_eq!(counts[2], 0, "zero-weight entry never picked");
        assert!((counts[1] as f64 / n as f64 - 0.5).abs() < 0.01);
        assert_eq!(r.weighted(&[]), None);
        assert_eq!(r.weighted(&[0.0]), None);
        assert_eq!(r.below(0), 0);
    }
}
