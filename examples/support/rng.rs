//! The generators' random numbers, shared by the benchmark examples (included with
//! `#[path]`; not an example of its own).
#![allow(dead_code)]

/// splitmix64, so the data is the same on every run and both backends.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn uniform(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    pub fn normal(&mut self) -> f64 {
        let (a, b) = (self.uniform(), self.uniform());
        (-2.0 * a.ln()).sqrt() * (std::f64::consts::TAU * b).cos()
    }
    pub fn weighted(&mut self, w: impl Iterator<Item = u32> + Clone) -> usize {
        let total: u32 = w.clone().sum();
        let mut x = self.uniform() * f64::from(total);
        let mut last = 0;
        for (i, v) in w.enumerate() {
            x -= f64::from(v);
            last = i;
            if x < 0.0 {
                return i;
            }
        }
        last
    }
}
