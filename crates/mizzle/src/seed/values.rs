//! Values from a seed: a small counter-based generator and the value kinds seed data uses.
//!
//! The generator is SplitMix64 (Steele, Lea, Flood 2014): a 64-bit state advanced by a
//! constant and mixed, the same bits on every machine and target (no floats in the state,
//! no platform RNG). Each table draws from its own stream, seeded from the seed and the
//! table's name, so adding a table or a column elsewhere does not change a table's rows.

use crate::sql::value::Value;

/// A deterministic stream of numbers.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    /// The stream for `name` (a table) under `seed`.
    pub(crate) fn new(seed: u64, name: &str) -> Rng {
        // FNV-1a of the name, mixed with the seed.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in name.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        let mut r = Rng(seed ^ h.rotate_left(17));
        r.next_u64();
        r
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`), by multiply-and-shift (no modulo bias to speak of).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n.max(1))) >> 64) as u64
    }

    /// An integer in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        let span = (hi as i128 - lo as i128 + 1) as u128;
        if span > u128::from(u64::MAX) {
            return self.next_u64() as i64;
        }
        (lo as i128 + i128::from(self.below(span as u64))) as i64
    }

    /// A float in `[0, 1)`, from 53 bits.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.unit() < p
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "amber", "anchor", "apple", "arrow", "aspen", "autumn", "bamboo", "basil", "beacon", "birch",
    "bloom", "breeze", "brook", "canyon", "cedar", "cherry", "cinder", "clover", "comet", "coral",
    "cotton", "crystal", "dawn", "delta", "dune", "ember", "falcon", "fern", "fjord", "flint",
    "forest", "frost", "garnet", "glacier", "harbor", "hazel", "heron", "honey", "indigo",
    "island", "ivory", "jasmine", "juniper", "lagoon", "lantern", "lemon", "lilac", "lotus",
    "maple", "meadow", "mint", "moss", "nectar", "oak", "ocean", "olive", "orchid", "pebble",
    "pine", "prairie", "quartz", "raven", "reed", "river", "saffron", "sage", "sierra", "silver",
    "spruce", "stone", "summit", "thistle", "timber", "tulip", "valley", "velvet", "willow",
    "zephyr",
];
const FIRST: &[&str] = &[
    "Ada", "Alan", "Amara", "Ben", "Chen", "Clara", "Dario", "Elena", "Emeka", "Farah", "Grace",
    "Hana", "Ivan", "Jonas", "Kenji", "Lena", "Lucia", "Malik", "Maya", "Nadia", "Noah", "Olga",
    "Omar", "Priya", "Rosa", "Sami", "Sofia", "Tariq", "Uma", "Viktor", "Wen", "Yusuf", "Zoe",
];
const LAST: &[&str] = &[
    "Abara",
    "Berg",
    "Castillo",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lindqvist",
    "Moreau",
    "Nakamura",
    "Okafor",
    "Petrov",
    "Quinn",
    "Rossi",
    "Silva",
    "Tanaka",
    "Usman",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zhang",
];

pub(crate) fn word(r: &mut Rng) -> &'static str {
    r.pick::<&str>(WORDS)
}

pub(crate) fn first_name(r: &mut Rng) -> String {
    (*r.pick(FIRST)).to_owned()
}

pub(crate) fn last_name(r: &mut Rng) -> String {
    (*r.pick(LAST)).to_owned()
}

pub(crate) fn full_name(r: &mut Rng) -> String {
    format!("{} {}", first_name(r), last_name(r))
}

/// `first.last.N@example.com`: `n` (the row) keeps it unique in its table.
pub(crate) fn email(r: &mut Rng, n: usize) -> String {
    format!(
        "{}.{}.{n}@example.com",
        first_name(r).to_lowercase(),
        last_name(r).to_lowercase()
    )
}

/// Words, the first capitalized, ending in a period when `period`.
pub(crate) fn sentence(r: &mut Rng, min: usize, max: usize, period: bool) -> String {
    let n = r.range(min.max(1) as i64, max.max(min.max(1)) as i64) as usize;
    let mut s = String::new();
    for i in 0..n {
        let w = word(r);
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    if period {
        s.push('.');
    }
    s
}

pub(crate) fn paragraph(r: &mut Rng) -> String {
    let n = r.range(2, 4);
    (0..n)
        .map(|_| sentence(r, 5, 12, true))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `word-word-N`: `n` keeps it unique.
pub(crate) fn slug(r: &mut Rng, n: usize) -> String {
    format!("{}-{}-{n}", word(r), word(r))
}

pub(crate) fn url(r: &mut Rng, n: usize) -> String {
    format!("https://{}.example.com/{}/{n}", word(r), word(r))
}

/// A version-4 UUID from the stream.
pub(crate) fn uuid(r: &mut Rng) -> String {
    let (a, b) = (r.next_u64(), r.next_u64());
    let a = (a & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    let b = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

/// A CUID2-shaped id (24 characters, a letter then base-36) from the stream.
pub(crate) fn cuid(r: &mut Rng) -> String {
    const A: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
    const B: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut s = String::with_capacity(24);
    s.push(*r.pick(A) as char);
    for _ in 1..24 {
        s.push(*r.pick(B) as char);
    }
    s
}

/// Seconds since 1970 in 2020-01-01 ..= 2025-12-31: fixed, so the same seed gives the same
/// times whenever it runs.
pub(crate) fn timestamp(r: &mut Rng) -> i64 {
    r.range(1_577_836_800, 1_767_225_599)
}

pub(crate) fn blob(r: &mut Rng) -> Value {
    let n = r.range(8, 32) as usize;
    Value::Blob((0..n).map(|_| r.next_u64() as u8).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_is_the_same_everywhere() {
        // Fixed numbers: a change here changes every user's seed data.
        let mut r = Rng::new(42, "users");
        let first: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
        let mut again = Rng::new(42, "users");
        assert_eq!(first, (0..3).map(|_| again.next_u64()).collect::<Vec<_>>());
        assert_ne!(
            Rng::new(42, "posts").next_u64(),
            Rng::new(42, "users").next_u64()
        );
        assert_ne!(
            Rng::new(43, "users").next_u64(),
            Rng::new(42, "users").next_u64()
        );
        let mut r = Rng::new(1, "t");
        for _ in 0..1000 {
            let v = r.range(-3, 3);
            assert!((-3..=3).contains(&v));
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
        }
        assert_eq!(uuid(&mut Rng::new(1, "t")).len(), 36);
        assert_eq!(&uuid(&mut Rng::new(1, "t"))[14..15], "4");
    }
}
