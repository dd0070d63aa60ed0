//! Serde helpers used by generated code.

/// For `Option<Option<T>>` fields: absent → `None`, `null` → `Some(None)`, a value →
/// `Some(Some(v))`. Use with `#[serde(default, with = "…")]`, so a JSON `PATCH` body can
/// set a column to NULL.
pub mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Serializes the inner option (`None` → `null`).
    pub fn serialize<T: Serialize, S: Serializer>(
        v: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    /// Deserializes a present value, `null` included, as `Some`.
    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

/// A nullable column's field of an insert or patch struct as it is deserialized: left out →
/// `None` (unset), `null` → `Some(None)` (NULL), a value → `Some(Some(v))`. Generated code
/// deserializes such structs through one with these fields (`#[serde(from = ..)]`) rather
/// than `#[serde(with = "double_option")]` on each field, which makes a serde impl per field.
#[doc(hidden)]
#[derive(Debug, Clone, PartialEq)]
pub struct SetOrNull<T>(pub Option<Option<T>>);

impl<T> Default for SetOrNull<T> {
    fn default() -> Self {
        Self(None)
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for SetOrNull<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        double_option::deserialize(d).map(Self)
    }
}
