//! Traits the generated code implements for each table.

use crate::exec::FromRow;
use crate::sql::value::Value;

/// A table: its name, columns and the structs generated for it.
pub trait Table: Copy {
    /// The row struct (`User`).
    type Row: FromRow;
    /// The insert struct (`NewUser`).
    type Insert: Insertable<Table = Self>;
    /// The update struct (`UserPatch`).
    type Patch: Patch<Table = Self>;
    /// SQL name of the table.
    const NAME: &'static str;
    /// SQL names of its columns, in row-struct order.
    const COLUMNS: &'static [&'static str];
    /// The same columns as a select list, each qualified by the table's name:
    /// `"users"."id", "users"."email", …` (so no statement rebuilds it, and a column the
    /// database lacks is an error, never read as a string literal).
    const COLUMNS_SQL: &'static str;
    /// Each column quoted for SQL (`"\"id\""`), in the same order.
    const COLUMNS_QUOTED: &'static [&'static str];
    /// The table's name quoted for SQL.
    const NAME_SQL: &'static str;
    /// Its primary key columns.
    const PRIMARY_KEY: &'static [&'static str];
    /// Nullable columns without a default: an insert that leaves one out writes NULL, the
    /// same as binding NULL, so insert structs leave them out when unset.
    const NULL_WHEN_OMITTED: &'static [&'static str] = &[];
    /// Its columns that reference another table (or itself). A write that fails with
    /// SQLite's bare `FOREIGN KEY constraint failed` is explained through these: which
    /// column's parent row is missing.
    const FOREIGN_KEYS: &'static [ForeignKey] = &[];
    /// The columns of other tables (or its own) that reference this one: a delete that fails
    /// on a foreign key is explained through these.
    const REFERENCED_BY: &'static [ForeignKey] = &[];

    /// The table handle (generated tables are unit structs).
    fn default_handle() -> Self;
}

/// A foreign key of the schema: `table.column` references `parent.parent_column`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ForeignKey {
    /// The referencing (child) table.
    pub table: &'static str,
    /// Its referencing column.
    pub column: &'static str,
    /// The referenced (parent) table.
    pub parent: &'static str,
    /// The referenced column.
    pub parent_column: &'static str,
    /// `ON DELETE`, as the schema writes it (`"cascade"`, `"set null"`, `"restrict"`,
    /// `"set default"`; `"no action"` when the schema gives none).
    pub on_delete: &'static str,
}

/// An insert struct: the values of one new row.
pub trait Insertable {
    /// The table it inserts into.
    type Table: Table;
    /// The columns to insert and their values. Columns left to their SQL default are
    /// absent; `default_fn` columns are filled in here.
    fn into_values(self) -> Vec<(&'static str, Value)>;
}

/// An update struct: the columns to change.
pub trait Patch: Sized {
    /// The table it updates.
    type Table: Table;
    /// The values to write, by column, including `on_update_fn` columns the patch did not
    /// set.
    fn into_set(self) -> SetValues;

    /// The same as `(column, value)` pairs, in column order.
    fn into_assignments(self) -> Vec<(&'static str, Value)> {
        let columns = <Self::Table as Table>::COLUMNS;
        let set = self.into_set();
        let mut names = Vec::with_capacity(set.len());
        set.for_each_column(|c| names.push(columns[c]));
        names.into_iter().zip(set.values).collect()
    }
}

/// The items of a rarely used list kept boxed (`None` when empty), to keep the struct
/// holding it small to move.
#[allow(
    clippy::box_collection,
    reason = "the lists it reads are boxed to be a thin pointer"
)]
pub(crate) fn rare<T>(list: &Option<Box<Vec<T>>>) -> &[T] {
    list.as_deref().map_or(&[], Vec::as_slice)
}

/// The values a patch writes: which columns of its table (by position in
/// [`Table::COLUMNS`]) and their values, in column order. A patch's values become the
/// statement's parameters as they are, and its columns need no name per value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SetValues {
    /// Columns 0..64, one bit each.
    low: u64,
    /// Columns from 64 on, 64 to a word (empty for nearly every table).
    /// Boxed so that a patch's values stay small to move (64 bytes with the set list's
    /// other fields: a larger struct is copied with `rep movsq` at `opt-level = "s"`).
    #[allow(
        clippy::box_collection,
        reason = "a thin pointer: 8 bytes, not a Vec's 24"
    )]
    high: Option<Box<Vec<u64>>>,
    values: Vec<Value>,
}

