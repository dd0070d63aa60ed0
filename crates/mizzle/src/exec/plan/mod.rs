//! The cost guard's plan check (native SQLite, for tests): D1 and Durable Objects bill the
//! rows a statement reads, and a statement that scans a whole table reads all of them, on
//! every call. With [`SqliteExecutor::check_plans`](crate::sqlite::SqliteExecutor::check_plans)
//! every distinct statement is run through `EXPLAIN QUERY PLAN` once; a step that scans a
//! table (`SCAN posts`: no index narrows it; a correlated subquery's scan runs once per row
//! of the outer query; a scan whose rows are sorted into a temporary B-tree reads them all
//! even under a `LIMIT`) is a [`Scan`]: the statement, its plan, the call site, and the index
//! that would serve it, as the `[indexes]` line to paste into the table's TOML.
//!
//! A scan the SQL stops early (`LIMIT` with no sort) is not one. Scans of virtual tables
//! (`json_each`), CTEs and subqueries are not either: only the database's own tables count.

use std::collections::HashSet;
use std::fmt;
use std::io::Write as _;
use std::path::PathBuf;

mod sql_words;
use sql_words::{aliases, condition_columns, contains_word};

/// What the check does with a scan: see [`SqliteExecutor::check_plans`](crate::sqlite::SqliteExecutor::check_plans).
#[derive(Debug, Clone, Default)]
pub struct PlanCheck {
    deny: bool,
    deny_whole: bool,
    allow: Vec<(String, String)>,
}

impl PlanCheck {
    /// A statement whose plan scans a table (not allowed) fails with an error that names
    /// the scan and its fix, before it runs.
    pub fn deny() -> Self {
        PlanCheck {
            deny: true,
            deny_whole: false,
            allow: Vec::new(),
        }
    }

    /// Also refuses statements that read a whole table by design (a listing without a
    /// `LIMIT`, a `count(*)` of every row), not only scans an index would avoid.
    pub fn whole_tables(mut self) -> Self {
        self.deny_whole = true;
        self
    }

    /// Scans are recorded, not refused: read them with
    /// [`SqliteExecutor::plan_scans`](crate::sqlite::SqliteExecutor::plan_scans).
    pub fn record() -> Self {
        PlanCheck::default()
    }

    /// Scans of `table` are deliberate, for `reason` (a table of a dozen rows read whole).
    pub fn allow(mut self, table: &str, reason: &str) -> Self {
        self.allow.push((table.to_owned(), reason.to_owned()));
        self
    }

    /// Every `(table, reason)` of `list`: the schema's `allow_scans`, which the generated
    /// module has as `ALLOWED_SCANS`.
    pub fn allow_list(mut self, list: &[(&str, &str)]) -> Self {
        for (t, r) in list {
            self = self.allow(t, r);
        }
        self
    }
}

/// A plan step that reads a whole table.
#[derive(Debug, Clone, PartialEq)]
pub struct Scan {
    /// The table scanned.
    pub table: String,
    /// The statement.
    pub sql: String,
    /// Its plan, a step a line, indented by depth.
    pub plan: String,
    /// Where the statement was sent from (`file:line` of the first frame outside mizzle),
    /// when the build has debug info.
    pub caller: Option<String>,
    /// The `[indexes]` line that would serve it, when the statement's conditions on the
    /// table say which columns.
    pub suggestion: Option<String>,
    /// The allow-list's reason, when the scan is allowed.
    pub allowed: Option<String>,
    /// Whether the scan is inside a correlated subquery: it runs once per row of the
    /// outer query.
    pub per_row: bool,
    /// Whether an index would avoid it: the statement filters, joins or sorts the table by
    /// columns no index starts with (else it reads the whole table by design).
    pub avoidable: bool,
}

