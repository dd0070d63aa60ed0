//! D1's limits on one statement, checked before anything is sent.

use crate::error::{Error, Result};
use crate::sql::statement::Statement;
use crate::sql::value::{MAX_SAFE_INTEGER, Value};

/// D1's limits on a single statement. Every statement mizzle builds is checked against
/// them before it is sent, and bulk operations are split to stay inside them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bound parameters per statement (D1: 100).
    pub max_params: usize,
    /// Bytes of SQL per statement (D1: 100 000).
    pub max_sql_len: usize,
    /// Refuse bound integers outside ±(2^53 − 1), which D1's JavaScript boundary would
    /// round, and infinities, which it cannot return (D1: true).
    pub exact_integers_only: bool,
    /// Bytes in one text or blob value (D1: 2 000 000; D1 refuses larger values with
    /// `SQLITE_TOOBIG`).
    pub max_value_len: usize,
    /// Bytes in one stored row, as SQLite encodes it (a header of one varint per column,
    /// then the values): D1 refuses a larger row with `SQLITE_TOOBIG` even when each value
    /// is under [`max_value_len`](Self::max_value_len). Measured on local D1 (wrangler
    /// 4.86, workerd), in a table of three columns: one 2 199 993-byte blob and two NULLs
    /// (a record of 2 200 000 bytes) is stored and a byte more is refused; so is 1 000 000
    /// + 1 199 991 bytes and a byte more (see docs/guide.md).
    pub max_row_len: usize,
}

/// JSON nested deeper than this many arrays/objects is refused before it is written:
/// serde_json, which reads every `json` column back, refuses the 128th level, so a deeper
/// value would make its row unreadable.
pub const MAX_JSON_DEPTH: usize = 127;

impl Limits {
    /// Cloudflare D1's limits.
    pub const D1: Limits = Limits {
        max_params: 100,
        max_sql_len: 100_000,
        exact_integers_only: true,
        max_value_len: 2_000_000,
        max_row_len: 2_200_000,
    };
    /// Plain SQLite's defaults (`SQLITE_MAX_VARIABLE_NUMBER`, `SQLITE_MAX_SQL_LENGTH`).
    pub const SQLITE: Limits = Limits {
        max_params: 32_766,
        max_sql_len: 1_000_000_000,
        exact_integers_only: false,
        max_value_len: 1_000_000_000,
        max_row_len: 1_000_000_000,
    };

    /// Fails when `stmt` exceeds these limits, naming the limit.
    #[inline]
    pub fn check(&self, stmt: &Statement) -> Result<()> {
        // Natively, every statement passes through here: the test is kept small and the
        // error messages out of the way. On wasm32, one function does both (smaller).
        #[cfg(not(target_arch = "wasm32"))]
        if stmt.params.len() <= self.max_params
            && stmt.sql.len() <= self.max_sql_len
            && stmt.params.iter().all(|v| self.value_passes(v))
        {
            return Ok(());
        }
        self.explain(stmt)
    }

    /// Whether [`Limits::check_value`] passes `v`.
    #[cfg(not(target_arch = "wasm32"))]
    #[inline]
    pub(crate) fn value_passes(&self, v: &Value) -> bool {
        match v {
            Value::Null => true,
            Value::Integer(i) => {
                !self.exact_integers_only || i.unsigned_abs() <= MAX_SAFE_INTEGER as u64
            }
            Value::Real(r) => r.is_finite() || (r.is_infinite() && !self.exact_integers_only),
            Value::Text(t) => t.len() <= self.max_value_len && !may_be_deep_json(t),
            Value::Blob(b) => b.len() <= self.max_value_len,
        }
    }

