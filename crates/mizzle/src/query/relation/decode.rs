//! Reading a level's rows: the keys that tie each row to its parent and its children,
//! hashed, and the rows grouped by parent key.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::exec::RowReader;
use crate::sql::value::{Value, ValueRef};

/// A hashable form of a key value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// NULL (matches nothing).
    Null,
    /// An integer.
    Int(i64),
    /// A real, by its bits.
    Real(u64),
    /// Text.
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
}

impl From<&Value> for Key {
    fn from(v: &Value) -> Self {
        Key::from(v.as_ref())
    }
}

impl From<ValueRef<'_>> for Key {
    fn from(v: ValueRef<'_>) -> Self {
        match v {
            ValueRef::Null => Key::Null,
            ValueRef::Integer(i) => Key::Int(i),
            ValueRef::Real(r) => Key::Real(r.to_bits()),
            ValueRef::Text(s) => Key::Text(s.to_owned()),
            ValueRef::Blob(b) => Key::Blob(b.to_vec()),
        }
    }
}

pub(super) const KEY: &str = "__mizzle_key";
pub(super) const RN: &str = "__mizzle_rn";

/// The key in cell `at` of `reader`'s row (not consumed).
pub(super) fn key_at(reader: &RowReader<'_>, at: usize, column: &str) -> Result<Key> {
    reader.peek(at).map(Key::from).ok_or_else(|| {
        Error::Other(format!(
            "relation key column `{column}` missing from result"
        ))
    })
}

/// Where `column` is among a table's `columns` (evaluated at compile time for each
/// relation, so no row looks its key column up by name).
pub(super) const fn column_position(columns: &[&str], column: &str) -> Option<usize> {
    let mut i = 0;
    while i < columns.len() {
        let (a, b) = (columns[i].as_bytes(), column.as_bytes());
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

/// The decoded rows of one statement (a level, or the selected rows): each row with the
/// keys its own relations will look up (`stride` per row, in the list's order) and, for a
/// level, the parent key it belongs to.
pub struct Decoded<T> {
    pub(super) rows: Vec<(Key, T)>,
    pub(super) keys: Vec<Key>,
}

impl<T> Default for Decoded<T> {
    fn default() -> Self {
        Decoded {
            rows: Vec::new(),
            keys: Vec::new(),
        }
    }
}

/// Related rows grouped by the parent key they belong to, with how many parent rows still
/// want each group: the last one takes it (moved), earlier ones get a clone. A parent key
/// that is the parent's primary key is wanted once, so nothing is cloned; a key several
/// parents share (a `belongs_to`, a row reached twice through a many-to-many) is cloned for
/// all but the last.
///
/// Hashed with foldhash, several times faster than SipHash on the integer keys nearly every
/// relation has: seeded per process natively; with a fixed seed on wasm32, which has no
/// source of randomness to seed from (a Worker's wasm is spared the seeding code).
pub type Grouped<N> = HashMap<Key, (Vec<N>, usize), KeyHasher>;

#[cfg(not(target_arch = "wasm32"))]
type KeyHasher = foldhash::fast::RandomState;
#[cfg(target_arch = "wasm32")]
type KeyHasher = foldhash::fast::FixedState;

#[cfg(test)]
mod tests {
    use super::column_position;

    #[test]
    fn column_position_matches_whole_names_only() {
        const COLUMNS: &[&str] = &["id", "author_id", "author", ""];
        assert_eq!(column_position(COLUMNS, "id"), Some(0));
        assert_eq!(column_position(COLUMNS, "author"), Some(2));
        assert_eq!(column_position(COLUMNS, "author_id"), Some(1));
        assert_eq!(column_position(COLUMNS, ""), Some(3));
        assert_eq!(column_position(COLUMNS, "auth"), None);
        assert_eq!(column_position(COLUMNS, "ids"), None);
        assert_eq!(column_position(&[], "id"), None);
        const AT: Option<usize> = column_position(COLUMNS, "author_id");
        assert_eq!(AT, Some(1));
    }
}