impl fmt::Display for Scan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} `{}`: D1 reads (and bills) every row of it on each call{}",
            if self.avoidable {
                "full scan of"
            } else {
                "whole-table read of"
            },
            self.table,
            if self.per_row {
                ", once per row of the outer query (a correlated subquery)"
            } else {
                ""
            }
        )?;
        if let Some(c) = &self.caller {
            write!(f, "\n  at {c}")?;
        }
        write!(f, "\n  sql: {}\n  plan:\n{}", self.sql, self.plan)?;
        match &self.suggestion {
            Some(s) => write!(
                f,
                "\n  fix: add to schema/{}.toml under [indexes]: {s}",
                self.table
            )?,
            None => write!(
                f,
                "\n  fix: read fewer rows (a LIMIT, a filter on an indexed column), or keep a count or summary up to date instead of reading `{}` whole",
                self.table
            )?,
        }
        write!(
            f,
            "\n  or, if it is deliberate, allow it: allow_scans = [\"{}: <why>\"] in schema/mizzle.toml",
            self.table
        )
    }
}

/// The check's state: statements already checked, the database's tables, what was found.
pub(crate) struct Checker {
    check: PlanCheck,
    seen: HashSet<String>,
    tables: Vec<String>,
    found: Vec<Scan>,
    /// `MIZZLE_PLAN_REPORT`: a file every scan is appended to, as a JSON line (what
    /// `mizzle explain` reads).
    report: Option<PathBuf>,
}

impl Checker {
    pub(crate) fn new(check: PlanCheck) -> Self {
        Checker {
            check,
            seen: HashSet::new(),
            tables: Vec::new(),
            found: Vec::new(),
            report: std::env::var_os("MIZZLE_PLAN_REPORT").map(PathBuf::from),
        }
    }

    /// The checker `MIZZLE_PLAN_REPORT` asks for, when no check was set in code.
    pub(crate) fn from_env() -> Option<Self> {
        std::env::var_os("MIZZLE_PLAN_REPORT").map(|_| Checker::new(PlanCheck::record()))
    }

    /// The scans found so far.
    pub(crate) fn scans(&self) -> &[Scan] {
        &self.found
    }

    /// Checks `sql`'s plan, once per statement text. `Err` (the scans, explained) when
    /// the check denies a scan that is not allowed.
    pub(crate) fn check(&mut self, conn: &rusqlite::Connection, sql: &str) -> Result<(), String> {
        if self.seen.contains(sql) {
            return Ok(());
        }
        self.seen.insert(sql.to_owned());
        let Some(steps) = plan(conn, sql) else {
            // A statement EXPLAIN cannot take fails on its own when it runs.
            return Ok(());
        };
        let mut denied = Vec::new();
        for (table, per_row) in scanned(&steps, sql, &partial_indexes(conn)) {
            if !self.tables.contains(&table) {
                self.tables = real_tables(conn);
                if !self.tables.contains(&table) {
                    continue;
                }
            }
            let allowed = self
                .check
                .allow
                .iter()
                .find(|(t, _)| *t == table)
                .map(|(_, r)| r.clone());
            let leading = leading_columns(conn, &table);
            let (filters, order) = condition_columns(&table, sql, &table_columns(conn, &table));
            // An index helps a filter, or a sort under a LIMIT (it reads the first rows in
            // order instead of all of them); a sort of every row reads them all anyway.
            let top_n = contains_word(sql, "LIMIT") && sorts(&steps);
            let mut columns = if filters.is_empty() && top_n {
                order
            } else {
                filters
            };
            if columns.first().is_some_and(|c| leading.contains(c)) {
                columns.clear();
            }
            let scan = Scan {
                avoidable: per_row || !columns.is_empty(),
                suggestion: index_line(conn, &table, &columns),
                plan: render(&steps),
                caller: caller(),
                sql: sql.to_owned(),
                table,
                allowed,
                per_row,
            };
            self.append_report(&scan);
            if scan.allowed.is_none()
                && self.check.deny
                && (scan.avoidable || self.check.deny_whole)
            {
                denied.push(scan.to_string());
            }
            self.found.push(scan);
        }
        if denied.is_empty() {
            Ok(())
        } else {
            Err(denied.join("\n"))
        }
    }

    fn append_report(&self, scan: &Scan) {
        let Some(path) = &self.report else { return };
        let line = serde_json::json!({
            "table": scan.table,
            "sql": scan.sql,
            "plan": scan.plan,
            "caller": scan.caller,
            "suggestion": scan.suggestion,
            "allowed": scan.allowed,
            "avoidable": scan.avoidable,
            "per_row": scan.per_row,
        });
        // One write per line, under a lock: the tests of one binary run on many threads.
        static APPEND: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _held = APPEND.lock().unwrap_or_else(|e| e.into_inner());
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = f.write_all(format!("{line}\n").as_bytes());
        }
    }
}

