//! SQL column types: markers that tie a column to its Rust type and its encoding.
//!
//! A column handle is `Column<Table, S>` where `S` is one of these markers. The marker, not
//! the Rust type, decides the encoding: `timestamp` and `timestamp_ms` are both
//! `DateTime<Utc>` in Rust but are stored as seconds and as milliseconds.
//!
//! For maintainers: this is the runtime's bottom layer — SQL types and their encodings
//! (here), bound values (`value`), statements (`statement`), SQL text helpers (`text`:
//! splitting a migration into statements, checksums, casts), and D1's limits on one
//! statement (`limits`). It imports nothing of the crate but the error types.

mod field;
pub(crate) mod limits;
pub(crate) mod statement;
pub(crate) mod text;
pub(crate) mod value;

use std::marker::PhantomData;

use chrono::{DateTime, TimeZone, Utc};

use crate::error::DecodeError;
use crate::sql::value::{Value, ValueRef};

pub use field::{DefaultSql, FromSql};

/// A column's SQL type: its Rust type and how that is stored.
pub trait SqlType {
    /// The Rust type of a field of this column in a row struct.
    type Rust;
    /// Encodes a Rust value for binding.
    fn encode(value: &Self::Rust) -> Value;
    /// Encodes an owned value, moving what it can (text and bytes are not copied).
    fn encode_owned(value: Self::Rust) -> Value
    where
        Self::Rust: Sized,
    {
        Self::encode(&value)
    }
    /// Decodes a value read from the database.
    fn decode(value: Value) -> Result<Self::Rust, DecodeError>;
    /// Decodes a cell borrowed from where it was read (natively, SQLite's row as it is
    /// stepped), copying only what the field keeps. By default through an owned copy.
    fn decode_ref(value: ValueRef<'_>) -> Result<Self::Rust, DecodeError> {
        Self::decode(value.to_value())
    }
    /// Whether an equality comparison writes the encoded value into the SQL instead of
    /// binding it (booleans: two values, and SQLite can match them to partial indexes).
    #[doc(hidden)]
    const LITERAL: bool = false;
    /// Whether the column holds integers that must read back exactly (integer and
    /// timestamps): an expression written to it is guarded to ±(2^53 − 1), the range D1
    /// and Durable Objects return exactly (see [`assign`](crate::assign)).
    const EXACT_INTEGER: bool = false;
}

/// Encodes an owned value of SQL type `S`, moving it (used by generated inserts and patches,
/// which own their values).
#[doc(hidden)]
pub fn encode_owned<S: SqlType>(value: S::Rust) -> Value
where
    S::Rust: Sized,
{
    S::encode_owned(value)
}

/// Marks SQL types whose columns are `NOT NULL`. Generated enums implement it too.
pub trait NonNull: SqlType {}

/// The type a comparison operand has: the column's type without its nullability.
pub trait Operand {
    /// The non-null SQL type compared against.
    type Base: NonNull;
}
impl<S: NonNull> Operand for S {
    type Base = S;
}
impl<S: NonNull> Operand for Nullable<S> {
    type Base = S;
}

/// `INTEGER` ↔ `i64`.
pub struct Integer;
/// `REAL` ↔ `f64`.
pub struct Real;
/// `TEXT` ↔ `String`.
pub struct Text;
/// `BLOB` ↔ `Vec<u8>`.
pub struct Blob;
/// `INTEGER` 0/1 ↔ `bool`.
pub struct Boolean;
/// `INTEGER` seconds since the Unix epoch ↔ `DateTime<Utc>`.
pub struct Timestamp;
/// `INTEGER` milliseconds since the Unix epoch ↔ `DateTime<Utc>`.
pub struct TimestampMs;
/// `TEXT` holding JSON ↔ any serde type `R`.
pub struct Json<R>(PhantomData<fn() -> R>);
/// A nullable column of type `S` ↔ `Option<S::Rust>`.
pub struct Nullable<S>(PhantomData<fn() -> S>);

