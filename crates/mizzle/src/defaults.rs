//! Values filled in by generated code: `default_fn` and `on_update_fn`.
//!
//! All of them work on wasm32: the clock is chrono's, which reads the JS clock there
//! (`std::time::SystemTime::now()` would panic), and randomness comes from `getrandom`'s JS
//! backend through `uuid`.

use chrono::{DateTime, Utc};

/// The current time (`default_fn = "now"`, `on_update_fn = "now"`).
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// A random UUID v4 as lowercase hyphenated text (`default_fn = "uuid_v4"`).
pub fn uuid_v4() -> String {
    uuid::Uuid::new_v4().hyphenated().to_string()
}

/// A CUID2-shaped id (`default_fn = "cuid2"`): 24 characters, a lowercase letter followed
/// by base-36 digits, drawn from 244 random bits.
pub fn cuid2() -> String {
    const ALPHABET: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut bits = u128::from_le_bytes(*uuid::Uuid::new_v4().as_bytes());
    let mut more = u128::from_le_bytes(*uuid::Uuid::new_v4().as_bytes());
    let mut out = String::with_capacity(24);
    out.push(char::from(b'a' + (bits % 26) as u8));
    bits /= 26;
    for i in 0..23 {
        if i == 11 {
            bits = more;
            more = 0;
        }
        out.push(char::from(ALPHABET[(bits % 36) as usize]));
        bits /= 36;
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_have_their_shapes() {
        let c = super::cuid2();
        assert_eq!(c.len(), 24);
        assert!(c.chars().next().unwrap().is_ascii_lowercase());
        assert!(
            c.chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit())
        );
        assert_ne!(c, super::cuid2());
        let u = super::uuid_v4();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }
}