    /// The error [`Limits::check`] reports (`Ok` when there is none after all).
    #[cfg_attr(not(target_arch = "wasm32"), cold)]
    #[inline(never)]
    pub(crate) fn explain(&self, stmt: &Statement) -> Result<()> {
        if stmt.params.len() > self.max_params {
            return Err(Error::Limit(format!(
                "statement binds {} parameters; the limit is {} (D1 and Durable Objects' SQLite \
                 reject more with \"too many SQL variables\"): `{}`",
                stmt.params.len(),
                self.max_params,
                abbreviate(&stmt.sql)
            )));
        }
        for (i, v) in stmt.params.iter().enumerate() {
            let at = |m: String| format!("parameter {}: {m}: `{}`", i + 1, abbreviate(&stmt.sql));
            self.check_value(v).map_err(|e| match e {
                Error::InvalidValue(m) => Error::InvalidValue(at(m)),
                Error::Limit(m) => Error::Limit(at(m)),
                other => other,
            })?;
        }
        if stmt.sql.len() > self.max_sql_len {
            return Err(Error::Limit(format!(
                "statement is {} bytes of SQL; the limit is {} (D1 and Durable \
                 Objects' SQLite reject longer ones with SQLITE_TOOBIG): `{}`",
                stmt.sql.len(),
                self.max_sql_len,
                abbreviate(&stmt.sql)
            )));
        }
        Ok(())
    }
}

impl Limits {
    /// Fails when the values of one row would make a stored row over
    /// [`max_row_len`](Self::max_row_len): row `index` (counted from one) of an insert into
    /// `table`. Columns the row leaves to their SQL defaults are not counted (the database
    /// still refuses a row they push over).
    pub fn check_row<'v>(
        &self,
        table: &str,
        index: usize,
        values: impl IntoIterator<Item = &'v Value> + Clone,
    ) -> Result<()> {
        // Most rows are settled by the sum of their text and blob sizes.
        let big: usize = values
            .clone()
            .into_iter()
            .map(|v| match v {
                Value::Text(t) => t.len(),
                Value::Blob(b) => b.len(),
                _ => 0,
            })
            .sum();
        if big < self.max_row_len / 2 {
            return Ok(());
        }
        let len = record_len(values);
        if len <= self.max_row_len {
            return Ok(());
        }
        Err(Error::Limit(format!(
            "row {index} of `{table}` would be stored in {len} bytes; the limit is {} per row \
             (D1 refuses larger rows with SQLITE_TOOBIG even when each value is under {} \
             bytes): keep large values elsewhere (e.g. R2) and store their keys",
            self.max_row_len, self.max_value_len
        )))
    }

    /// Fails when one bound value would be changed, rounded or refused by the database, or
    /// could not be read back.
    pub fn check_value(&self, v: &Value) -> Result<()> {
        match v {
            Value::Integer(i)
                if self.exact_integers_only && i.unsigned_abs() > MAX_SAFE_INTEGER as u64 =>
            {
                Err(Error::IntegerOutOfRange(*i))
            }
            Value::Real(r) if r.is_nan() => Err(Error::InvalidValue(
                "NaN cannot be stored: SQLite turns it into NULL".into(),
            )),
            Value::Real(r) if r.is_infinite() && self.exact_integers_only => {
                Err(Error::InvalidValue(format!(
                    "{r} cannot cross the JavaScript boundary of D1 and Durable Objects and would come back as NULL"
                )))
            }
            Value::Text(t) if t.len() > self.max_value_len => Err(Error::Limit(format!(
                "a text value of {} bytes is over the limit of {} per value (D1 and Durable Objects' SQLite refuse it with SQLITE_TOOBIG)",
                t.len(),
                self.max_value_len
            ))),
            Value::Blob(b) if b.len() > self.max_value_len => Err(Error::Limit(format!(
                "a blob of {} bytes is over the limit of {} per value (D1 and Durable Objects' SQLite refuse it with SQLITE_TOOBIG)",
                b.len(),
                self.max_value_len
            ))),
            Value::Text(t) if json_too_deep(t) => Err(Error::InvalidValue(format!(
                "JSON nested deeper than {MAX_JSON_DEPTH} levels could be written but never read back"
            ))),
            _ => Ok(()),
        }
    }
}

