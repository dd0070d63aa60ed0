//! Seed data: rows that fit the schema, made from a number, the same on every machine and
//! on SQLite, D1 and a Durable Object.
//!
//! Parents come before children (a foreign key names a row that exists; a cycle is broken at
//! a nullable column, set by an update once both tables are filled; a self-reference names
//! an earlier row), enums take their values, unique columns and indexes never clash, and
//! every CHECK holds: each table's rows are tested against its checks by the database
//! itself (one query per chunk of rows, over a `VALUES` list, writing nothing) and the
//! failing rows drawn again; a check no draw satisfies is reported by name, with the
//! seed.toml line that fixes it. What was made is written as one atomic batch of
//! multi-row inserts under the database's limits, or not at all.
//!
//! The generated module has `seed(&db, &Seed::new(42))`, which calls [`run`] with the
//! schema's spec ([`Spec`], from `schema/*.toml` and `schema/seed.toml`); `mizzle seed`
//! runs the same code. See docs/guide.md ("Seed data").
//!
//! For maintainers: `values.rs` is the number stream and the value kinds, `plan.rs` the rows
//! (pure), this file the database side. This layer sits on top of `query`.

mod plan;
mod spec;
mod values;

pub use spec::{CheckSpec, ColumnSpec, Generate, PerParent, Reference, Spec, TableSpec};

use crate::db::Db;
use crate::error::{Error, Result};
use crate::exec::{Executor, Row};
use crate::query::dynamic;
use crate::sql::limits::Limits;
use crate::sql::statement::Statement;
use crate::sql::text::quote_ident;
use crate::sql::value::Value;
use plan::Plan;

/// How many times a row failing a CHECK is drawn again before the check is reported.
const CHECK_TRIES: usize = 30;

/// A seeding's options: the seed, and optionally the rows per table (over seed.toml's
/// top-level `rows`; a table's own `rows` still wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seed {
    /// The number the rows are made from.
    pub seed: u64,
    /// Rows per table, unless a table says.
    pub rows: Option<usize>,
}

impl Seed {
    /// The rows of seed `seed`.
    pub fn new(seed: u64) -> Seed {
        Seed { seed, rows: None }
    }

    /// With `rows` rows per table (unless seed.toml gives a table its own count).
    pub fn rows(mut self, rows: usize) -> Seed {
        self.rows = Some(rows);
        self
    }
}

/// The rows one table gets, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRows {
    /// The table.
    pub table: String,
    /// The columns written (a column seed.toml leaves to its default is not).
    pub columns: Vec<String>,
    /// The rows, a value per column.
    pub rows: Vec<Vec<Value>>,
}

/// A foreign key set after both tables are filled (a reference cycle).
#[derive(Debug, Clone, PartialEq)]
pub struct Fill {
    /// The table.
    pub table: String,
    /// The column naming the row (its rowid key or its primary key's column).
    pub key_column: String,
    /// The row.
    pub key: Value,
    /// The foreign key column.
    pub column: String,
    /// Its value.
    pub value: Value,
}

/// Everything a seeding writes: the tables' rows in insert order, then the fills.
#[derive(Debug, Clone, PartialEq)]
pub struct Data {
    /// Rows, parents first.
    pub tables: Vec<TableRows>,
    /// Foreign keys set afterwards.
    pub fills: Vec<Fill>,
    /// Rows not made, and why.
    pub notes: Vec<String>,
}

/// What a seeding wrote.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    /// Rows per table, in insert order.
    pub tables: Vec<(String, usize)>,
    /// Statements sent (one batch).
    pub statements: usize,
    /// Rows not made, and why.
    pub notes: Vec<String>,
}

/// Parses a spec (the generated `SEED_SPEC`, or what `mizzle seed` builds).
pub fn parse_spec(json: &str) -> Result<Spec> {
    serde_json::from_str(json).map_err(|e| Error::Other(format!("seed spec: {e}")))
}

