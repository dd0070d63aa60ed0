//! The D1 backend (wasm32): runs statements through the `worker` crate's D1 binding.
//!
//! Traps handled here (see D1-FACTS): integers are bound as JS numbers only within
//! ±(2^53 − 1) (a BigInt is rejected and larger numbers are rounded), blobs are bound as
//! `Uint8Array`, and cells come back as JS values decoded by [`Value`]'s `Deserialize`
//! (booleans as 0/1, blobs as arrays of numbers).

use std::sync::Arc;

use worker::js_sys::{Array, Error as JsError, Object, Promise, Reflect};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::worker_sys::{
    D1Database as D1DatabaseSys, D1DatabaseSession as D1DatabaseSessionSys, D1Result as D1ResultSys,
};
use worker::{D1Database, D1DatabaseSession, D1PreparedStatement, D1SessionConstraint};

use super::js::{array_cells, bind_value, cell, js_message};
use crate::error::{Error, Result};
use crate::exec::{ExecMeta, Executor, Output, Row, Usage};
use crate::sql::statement::{Columns, Statement};
use crate::sql::value::Value;

/// A D1 database binding, or a session on it, as a mizzle executor.
pub struct D1Executor {
    conn: Conn,
    /// Rows read and written (each result's `meta`), once [`Executor::track_usage`] asked.
    usage: std::cell::Cell<Option<Usage>>,
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
            usage: Default::default(),
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
            usage: Default::default(),
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
        worker::Error::Internal(v) => js_message(v),
        other => other.to_string(),
    }
}

fn bind_values(params: &[Value]) -> Result<Vec<JsValue>> {
    let mut out = Vec::with_capacity(params.len());
    for p in params {
        out.push(bind_value(p)?);
    }
    Ok(out)
}

/// Rows of one statement's result objects. With the statement's columns known, each row
/// is read by those keys, in that order; otherwise the names are read once, from the first
/// row. Either way the JS key strings are made once per statement, not once per cell.
fn object_rows(objects: &Array, columns: Option<&Columns>, sql: &str) -> Result<Vec<Row>> {
    let bad = |m: String| Error::database(m, sql);
    let mut rows = Vec::with_capacity(objects.length() as usize);
    if objects.length() == 0 {
        return Ok(rows);
    }
    let mut keys: Vec<JsValue> = Vec::new();
    let reported: Option<Arc<[String]>> = match columns {
        Some(cols) => {
            for c in cols.iter() {
                keys.push(JsValue::from_str(c));
            }
            None
        }
        None => {
            let mut names = Vec::new();
            for k in Object::keys(objects.get(0).unchecked_ref::<Object>()).iter() {
                names.push(k.as_string().unwrap_or_default());
                keys.push(k);
            }
            Some(names.into())
        }
    };
    for object in objects.iter() {
        let mut values = Vec::with_capacity(keys.len());
        for k in &keys {
            let v = Reflect::get(&object, k).map_err(|e| bad(js_message(&e)))?;
            values.push(cell(v).map_err(bad)?);
        }
        rows.push(Row::for_statement(columns, reported.as_ref(), values));
    }
    Ok(rows)
}

/// `changes` and `last_row_id` of a result's `meta`: two numbers, not the whole object.
fn meta_of(result: &D1ResultSys, sql: &str) -> Result<ExecMeta> {
    let meta = result
        .meta()
        .map_err(|e| Error::database(js_message(&e), sql))?;
    let number = |name: &str| {
        Reflect::get(&meta, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0)
    };
    Ok(ExecMeta {
        rows_affected: number("changes") as u64,
        last_insert_id: number("last_row_id") as i64,
    })
}

impl D1Executor {
    /// Adds a result's `meta.rows_read`, `rows_written` and `duration` to the usage, when
    /// counting.
    fn count(&self, result: &D1ResultSys) {
        let Some(mut u) = self.usage.get() else {
            return;
        };
        let Ok(meta) = result.meta() else { return };
        let number = |name: &str| {
            Reflect::get(&meta, &JsValue::from_str(name))
                .ok()
                .and_then(|v| v.as_f64())
                .unwrap_or(0.0)
        };
        u.add(
            number("rows_read") as u64,
            number("rows_written") as u64,
            number("duration"),
        );
        self.usage.set(Some(u));
    }
}

/// Awaits a D1 promise, turning a rejection into its message.
async fn settle(
    promise: std::result::Result<Promise, JsValue>,
) -> std::result::Result<JsValue, String> {
    let promise = promise.map_err(|e| js_message(&e))?;
    JsFuture::from(promise).await.map_err(|e| js_message(&e))
}

impl D1Executor {
    /// `raw()`: the rows as arrays of cells, for a statement whose columns mizzle knows.
    async fn raw_arrays(&self, stmt: &Statement) -> Result<Array> {
        let prepared = self.prepare(stmt)?;
        let rows = settle(prepared.inner().raw())
            .await
            .map_err(|m| Error::database(m, &stmt.sql))?;
        Ok(rows.unchecked_into())
    }