fn mismatch(expected: &'static str, got: ValueRef<'_>) -> DecodeError {
    DecodeError::new(format!(
        "expected {expected}, found {} {got}",
        got.type_name()
    ))
}

impl Integer {
    /// Decodes an INTEGER cell (for tests and raw rows).
    pub fn decode_value(v: Value) -> Result<i64, DecodeError> {
        <Self as SqlType>::decode(v)
    }
}

impl SqlType for Integer {
    type Rust = i64;
    const EXACT_INTEGER: bool = true;
    fn encode(v: &i64) -> Value {
        Value::Integer(*v)
    }
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn decode(v: Value) -> Result<i64, DecodeError> {
        Self::decode_ref(v.as_ref())
    }
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn decode_ref(v: ValueRef<'_>) -> Result<i64, DecodeError> {
        match v {
            ValueRef::Integer(i) => Ok(i),
            // Integral and exact: beyond 2^53 a float may already have been rounded (D1
            // returns every number through JavaScript), so it is refused, not guessed.
            ValueRef::Real(r)
                if r.fract() == 0.0 && r.abs() <= crate::sql::value::MAX_SAFE_INTEGER as f64 =>
            {
                Ok(r as i64)
            }
            ValueRef::Real(r) if r.fract() == 0.0 => Err(DecodeError::new(format!(
                "integer {r} is beyond ±(2^53 − 1) and may have been rounded on its way out of D1; \
                 read it as text (`CAST(col AS TEXT)`)"
            ))),
            // Exact 64-bit integers can be read back as text (`CAST(x AS TEXT)`).
            ValueRef::Text(s) => s.parse().map_err(|_| mismatch("an integer", v)),
            other => Err(mismatch("an integer", other)),
        }
    }
}

impl SqlType for Real {
    type Rust = f64;
    fn encode(v: &f64) -> Value {
        Value::Real(*v)
    }
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn decode(v: Value) -> Result<f64, DecodeError> {
        Self::decode_ref(v.as_ref())
    }
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn decode_ref(v: ValueRef<'_>) -> Result<f64, DecodeError> {
        match v {
            ValueRef::Real(r) => Ok(r),
            ValueRef::Integer(i) => Ok(i as f64),
            other => Err(mismatch("a real", other)),
        }
    }
}

impl SqlType for Text {
    type Rust = String;
    fn encode(v: &String) -> Value {
        Value::Text(v.clone())
    }
    fn encode_owned(v: String) -> Value {
        Value::Text(v)
    }
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn decode(v: Value) -> Result<String, DecodeError> {
        match v {
            Value::Text(s) => Ok(s),
            other => Err(mismatch("text", other.as_ref())),
        }
    }
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn decode_ref(v: ValueRef<'_>) -> Result<String, DecodeError> {
        match v {
            ValueRef::Text(s) => Ok(s.to_owned()),
            other => Err(mismatch("text", other)),
        }
    }
}

impl SqlType for Blob {
    type Rust = Vec<u8>;
    fn encode(v: &Vec<u8>) -> Value {
        Value::Blob(v.clone())
    }
    fn encode_owned(v: Vec<u8>) -> Value {
        Value::Blob(v)
    }
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn decode(v: Value) -> Result<Vec<u8>, DecodeError> {
        match v {
            Value::Blob(b) => Ok(b),
            other => Err(mismatch("a blob", other.as_ref())),
        }
    }
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn decode_ref(v: ValueRef<'_>) -> Result<Vec<u8>, DecodeError> {
        match v {
            ValueRef::Blob(b) => Ok(b.to_vec()),
            other => Err(mismatch("a blob", other)),
        }
    }
}