impl SetValues {
    /// Room for `n` values (and the few a `WHERE` clause adds after them).
    pub fn with_capacity(n: usize) -> Self {
        SetValues {
            low: 0,
            high: None,
            values: Vec::with_capacity(n + 2),
        }
    }

    /// Sets column `column` (its position in [`Table::COLUMNS`]) to `value`. Generated
    /// patches push in column order; a column pushed again replaces its value.
    #[inline]
    pub fn push(&mut self, column: usize, value: Value) {
        // The common case: a column after every one set so far.
        if column < 64 && self.high.is_none() && self.low >> column == 0 {
            self.low |= 1 << column;
            self.values.push(value);
        } else {
            self.insert(column, value);
        }
    }

    /// [`SetValues::push`] of a column among or before those set.
    #[inline(never)]
    fn insert(&mut self, column: usize, value: Value) {
        let at = self.rank(column);
        if self.contains(column) {
            self.values[at] = value;
        } else {
            self.set_bit(column, true);
            self.values.insert(at, value);
        }
    }

    /// How many columns are set.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether no column is set.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The values, in column order.
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// Calls `f` with each set column's position, in ascending order.
    pub fn for_each_column(&self, mut f: impl FnMut(usize)) {
        for i in 0..=self.high().len() {
            let mut word = self.word(i);
            while word != 0 {
                f(64 * i + word.trailing_zeros() as usize);
                word &= word - 1;
            }
        }
    }

    /// Whether column `column` is set.
    pub fn contains(&self, column: usize) -> bool {
        self.word(column / 64) >> (column % 64) & 1 == 1
    }

    /// The value of column `column`, when it is set.
    pub(crate) fn get(&self, column: usize) -> Option<&Value> {
        self.contains(column)
            .then(|| &self.values[self.rank(column)])
    }

    /// Unsets column `column`, dropping its value.
    pub(crate) fn remove(&mut self, column: usize) {
        if self.contains(column) {
            let at = self.rank(column);
            self.values.remove(at);
            self.set_bit(column, false);
        }
    }

    /// The values, taken out (the columns stay as they were).
    pub(crate) fn into_values(self) -> Vec<Value> {
        self.values
    }

    /// The words of columns from 64 on.
    fn high(&self) -> &[u64] {
        rare(&self.high)
    }

    /// Word `i` of the column bits (0 past the end).
    fn word(&self, i: usize) -> u64 {
        match i {
            0 => self.low,
            _ => self.high().get(i - 1).copied().unwrap_or(0),
        }
    }

    /// How many set columns come before `column`.
    fn rank(&self, column: usize) -> usize {
        let mut n = (self.word(column / 64) & ((1u64 << (column % 64)) - 1)).count_ones();
        for i in 0..column / 64 {
            n += self.word(i).count_ones();
        }
        n as usize
    }

    fn set_bit(&mut self, column: usize, on: bool) {
        let (i, mask) = (column / 64, 1u64 << (column % 64));
        let word = if i == 0 {
            &mut self.low
        } else {
            let high = self.high.get_or_insert_default();
            if high.len() < i {
                high.resize(i, 0);
            }
            &mut high[i - 1]
        };
        if on {
            *word |= mask;
        } else {
            *word &= !mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SetValues;
    use crate::sql::value::Value;

    fn columns(set: &SetValues) -> Vec<usize> {
        let mut out = Vec::new();
        set.for_each_column(|c| out.push(c));
        out
    }

    #[test]
    fn set_values_keep_column_order_across_words() {
        let mut set = SetValues::with_capacity(4);
        for c in [0, 5, 64, 127, 128, 200, 700] {
            set.push(c, Value::Integer(c as i64));
        }
        assert_eq!(columns(&set), [0, 5, 64, 127, 128, 200, 700]);
        assert!(set.contains(200) && !set.contains(201) && !set.contains(5000));
        // Out of order and repeated pushes land in column order, replacing.
        set.push(3, Value::Integer(3));
        set.push(200, Value::Text("again".into()));
        assert_eq!(columns(&set), [0, 3, 5, 64, 127, 128, 200, 700]);
        assert_eq!(set.values()[6], Value::Text("again".into()));
        set.remove(64);
        set.remove(700);
        set.remove(701);
        assert_eq!(columns(&set), [0, 3, 5, 127, 128, 200]);
        let values: Vec<i64> = set
            .values()
            .iter()
            .map(|v| match v {
                Value::Integer(i) => *i,
                _ => -1,
            })
            .collect();
        assert_eq!(values, [0, 3, 5, 127, 128, -1]);
        assert_eq!(set.len(), 6);
    }
}
