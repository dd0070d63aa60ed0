//! Which Rust field types hold which SQL types: what `#[derive(FromRow)]` decodes through.
//!
//! [`FromSql<S>`] says a field of this Rust type can hold a cell of SQL type `S` (`i32` from
//! `Integer`, range-checked; `Option<T>` from `Nullable<S>`); [`DefaultSql`] says which SQL
//! type a Rust type is read as when nothing else tells (`String` as `Text`). A
//! `DateTime<Utc>` has no default: it is stored as seconds or as milliseconds, and a guess
//! would read one as the other without an error.

use chrono::{DateTime, Utc};

use crate::error::DecodeError;
use crate::sql::{
    Blob, Boolean, Integer, Json, NonNull, Nullable, Real, SqlEnum, SqlType, Text, Timestamp,
    TimestampMs,
};

/// A field of this type can hold a value of SQL type `S`.
///
/// Implemented for each SQL type's own Rust type, for the narrower integers (`i32`, `u32`,
/// `i16`, `u16`, `i8`, `u8`, `u64`, `usize`: a value out of their range is an error, never
/// wrapped), for `Option<T>` of a nullable column, for any serde type of a `json` column, and
/// for generated enums. Implement it to read a column into a type of yours.
#[diagnostic::on_unimplemented(
    message = "a field of type `{Self}` cannot hold a value of SQL type `{S}`",
    label = "this field's type does not match its column",
    note = "a nullable column needs an `Option<…>` field; a `timestamp` is a `chrono::DateTime<Utc>`; `json` any serde type"
)]
pub trait FromSql<S: SqlType>: Sized {
    /// The field's value from the column's decoded value.
    fn from_sql(value: S::Rust) -> Result<Self, DecodeError>;
}

/// The SQL type a field of this Rust type is read as when neither the struct's `table` nor
/// the field's `sql = "…"` says (see [`FromRow`](crate::FromRow)). Generated enums
/// implement it (as themselves).
#[diagnostic::on_unimplemented(
    message = "mizzle cannot tell which SQL type a `{Self}` field is read as",
    label = "name its SQL type on the field",
    note = "add `#[mizzle(sql = \"timestamp\")]` (seconds), `\"timestamp_ms\"` or `\"json\"` to the field, or `#[mizzle(table = schema::your_table)]` to the struct to take the column's type"
)]
pub trait DefaultSql {
    /// The SQL type.
    type Sql: SqlType;
}

macro_rules! same {
    ($($sql:ty => $rust:ty),* $(,)?) => {$(
        impl FromSql<$sql> for $rust {
            #[inline(always)]
            fn from_sql(value: $rust) -> Result<Self, DecodeError> {
                Ok(value)
            }
        }
    )*};
}
same!(
    Integer => i64,
    Real => f64,
    Text => String,
    Blob => Vec<u8>,
    Boolean => bool,
    Timestamp => DateTime<Utc>,
    TimestampMs => DateTime<Utc>,
);

macro_rules! defaults {
    ($($rust:ty => $sql:ty),* $(,)?) => {$(
        impl DefaultSql for $rust {
            type Sql = $sql;
        }
    )*};
}
defaults!(
    i64 => Integer,
    i32 => Integer,
    i16 => Integer,
    i8 => Integer,
    u64 => Integer,
    u32 => Integer,
    u16 => Integer,
    u8 => Integer,
    usize => Integer,
    f64 => Real,
    String => Text,
    Vec<u8> => Blob,
    bool => Boolean,
);

macro_rules! narrow {
    ($($rust:ty),*) => {$(
        impl FromSql<Integer> for $rust {
            fn from_sql(value: i64) -> Result<Self, DecodeError> {
                <$rust>::try_from(value).map_err(|_| {
                    DecodeError::new(format!(
                        "{value} does not fit in {} (use i64)",
                        stringify!($rust)
                    ))
                })
            }
        }
    )*};
}
narrow!(i32, i16, i8, u64, u32, u16, u8, usize);

impl<S: NonNull, T: FromSql<S>> FromSql<Nullable<S>> for Option<T> {
    #[inline(always)]
    fn from_sql(value: Option<S::Rust>) -> Result<Self, DecodeError> {
        value.map(T::from_sql).transpose()
    }
}

impl<T: DefaultSql> DefaultSql for Option<T>
where
    T::Sql: NonNull,
{
    type Sql = Nullable<T::Sql>;
}

impl<R: serde::Serialize + serde::de::DeserializeOwned> FromSql<Json<R>> for R {
    #[inline(always)]
    fn from_sql(value: R) -> Result<Self, DecodeError> {
        Ok(value)
    }
}

impl DefaultSql for serde_json::Value {
    type Sql = Json<serde_json::Value>;
}

impl<E: SqlEnum + NonNull + SqlType<Rust = E>> FromSql<E> for E {
    #[inline(always)]
    fn from_sql(value: E) -> Result<Self, DecodeError> {
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_integers_refuse_what_does_not_fit() {
        assert_eq!(<i32 as FromSql<Integer>>::from_sql(-7).unwrap(), -7);
        let e = <u8 as FromSql<Integer>>::from_sql(256).unwrap_err();
        assert_eq!(e.to_string(), "256 does not fit in u8 (use i64)");
        assert!(<u64 as FromSql<Integer>>::from_sql(-1).is_err());
        assert_eq!(
            <Option<i16> as FromSql<Nullable<Integer>>>::from_sql(Some(3)).unwrap(),
            Some(3)
        );
        assert_eq!(
            <Option<i16> as FromSql<Nullable<Integer>>>::from_sql(None).unwrap(),
            None
        );
    }
}
