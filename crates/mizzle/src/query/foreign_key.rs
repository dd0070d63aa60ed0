//! Saying which foreign key failed. SQLite (so D1 and Durable Objects too) reports only
//! `FOREIGN KEY constraint failed`, whichever of a table's references it was: an RSVP to an
//! unknown event and one to an unknown person read the same. On that error, and only then,
//! the write's [`Probe`] asks the database which reference has no row behind it (an
//! insert's or update's values: the parent row that is missing) or which still has rows
//! pointing at it (a delete: the child rows in the way), and the error's message names it:
//!
//! `FOREIGN KEY constraint failed: rsvps.event_id: no `events` row has id = 7`
//!
//! A write whose statement was itself the parent (a row of the same insert, or of a batch
//! rolled back with it) is not blamed on a guess: the message then lists the table's
//! references instead of naming one.

use crate::db::Db;
use crate::error::{DbErrorKind, Error, Result};
use crate::exec::Executor;
use crate::expr::Expr;
use crate::sql::statement::Statement;
use crate::sql::text::push_ident;
use crate::sql::value::Value;
use crate::table::{ForeignKey, SetValues, Table};

/// How many distinct values of one reference are looked up (a larger insert names the
/// first missing parent among them, else falls back to the list of references).
const MAX_VALUES: usize = 1000;

/// What a write needs to explain a foreign key failure: taken before it is sent, cheaply
/// (the values of referencing columns only, which are nearly always a few integers).
#[doc(hidden)]
pub enum Probe {
    /// The table references nothing and nothing references it.
    Nothing,
    /// Values written into referencing columns.
    Child(Box<Written>),
    /// The rows a delete removes: those of `table` matching `filter`.
    Parent {
        table: &'static str,
        referenced_by: &'static [ForeignKey],
        filter: Option<Expr>,
        /// Child tables not blamed (earlier items of a batch wrote to them).
        skip_children: Vec<&'static str>,
    },
}

/// The referencing values an insert or update writes.
#[doc(hidden)]
pub struct Written {
    table: &'static str,
    fks: &'static [ForeignKey],
    /// (which of `fks`, which row, the value written); NULLs left out.
    values: Vec<(usize, usize, Value)>,
    rows: usize,
    /// For a reference to the table itself: the keys the statement's own rows carry
    /// (`None`: some row's key is chosen by the database, so any value may be one of them).
    own_keys: Option<Vec<Value>>,
}

