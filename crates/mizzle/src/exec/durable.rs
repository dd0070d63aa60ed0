//! The Durable Object backend (wasm32): a SQLite-backed object's storage
//! (`state.storage().sql()`) as a mizzle executor, and the object's own migrations.
//!
//! Traps handled here (measured on local workerd, see docs/guide.md):
//! - every JS number is bound as a REAL, so an integer would be stored as `42.0` (or the
//!   text `"42.0"` in a TEXT column): each placeholder bound to an integer is wrapped in
//!   `CAST(? AS INTEGER)`, and integers beyond ±(2^53 − 1) are refused, as on D1;
//! - booleans are never bound as JS booleans (the text `"true"`): mizzle binds 0/1;
//! - `BEGIN` is refused and separate `exec`s are not atomic: a batch runs inside
//!   `storage.transactionSync`, which rolls back when any statement fails;
//! - an unread `INSERT … RETURNING` cursor fails the whole request, and `one()` hangs on 0
//!   or 2 rows: every cursor is read to the end with `raw()`;
//! - wrangler does not migrate objects: [`open`](crate::durable::open) applies the pending migrations the first
//!   time an object touches its storage, each file in one transaction, recorded in a ledger.
//!
//! Sessions (D1 read replication) do not exist here: an object is its own single database.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use worker::js_sys::{Array, Function, Reflect};
use worker::wasm_bindgen::closure::Closure;
use worker::wasm_bindgen::{JsCast, JsValue};

use super::js::{array_cells, bind_value, js_message};
use super::ledger::{LedgerConn, apply_pending};
use crate::error::{Error, Result};
use crate::exec::{ExecMeta, Executor, Output, Row, Usage};
use crate::sql::statement::Statement;
use crate::sql::text::cast_integer_params;
use crate::sql::value::Value;

/// A Durable Object's SQLite storage as a mizzle executor.
#[derive(Clone)]
pub struct DurableExecutor {
    sql: JsValue,
    storage: JsValue,
    /// Rows read and written, once [`Executor::track_usage`] asked (each cursor's
    /// `rowsRead` and `rowsWritten`).
    usage: Tally,
}

/// Usage counted by the statements of one executor (shared with its clones).
type Tally = Rc<Cell<Option<Usage>>>;

/// Adds `cursor`'s rows read and written to `tally`, when counting.
fn count(tally: &Tally, cursor: &JsValue) {
    let Some(mut u) = tally.get() else { return };
    let number = |name: &str| {
        Reflect::get(cursor, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0) as u64
    };
    u.add(number("rowsRead"), number("rowsWritten"), 0.0);
    tally.set(Some(u));
}

impl std::fmt::Debug for DurableExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DurableExecutor")
    }
}

impl DurableExecutor {
    /// The storage of the object `storage` belongs to (no migrations applied: see [`open`](crate::durable::open)).
    pub fn new(storage: &worker::Storage) -> Self {
        DurableExecutor {
            sql: storage.sql().as_ref().clone(),
            storage: AsRef::<JsValue>::as_ref(storage.as_raw()).clone(),
            usage: Tally::default(),
        }
    }

    /// Applies the pending migrations; the names applied.
    pub fn migrate(&self, migrations: &[(&str, &str)]) -> Result<Vec<String>> {
        apply_pending(self, migrations)
    }

    /// Runs `stmts` inside `storage.transactionSync`: all of them, or, when one fails, none
    /// (the failing one's position with its error). With `writes_meta`, a statement whose
    /// columns mizzle does not know (a write) also reports its changes and last rowid.
    fn transaction(
        &self,
        stmts: Vec<Statement>,
        writes_meta: bool,
    ) -> std::result::Result<Vec<Output>, (usize, Error)> {
        let sql = self.sql.clone();
        let tally = self.usage.clone();
        let state: Rc<RefCell<TransactionState>> = Rc::default();
        let inner = state.clone();
        let body = Closure::once(move || -> std::result::Result<JsValue, JsValue> {
            for (i, stmt) in stmts.iter().enumerate() {
                match run(&sql, stmt, writes_meta && stmt.columns.is_none(), &tally) {
                    Ok(out) => inner.borrow_mut().0.push(out),
                    Err(e) => {
                        inner.borrow_mut().1 = Some((i, e));
                        // Thrown, so transactionSync rolls everything back.
                        return Err(JsValue::from_str("mizzle: statement failed, rolled back"));
                    }
                }
            }
            Ok(JsValue::UNDEFINED)
        });
        let result = call(
            &self.storage,
            "transactionSync",
            &Array::of1(body.as_ref().unchecked_ref()),
        );
        drop(body);
        let (outputs, failure) = std::mem::take(&mut *state.borrow_mut());
        match (result, failure) {
            (_, Some(failed)) => Err(failed),
            (Ok(_), None) => Ok(outputs),
            (Err(e), None) => Err((
                0,
                Error::Other(format!("transactionSync failed: {}", js_message(&e))),
            )),
        }
    }
}

