//! The native backend's estimate of the rows D1 would count as read and written for a
//! statement (what `Db::usage` reports natively; docs/cost.md compares it with D1's own).
//! Stock SQLite has no such counters: the estimate is built from the rows a full scan
//! stepped over, the rows returned, and the rows a write changed times what each changed row
//! writes (its index entries, an `AUTOINCREMENT` sequence row).

use std::collections::HashMap;
use std::sync::Mutex;

/// What the estimate keeps: rows written per row changed, per write statement's text.
#[derive(Default)]
pub(crate) struct Estimate {
    writes_per_row: Mutex<HashMap<String, u64>>,
}

impl Estimate {
    /// (rows read, rows written) of `sql`, which returned `returned` rows and changed
    /// `changed` (as `changes()` reports it, which keeps the last write's count across
    /// reads). Resets SQLite's full-scan counter of the statement.
    pub(crate) fn statement(
        &self,
        conn: &rusqlite::Connection,
        sql: &str,
        returned: usize,
        changed: u64,
    ) -> (u64, u64) {
        let (scanned, readonly) = conn
            .prepare_cached(sql)
            .map(|p| {
                (
                    p.reset_status(rusqlite::StatementStatus::FullscanStep),
                    p.readonly(),
                )
            })
            .unwrap_or((0, true));
        let written = if readonly || changed == 0 {
            0
        } else {
            let mut per_row = self
                .writes_per_row
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            let n = match per_row.get(sql) {
                Some(n) => *n,
                None => {
                    let n = row_writes(conn, sql);
                    per_row.insert(sql.to_owned(), n);
                    n
                }
            };
            changed * n
        };
        // A scan's steps move to each row after its first (which the rewind reads).
        let scanned = if scanned > 0 { scanned as u64 + 1 } else { 0 };
        (scanned + returned as u64, written)
    }
}

/// The rows D1 counts as written for each row an `INSERT` or `DELETE` of `sql` changes: the
/// row, an entry in each of its table's (non-partial) indexes, and, for an `AUTOINCREMENT`
/// table's insert, its `sqlite_sequence` row. 1 for anything else (an `UPDATE` changes only
/// the indexes of the columns it sets, which this estimate does not tell).
fn row_writes(conn: &rusqlite::Connection, sql: &str) -> u64 {
    let words: Vec<&str> = sql
        .split(|c: char| c.is_whitespace() || c == '(')
        .filter(|w| !w.is_empty())
        .collect();
    let at = |kw: &str| words.iter().position(|w| w.eq_ignore_ascii_case(kw));
    let (table, insert) = match (at("INSERT"), at("DELETE")) {
        (Some(i), _) => (
            at("INTO").filter(|j| *j > i).map(|j| words.get(j + 1)),
            true,
        ),
        (None, Some(d)) => (
            at("FROM").filter(|j| *j > d).map(|j| words.get(j + 1)),
            false,
        ),
        _ => return 1,
    };
    let Some(Some(table)) = table else { return 1 };
    let table = table.trim_matches('"');
    let count = |q: &str| -> u64 {
        conn.query_row(q, [table], |r| r.get::<_, i64>(0))
            .map_or(0, |n| n.max(0) as u64)
    };
    let indexes = count("SELECT count(*) FROM pragma_index_list(?1) WHERE partial = 0");
    let sequence = if insert {
        count("SELECT count(*) FROM sqlite_schema WHERE name = ?1 AND sql LIKE '%AUTOINCREMENT%'")
    } else {
        0
    };
    1 + indexes + sequence
}