impl Probe {
    /// For an insert of `rows` into `T`; `from_last`: the column the rows take from an
    /// earlier insert of the batch (its values are placeholders, not looked up).
    pub(crate) fn insert<T: Table>(
        rows: &[Vec<(&'static str, Value)>],
        from_last: Option<&str>,
    ) -> Probe {
        if T::FOREIGN_KEYS.is_empty() {
            return Probe::Nothing;
        }
        let mut values = Vec::new();
        for (r, row) in rows.iter().enumerate() {
            for (f, fk) in T::FOREIGN_KEYS.iter().enumerate() {
                if from_last == Some(fk.column) {
                    continue;
                }
                if let Some((_, v)) = row.iter().find(|(c, _)| *c == fk.column)
                    && *v != Value::Null
                {
                    values.push((f, r, v.clone()));
                }
            }
        }
        let own_keys = own_keys::<T>(rows);
        Probe::Child(Box::new(Written {
            table: T::NAME,
            fks: T::FOREIGN_KEYS,
            values,
            rows: rows.len(),
            own_keys,
        }))
    }

    /// For an update of `T` that sets `set`.
    pub(crate) fn update<T: Table>(set: &SetValues) -> Probe {
        if T::FOREIGN_KEYS.is_empty() {
            return Probe::Nothing;
        }
        let mut values = Vec::new();
        for (f, fk) in T::FOREIGN_KEYS.iter().enumerate() {
            let column = T::COLUMNS.iter().position(|c| *c == fk.column);
            if let Some(v) = column.and_then(|c| set.get(c))
                && *v != Value::Null
            {
                values.push((f, 0, v.clone()));
            }
        }
        if values.is_empty() {
            // It writes no reference: a failure is about the rows pointing at it.
            return Probe::Nothing;
        }
        Probe::Child(Box::new(Written {
            table: T::NAME,
            fks: T::FOREIGN_KEYS,
            values,
            rows: 1,
            // The rows updated keep their keys: any value may be one of them.
            own_keys: None,
        }))
    }

    /// For a delete of the rows of `T` matching `filter`.
    pub(crate) fn delete<T: Table>(filter: &Option<Expr>) -> Probe {
        if T::REFERENCED_BY.is_empty() {
            return Probe::Nothing;
        }
        Probe::Parent {
            table: T::NAME,
            referenced_by: T::REFERENCED_BY,
            filter: filter.clone(),
            skip_children: Vec::new(),
        }
    }

    /// The same probe in a batch after items that wrote to `written` (rolled back with the
    /// failure, so what they wrote is gone when the probe looks): references to or from
    /// those tables are not blamed. `None`: an earlier item may have written anywhere, so
    /// none is (the message lists the references instead).
    pub(crate) fn after(self, written: Option<&[&'static str]>) -> Probe {
        match self {
            Probe::Nothing => Probe::Nothing,
            Probe::Child(mut w) => {
                let fks = w.fks;
                let gone = |f: usize| written.is_none_or(|t| t.contains(&fks[f].parent));
                w.values.retain(|(f, _, _)| !gone(*f));
                Probe::Child(w)
            }
            Probe::Parent {
                table,
                referenced_by,
                filter,
                skip_children: _,
            } => Probe::Parent {
                table,
                referenced_by,
                filter,
                skip_children: match written {
                    Some(t) => t.to_vec(),
                    None => referenced_by.iter().map(|fk| fk.table).collect(),
                },
            },
        }
    }

    /// `write`'s result, a foreign key failure explained.
    pub(crate) async fn explain_failure<E: Executor, T>(
        self,
        db: &Db<E>,
        write: impl Future<Output = Result<T>>,
    ) -> Result<T> {
        match write.await {
            Ok(done) => Ok(done),
            Err(e) => Err(self.explain(db, e).await),
        }
    }

    /// `error` with its foreign key named, when it is a foreign key failure this probe can
    /// explain; any other error as it is. The questions and the answers' reading are plain
    /// code; only the loop that sends them is generic (one copy per executor in a Worker).
    pub(crate) async fn explain<E: Executor>(self, db: &Db<E>, error: Error) -> Error {
        let Error::Database {
            kind: DbErrorKind::ForeignKeyViolation,
            message,
            sql,
            statement,
        } = error
        else {
            return error;
        };
        let questions = self.questions();
        let mut found = None;
        for (i, q) in questions.into_iter().enumerate() {
            let Some(q) = q else { continue };
            if let Ok(rows) = db.query(q).await
                && let Some(m) = self.answer(i, &rows)
            {
                found = Some(m);
                break;
            }
        }
        Error::Database {
            kind: DbErrorKind::ForeignKeyViolation,
            message: found.unwrap_or_else(|| self.unexplained(&message)),
            sql,
            statement,
        }
    }

    /// The statements that would tell which reference failed, in the order they are asked:
    /// per reference of the written values, the first value no parent row has; per
    /// restricting reference to deleted rows, whether a child row points at one.
    /// `None` for a reference there is nothing to ask about.
    fn questions(&self) -> Vec<Option<Statement>> {
        match self {
            Probe::Nothing => Vec::new(),
            Probe::Child(w) => (0..w.fks.len())
                .map(|f| w.distinct(f).and_then(|v| missing_statement(&w.fks[f], &v)))
                .collect(),
            Probe::Parent {
                table,
                referenced_by,
                filter,
                skip_children,
            } => referenced_by
                .iter()
                .map(|fk| {
                    restricting(fk, table, skip_children)
                        .then(|| children_statement(fk, table, filter))
                })
                .collect(),
        }
    }

    /// The message question `i`'s answer `rows` gives, if it names the reference.
    fn answer(&self, i: usize, rows: &[crate::exec::Row]) -> Option<String> {
        let first = rows.first()?;
        match self {
            Probe::Nothing => None,
            Probe::Child(w) => {
                let missing = first.values().first()?.clone();
                Some(w.missing_message(i, &missing))
            }
            Probe::Parent {
                table,
                referenced_by,
                ..
            } => {
                let fk = &referenced_by[i];
                Some(format!(
                    "FOREIGN KEY constraint failed: {}.{}: `{}` rows still reference the `{table}` \
                     rows this deletes (on_delete = \"{}\"): delete or re-point them first, or \
                     declare the reference with on_delete = \"cascade\" or \"set null\"",
                    fk.table, fk.column, fk.table, fk.on_delete
                ))
            }
        }
    }

    /// The message when no reference could be named.
    fn unexplained(&self, message: &str) -> String {
        match self {
            Probe::Nothing => message.to_owned(),
            Probe::Child(w) => unexplained(message, w.table, w.fks, PARENTS_THERE),
            Probe::Parent {
                table,
                referenced_by,
                ..
            } => unexplained(message, table, referenced_by, NO_CHILD_IN_THE_WAY),
        }
    }
}

impl Written {
    /// The distinct values written into reference `f` that may lack a parent (none of the
    /// statement's own keys), at most [`MAX_VALUES`]; `None` when there are none to ask
    /// about, or when a row of this very statement may be the parent (not blamed on a guess).
    fn distinct(&self, f: usize) -> Option<Vec<&Value>> {
        let fk = &self.fks[f];
        let own_table = fk.parent == self.table;
        if own_table && self.own_keys.is_none() {
            return None;
        }
        let mut distinct: Vec<&Value> = Vec::new();
        for (_, _, v) in self.values.iter().filter(|(i, _, _)| *i == f) {
            let own = own_table && self.own_keys.as_ref().is_some_and(|k| k.contains(v));
            if !own && !distinct.contains(&v) && distinct.len() < MAX_VALUES {
                distinct.push(v);
            }
        }
        (!distinct.is_empty()).then_some(distinct)
    }

    /// `rsvps.event_id: no `events` row has id = 7 (row 3 of 10)`.
    fn missing_message(&self, f: usize, missing: &Value) -> String {
        let fk = &self.fks[f];
        // The JSON round trip gives integers and text back as they went in; a value that
        // comes back otherwise (a real) is matched by its text.
        let row = self
            .values
            .iter()
            .find(|(i, _, v)| *i == f && (v == missing || v.to_string() == missing.to_string()))
            .map(|(_, r, _)| *r);
        let mut m = format!(
            "FOREIGN KEY constraint failed: {}.{}: no `{}` row has {} = {missing}",
            fk.table, fk.column, fk.parent, fk.parent_column
        );
        if let (Some(r), true) = (row, self.rows > 1) {
            m.push_str(&format!(" (row {} of {})", r + 1, self.rows));
        }
        m
    }
}

/// Whether `fk` (a reference to `table`) can fail a delete by itself: `restrict` or `no
/// action`, not from `table` itself (its rows may point at rows the same delete removes),
/// and not from a table an earlier item of the batch wrote.
fn restricting(fk: &ForeignKey, table: &str, skip_children: &[&'static str]) -> bool {
    fk.table != table
        && !skip_children.contains(&fk.table)
        && matches!(fk.on_delete, "restrict" | "no action")
}

/// `SELECT 1 FROM child WHERE child.col IN (SELECT parent.key FROM parent WHERE …) LIMIT 1`.
fn children_statement(fk: &ForeignKey, table: &str, filter: &Option<Expr>) -> Statement {
    let mut sql = String::from("SELECT 1 FROM ");
    push_ident(&mut sql, fk.table);
    sql.push_str(" WHERE ");
    push_ident(&mut sql, fk.table);
    sql.push('.');
    push_ident(&mut sql, fk.column);
    sql.push_str(" IN (SELECT ");
    push_ident(&mut sql, table);
    sql.push('.');
    push_ident(&mut sql, fk.parent_column);
    sql.push_str(" FROM ");
    push_ident(&mut sql, table);
    let mut params = Vec::new();
    super::select::push_where(&mut sql, &mut params, filter);
    sql.push_str(") LIMIT 1");
    Statement::new(sql, params)
}

/// The keys `rows` give the columns that `T`'s references to itself point at; `None` when
/// a row leaves one to the database, or there is no such reference.
fn own_keys<T: Table>(rows: &[Vec<(&'static str, Value)>]) -> Option<Vec<Value>> {
    let mut keys = Vec::new();
    for fk in T::FOREIGN_KEYS.iter().filter(|fk| fk.parent == T::NAME) {
        for row in rows {
            let (_, v) = row.iter().find(|(c, _)| *c == fk.parent_column)?;
            keys.push(v.clone());
        }
    }
    Some(keys)
}

/// `SELECT value FROM json_each(?) WHERE no parent row has it LIMIT 1`: one statement and
/// one bound value for any number of values. `None` for a value JSON cannot carry (a blob).
fn missing_statement(fk: &ForeignKey, values: &[&Value]) -> Option<Statement> {
    if values
        .iter()
        .any(|v| !matches!(v, Value::Integer(_) | Value::Real(_) | Value::Text(_)))
    {
        return None;
    }
    let values: Vec<Value> = values.iter().map(|v| (*v).clone()).collect();
    let mut sql = String::from(
        "SELECT \"j\".\"value\" FROM json_each(?) AS \"j\" WHERE NOT EXISTS (SELECT 1 FROM ",
    );
    push_ident(&mut sql, fk.parent);
    sql.push_str(" WHERE ");
    push_ident(&mut sql, fk.parent);
    sql.push('.');
    push_ident(&mut sql, fk.parent_column);
    sql.push_str(" = \"j\".\"value\") LIMIT 1");
    Some(Statement::new(
        sql,
        vec![Value::Text(crate::expr::json_array(&values))],
    ))
}

const PARENTS_THERE: &str = "each parent row was there when mizzle looked afterwards: a row of \
     the same statement or batch may have been the parent";
const NO_CHILD_IN_THE_WAY: &str = "mizzle found no restricting reference with rows in the way \
     afterwards: a cascade further down, or a reference of the table to itself, may have failed";

/// The message when no single reference could be named: the driver's, and the references
/// it may have been.
fn unexplained(message: &str, table: &str, fks: &[ForeignKey], why: &str) -> String {
    if fks.is_empty() {
        return message.to_owned();
    }
    let list: Vec<String> = fks
        .iter()
        .map(|fk| {
            format!(
                "{}.{} → {}.{}",
                fk.table, fk.column, fk.parent, fk.parent_column
            )
        })
        .collect();
    format!(
        "{message} (on `{table}`; one of: {}; {why})",
        list.join(", ")
    )
}