impl SqlType for Boolean {
    type Rust = bool;
    const LITERAL: bool = true;
    fn encode(v: &bool) -> Value {
        Value::Integer(i64::from(*v))
    }
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn decode(v: Value) -> Result<bool, DecodeError> {
        Self::decode_ref(v.as_ref())
    }
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn decode_ref(v: ValueRef<'_>) -> Result<bool, DecodeError> {
        match v {
            ValueRef::Integer(0) => Ok(false),
            ValueRef::Integer(1) => Ok(true),
            other => Err(mismatch("a boolean (0 or 1)", other)),
        }
    }
}

/// SQLite's text timestamps: `YYYY-MM-DD HH:MM:SS` (`CURRENT_TIMESTAMP`, `datetime()`),
/// and RFC 3339 (`YYYY-MM-DDTHH:MM:SS`, optional fraction, then `Z` or `±HH:MM`).
///
/// Read by hand: chrono's general parser would add ~30 KB to every Worker's wasm for this
/// fallback alone.
fn parse_text_timestamp(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<u32> {
        let digits = b.get(from..from + len)?;
        digits.iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let rfc3339 = match b[10] {
        b' ' => false,
        b'T' | b't' => true,
        _ => return None,
    };
    let date = chrono::NaiveDate::from_ymd_opt(num(0, 4)? as i32, num(5, 2)?, num(8, 2)?)?;
    let mut at = 19;
    let mut nanos = 0u32;
    if b.get(at) == Some(&b'.') {
        let digits = b[at + 1..]
            .iter()
            .take_while(|d| d.is_ascii_digit())
            .count();
        if digits == 0 {
            return None;
        }
        let kept = digits.min(9);
        nanos = num(at + 1, kept)? * 10u32.pow(9 - kept as u32);
        at += 1 + digits;
    }
    let time = chrono::NaiveTime::from_hms_nano_opt(num(11, 2)?, num(14, 2)?, num(17, 2)?, nanos)?;
    let local = date.and_time(time);
    let offset_secs: i64 = match &b[at..] {
        [] if !rfc3339 => 0,
        [b'Z' | b'z'] if rfc3339 => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] if rfc3339 => {
            let secs = i64::from(num(at + 1, 2)? * 3600 + num(at + 4, 2)? * 60);
            if *sign == b'-' { -secs } else { secs }
        }
        _ => return None,
    };
    Some((local - chrono::Duration::seconds(offset_secs)).and_utc())
}

fn decode_epoch(
    v: ValueRef<'_>,
    scale: i64,
    what: &'static str,
) -> Result<DateTime<Utc>, DecodeError> {
    let n = match v {
        ValueRef::Integer(n) => n,
        ValueRef::Real(r) if r.fract() == 0.0 => r as i64,
        // Tolerate SQLite's own text timestamps (`CURRENT_TIMESTAMP`, ISO 8601).
        ValueRef::Text(s) => return parse_text_timestamp(s).ok_or_else(|| mismatch(what, v)),
        other => return Err(mismatch(what, other)),
    };
    let dt = if scale == 1 {
        Utc.timestamp_opt(n, 0).single()
    } else {
        Utc.timestamp_millis_opt(n).single()
    };
    dt.ok_or_else(|| DecodeError::new(format!("timestamp {n} is out of range")))
}

impl SqlType for Timestamp {
    type Rust = DateTime<Utc>;
    const EXACT_INTEGER: bool = true;
    fn encode(v: &DateTime<Utc>) -> Value {
        Value::Integer(v.timestamp())
    }
    fn decode(v: Value) -> Result<DateTime<Utc>, DecodeError> {
        Self::decode_ref(v.as_ref())
    }
    fn decode_ref(v: ValueRef<'_>) -> Result<DateTime<Utc>, DecodeError> {
        decode_epoch(v, 1, "a timestamp (seconds)")
    }
}