    /// `all()`: the result object (rows as objects, and meta).
    async fn all_result(&self, stmt: &Statement) -> Result<D1ResultSys> {
        let prepared = self.prepare(stmt)?;
        let result: D1ResultSys = settle(prepared.inner().all())
            .await
            .map_err(|m| Error::database(m, &stmt.sql))?
            .unchecked_into();
        if let Ok(Some(e)) = result.error() {
            return Err(Error::database(e, &stmt.sql));
        }
        Ok(result)
    }
}

/// The rows of a result object (none for a write).
fn result_rows(result: &D1ResultSys, columns: Option<&Columns>, sql: &str) -> Result<Vec<Row>> {
    match result.results() {
        Ok(Some(objects)) => object_rows(&objects, columns, sql),
        Ok(None) => Ok(Vec::new()),
        Err(e) => Err(Error::database(js_message(&e), sql)),
    }
}

impl Executor for D1Executor {
    async fn query(&self, stmt: Statement) -> Result<Vec<Row>> {
        if self.usage.get().is_some() {
            // `raw()` has no `meta`: counting reads the result object instead.
            let result = self.all_result(&stmt).await?;
            self.count(&result);
            return result_rows(&result, stmt.columns.as_ref(), &stmt.sql);
        }
        match &stmt.columns {
            // Known columns: positional rows, no per-row key objects.
            Some(cols) => {
                let arrays = self.raw_arrays(&stmt).await?;
                let mut rows = Vec::with_capacity(arrays.length() as usize);
                for row in arrays.iter() {
                    let mut values = Vec::new();
                    array_cells(&row, &mut values, &stmt.sql)?;
                    rows.push(Row::of_statement(cols.clone(), values));
                }
                Ok(rows)
            }
            None => result_rows(&self.all_result(&stmt).await?, None, &stmt.sql),
        }
    }

    async fn execute(&self, stmt: Statement) -> Result<ExecMeta> {
        let prepared = self.prepare(&stmt)?;
        let result: D1ResultSys = settle(prepared.inner().run())
            .await
            .map_err(|m| Error::database(m, &stmt.sql))?
            .unchecked_into();
        self.count(&result);
        meta_of(&result, &stmt.sql)
    }

    fn track_usage(&self) {
        if self.usage.get().is_none() {
            self.usage.set(Some(Usage::default()));
        }
    }

    fn usage(&self) -> Option<Usage> {
        self.usage.get()
    }

    async fn batch(&self, stmts: Vec<Statement>) -> Result<Vec<Output>> {
        let mut prepared = Vec::with_capacity(stmts.len());
        for s in &stmts {
            prepared.push(self.prepare(s)?);
        }
        let results = match self.run_batch(prepared).await {
            Ok(r) => r,
            Err(message) => return Err(self.locate_failure(&stmts, message).await),
        };
        let mut outputs = Vec::with_capacity(stmts.len());
        for (stmt, result) in stmts.iter().zip(results.iter()) {
            let result: D1ResultSys = result.unchecked_into();
            if let Ok(Some(e)) = result.error() {
                return Err(Error::database(e, &stmt.sql));
            }
            self.count(&result);
            outputs.push(Output {
                rows: result_rows(&result, stmt.columns.as_ref(), &stmt.sql)?,
                // A statement read for its rows has no use for `meta`: only writes
                // (whose columns mizzle does not know) read it.
                meta: match stmt.columns {
                    Some(_) => ExecMeta::default(),
                    None => meta_of(&result, &stmt.sql)?,
                },
            });
        }
        Ok(outputs)
    }
}

/// A statement that always fails when it runs (not when it is prepared), with a message no
/// statement of mizzle's makes: it ends every probe batch, so a probe never commits.
const PROBE: &str = "SELECT json('mizzle: batch probe')";

impl D1Executor {
    /// D1's `batch()`, called directly: the results stay JS objects, read only as far as
    /// each statement needs. A failure is D1's message.
    async fn run_batch(
        &self,
        prepared: Vec<D1PreparedStatement>,
    ) -> std::result::Result<Array, String> {
        let list: Array = prepared
            .iter()
            .map(|p| JsValue::from(p.inner().clone()))
            .collect();
        let promise = match &self.conn {
            Conn::Database(db) => db.as_ref().unchecked_ref::<D1DatabaseSys>().batch(list),
            Conn::Session(s) => s
                .as_ref()
                .unchecked_ref::<D1DatabaseSessionSys>()
                .session_batch(list),
        };
        Ok(settle(promise).await?.unchecked_into())
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
                Err(e) if e == original => hi = mid,
                Err(e) if contains(&e, "malformed JSON") => lo = mid + 1,
                // Something else changed between the two runs: say what is known.
                _ => return unlocated(),
            }
        }
        Error::database(original, &stmts[lo].sql).in_batch(lo)
    }
}

/// Whether `haystack` contains `needle` (a plain scan: the messages searched are short, and
/// a Worker's wasm is spared the general substring searcher).
fn contains(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len().max(1))
        .any(|w| w == needle.as_bytes())
}

fn batch_sql(stmts: &[Statement]) -> String {
    let first = stmts.first().map_or("", |s| s.sql.as_str());
    format!("batch of {} statements, first: {first}", stmts.len())
}