/// The size of SQLite's record of `values` (its header: the header's length and one
/// serial type per value, each a varint; then each value's bytes).
pub(crate) fn record_len<'v>(values: impl IntoIterator<Item = &'v Value>) -> usize {
    fn varint(n: u64) -> usize {
        (1..9).find(|&k| n < 1 << (7 * k)).unwrap_or(9)
    }
    let (mut header, mut body) = (0, 0);
    for v in values {
        let (serial, size) = match v {
            Value::Null => (0, 0),
            Value::Integer(0 | 1) => (8, 0),
            Value::Integer(i) => match i.unsigned_abs() {
                0..=0x7f => (1, 1),
                0x80..=0x7fff => (2, 2),
                0x8000..=0x7f_ffff => (3, 3),
                0x80_0000..=0x7fff_ffff => (4, 4),
                0x8000_0000..=0x7fff_ffff_ffff => (5, 6),
                _ => (6, 8),
            },
            Value::Real(_) => (7, 8),
            Value::Text(t) => (t.len() as u64 * 2 + 13, t.len()),
            Value::Blob(b) => (b.len() as u64 * 2 + 12, b.len()),
        };
        header += varint(serial);
        body += size;
    }
    // The header's own length, counted in itself.
    let mut total = header + 1;
    if varint(total as u64) > 1 {
        total = header + varint((header + 2) as u64);
    }
    total + body
}

/// Whether `text` could be JSON too deep to read back: it opens with a bracket, maybe after
/// whitespace (then [`json_too_deep`] decides). Nearly all text is settled by its first byte.
#[cfg(not(target_arch = "wasm32"))]
#[inline]
pub(crate) fn may_be_deep_json(text: &str) -> bool {
    match text.as_bytes().first() {
        Some(b'[' | b'{') => json_too_deep(text),
        // Whitespace, which `trim_start` would skip (ASCII or any non-ASCII character).
        Some(&b) if b.is_ascii_whitespace() || b == 0x0b || b >= 0x80 => json_too_deep(text),
        _ => false,
    }
}

/// Whether `text` is JSON that serde_json would refuse to read for its depth. A cheap scan
/// first: only text that opens more than [`MAX_JSON_DEPTH`] brackets is parsed.
#[cfg_attr(not(target_arch = "wasm32"), inline(never))]
pub(crate) fn json_too_deep(text: &str) -> bool {
    let t = text.trim_start();
    if !(t.starts_with('[') || t.starts_with('{')) {
        return false;
    }
    let (mut depth, mut max, mut in_str, mut escaped) = (0usize, 0usize, false, false);
    for b in t.bytes() {
        if in_str {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    // Deeper than the limit and otherwise JSON (checked without a depth limit: serde_json
    // skips an ignored value iteratively): exactly the text the decoder refuses.
    max > MAX_JSON_DEPTH && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
}

pub(crate) fn abbreviate(sql: &str) -> &str {
    match sql.char_indices().nth(80) {
        Some((i, _)) => &sql[..i],
        None => sql,
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::D1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rows_record_size_matches_what_d1_stores() {
        // The two rows measured on local D1 at its limit (a table of three columns):
        // stored at 2 200 000 bytes of record, refused a byte over.
        let blob = |n: usize| Value::Blob(vec![0; n]);
        let single = [blob(2_199_993), Value::Null, Value::Null];
        assert_eq!(record_len(&single), 2_200_000);
        let pair = [blob(1_000_000), blob(1_199_991), Value::Null];
        assert_eq!(record_len(&pair), 2_200_000);
        assert!(Limits::D1.check_row("t", 1, &single).is_ok());
        assert!(Limits::D1.check_row("t", 1, &pair).is_ok());
        let over = [blob(1_000_000), blob(1_199_992), Value::Null];
        assert_eq!(record_len(&over), 2_200_001);
        let e = Limits::D1.check_row("t", 3, &over).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("row 3 of `t` would be stored in 2200001 bytes"),
            "{e}"
        );
        // Small values: a one-byte header per column, integers in as few bytes as fit.
        let small = [
            Value::Integer(1),
            Value::Integer(300),
            Value::Text("ab".into()),
        ];
        assert_eq!(record_len(&small), 4 + 2 + 2);
    }
}