/// One step of a plan: its depth and its text.
type Step = (usize, String);

/// `EXPLAIN QUERY PLAN sql`, as (depth, detail) in order.
fn plan(conn: &rusqlite::Connection, sql: &str) -> Option<Vec<Step>> {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).ok()?;
    // Unbound: the plan does not depend on the values (they are NULL here).
    let mut rows = stmt.raw_query();
    let mut depth_of: Vec<(i64, usize)> = Vec::new();
    let mut steps = Vec::new();
    while let Some(r) = rows.next().ok()? {
        let (id, parent, detail) = (
            r.get::<_, i64>(0).ok()?,
            r.get::<_, i64>(1).ok()?,
            r.get::<_, String>(3).ok()?,
        );
        let depth = depth_of
            .iter()
            .find(|(i, _)| *i == parent)
            .map_or(0, |(_, d)| d + 1);
        depth_of.push((id, depth));
        steps.push((depth, detail));
    }
    Some(steps)
}

fn render(steps: &[Step]) -> String {
    let lines: Vec<String> = steps
        .iter()
        .map(|(d, s)| format!("    {}{s}", "  ".repeat(*d)))
        .collect();
    lines.join("\n")
}

/// The tables (by their names, aliases resolved) whose rows a step reads whole, with
/// whether the step is under a correlated subquery.
fn sorts(steps: &[Step]) -> bool {
    steps
        .iter()
        .any(|(_, s)| s.starts_with("USE TEMP B-TREE FOR ORDER BY"))
}

fn scanned(steps: &[Step], sql: &str, partial_indexes: &[String]) -> Vec<(String, bool)> {
    let sorts = sorts(steps);
    let limited = contains_word(sql, "LIMIT");
    let aliases = aliases(sql);
    let mut out = Vec::new();
    let mut correlated_at: Option<usize> = None;
    for (depth, detail) in steps {
        if correlated_at.is_some_and(|d| *depth <= d) {
            correlated_at = None;
        }
        if detail.starts_with("CORRELATED") {
            correlated_at = Some(*depth);
            continue;
        }
        let Some(rest) = detail.strip_prefix("SCAN ") else {
            continue;
        };
        if rest.contains("VIRTUAL TABLE") || rest.starts_with('(') || rest == "CONSTANT ROW" {
            continue;
        }
        // A partial index holds only the rows its condition picks: reading it whole reads
        // those (`SCAN posts USING INDEX posts_published_idx`), which is what it is for.
        if let Some(index) = rest.split(" USING INDEX ").nth(1)
            && partial_indexes
                .iter()
                .any(|p| index.starts_with(p.as_str()))
        {
            continue;
        }
        let correlated = correlated_at.is_some();
        // Stopped early: a LIMIT with nothing to sort (not inside a subquery run per row).
        if limited && !sorts && !correlated {
            continue;
        }
        let name = rest.split(' ').next().unwrap_or(rest);
        let mut of_alias = aliases.iter().filter(|(a, _)| a == name).map(|(_, t)| t);
        let table = match (of_alias.next(), of_alias.next()) {
            (Some(t), None) => t.as_str(),
            // One alias for tables of several nested subqueries (mizzle's relation
            // loading reuses `c`): not told apart; the root query's own plan shows its scan.
            (Some(_), Some(_)) => continue,
            (None, _) => name,
        };
        if !out.iter().any(|(t, _): &(String, bool)| t == table) {
            out.push((table.to_owned(), correlated));
        }
    }
    out
}

/// The database's own tables.
fn real_tables(conn: &rusqlite::Connection) -> Vec<String> {
    let Ok(mut stmt) = conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'") else {
        return Vec::new();
    };
    stmt.query_map([], |r| r.get::<_, String>(0))
        .map(|rows| rows.flatten().collect())
        .unwrap_or_default()
}

