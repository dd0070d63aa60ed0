//! The D1 backend (wasm32): runs statements through the `worker` crate's D1 binding.
//!
//! Traps handled here (see D1-FACTS): integers are bound as JS numbers only within
//! ±(2^53 − 1) (a BigInt is rejected and larger numbers are rounded), blobs are bound as
//! `Uint8Array`, and cells come back as JS values decoded by [`Value`]'s `Deserialize`
//! (booleans as 0/1, blobs as arrays of numbers).

use std::sync::Arc;

use worker::js_sys::{Error as JsError, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::{D1Database, D1DatabaseSession, D1PreparedStatement, D1SessionConstraint};

use crate::value::MAX_SAFE_INTEGER;
use crate::{Columns, Error, ExecMeta, Executor, Output, Result, Row, Statement, Value};

/// A D1 database binding, or a session on it, as a mizzle executor.
pub struct D1Executor {
    conn: Conn,
}

enum Conn {
    Database(D1Database),
    Session(D1DatabaseSession),
}

/// Where a read-replication session starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionStart {
    /// The first query goes to the primary: it sees every write so far.
    FirstPrimary,
    /// The first query may go to any replica (fastest; may be behind).
    FirstUnconstrained,
    /// Continue after a bookmark from an earlier session (e.g. the previous request's
    /// `x-d1-bookmark`): reads see at least everything up to it.
    Bookmark(String),
}

impl SessionStart {
    /// A start from an optional bookmark (a request header), else `otherwise`.
    pub fn from_bookmark(bookmark: Option<String>, otherwise: SessionStart) -> Self {
        match bookmark {
            Some(b) if !b.trim().is_empty() => SessionStart::Bookmark(b.trim().to_owned()),
            _ => otherwise,
        }
    }
}

impl D1Executor {
    /// Wraps a D1 binding.
    pub fn new(db: D1Database) -> Self {
        D1Executor {
            conn: Conn::Database(db),
        }
    }

    /// A session on this database (D1 read replication): its queries are sequentially
    /// consistent, and [`D1Executor::bookmark`] tells where it got to. The query API is the
    /// same as outside a session.
    pub fn session(&self, start: SessionStart) -> Result<D1Executor> {
        let Conn::Database(db) = &self.conn else {
            return Err(Error::Other(
                "already a session: start sessions from the database".into(),
            ));
        };
        let session = match &start {
            SessionStart::FirstPrimary => {
                db.with_session_constraint(D1SessionConstraint::FirstPrimary)
            }
            SessionStart::FirstUnconstrained => {
                db.with_session_constraint(D1SessionConstraint::FirstUnconstrained)
            }
            SessionStart::Bookmark(b) => db.with_session(Some(b)),
        }
        .map_err(|e| {
            Error::Other(format!(
                "cannot start a D1 session ({start:?}): {}",
                message(&e)
            ))
        })?;
        Ok(D1Executor {
            conn: Conn::Session(session),
        })
    }

    /// The latest bookmark of this session (none before its first query, and none outside
    /// a session).
    pub fn bookmark(&self) -> Option<String> {
        match &self.conn {
            Conn::Session(s) => s.get_bookmark().ok().flatten(),
            Conn::Database(_) => None,
        }
    }

    /// The D1 binding called `binding` in `env`. A missing binding is an error that names
    /// it and where it must be declared.
    pub fn from_env(env: &worker::Env, binding: &str) -> Result<Self> {
        env.d1(binding).map(Self::new).map_err(|e| {
            Error::Other(format!(
                "no D1 binding named `{binding}` in this Worker's environment ({}); declare it \
                 under \"d1_databases\" with \"binding\": \"{binding}\" in wrangler.jsonc",
                message(&e)
            ))
        })
    }

    fn prepare(&self, stmt: &Statement) -> Result<D1PreparedStatement> {
        let params = bind_values(&stmt.params)?;
        let prepared = match &self.conn {
            Conn::Database(db) => db.prepare(stmt.sql.as_str()),
            Conn::Session(s) => s.prepare(stmt.sql.as_str()),
        };
        prepared
            .bind(&params)
            .map_err(|e| Error::database(message(&e), &stmt.sql))
    }
}