impl SqlType for TimestampMs {
    type Rust = DateTime<Utc>;
    const EXACT_INTEGER: bool = true;
    fn encode(v: &DateTime<Utc>) -> Value {
        Value::Integer(v.timestamp_millis())
    }
    fn decode(v: Value) -> Result<DateTime<Utc>, DecodeError> {
        Self::decode_ref(v.as_ref())
    }
    fn decode_ref(v: ValueRef<'_>) -> Result<DateTime<Utc>, DecodeError> {
        decode_epoch(v, 1000, "a timestamp (milliseconds)")
    }
}

impl<R: serde::Serialize + serde::de::DeserializeOwned> SqlType for Json<R> {
    type Rust = R;
    fn encode(v: &R) -> Value {
        // Serializing a value that serde_json accepted once cannot fail for plain data; a
        // type with a failing `Serialize` impl stores JSON null rather than panicking.
        Value::Text(serde_json::to_string(v).unwrap_or_else(|_| "null".to_owned()))
    }
    fn decode(v: Value) -> Result<R, DecodeError> {
        Self::decode_ref(v.as_ref())
    }
    fn decode_ref(v: ValueRef<'_>) -> Result<R, DecodeError> {
        match v {
            ValueRef::Text(s) => {
                serde_json::from_str(s).map_err(|e| DecodeError::new(format!("invalid JSON: {e}")))
            }
            other => Err(mismatch("JSON text", other)),
        }
    }
}

impl<S: NonNull> SqlType for Nullable<S> {
    type Rust = Option<S::Rust>;
    fn encode(v: &Option<S::Rust>) -> Value {
        v.as_ref().map_or(Value::Null, S::encode)
    }
    fn encode_owned(v: Option<S::Rust>) -> Value {
        v.map_or(Value::Null, S::encode_owned)
    }
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn decode(v: Value) -> Result<Option<S::Rust>, DecodeError> {
        match v {
            Value::Null => Ok(None),
            v => S::decode(v).map(Some),
        }
    }
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    fn decode_ref(v: ValueRef<'_>) -> Result<Option<S::Rust>, DecodeError> {
        match v {
            ValueRef::Null => Ok(None),
            v => S::decode_ref(v).map(Some),
        }
    }
}

/// The nullable form of a SQL type: `Nullable<S>` for a non-null `S`, itself for a
/// nullable one (what a column of a left-joined table reads as).
pub trait MakeNullable: SqlType {
    /// `Nullable<S>`.
    type Nullable: SqlType;
}
impl<S: NonNull> MakeNullable for S {
    type Nullable = Nullable<S>;
}
impl<S: NonNull> MakeNullable for Nullable<S> {
    type Nullable = Nullable<S>;
}

impl NonNull for Integer {}
impl NonNull for Real {}
impl NonNull for Text {}
impl NonNull for Blob {}
impl NonNull for Boolean {}
impl NonNull for Timestamp {}
impl NonNull for TimestampMs {}
impl<R: serde::Serialize + serde::de::DeserializeOwned> NonNull for Json<R> {}

/// A text-backed enum generated from an `enum` column.
pub trait SqlEnum: Sized + 'static {
    /// Every variant, in declaration order.
    const VARIANTS: &'static [Self];
    /// The stored text of every variant, in declaration order.
    const TEXTS: &'static [&'static str];
    /// The stored text of this variant.
    fn as_str(&self) -> &'static str;
    /// The variant stored as `s`, if any.
    fn from_db_str(s: &str) -> Option<Self>;
}

/// `"x" is not a variant of Role (expected one of ["reader", "admin"])`: one copy for every
/// enum.
fn not_a_variant(s: &str, enum_name: &str, allowed: &[&str]) -> DecodeError {
    DecodeError::new(format!(
        "{s:?} is not a variant of {enum_name} (expected one of {allowed:?})"
    ))
}