/// The columns that already lead an index of `table` (its rowid key included): an index
/// on them exists, so a scan of a statement that names only them is not for want of one.
fn leading_columns(conn: &rusqlite::Connection, table: &str) -> Vec<String> {
    const SQL: &str = "SELECT ii.name FROM pragma_index_list(?1) AS il, pragma_index_info(il.name) AS ii \
         WHERE ii.seqno = 0 AND il.partial = 0 \
         UNION SELECT name FROM pragma_table_info(?1) WHERE pk = 1 AND upper(type) = 'INTEGER'";
    let Ok(mut stmt) = conn.prepare(SQL) else {
        return Vec::new();
    };
    stmt.query_map([table], |r| r.get::<_, String>(0))
        .map(|rows| rows.flatten().collect())
        .unwrap_or_default()
}

/// The columns of `table`.
fn table_columns(conn: &rusqlite::Connection, table: &str) -> Vec<String> {
    let Ok(mut stmt) = conn.prepare("SELECT name FROM pragma_table_info(?1)") else {
        return Vec::new();
    };
    stmt.query_map([table], |r| r.get::<_, String>(0))
        .map(|rows| rows.flatten().collect())
        .unwrap_or_default()
}

/// The names of the database's partial indexes.
fn partial_indexes(conn: &rusqlite::Connection) -> Vec<String> {
    const SQL: &str =
        "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql LIKE '% WHERE %'";
    let Ok(mut stmt) = conn.prepare(SQL) else {
        return Vec::new();
    };
    stmt.query_map([], |r| r.get::<_, String>(0))
        .map(|rows| rows.flatten().collect())
        .unwrap_or_default()
}

/// `table_a_b_idx = { columns = ["a", "b"] }` (a name no index of the database has).
fn index_line(conn: &rusqlite::Connection, table: &str, columns: &[String]) -> Option<String> {
    if columns.is_empty() {
        return None;
    }
    let quoted: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
    let base = format!("{table}_{}_idx", columns.join("_"));
    let taken = |n: &str| {
        conn.query_row(
            "SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ?1",
            [n],
            |_| Ok(()),
        )
        .is_ok()
    };
    let mut name = base.clone();
    let mut i = 2;
    while taken(&name) {
        name = format!("{base}{i}");
        i += 1;
    }
    Some(format!("{name} = {{ columns = [{}] }}", quoted.join(", ")))
}

/// `file:line` of the first frames of the stack outside mizzle, the standard library and
/// registry crates, innermost first (`src/api.rs:12:9 ← tests/native.rs:40:5`): the code
/// that sent the statement, and what called it (a debug build's test).
fn caller() -> Option<String> {
    let trace = std::backtrace::Backtrace::force_capture().to_string();
    // This crate's own source, wherever it is built from (a checkout or the registry).
    let own = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"));
    let cwd = std::env::current_dir().unwrap_or_default();
    let frames: Vec<&str> = trace
        .lines()
        .filter_map(|l| l.trim().strip_prefix("at "))
        .filter(|at| {
            let file = at.split(':').next().unwrap_or(at);
            let path = cwd.join(file.trim_start_matches("./"));
            !at.contains("/rustc/") && !at.contains("/.cargo/registry/") && !path.starts_with(own)
        })
        .take(3)
        .collect();
    (!frames.is_empty()).then(|| frames.join(" ← "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_without_a_sort_is_not_a_scan() {
        let steps = vec![(0, "SCAN users".to_owned())];
        assert!(scanned(&steps, "SELECT * FROM users LIMIT 10", &[]).is_empty());
        assert_eq!(scanned(&steps, "SELECT * FROM users", &[]).len(), 1);
        let sorted = vec![
            (0, "SCAN users".to_owned()),
            (0, "USE TEMP B-TREE FOR ORDER BY".to_owned()),
        ];
        assert_eq!(
            scanned(&sorted, "SELECT * FROM users ORDER BY name LIMIT 5", &[]).len(),
            1
        );
        let virt = vec![(0, "SCAN json_each VIRTUAL TABLE INDEX 1:".to_owned())];
        assert!(scanned(&virt, "SELECT value FROM json_each(?)", &[]).is_empty());
    }
}