/// The text of a `worker::Error`: D1's own message (`D1_ERROR: …`) where there is one.
fn message(e: &worker::Error) -> String {
    match e {
        worker::Error::D1(d1) => {
            let js: &JsError = d1.as_ref();
            String::from(js.message())
        }
        worker::Error::JsError(m) => m.clone(),
        worker::Error::Internal(v) => v
            .dyn_ref::<JsError>()
            .map(|e| String::from(e.message()))
            .or_else(|| v.as_string())
            .unwrap_or_else(|| format!("{v:?}")),
        other => other.to_string(),
    }
}

fn bind_values(params: &[Value]) -> Result<Vec<JsValue>> {
    params
        .iter()
        .map(|v| {
            Ok(match v {
                Value::Null => JsValue::NULL,
                Value::Integer(i) if i.unsigned_abs() <= MAX_SAFE_INTEGER as u64 => {
                    JsValue::from_f64(*i as f64)
                }
                Value::Integer(i) => return Err(Error::IntegerOutOfRange(*i)),
                Value::Real(r) => JsValue::from_f64(*r),
                Value::Text(s) => JsValue::from_str(s),
                Value::Blob(b) => Uint8Array::from(b.as_slice()).into(),
            })
        })
        .collect()
}

/// A result object's cells in key order (D1 returns batch rows as objects).
struct OrderedRow(Vec<(String, Value)>);

impl<'de> serde::Deserialize<'de> for OrderedRow {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = OrderedRow;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a result row object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<OrderedRow, A::Error> {
                let mut cells = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, Value>()? {
                    cells.push((k, v));
                }
                Ok(OrderedRow(cells))
            }
        }
        d.deserialize_map(V)
    }
}

/// Turns result objects into rows, in the statement's column order when it is known.
fn object_rows(objects: Vec<OrderedRow>, columns: Option<&Columns>) -> Vec<Row> {
    let mut shared: Option<Arc<[String]>> = None;
    objects
        .into_iter()
        .map(|OrderedRow(mut cells)| match columns {
            Some(cols) => {
                let values = cols
                    .iter()
                    .map(|c| {
                        cells
                            .iter_mut()
                            .find(|(k, _)| k == c)
                            .map(|(_, v)| std::mem::replace(v, Value::Null))
                            .unwrap_or(Value::Null)
                    })
                    .collect();
                Row::of_statement(cols.clone(), values)
            }
            None => {
                let cols: Arc<[String]> = match &shared {
                    Some(s) if s.len() == cells.len() => s.clone(),
                    _ => {
                        let s: Arc<[String]> = cells.iter().map(|(k, _)| k.clone()).collect();
                        shared = Some(s.clone());
                        s
                    }
                };
                Row::new(cols, cells.into_iter().map(|(_, v)| v).collect())
            }
        })
        .collect()
}

fn meta_of(result: &worker::D1Result, sql: &str) -> Result<ExecMeta> {
    let meta = result
        .meta()
        .map_err(|e| Error::database(message(&e), sql))?;
    Ok(meta
        .map(|m| ExecMeta {
            rows_affected: m.changes.unwrap_or(0) as u64,
            last_insert_id: m.last_row_id.unwrap_or(0),
        })
        .unwrap_or_default())
}

impl Executor for D1Executor {
    async fn query(&self, stmt: Statement) -> Result<Vec<Row>> {
        let prepared = self.prepare(&stmt)?;
        let err = |e: worker::Error| Error::database(message(&e), &stmt.sql);
        match &stmt.columns {
            // Known columns: positional rows, no per-row key objects.
            Some(cols) => {
                let rows = prepared.raw::<Value>().await.map_err(err)?;
                Ok(rows
                    .into_iter()
                    .map(|values| Row::of_statement(cols.clone(), values))
                    .collect())
            }
            None => {
                let result = prepared.all().await.map_err(err)?;
                if let Some(e) = result.error() {
                    return Err(Error::database(e, &stmt.sql));
                }
                Ok(object_rows(
                    result.results::<OrderedRow>().map_err(err)?,
                    None,
                ))
            }
        }
    }