/// Seeds `db`: every table of `spec` must be empty (seeding appends to nothing, so the
/// same seed gives the same rows); then [`data`], written as one batch.
pub async fn run<E: Executor>(db: &Db<E>, spec: &Spec, seed: &Seed) -> Result<Report> {
    refuse_rows(db, spec).await?;
    let data = data(db, spec, seed).await?;
    let stmts = statements(&data, &db.limits())?;
    let report = Report {
        tables: data
            .tables
            .iter()
            .map(|t| (t.table.clone(), t.rows.len()))
            .collect(),
        statements: stmts.len(),
        notes: data.notes.clone(),
    };
    if !stmts.is_empty() {
        db.batch_statements(stmts).await?;
    }
    Ok(report)
}

/// Fails when a table of `spec` has rows, naming them. One query, a column per table (D1
/// refuses a compound SELECT of more than a few terms).
async fn refuse_rows<E: Executor>(db: &Db<E>, spec: &Spec) -> Result<()> {
    if spec.tables.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "SELECT {}",
        spec.tables
            .iter()
            .map(|t| format!("EXISTS (SELECT 1 FROM {})", quote_ident(&t.name)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let rows: Vec<Row> = db.raw(sql, []).all().await?;
    let names: Vec<String> = rows
        .first()
        .map(|r| {
            r.values()
                .iter()
                .zip(&spec.tables)
                .filter(|(v, _)| **v == Value::Integer(1))
                .map(|(_, t)| format!("`{}`", t.name))
                .collect()
        })
        .unwrap_or_default();
    if names.is_empty() {
        return Ok(());
    }
    Err(Error::Other(format!(
        "seed fills empty tables, and {} already have rows (the same seed must give the same rows): start over with `mizzle reset` (--local, or --sqlite FILE) and --seed, or delete those rows",
        names.join(", ")
    )))
}

/// The rows seed `seed` makes for `spec`, their CHECKs tested on `db` (which is not
/// written).
pub async fn data<E: Executor>(db: &Db<E>, spec: &Spec, seed: &Seed) -> Result<Data> {
    let mut plan = Plan::make(spec, seed.seed, seed.rows)?;
    for at in 0..plan.tables.len() {
        let t = &spec.tables[plan.tables[at].spec];
        if t.checks.is_empty() || plan.tables[at].rows.is_empty() {
            continue;
        }
        let mut failing = failing_rows(db, &plan, at).await?;
        for _ in 0..CHECK_TRIES {
            if failing.is_empty() {
                break;
            }
            for &(i, _) in &failing {
                plan.redraw(at, i);
            }
            failing = failing_rows(db, &plan, at).await?;
        }
        if let Some(&(_, check)) = failing.first() {
            return Err(unsatisfied(t, &t.checks[check]));
        }
    }
    Ok(into_data(plan))
}

/// The error for a CHECK no drawn value passed: its name, and the seed.toml to write.
fn unsatisfied(t: &TableSpec, check: &CheckSpec) -> Error {
    let named: Vec<&str> = t
        .columns
        .iter()
        .filter(|c| check.expr.contains(&c.name))
        .map(|c| c.name.as_str())
        .collect();
    let column = named.first().copied().unwrap_or("column");
    Error::Other(format!(
        "seed: CHECK `{}` ({}) of `{}` failed for every value drawn ({CHECK_TRIES} tries); say what fits in schema/seed.toml, e.g.\n  [{}.columns]\n  {column} = {{ range = [1, 5] }}   # or one_of = [...], value = ..., sentence = [3, 8]",
        check.name, check.expr, t.name, t.name
    ))
}

/// Rows of table `at` that fail a CHECK: (row, check) pairs, tested in chunks by the
/// database as `WITH v(…) AS (VALUES …) SELECT …` (a CHECK passes when true or NULL).
async fn failing_rows<E: Executor>(
    db: &Db<E>,
    plan: &Plan<'_>,
    at: usize,
) -> Result<Vec<(usize, usize)>> {
    let r = &plan.tables[at];
    let t = &plan.spec.tables[r.spec];
    let width = t.columns.len() + 1;
    let per = (db.limits().max_params / width).max(1);
    let mut cols = String::from("\"__i\"");
    for c in &t.columns {
        cols.push_str(", ");
        cols.push_str(&quote_ident(&c.name));
    }
    let mut case = String::from("CASE");
    for (k, c) in t.checks.iter().enumerate() {
        case.push_str(&format!(" WHEN NOT coalesce(({}), 1) THEN {k}", c.expr));
    }
    case.push_str(" END");
    let mut out = Vec::new();
    for (chunk_no, chunk) in r.rows.chunks(per).enumerate() {
        let mut params = Vec::with_capacity(chunk.len() * width);
        let mut values = Vec::with_capacity(chunk.len());
        for (j, row) in chunk.iter().enumerate() {
            params.push(Value::Integer((chunk_no * per + j) as i64));
            params.extend(row.iter().cloned());
            values.push(format!("({})", vec!["?"; width].join(", ")));
        }
        let sql = format!(
            "WITH \"__seed\"({cols}) AS (VALUES {}) SELECT \"__i\", {case} AS \"__failed\" FROM \"__seed\" WHERE \"__failed\" IS NOT NULL",
            values.join(", ")
        );
        let rows: Vec<Row> = db.raw(sql, params).all().await?;
        for row in rows {
            if let [Value::Integer(i), Value::Integer(k)] = row.values() {
                out.push((*i as usize, *k as usize));
            }
        }
    }
    Ok(out)
}

/// The plan's rows as data: the columns written, the deferred foreign keys as fills.
fn into_data(plan: Plan<'_>) -> Data {
    let spec = plan.spec;
    let mut fills = Vec::new();
    let mut rng = values::Rng::new(plan.seed, "\u{0}fills");
    for d in &plan.deferred {
        let t = &spec.tables[d.table];
        let c = &t.columns[d.column];
        let (Some(f), Some(rows)) = (&c.references, plan.rows_of(d.table)) else {
            continue;
        };
        let key_column = t
            .rowid_key
            .clone()
            .or_else(|| (t.primary_key.len() == 1).then(|| t.primary_key[0].clone()));
        let Some(key_column) = key_column else {
            continue;
        };
        let k = t.columns.iter().position(|c| c.name == key_column);
        let p = spec.tables.iter().position(|x| x.name == f.table);
        let pk = p.and_then(|p| {
            spec.tables[p]
                .columns
                .iter()
                .position(|c| c.name == f.column)
        });
        let (Some(k), Some(p), Some(pk)) = (k, p, pk) else {
            continue;
        };
        let Some(parents) = plan.rows_of(p).filter(|r| !r.rows.is_empty()) else {
            continue;
        };
        for row in &rows.rows {
            if rng.chance(c.null_ratio.unwrap_or(spec.null_ratio)) {
                continue;
            }
            let parent = &parents.rows[rng.below(parents.rows.len() as u64) as usize];
            fills.push(Fill {
                table: t.name.clone(),
                key_column: key_column.clone(),
                key: row[k].clone(),
                column: c.name.clone(),
                value: parent[pk].clone(),
            });
        }
    }
    let tables = plan
        .tables
        .iter()
        .map(|r| {
            let t = &spec.tables[r.spec];
            TableRows {
                table: t.name.clone(),
                columns: r
                    .written
                    .iter()
                    .map(|&c| t.columns[c].name.clone())
                    .collect(),
                rows: r
                    .rows
                    .iter()
                    .map(|row| r.written.iter().map(|&c| row[c].clone()).collect())
                    .collect(),
            }
        })
        .collect();
    Data {
        tables,
        fills,
        notes: plan.notes,
    }
}

/// The statements that write `data`: multi-row inserts under `limits`, then the fills.
pub fn statements(data: &Data, limits: &Limits) -> Result<Vec<Statement>> {
    let mut out = Vec::new();
    for t in &data.tables {
        let cols: Vec<&str> = t.columns.iter().map(String::as_str).collect();
        out.extend(dynamic::insert_rows(
            &t.table,
            &cols,
            t.rows.clone(),
            limits,
        )?);
    }
    for f in &data.fills {
        out.push(dynamic::update(
            &f.table,
            vec![(f.column.as_str(), f.value.clone())],
            &f.key_column,
            f.key.clone(),
        ));
    }
    Ok(out)
}