/// Decodes a generated enum from its stored text (used by generated `SqlType` impls).
#[doc(hidden)]
pub fn decode_enum<E: SqlEnum>(v: ValueRef<'_>, enum_name: &'static str) -> Result<E, DecodeError> {
    match v {
        ValueRef::Text(s) => E::from_db_str(s).ok_or_else(|| not_a_variant(s, enum_name, E::TEXTS)),
        other => Err(mismatch("enum text", other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip_at_their_precision() {
        let t = Utc.timestamp_millis_opt(1_700_000_000_123).unwrap();
        assert_eq!(Timestamp::encode(&t), Value::Integer(1_700_000_000));
        assert_eq!(TimestampMs::encode(&t), Value::Integer(1_700_000_000_123));
        assert_eq!(
            TimestampMs::decode(Value::Integer(1_700_000_000_123)).unwrap(),
            t
        );
        let text = Timestamp::decode(Value::Text("2024-01-02 03:04:05".into())).unwrap();
        assert_eq!(text.timestamp(), 1_704_164_645);
    }

    /// The hand-written text parser agrees with chrono's on what both accept, and refuses
    /// what is not a timestamp.
    #[test]
    fn text_timestamps_parse_like_chrono() {
        for s in [
            "2024-01-02 03:04:05",
            "1969-12-31 23:59:59",
            "2024-02-29T12:00:00Z",
            "2024-02-29T12:00:00.5Z",
            "2024-02-29t12:00:00.123456789z",
            "2024-02-29T12:00:00.1234567891+05:30",
            "2024-02-29T12:00:00-08:00",
            "9999-12-31T23:59:59Z",
        ] {
            let ours = parse_text_timestamp(s);
            let chrono = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
                .map(|n| n.and_utc())
                .or_else(|_| DateTime::parse_from_rfc3339(s).map(|d| d.with_timezone(&Utc)))
                .ok();
            assert_eq!(ours, chrono, "{s}");
            assert!(ours.is_some(), "{s}");
        }
        for s in [
            "",
            "2024-01-02",
            "2024-13-02 03:04:05",
            "2024-02-30 03:04:05",
            "2024-01-02 24:04:05",
            "2024-01-02T03:04:05",
            "2024-01-02 03:04:05Z",
            "2024-01-02T03:04:05.Z",
            "2024-01-02T03:04:05+0530",
            "2024-01-02T03:04:05Z trailing",
            "２０２４-01-02 03:04:05",
        ] {
            assert_eq!(parse_text_timestamp(s), None, "{s}");
        }
    }

    #[test]
    fn integers_beyond_2_pow_53_are_refused_not_rounded() {
        assert_eq!(
            Integer::decode(Value::Real(9_007_199_254_740_991.0)).unwrap(),
            9_007_199_254_740_991
        );
        assert!(Integer::decode(Value::Real(9_007_199_254_740_992.0)).is_err());
        assert_eq!(
            Integer::decode(Value::Text("9007199254740993".into())).unwrap(),
            9_007_199_254_740_993
        );
        assert_eq!(
            Integer::decode(Value::Integer(i64::MAX)).unwrap(),
            i64::MAX,
            "native SQLite is exact"
        );
    }

    #[test]
    fn booleans_decode_from_numbers_only() {
        assert!(Boolean::decode(Value::Integer(1)).unwrap());
        assert!(!Boolean::decode(Value::Integer(0)).unwrap());
        assert!(Boolean::decode(Value::Integer(2)).is_err());
        assert!(Boolean::decode(Value::Text("true".into())).is_err());
    }

    #[test]
    fn nullable_wraps() {
        assert_eq!(Nullable::<Text>::decode(Value::Null).unwrap(), None);
        assert_eq!(
            Nullable::<Integer>::decode(Value::Integer(4)).unwrap(),
            Some(4)
        );
        assert_eq!(Nullable::<Integer>::encode(&None), Value::Null);
    }

    #[test]
    fn json_round_trips() {
        let v = serde_json::json!({"a": [1, 2]});
        let enc = Json::<serde_json::Value>::encode(&v);
        assert_eq!(Json::<serde_json::Value>::decode(enc).unwrap(), v);
    }
}