    async fn execute(&self, stmt: Statement) -> Result<ExecMeta> {
        let prepared = self.prepare(&stmt)?;
        let result = prepared
            .run()
            .await
            .map_err(|e| Error::database(message(&e), &stmt.sql))?;
        meta_of(&result, &stmt.sql)
    }

    async fn batch(&self, stmts: Vec<Statement>) -> Result<Vec<Output>> {
        let prepared = stmts
            .iter()
            .map(|s| self.prepare(s))
            .collect::<Result<Vec<_>>>()?;
        let results = match self.run_batch(prepared).await {
            Ok(r) => r,
            Err(e) => return Err(self.locate_failure(&stmts, message(&e)).await),
        };
        stmts
            .iter()
            .zip(results)
            .map(|(stmt, result)| {
                if let Some(e) = result.error() {
                    return Err(Error::database(e, &stmt.sql));
                }
                let objects = result
                    .results::<OrderedRow>()
                    .map_err(|e| Error::database(message(&e), &stmt.sql))?;
                Ok(Output {
                    rows: object_rows(objects, stmt.columns.as_ref()),
                    meta: meta_of(&result, &stmt.sql)?,
                })
            })
            .collect()
    }
}

/// A statement that always fails when it runs (not when it is prepared), with a message no
/// statement of mizzle's makes: it ends every probe batch, so a probe never commits.
const PROBE: &str = "SELECT json('mizzle: batch probe')";

impl D1Executor {
    async fn run_batch(
        &self,
        prepared: Vec<D1PreparedStatement>,
    ) -> worker::Result<Vec<worker::D1Result>> {
        match &self.conn {
            Conn::Database(db) => db.batch(prepared).await,
            Conn::Session(s) => s.batch(prepared).await,
        }
    }

    /// D1 reports a failed batch without saying which statement failed. Find it by
    /// bisection: run a prefix of the batch followed by [`PROBE`]. If the probe's own error
    /// comes back, the prefix ran cleanly; if the original error does, it failed inside the
    /// prefix. Every probe fails, so D1 rolls each one back, as it rolled back the batch.
    /// Costs about log2(n) round trips, on the error path only.
    async fn locate_failure(&self, stmts: &[Statement], original: String) -> Error {
        let unlocated = || Error::database(original.clone(), batch_sql(stmts));
        let (mut lo, mut hi) = (0, stmts.len().saturating_sub(1));
        while lo < hi {
            let mid = (lo + hi) / 2;
            let mut probe = Vec::with_capacity(mid + 2);
            for s in &stmts[..=mid] {
                match self.prepare(s) {
                    Ok(p) => probe.push(p),
                    Err(_) => return unlocated(),
                }
            }
            match self.prepare(&Statement::new(PROBE, Vec::new())) {
                Ok(p) => probe.push(p),
                Err(_) => return unlocated(),
            }
            match self.run_batch(probe).await {
                Err(e) if message(&e) == original => hi = mid,
                Err(e) if message(&e).contains("malformed JSON") => lo = mid + 1,
                // Something else changed between the two runs: say what is known.
                _ => return unlocated(),
            }
        }
        Error::database(original, &stmts[lo].sql).in_batch(lo)
    }
}

fn batch_sql(stmts: &[Statement]) -> String {
    let first = stmts.first().map_or("", |s| s.sql.as_str());
    format!("batch of {} statements, first: {first}", stmts.len())
}

impl crate::Db<D1Executor> {
    /// A session on this database with the same limits: see [`D1Executor::session`].
    pub fn session(&self, start: SessionStart) -> Result<crate::Db<D1Executor>> {
        Ok(crate::Db::new(self.executor().session(start)?).with_limits(self.limits()))
    }

    /// The session's latest bookmark: see [`D1Executor::bookmark`].
    pub fn bookmark(&self) -> Option<String> {
        self.executor().bookmark()
    }
}