/// What a transaction's statements produced, and where it failed.
type TransactionState = (Vec<Output>, Option<(usize, Error)>);

/// Calls the JS method `name` of `target` with `args`.
fn call(target: &JsValue, name: &str, args: &Array) -> std::result::Result<JsValue, JsValue> {
    Reflect::get(target, &JsValue::from_str(name))?
        .dyn_into::<Function>()?
        .apply(target, args)
}

/// Runs one statement on `sql` (the object's `SqlStorage`), reading its cursor to the end.
/// With `meta`, also reads `changes()` and `last_insert_rowid()` (a write).
fn run(sql: &JsValue, stmt: &Statement, meta: bool, tally: &Tally) -> Result<Output> {
    let text = cast_integer_params(&stmt.sql, &stmt.params);
    let (cursor, arrays) = exec(sql, &text, &stmt.params)?;
    // Read to the end: its counts are final.
    count(tally, &cursor);
    let reported: Option<Arc<[String]>> = match &stmt.columns {
        Some(_) => None,
        None => Reflect::get(&cursor, &JsValue::from_str("columnNames"))
            .ok()
            .map(|names| {
                Array::from(&names)
                    .iter()
                    .map(|n| n.as_string().unwrap_or_default())
                    .collect()
            }),
    };
    let mut rows = Vec::with_capacity(arrays.length() as usize);
    for row in arrays.iter() {
        let mut values = Vec::new();
        array_cells(&row, &mut values, &stmt.sql)?;
        rows.push(Row::for_statement(
            stmt.columns.as_ref(),
            reported.as_ref(),
            values,
        ));
    }
    let meta = if meta {
        const META: &str = "SELECT changes(), last_insert_rowid()";
        let (_, rows) = exec(sql, META, &[])?;
        let mut values = Vec::new();
        array_cells(&rows.get(0), &mut values, META)?;
        match values.as_slice() {
            [Value::Integer(changes), Value::Integer(last)] => ExecMeta {
                rows_affected: *changes as u64,
                last_insert_id: *last,
            },
            _ => ExecMeta::default(),
        }
    } else {
        ExecMeta::default()
    };
    Ok(Output { rows, meta })
}

/// `sql.exec(text, ...params)`: the cursor, and its rows read to the end with `raw()` (an
/// unread `RETURNING` cursor would fail the request).
fn exec(sql: &JsValue, text: &str, params: &[Value]) -> Result<(JsValue, Array)> {
    let args = Array::new();
    args.push(&JsValue::from_str(text));
    for p in params {
        args.push(&bind_value(p)?);
    }
    let fail = |e: JsValue| Error::database(js_message(&e), text);
    let cursor = call(sql, "exec", &args).map_err(fail)?;
    let rows = call(&cursor, "raw", &Array::new()).map_err(fail)?;
    Ok((cursor, Array::from(&rows)))
}

impl LedgerConn for DurableExecutor {
    fn run(&self, sql: &str, params: &[Value]) -> Result<Vec<Vec<Value>>> {
        let out = run(
            &self.sql,
            &Statement::new(sql, params.to_vec()),
            false,
            &Tally::default(),
        )?;
        Ok(out.rows.into_iter().map(Row::into_values).collect())
    }

    fn run_atomically(&self, stmts: Vec<Statement>) -> std::result::Result<(), (usize, Error)> {
        // Run for their effect: no changes() read after each.
        self.transaction(stmts, false).map(drop)
    }
}

impl Executor for DurableExecutor {
    async fn query(&self, stmt: Statement) -> Result<Vec<Row>> {
        Ok(run(&self.sql, &stmt, false, &self.usage)?.rows)
    }

    async fn execute(&self, stmt: Statement) -> Result<ExecMeta> {
        Ok(run(&self.sql, &stmt, true, &self.usage)?.meta)
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
        self.transaction(stmts, true)
            .map_err(|(i, e)| e.in_batch(i))
    }
}
