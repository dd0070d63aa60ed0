//! The query builders: select, insert, update, delete and raw SQL.
//!
//! Every builder renders to [`Statement`]s (SQL + bound values together, so they cannot
//! drift) and is checked against [`Limits`] before anything is sent.

use crate::expr::and_filter;
use crate::sql::text::limit_clause;
use std::marker::PhantomData;

use crate::call::{Call, Either};
use crate::expr::{Condition, Expr, Order, Qual};
use crate::join::{From_, JoinSelect, Opt, Project, Projection, Req, ToStatement};

/// The join of `T` and `U`, `U`'s row part being `P`.
type Join2<'a, E, T, U, P> = JoinSelect<'a, E, (T, U), (Req<T>, P)>;
use crate::relation::{Load, Relation};
use crate::scope::Covers;
use crate::table::rare;
use crate::value_expr::{Node, Val};
use crate::{
    Column, Columns, Error, ExecMeta, Executor, FromRow, Insertable, Output, Patch, Result, Row,
    SetValues, Statement, Table, Value, push_ident,
};

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
    fn value_passes(&self, v: &Value) -> bool {
        match v {
            Value::Null => true,
            Value::Integer(i) => {
                !self.exact_integers_only || i.unsigned_abs() <= crate::MAX_SAFE_INTEGER as u64
            }
            Value::Real(r) => r.is_finite() || (r.is_infinite() && !self.exact_integers_only),
            Value::Text(t) => t.len() <= self.max_value_len && !may_be_deep_json(t),
            Value::Blob(b) => b.len() <= self.max_value_len,
        }
    }

    /// The error [`Limits::check`] reports (`Ok` when there is none after all).
    #[cfg_attr(not(target_arch = "wasm32"), cold)]
    #[inline(never)]
    fn explain(&self, stmt: &Statement) -> Result<()> {
        if stmt.params.len() > self.max_params {
            return Err(Error::Limit(format!(
                "statement binds {} parameters; the limit is {} (D1 rejects more with \
                 \"too many SQL variables\"): `{}`",
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
                "statement is {} bytes of SQL; the limit is {} (D1 rejects longer ones with \
                 SQLITE_TOOBIG): `{}`",
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
                if self.exact_integers_only
                    && i.unsigned_abs() > crate::MAX_SAFE_INTEGER as u64 =>
            {
                Err(Error::IntegerOutOfRange(*i))
            }
            Value::Real(r) if r.is_nan() => Err(Error::InvalidValue(
                "NaN cannot be stored: SQLite turns it into NULL".into(),
            )),
            Value::Real(r) if r.is_infinite() && self.exact_integers_only => {
                Err(Error::InvalidValue(format!(
                    "{r} cannot cross D1's JSON boundary and would come back as NULL"
                )))
            }
            Value::Text(t) if t.len() > self.max_value_len => Err(Error::Limit(format!(
                "a text value of {} bytes is over the limit of {} per value (D1 refuses it with SQLITE_TOOBIG)",
                t.len(),
                self.max_value_len
            ))),
            Value::Blob(b) if b.len() > self.max_value_len => Err(Error::Limit(format!(
                "a blob of {} bytes is over the limit of {} per value (D1 refuses it with SQLITE_TOOBIG)",
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
fn record_len<'v>(values: impl IntoIterator<Item = &'v Value>) -> usize {
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
fn may_be_deep_json(text: &str) -> bool {
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
fn json_too_deep(text: &str) -> bool {
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

fn abbreviate(sql: &str) -> &str {
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

/// A database: an executor plus the limits its statements must respect.
///
/// The same API runs on D1 (wasm32) and on native SQLite.
#[derive(Debug, Clone)]
pub struct Db<E> {
    exec: E,
    limits: Limits,
}

impl<E: Executor> Db<E> {
    /// Wraps an executor, with D1's limits.
    pub fn new(exec: E) -> Self {
        Db {
            exec,
            limits: Limits::D1,
        }
    }

    /// Replaces the limits (e.g. [`Limits::SQLITE`] for plain SQLite).
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The executor.
    pub fn executor(&self) -> &E {
        &self.exec
    }

    /// `SELECT` rows of `table`.
    pub fn select<T: Table>(&self, _table: T) -> Select<'_, E, T> {
        Select {
            db: self,
            filter: None,
            order: Vec::new(),
            limit: None,
            offset: None,
            _t: PhantomData,
        }
    }

    /// `INSERT` into `table`: follow with `.values(..)` or `.values_many(..)`.
    pub fn insert<T: Table>(&self, _table: T) -> InsertInto<'_, E, T> {
        InsertInto {
            db: self,
            _t: PhantomData,
        }
    }

    /// `UPDATE` `table`: follow with `.set(patch)`.
    pub fn update<T: Table>(&self, _table: T) -> UpdateTable<'_, E, T> {
        UpdateTable {
            db: self,
            _t: PhantomData,
        }
    }

    /// `DELETE FROM` `table`.
    pub fn delete<T: Table>(&self, _table: T) -> Delete<'_, E, T> {
        Delete {
            db: self,
            filter: None,
            _t: PhantomData,
        }
    }

    /// Raw SQL with `?` placeholders bound to `params`: the escape hatch.
    pub fn raw(
        &self,
        sql: impl Into<String>,
        params: impl IntoIterator<Item = Value>,
    ) -> Raw<'_, E> {
        Raw {
            db: self,
            stmt: Statement::new(sql, params.into_iter().collect()),
        }
    }

    /// Runs prebuilt statements atomically as one batch (one round trip on D1).
    pub async fn batch_statements(&self, stmts: Vec<Statement>) -> Result<Vec<Output>> {
        if stmts.is_empty() {
            return Ok(Vec::new());
        }
        for s in &stmts {
            self.limits.check(s)?;
        }
        self.exec.batch(stmts).await
    }

    /// Runs prebuilt statements atomically as one batch, handing each result row to `each`
    /// with its statement's index as the database yields it.
    pub(crate) async fn batch_statements_each(
        &self,
        stmts: Vec<Statement>,
        each: impl FnMut(usize, &mut crate::RowReader<'_>) -> Result<()>,
    ) -> Result<()> {
        if stmts.is_empty() {
            return Ok(());
        }
        for s in &stmts {
            self.limits.check(s)?;
        }
        self.exec.batch_each(stmts, each).await
    }

    /// `send` of `stmt` to the executor once it is checked against the limits, else the
    /// refusal (a [`Call`]: nothing reaches the database before it is awaited).
    fn checked<'s, F, T>(
        &'s self,
        stmt: Statement,
        send: impl FnOnce(&'s E, Statement) -> F,
    ) -> Call<F, T> {
        match self.limits.check(&stmt) {
            Ok(()) => Call::Sent(send(&self.exec, stmt)),
            Err(e) => Call::refused(e),
        }
    }

    /// Checks `stmt` against the limits and runs it for its rows.
    pub(crate) fn query(
        &self,
        stmt: Statement,
    ) -> Call<impl Future<Output = Result<Vec<Row>>>, Vec<Row>> {
        self.checked(stmt, E::query)
    }

    fn query_as<R: FromRow>(
        &self,
        stmt: Statement,
    ) -> Call<impl Future<Output = Result<Vec<R>>>, Vec<R>> {
        self.checked(stmt, E::query_as)
    }

    fn query_first_as<R: FromRow>(
        &self,
        stmt: Statement,
    ) -> Call<impl Future<Output = Result<Option<R>>>, Option<R>> {
        self.checked(stmt, E::query_first_as)
    }

    /// Checks `stmt` against the limits and decodes its rows by position with `decode`.
    pub(crate) fn query_positional<T>(
        &self,
        stmt: Statement,
        decode: fn(&mut crate::RowReader<'_>) -> Result<T>,
    ) -> Call<impl Future<Output = Result<Vec<T>>>, Vec<T>> {
        self.checked(stmt, |exec, stmt| exec.query_positional(stmt, decode))
    }

    fn execute(&self, stmt: Statement) -> Call<impl Future<Output = Result<ExecMeta>>, ExecMeta> {
        self.checked(stmt, E::execute)
    }

    /// Runs one or more statements: alone when there is one, as one atomic batch otherwise.
    async fn run_all(&self, stmts: Vec<Statement>, want_rows: bool) -> Result<Output> {
        match stmts.len() {
            0 => Ok(Output::default()),
            1 => {
                let stmt = stmts.into_iter().next().expect("one statement");
                if want_rows {
                    Ok(Output {
                        rows: self.query(stmt).await?,
                        meta: ExecMeta::default(),
                    })
                } else {
                    Ok(Output {
                        rows: Vec::new(),
                        meta: self.execute(stmt).await?,
                    })
                }
            }
            _ => {
                let outputs = self.batch_statements(stmts).await?;
                let mut all = Output::default();
                for o in outputs {
                    all.rows.extend(o.rows);
                    all.meta.rows_affected += o.meta.rows_affected;
                    if o.meta.last_insert_id != 0 {
                        all.meta.last_insert_id = o.meta.last_insert_id;
                    }
                }
                Ok(all)
            }
        }
    }
}

/// `SELECT <select_list> FROM <table> [WHERE …] [ORDER BY …] [LIMIT … OFFSET …]`: compiled
/// once, whatever the table.
fn render_select(
    table_sql: &str,
    select_list: &str,
    filter: &Option<Expr>,
    order: &[(crate::value_expr::Node, bool)],
    (limit, offset): (Option<u64>, Option<u64>),
) -> Statement {
    let mut sql = String::with_capacity(64 + select_list.len());
    sql.push_str("SELECT ");
    sql.push_str(select_list);
    sql.push_str(" FROM ");
    sql.push_str(table_sql);
    let mut params = Vec::with_capacity(4);
    if let Some(f) = filter {
        sql.push_str(" WHERE ");
        f.render(&mut sql, &mut params);
    }
    for (i, (node, desc)) in order.iter().enumerate() {
        sql.push_str(if i == 0 { " ORDER BY " } else { ", " });
        node.render(Qual::Own, &mut sql, &mut params);
        if *desc {
            sql.push_str(" DESC");
        }
    }
    limit_clause(&mut sql, limit, offset);
    Statement::new(sql, params)
}

fn column_list<T: Table>() -> &'static str {
    T::COLUMNS_SQL
}

fn columns_of<T: Table>() -> Option<Columns> {
    Some(Columns::Table(T::COLUMNS))
}

/// Finishes a write statement, with `RETURNING` every column when asked.
fn returning_clause<T: Table>(mut sql: String, params: Vec<Value>, returning: bool) -> Statement {
    if returning {
        sql.push_str(" RETURNING ");
        sql.push_str(column_list::<T>());
    }
    let mut stmt = Statement::new(sql, params);
    if returning {
        stmt.columns = columns_of::<T>();
    }
    stmt
}

fn push_where(sql: &mut String, params: &mut Vec<Value>, filter: &Option<Expr>) {
    if let Some(f) = filter {
        sql.push_str(" WHERE ");
        f.render(sql, params);
    }
}

/// A `SELECT` on table `T`.
#[must_use = "a query does nothing until `.get()`, `.all()` or `.count()` is awaited"]
pub struct Select<'a, E, T> {
    db: &'a Db<E>,
    filter: Option<Expr>,
    order: Vec<(Node, bool)>,
    limit: Option<u64>,
    offset: Option<u64>,
    _t: PhantomData<T>,
}

impl<'a, E: Executor, T: Table> Select<'a, E, T> {
    /// Adds a `WHERE` condition (several are ANDed): on this table's columns, or built with
    /// `&`/`|` from conditions on them, or on a relation (`users::posts.any(..)`).
    pub fn filter<S, I>(mut self, condition: Condition<S>) -> Self
    where
        T: Covers<S, I>,
    {
        and_filter(&mut self.filter, condition.into_expr());
        self
    }

    /// Adds an `ORDER BY` term (`users::name`, `users::created_at.desc()`, an expression).
    pub fn order_by<S, I>(mut self, order: impl Into<Order<S>>) -> Self
    where
        T: Covers<S, I>,
    {
        let o = order.into();
        self.order.push((o.term, o.descending));
        self
    }

    fn into_from(self) -> (&'a Db<E>, From_) {
        (
            self.db,
            From_ {
                base: (T::NAME, T::NAME),
                joins: Vec::new(),
                filter: self.filter,
                order: self.order,
                limit: self.limit,
                offset: self.offset,
            },
        )
    }

    fn joined(self) -> JoinSelect<'a, E, (T,), (Req<T>,)> {
        let (db, from) = self.into_from();
        JoinSelect {
            db,
            from,
            _m: PhantomData,
        }
    }

    /// `INNER JOIN u ON condition`: rows become `(T::Row, U::Row)` tuples. The condition
    /// compares columns of both (`posts::author_id.eq_col(users::id)`).
    pub fn inner_join<U: crate::scope::Source, S, I>(
        self,
        u: U,
        on: Condition<S>,
    ) -> Join2<'a, E, T, U, Req<U>>
    where
        (T, U): Covers<S, I>,
    {
        self.joined().inner_join(u, on)
    }

    /// `LEFT JOIN u ON condition`: rows become `(T::Row, Option<U::Row>)`, `None` where
    /// nothing matched.
    pub fn left_join<U: crate::scope::Source, S, I>(
        self,
        u: U,
        on: Condition<S>,
    ) -> Join2<'a, E, T, crate::scope::LeftJoined<U>, Opt<U>>
    where
        (T, crate::scope::LeftJoined<U>): Covers<S, I>,
    {
        self.joined().left_join(u, on)
    }

    /// Inner join through a declared relation (`.join_rel(users::posts)`).
    pub fn join_rel<R: Relation<Parent = T>, L>(
        self,
        rel: Load<R, L>,
    ) -> Join2<'a, E, T, R::Child, Req<R::Child>> {
        self.joined().join_rel(rel)
    }

    /// Left join through a declared relation: `None` where there is no related row.
    pub fn left_join_rel<R: Relation<Parent = T>, L>(
        self,
        rel: Load<R, L>,
    ) -> Join2<'a, E, T, crate::scope::LeftJoined<R::Child>, Opt<R::Child>> {
        self.joined().left_join_rel(rel)
    }

    /// Selects chosen columns and expressions instead of whole rows: a column, an
    /// aggregate (`count_all()`, `sum(posts::rating)`), or a tuple of them.
    pub fn columns<P: Projection<T, I>, I>(self, projection: P) -> Project<'a, E, T, P, I> {
        let (db, from) = self.into_from();
        Project::new(db, from, projection)
    }

    /// `LIMIT n`.
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self
    }

    /// `OFFSET n`.
    pub fn offset(mut self, n: u64) -> Self {
        self.offset = Some(n);
        self
    }

    /// The statement, every column qualified by the table's name (so it also stands
    /// inside another statement).
    fn render(&self, select_list: &str, limit: Option<u64>) -> Statement {
        render_select(
            T::NAME_SQL,
            select_list,
            &self.filter,
            &self.order,
            (limit, self.offset),
        )
    }

    /// The database it runs on.
    pub(crate) fn db(&self) -> &'a Db<E> {
        self.db
    }

    /// The statement `.all()` sends.
    pub fn to_statement(&self) -> Statement {
        let mut stmt = self.render(column_list::<T>(), self.limit);
        stmt.columns = columns_of::<T>();
        stmt
    }

    /// All matching rows.
    pub fn all(self) -> impl Future<Output = Result<Vec<T::Row>>> + use<'a, E, T> {
        self.db.query_as(self.to_statement())
    }

    /// The first matching row, if any (`LIMIT 1`).
    pub fn get(self) -> impl Future<Output = Result<Option<T::Row>>> + use<'a, E, T> {
        let limit = Some(self.limit.map_or(1, |l| l.min(1)));
        let mut stmt = self.render(column_list::<T>(), limit);
        stmt.columns = columns_of::<T>();
        self.db.query_first_as(stmt)
    }

    /// The number of matching rows (respecting limit and offset).
    pub async fn count(self) -> Result<i64> {
        let stmt = if self.limit.is_some() || self.offset.is_some() {
            let inner = self.render("1", self.limit);
            Statement::new(
                format!("SELECT count(*) FROM ({})", inner.sql),
                inner.params,
            )
        } else {
            self.render("count(*)", None)
        };
        let rows = self.db.query(stmt).await?;
        let cell = rows
            .into_iter()
            .next()
            .and_then(|r| r.values().first().cloned());
        match cell {
            Some(Value::Integer(n)) => Ok(n),
            other => Err(Error::Other(format!("count(*) returned {other:?}"))),
        }
    }
}

impl<E: Executor, T: Table> ToStatement for Select<'_, E, T> {
    fn to_statement_q(&self) -> Statement {
        self.render("1", self.limit)
    }
}

/// Rows of one insert may leave out different nullable columns (their insert structs omit
/// an unset one, which is NULL either way). So that they still share one statement shape,
/// a column one row sets is bound as NULL in the rows that left it out, and each row's
/// columns are put in table order. Rows that all set the same columns are left as they are.
fn pad_omitted_nulls(table: &TableMeta, rows: &mut [RowValues]) {
    if rows.len() < 2 || table.null_when_omitted.is_empty() {
        return;
    }
    let has = |row: &RowValues, col: &str| row.iter().any(|(c, _)| *c == col);
    let set_somewhere: Vec<&'static str> = table
        .null_when_omitted
        .iter()
        .copied()
        .filter(|col| rows.iter().any(|r| has(r, col)))
        .collect();
    if set_somewhere
        .iter()
        .all(|col| rows.iter().all(|r| has(r, col)))
    {
        return;
    }
    for row in rows.iter_mut() {
        for col in &set_somewhere {
            if !has(row, col) {
                row.push((col, Value::Null));
            }
        }
        // Into table order (a row has at most a few dozen columns: no sort routine needed
        // in every Worker's wasm for this).
        let mut ordered = Vec::with_capacity(row.len());
        for col in table.columns {
            if let Some(i) = row.iter().position(|(c, _)| c == col) {
                ordered.push(row.swap_remove(i));
            }
        }
        ordered.append(row);
        *row = ordered;
    }
}

/// One row's (column, value) pairs.
type RowValues = Vec<(&'static str, Value)>;

/// `INSERT INTO` table `T`, waiting for its rows.
pub struct InsertInto<'a, E, T> {
    db: &'a Db<E>,
    _t: PhantomData<T>,
}

impl<'a, E: Executor, T: Table> InsertInto<'a, E, T> {
    /// One row.
    pub fn values(self, row: T::Insert) -> Insert<'a, E, T> {
        self.values_many([row])
    }

    /// Any number of rows: split into statements that respect the parameter limit and sent
    /// as one atomic batch.
    pub fn values_many(self, rows: impl IntoIterator<Item = T::Insert>) -> Insert<'a, E, T> {
        Insert {
            db: self.db,
            rows: rows.into_iter().map(Insertable::into_values).collect(),
            conflict: None,
            from_last: None,
            _t: PhantomData,
        }
    }
}

/// Columns an `ON CONFLICT` clause names: a column or a tuple of columns of `T`.
pub trait ConflictTarget<T> {
    /// The column names.
    fn columns(self) -> Vec<&'static str>;
}

impl<T, S> ConflictTarget<T> for Column<T, S> {
    fn columns(self) -> Vec<&'static str> {
        vec![self.name()]
    }
}

macro_rules! conflict_tuple {
    ($($s:ident $i:tt),*) => {
        impl<T, $($s),*> ConflictTarget<T> for ($(Column<T, $s>,)*) {
            fn columns(self) -> Vec<&'static str> {
                vec![$(self.$i.name()),*]
            }
        }
    };
}
conflict_tuple!(A 0, B 1);
conflict_tuple!(A 0, B 1, C 2);
conflict_tuple!(A 0, B 1, C 2, D 3);

enum Conflict {
    Nothing(Vec<&'static str>),
    Update(Vec<&'static str>, SetList),
}

/// One assignment `column = expression` of table `T`, for [`Update::set_expr`] and
/// [`OnConflict::do_update_set`]. Build it with [`assign`].
pub struct Assign<T> {
    column: &'static str,
    value: Node,
    _t: PhantomData<fn() -> T>,
}

/// `column = expression`: `assign(posts::views, posts::views.add(1))`,
/// `assign(users::name, users::name.excluded())`, `assign(posts::updated_at, now())`. The
/// expression has the column's SQL type and names only columns of the column's table.
///
/// For an integer or timestamp column the database checks the result: beyond ±(2^53 − 1)
/// the write fails ([`Error::InvalidValue`], HTTP 400) and nothing is stored, since D1 and
/// Durable Objects would read such a value back rounded (mizzle then refuses to decode it).
/// Bound values are checked before sending; this covers what SQL computes.
pub fn assign<T, S: crate::sql::Operand, Q, S2, I>(
    column: Column<T, S>,
    value: impl Into<Val<Q, S2>>,
) -> Assign<T>
where
    S2: crate::sql::Operand<Base = S::Base>,
    T: Table + Covers<Q, I>,
{
    let node = value.into().node;
    Assign {
        column: column.name(),
        value: if <S::Base as crate::sql::SqlType>::EXACT_INTEGER {
            Node::ExactInteger(Box::new(node))
        } else {
            node
        },
        _t: PhantomData,
    }
}

/// The assignments of an `UPDATE … SET` or `ON CONFLICT … DO UPDATE SET`: a patch's values
/// by column, as the patch gave them, then assignments by expression. It knows its table's
/// column names (quoted, as written into the SQL), so it is compiled once for every table.
#[derive(Clone)]
struct SetList {
    quoted: &'static [&'static str],
    set: SetValues,
    /// Boxed (and absent for a plain patch) so the list is 64 bytes: a larger one is
    /// copied with `rep movsq` at `opt-level = "s"`, on every update.
    #[allow(
        clippy::box_collection,
        reason = "a thin pointer: 8 bytes, not a Vec's 24"
    )]
    exprs: Option<Box<Vec<(&'static str, Node)>>>,
}

impl SetList {
    fn patch<T: Table>(set: SetValues) -> Self {
        SetList {
            quoted: T::COLUMNS_QUOTED,
            set,
            exprs: None,
        }
    }

    fn exprs<T: Table>(exprs: Vec<(&'static str, Node)>) -> Self {
        SetList {
            quoted: T::COLUMNS_QUOTED,
            set: SetValues::default(),
            exprs: Some(Box::new(exprs)),
        }
    }

    /// The assignments by expression.
    fn by_expr(&self) -> &[(&'static str, Node)] {
        rare(&self.exprs)
    }

    fn is_empty(&self) -> bool {
        self.set.is_empty() && self.by_expr().is_empty()
    }

    fn len(&self) -> usize {
        self.set.len() + self.by_expr().len()
    }

    /// Sets `column` (one of `columns`, its table's) by expression, replacing what was set
    /// for it.
    fn assign(&mut self, columns: &[&str], column: &'static str, value: Node) {
        if let Some(i) = columns.iter().position(|c| *c == column) {
            self.set.remove(i);
        }
        let exprs = self.exprs.get_or_insert_default();
        exprs.retain(|(c, _)| *c != column);
        exprs.push((column, value));
    }

    /// `"col" = ?, …` for the patch's columns.
    fn render_columns(&self, sql: &mut String) {
        let mut i = 0;
        self.set.for_each_column(|c| {
            if i > 0 {
                sql.push_str(", ");
            }
            i += 1;
            // A set column is one of the table's: it has its quoted name.
            sql.push_str(self.quoted.get(c).copied().unwrap_or_default());
            sql.push_str(" = ?");
        });
    }

    /// `col = value, …`, the values copied (a statement only shown, or a conflict clause
    /// repeated in every chunk of an insert).
    fn render(&self, sql: &mut String, params: &mut Vec<Value>) {
        self.render_columns(sql);
        params.extend(self.set.values().iter().cloned());
        render_exprs(self.by_expr(), self.set.len(), sql, params);
    }

    /// [`SetList::render`], the values moved (a write being sent): the patch's values
    /// become the statement's parameters as they are.
    fn render_owned(self, sql: &mut String) -> Vec<Value> {
        self.render_columns(sql);
        let n = self.set.len();
        let exprs = self.exprs;
        let mut params = self.set.into_values();
        render_exprs(rare(&exprs), n, sql, &mut params);
        params
    }
}

/// The assignments by expression of a [`SetList`], after `before` others.
fn render_exprs(
    exprs: &[(&'static str, Node)],
    before: usize,
    sql: &mut String,
    params: &mut Vec<Value>,
) {
    for (i, (c, node)) in exprs.iter().enumerate() {
        push_assignment(sql, before + i, c);
        node.render(Qual::Own, sql, params);
    }
}

/// `, col = ` (no comma before the first).
fn push_assignment(sql: &mut String, i: usize, column: &str) {
    if i > 0 {
        sql.push_str(", ");
    }
    push_ident(sql, column);
    sql.push_str(" = ");
}

/// An `INSERT` with its rows.
#[must_use = "an insert does nothing until `.run()` or `.returning()` is awaited"]
pub struct Insert<'a, E, T> {
    db: &'a Db<E>,
    rows: Vec<RowValues>,
    conflict: Option<Conflict>,
    from_last: Option<FromLast>,
    _t: PhantomData<T>,
}

/// A column filled from the row an earlier insert of the batch made (see
/// [`Insert::set_from_last_insert`]): `column` takes `table.key` of that row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FromLast {
    pub(crate) column: &'static str,
    pub(crate) table: &'static str,
    pub(crate) key: &'static str,
}

/// What a batch knows of an insert among its items, to find the parent row of a later
/// `set_from_last_insert` through it (see `crate::batch`).
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct InsertLink {
    pub(crate) table: &'static str,
    pub(crate) rows: usize,
    /// `ON CONFLICT …`: the insert may leave `last_insert_rowid()` at an earlier row.
    pub(crate) upsert: bool,
    pub(crate) from_last: Option<FromLast>,
}

/// The refusal of an insert that takes its parent key from the last insert, sent on its
/// own: outside a batch, `last_insert_rowid()` is whatever the connection inserted last.
fn from_last_alone(table: &str, f: FromLast) -> Error {
    Error::DependentInsert(format!(
        "an insert into `{table}` takes `{table}.{}` from the last row inserted into `{}` \
         (set_from_last_insert), which only a batch can tell: send it in {}, right after the \
         insert it depends on",
        f.column,
        f.table,
        from_last_spelling(table, f)
    ))
}

/// The batch that works for an insert into `table` filled from `f`, for a refusal's message:
/// `db.batch((db.insert(parent::table).values(..), db.insert(table::table).values(..)
/// .set_from_last_insert(..), ..))`.
pub(crate) fn from_last_spelling(table: &str, f: FromLast) -> String {
    format!(
        "`db.batch((db.insert({p}::table).values(..), db.insert({table}::table).values(..)\
         .set_from_last_insert({table}::{c}, {p}::{k}), ..))`",
        p = f.table,
        c = f.column,
        k = f.key
    )
}

/// `ON CONFLICT (target)` waiting for its action.
pub struct OnConflict<'a, E, T> {
    insert: Insert<'a, E, T>,
    target: Vec<&'static str>,
}

impl<'a, E: Executor, T: Table> OnConflict<'a, E, T> {
    /// `DO NOTHING`: conflicting rows are skipped.
    pub fn do_nothing(mut self) -> Insert<'a, E, T> {
        self.insert.conflict = Some(Conflict::Nothing(self.target));
        self.insert
    }

    /// `DO UPDATE SET …` with the patch's columns (and `on_update_fn` columns).
    pub fn do_update(mut self, patch: T::Patch) -> Insert<'a, E, T> {
        self.insert.conflict = Some(Conflict::Update(
            self.target,
            SetList::patch::<T>(patch.into_set()),
        ));
        self.insert
    }

    /// `DO UPDATE SET col = expr, …` with expressions, which may use the row the insert
    /// tried to write: `assign(counters::hits, counters::hits.add(1))`,
    /// `assign(users::name, users::name.excluded())`.
    pub fn do_update_set(mut self, sets: impl IntoIterator<Item = Assign<T>>) -> Insert<'a, E, T> {
        let set = sets.into_iter().map(|a| (a.column, a.value)).collect();
        self.insert.conflict = Some(Conflict::Update(self.target, SetList::exprs::<T>(set)));
        self.insert
    }
}

impl<'a, E: Executor, T: Table> Insert<'a, E, T> {
    /// `ON CONFLICT (target)`: a column or a tuple of columns with a unique constraint.
    pub fn on_conflict(self, target: impl ConflictTarget<T>) -> OnConflict<'a, E, T> {
        OnConflict {
            insert: self,
            target: target.columns(),
        }
    }

    /// Fills `column` of every row with `parent_key` of the row of `P` that this batch
    /// inserted last: a post and its tags, a post's comments and their reactions, in one
    /// atomic round trip, each child naming its parent's new id. Whatever the rows set for
    /// `column` is replaced. The rows must fit in one statement.
    ///
    /// The parent row is found through the batch item right before this one, never by
    /// guessing: that item's row when it inserted one row into `P`; else, when it took its
    /// own parent from an earlier insert, that parent's row, and so on up. So every order
    /// that puts each child after its parent, or after the parent's earlier children and
    /// their descendants (depth first), works; anything else is refused with
    /// [`Error::DependentInsert`] before a statement is sent: an insert sent outside a
    /// batch, or whose item before is not an insert, inserted several `P` rows (which
    /// one?), has `ON CONFLICT` (it may insert nothing), or does not lead to a `P` row.
    ///
    /// ```text
    /// db.batch((
    ///     db.insert(posts::table).values(new_post),
    ///     db.insert(post_tags::table)
    ///         .values_many(tag_ids.iter().map(|t| NewPostTag::new(0, *t)))
    ///         .set_from_last_insert(post_tags::post_id, posts::id),
    ///     // A second child of the same post: found through the tags' post_id.
    ///     db.insert(comments::table)
    ///         .values(NewComment::new(0, "first!"))
    ///         .set_from_last_insert(comments::post_id, posts::id),
    ///     // A grandchild: the comment just inserted.
    ///     db.insert(reactions::table)
    ///         .values(NewReaction::new(0, "+1"))
    ///         .set_from_last_insert(reactions::comment_id, comments::id),
    /// )).await?;
    /// ```
    pub fn set_from_last_insert<P: Table, S: crate::sql::Operand, S2>(
        mut self,
        column: Column<T, S>,
        parent_key: Column<P, S2>,
    ) -> Self
    where
        S2: crate::sql::Operand<Base = S::Base>,
    {
        self.from_last = Some(FromLast {
            column: column.name(),
            table: P::NAME,
            key: parent_key.name(),
        });
        self
    }

    /// The statements this insert sends: rows grouped by the columns they set (in first-seen
    /// order) and chunked so no statement binds more than the parameter limit. (With
    /// `.returning()`, [`Returning::to_statements`].)
    pub fn to_statements(&self) -> Result<Vec<Statement>> {
        self.render(false, None)
    }

    /// The statements; `parent` is the `SELECT` of the parent key that a batch found for
    /// `set_from_last_insert` (which is refused without one).
    pub(crate) fn render(&self, returning: bool, parent: Option<&str>) -> Result<Vec<Statement>> {
        self.render_rows(self.rows.clone(), returning, parent)
    }

    /// The statements, the rows' values moved into them (the insert sent on its own).
    fn into_statements(mut self, returning: bool) -> Result<Vec<Statement>> {
        let rows = std::mem::take(&mut self.rows);
        self.render_rows(rows, returning, None)
    }

    fn render_rows(
        &self,
        rows: Vec<RowValues>,
        returning: bool,
        parent: Option<&str>,
    ) -> Result<Vec<Statement>> {
        let from_last = match (self.from_last, parent) {
            (None, _) => None,
            (Some(f), Some(parent)) => Some((f, parent)),
            (Some(f), None) => return Err(from_last_alone(T::NAME, f)),
        };
        render_insert(
            &TableMeta::of::<T>(),
            rows,
            from_last,
            &self.conflict,
            &self.db.limits,
            returning,
        )
    }

    /// What a batch needs to know of this insert to resolve `set_from_last_insert`.
    pub(crate) fn link(&self) -> InsertLink {
        InsertLink {
            table: T::NAME,
            rows: self.rows.len(),
            upsert: self.conflict.is_some(),
            from_last: self.from_last,
        }
    }

    /// Runs the insert; reports rows inserted and the last rowid.
    pub async fn run(self) -> Result<ExecMeta> {
        let db = self.db;
        let stmts = self.into_statements(false)?;
        Ok(db.run_all(stmts, false).await?.meta)
    }

    /// Adds `RETURNING` every column: await `.one()`, `.get()` or `.all()` on it.
    pub fn returning(self) -> Returning<'a, E, T, Self> {
        Returning {
            inner: self,
            _t: PhantomData,
            _e: PhantomData,
        }
    }
}

/// A write with `RETURNING`.
#[must_use = "a query does nothing until `.one()`, `.get()` or `.all()` is awaited"]
pub struct Returning<'a, E, T, Q> {
    inner: Q,
    _t: PhantomData<T>,
    _e: PhantomData<&'a E>,
}

/// A write that can return rows (insert, update, delete).
pub trait ReturningWrite<'a, E: Executor + 'a, T: Table> {
    /// Its statements with `RETURNING`.
    fn returning_statements(&self) -> Result<Vec<Statement>>;
    /// The same, with the parent key a batch found for `set_from_last_insert`.
    #[doc(hidden)]
    fn returning_statements_after(&self, _parent: &str) -> Result<Vec<Statement>> {
        self.returning_statements()
    }
    /// An insert's link (see `InsertLink`); `None` for other writes.
    #[doc(hidden)]
    fn insert_link(&self) -> Option<InsertLink> {
        None
    }
    /// The same, consuming the write (its values move into the statements).
    fn into_returning_statements(self) -> Result<Vec<Statement>>
    where
        Self: Sized,
    {
        self.returning_statements()
    }
    /// The database it runs on.
    fn db(&self) -> &'a Db<E>;
}

impl<'a, E: Executor + 'a, T: Table> ReturningWrite<'a, E, T> for Insert<'a, E, T> {
    fn returning_statements(&self) -> Result<Vec<Statement>> {
        self.render(true, None)
    }
    fn returning_statements_after(&self, parent: &str) -> Result<Vec<Statement>> {
        self.render(true, Some(parent))
    }
    fn insert_link(&self) -> Option<InsertLink> {
        Some(self.link())
    }
    fn into_returning_statements(self) -> Result<Vec<Statement>> {
        self.into_statements(true)
    }
    fn db(&self) -> &'a Db<E> {
        self.db
    }
}

impl<'a, E: Executor + 'a, T: Table, Q: ReturningWrite<'a, E, T>> Returning<'a, E, T, Q> {
    /// Every returned row.
    pub async fn all(self) -> Result<Vec<T::Row>> {
        let db = self.inner.db();
        let mut stmts = self.inner.into_returning_statements()?;
        if stmts.len() == 1 {
            return db.query_as(stmts.remove(0)).await;
        }
        crate::exec::decode_all(db.run_all(stmts, true).await?.rows)
    }

    /// The first returned row, if any (none after `DO NOTHING` skipped it).
    pub fn get(self) -> impl Future<Output = Result<Option<T::Row>>> + use<'a, E, T, Q> {
        let db = self.inner.db();
        match self.inner.into_returning_statements() {
            // SQLite makes every change of a statement with RETURNING on its first step, so
            // reading only the first row leaves nothing undone.
            Ok(mut stmts) if stmts.len() == 1 => Either::One(db.query_first_as(stmts.remove(0))),
            stmts => Either::Other(async move {
                Ok(
                    crate::exec::decode_all::<T::Row>(db.run_all(stmts?, true).await?.rows)?
                        .into_iter()
                        .next(),
                )
            }),
        }
    }

    /// The returned row; [`Error::NotFound`] when there is none.
    pub async fn one(self) -> Result<T::Row> {
        self.get().await?.ok_or(Error::NotFound)
    }

    /// The statements it sends.
    pub fn to_statements(&self) -> Result<Vec<Statement>> {
        self.inner.returning_statements()
    }

    /// The write it returns rows of.
    pub(crate) fn inner(&self) -> &Q {
        &self.inner
    }
}

/// `UPDATE` of table `T`, waiting for `.set(patch)`.
pub struct UpdateTable<'a, E, T> {
    db: &'a Db<E>,
    _t: PhantomData<T>,
}

impl<'a, E: Executor, T: Table> UpdateTable<'a, E, T> {
    /// The columns to change.
    pub fn set(self, patch: T::Patch) -> Update<'a, E, T> {
        Update {
            db: self.db,
            set: SetList::patch::<T>(patch.into_set()),
            filter: None,
            _t: PhantomData,
        }
    }

    /// The columns to change, by expression: `.set_expr(assign(posts::views, posts::views.add(1)))`.
    /// `on_update_fn` columns are not refreshed (use `.set(patch)` and chain this for both).
    pub fn set_expr(self, assignment: Assign<T>) -> Update<'a, E, T> {
        Update {
            db: self.db,
            set: SetList::exprs::<T>(vec![(assignment.column, assignment.value)]),
            filter: None,
            _t: PhantomData,
        }
    }
}

/// An `UPDATE`.
#[must_use = "an update does nothing until `.run()` or `.returning()` is awaited"]
pub struct Update<'a, E, T> {
    db: &'a Db<E>,
    set: SetList,
    filter: Option<Expr>,
    _t: PhantomData<T>,
}

impl<'a, E: Executor, T: Table> Update<'a, E, T> {
    /// Adds a `WHERE` condition (several are ANDed). Without one every row is updated.
    pub fn filter<S, I>(mut self, condition: Condition<S>) -> Self
    where
        T: Covers<S, I>,
    {
        and_filter(&mut self.filter, condition.into_expr());
        self
    }

    /// Also sets a column by expression (replacing the patch's value for that column).
    pub fn set_expr(mut self, assignment: Assign<T>) -> Self {
        self.set
            .assign(T::COLUMNS, assignment.column, assignment.value);
        self
    }

    /// The statements it sends (one; none for an empty patch, which updates nothing).
    /// (With `.returning()`, [`Returning::to_statements`].)
    pub fn to_statements(&self) -> Result<Vec<Statement>> {
        Ok(if self.set.is_empty() {
            Vec::new()
        } else {
            vec![self.render(false)]
        })
    }

    /// The statement. An empty patch updates nothing: it becomes a `SELECT` of the matching
    /// rows (so `.returning()` still returns them unchanged).
    fn render(&self, returning: bool) -> Statement {
        if self.set.is_empty() {
            // Nothing to write: select the matching rows instead (`run()` skips it).
            let mut stmt = render_select(
                T::NAME_SQL,
                column_list::<T>(),
                &self.filter,
                &[],
                (None, None),
            );
            stmt.columns = columns_of::<T>();
            return stmt;
        }
        let mut params = Vec::with_capacity(self.set.len() + 1);
        let mut sql = Self::update_head();
        self.set.render(&mut sql, &mut params);
        Self::update_tail(sql, params, &self.filter, returning)
    }

    /// [`Update::render`], the patch's values moved into the statement.
    fn into_statement(self, returning: bool) -> Statement {
        if self.set.is_empty() {
            return self.render(returning);
        }
        let mut sql = Self::update_head();
        // Taken apart, not `mem::take`n: the builder is not copied again.
        let Update { set, filter, .. } = self;
        let params = set.render_owned(&mut sql);
        Self::update_tail(sql, params, &filter, returning)
    }

    /// `UPDATE <table> SET `.
    fn update_head() -> String {
        let mut sql = String::with_capacity(128);
        sql.push_str("UPDATE ");
        sql.push_str(T::NAME_SQL);
        sql.push_str(" SET ");
        sql
    }

    /// ` WHERE …`, with `RETURNING` every column when asked.
    fn update_tail(
        mut sql: String,
        mut params: Vec<Value>,
        filter: &Option<Expr>,
        returning: bool,
    ) -> Statement {
        push_where(&mut sql, &mut params, filter);
        returning_clause::<T>(sql, params, returning)
    }

    /// Runs the update; reports rows changed.
    pub fn run(self) -> impl Future<Output = Result<ExecMeta>> + use<'a, E, T> {
        if self.set.is_empty() {
            return Call::ready(ExecMeta::default());
        }
        let db = self.db;
        db.execute(self.into_statement(false))
    }

    /// Adds `RETURNING` every column.
    pub fn returning(self) -> Returning<'a, E, T, Self> {
        Returning {
            inner: self,
            _t: PhantomData,
            _e: PhantomData,
        }
    }
}

impl<'a, E: Executor + 'a, T: Table> ReturningWrite<'a, E, T> for Update<'a, E, T> {
    fn returning_statements(&self) -> Result<Vec<Statement>> {
        Ok(vec![self.render(true)])
    }
    fn into_returning_statements(self) -> Result<Vec<Statement>> {
        Ok(vec![self.into_statement(true)])
    }
    fn db(&self) -> &'a Db<E> {
        self.db
    }
}

/// A `DELETE`.
#[must_use = "a delete does nothing until `.run()` or `.returning()` is awaited"]
pub struct Delete<'a, E, T> {
    db: &'a Db<E>,
    filter: Option<Expr>,
    _t: PhantomData<T>,
}

impl<'a, E: Executor, T: Table> Delete<'a, E, T> {
    /// Adds a `WHERE` condition (several are ANDed). Without one every row is deleted.
    pub fn filter<S, I>(mut self, condition: Condition<S>) -> Self
    where
        T: Covers<S, I>,
    {
        and_filter(&mut self.filter, condition.into_expr());
        self
    }

    /// The statements it sends (one). (With `.returning()`, [`Returning::to_statements`].)
    pub fn to_statements(&self) -> Result<Vec<Statement>> {
        Ok(vec![self.render(false)])
    }

    fn render(&self, returning: bool) -> Statement {
        let mut sql = String::with_capacity(64);
        sql.push_str("DELETE FROM ");
        push_ident(&mut sql, T::NAME);
        let mut params = Vec::with_capacity(4);
        push_where(&mut sql, &mut params, &self.filter);
        returning_clause::<T>(sql, params, returning)
    }

    /// Runs the delete; reports rows deleted.
    pub fn run(self) -> impl Future<Output = Result<ExecMeta>> + use<'a, E, T> {
        self.db.execute(self.render(false))
    }

    /// Adds `RETURNING` every column.
    pub fn returning(self) -> Returning<'a, E, T, Self> {
        Returning {
            inner: self,
            _t: PhantomData,
            _e: PhantomData,
        }
    }
}

impl<'a, E: Executor + 'a, T: Table> ReturningWrite<'a, E, T> for Delete<'a, E, T> {
    fn returning_statements(&self) -> Result<Vec<Statement>> {
        Ok(vec![self.render(true)])
    }
    fn db(&self) -> &'a Db<E> {
        self.db
    }
}

/// A raw SQL statement with bound parameters.
#[must_use = "a query does nothing until it is awaited"]
pub struct Raw<'a, E> {
    db: &'a Db<E>,
    stmt: Statement,
}

impl<'a, E: Executor> Raw<'a, E> {
    /// Every row, decoded as `R` (a row struct decodes by column name).
    pub fn all<R: FromRow>(self) -> impl Future<Output = Result<Vec<R>>> + use<'a, E, R> {
        self.db.query_as(self.stmt)
    }

    /// The first row, if any (natively, SQLite stops after it; the rows after it are not
    /// decoded).
    pub fn get<R: FromRow>(self) -> impl Future<Output = Result<Option<R>>> + use<'a, E, R> {
        self.db.query_first_as(self.stmt)
    }

    /// Runs it for its effect.
    pub fn run(self) -> impl Future<Output = Result<ExecMeta>> + use<'a, E> {
        self.db.execute(self.stmt)
    }

    /// The statement.
    pub fn statement(&self) -> &Statement {
        &self.stmt
    }
}

/// What an insert needs to know of its table: plain data, so the rendering below is
/// compiled once, not once per table (it is the largest function a Worker links).
struct TableMeta {
    name: &'static str,
    name_sql: &'static str,
    columns: &'static [&'static str],
    columns_sql: &'static str,
    null_when_omitted: &'static [&'static str],
}

impl TableMeta {
    fn of<T: Table>() -> Self {
        TableMeta {
            name: T::NAME,
            name_sql: T::NAME_SQL,
            columns: T::COLUMNS,
            columns_sql: T::COLUMNS_SQL,
            null_when_omitted: T::NULL_WHEN_OMITTED,
        }
    }
}

/// The statements of an insert: rows grouped by the columns they set (in first-seen
/// order) and chunked so no statement binds more than `max` parameters.
fn render_insert(
    table: &TableMeta,
    mut rows: Vec<RowValues>,
    from_last: Option<(FromLast, &str)>,
    conflict: &Option<Conflict>,
    limits: &Limits,
    returning: bool,
) -> Result<Vec<Statement>> {
    let max = limits.max_params;
    // A column filled from the last insert: present in every row, bound to nothing.
    if let Some((f, _)) = from_last {
        for r in &mut rows {
            r.retain(|(c, _)| *c != f.column);
            r.push((f.column, Value::Null));
        }
    }
    pad_omitted_nulls(table, &mut rows);
    for (i, row) in rows.iter().enumerate() {
        limits.check_row(table.name, i + 1, row.iter().map(|(_, v)| v))?;
    }
    let tail = Tail {
        conflict,
        returning: returning.then_some(table.columns_sql),
        params: conflict_param_count(conflict),
    };
    let mut stmts = Vec::with_capacity(1);
    // Rows that all set the same columns (one row, or a bulk insert of one struct) are one
    // group as they are; otherwise grouped by the columns they set, in first-seen order.
    let same = |a: &RowValues, b: &RowValues| {
        a.len() == b.len() && a.iter().zip(b).all(|((x, _), (y, _))| x == y)
    };
    if rows.iter().all(|r| same(r, &rows[0])) {
        render_insert_group(table, rows, from_last, &tail, max, &mut stmts)?;
        return Ok(stmts);
    }
    if from_last.is_some() {
        return Err(Error::Other(format!(
            "an insert filled from the last insert must be one statement, but its rows of `{}` set different columns; set the same ones in every row",
            table.name
        )));
    }
    let mut groups: Vec<Vec<RowValues>> = Vec::new();
    for row in rows {
        match groups.iter_mut().find(|g| same(&g[0], &row)) {
            Some(group) => group.push(row),
            None => groups.push(vec![row]),
        }
    }
    for rows in groups {
        render_insert_group(table, rows, from_last, &tail, max, &mut stmts)?;
    }
    Ok(stmts)
}

/// What follows an insert's rows: `ON CONFLICT …` and `RETURNING …`, and how many
/// parameters the conflict clause binds.
struct Tail<'a> {
    conflict: &'a Option<Conflict>,
    returning: Option<&'a str>,
    params: usize,
}

/// The parameters `ON CONFLICT … DO UPDATE SET …` binds (none for the other clauses).
fn conflict_param_count(conflict: &Option<Conflict>) -> usize {
    match conflict {
        Some(Conflict::Update(_, set)) if !set.is_empty() => {
            let mut params = Vec::new();
            set.render(&mut String::new(), &mut params);
            params.len()
        }
        _ => 0,
    }
}

/// The statements of rows that set the same columns: as many rows to a statement as the
/// parameter limit allows. The SQL is written straight into each statement's buffer.
fn render_insert_group(
    table: &TableMeta,
    rows: Vec<RowValues>,
    from_last: Option<(FromLast, &str)>,
    tail: &Tail<'_>,
    max: usize,
    stmts: &mut Vec<Statement>,
) -> Result<()> {
    let Some(first) = rows.first() else {
        return Ok(());
    };
    let width = first.len();
    let per_stmt = if width == 0 {
        1
    } else {
        let room = max.saturating_sub(tail.params);
        if room < width {
            return Err(Error::Limit(format!(
                "one row of `{}` binds {} parameters; the limit is {max}",
                table.name,
                width + tail.params
            )));
        }
        room / width
    };
    let filled = from_last.and_then(|(f, parent)| {
        first
            .iter()
            .position(|(c, _)| *c == f.column)
            .map(|i| (i, parent))
    });
    let per_stmt = match filled {
        Some(_) if rows.len() > per_stmt => {
            return Err(Error::Limit(format!(
                "an insert filled from the last insert must be one statement: {} rows of `{}` need {} parameters; the limit is {max}",
                rows.len(),
                table.name,
                rows.len() * (width - 1)
            )));
        }
        Some(_) => per_stmt.max(1),
        None => per_stmt,
    };
    let capacity =
        |n: usize| 96 + n.min(64) * (width * 4 + 24) + tail.returning.map_or(0, str::len);
    // The first statement's head (`[WITH …] INSERT INTO t (a, b) VALUES `), written before
    // the rows are taken apart; later statements copy it from there.
    let mut next_sql = String::with_capacity(capacity(rows.len().min(per_stmt)));
    push_insert_head(&mut next_sql, table.name_sql, first, filled.map(|(_, p)| p));
    let head_len = next_sql.len();
    let first_stmt = stmts.len();
    let mut left = rows.len();
    let mut rows = rows.into_iter();
    while left > 0 {
        let n = left.min(per_stmt);
        left -= n;
        let mut sql = std::mem::take(&mut next_sql);
        if sql.is_empty() {
            sql.reserve(capacity(n));
            sql.push_str(&stmts[first_stmt].sql[..head_len]);
        }
        let mut params = Vec::with_capacity(n.min(64) * width + tail.params);
        for i in 0..n {
            let Some(row) = rows.next() else { break };
            if width == 0 {
                break;
            }
            sql.push_str(if i == 0 { "(" } else { ", (" });
            for (j, (_, v)) in row.into_iter().enumerate() {
                if j > 0 {
                    sql.push_str(", ");
                }
                match filled {
                    Some((at, _)) if at == j => {
                        sql.push_str("(SELECT \"__last\".\"v\" FROM \"__last\")");
                    }
                    _ => {
                        sql.push('?');
                        params.push(v);
                    }
                }
            }
            sql.push(')');
        }
        push_conflict_clause(&mut sql, &mut params, tail.conflict, tail.returning);
        let mut stmt = Statement::new(sql, params);
        if tail.returning.is_some() {
            stmt.columns = Some(Columns::Table(table.columns));
        }
        stmts.push(stmt);
    }
    Ok(())
}

/// `[WITH "__last" AS (…)] INSERT INTO "t" ("a", "b") VALUES ` for rows setting the
/// columns of `row` (`DEFAULT VALUES` for none).
fn push_insert_head(sql: &mut String, table_sql: &str, row: &RowValues, parent: Option<&str>) {
    if let Some(parent) = parent {
        // The parent key, found once before any row is inserted (see `crate::batch`).
        sql.push_str("WITH \"__last\"(\"v\") AS MATERIALIZED (");
        sql.push_str(parent);
        sql.push_str(") ");
    }
    sql.push_str("INSERT INTO ");
    sql.push_str(table_sql);
    if row.is_empty() {
        sql.push_str(" DEFAULT VALUES");
        return;
    }
    sql.push_str(" (");
    for (i, (c, _)) in row.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        push_ident(sql, c);
    }
    sql.push_str(") VALUES ");
}

/// Appends the statement's tail: `ON CONFLICT (..) DO ..` and `RETURNING ..`.
fn push_conflict_clause(
    sql: &mut String,
    params: &mut Vec<Value>,
    conflict: &Option<Conflict>,
    returning_columns: Option<&str>,
) {
    if let Some(c) = conflict {
        let (cols, set) = match c {
            Conflict::Nothing(cols) => (cols, None),
            Conflict::Update(cols, set) => (cols, (!set.is_empty()).then_some(set)),
        };
        sql.push_str(" ON CONFLICT (");
        for (i, c) in cols.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            push_ident(sql, c);
        }
        sql.push(')');
        match set {
            None => sql.push_str(" DO NOTHING"),
            Some(set) => {
                sql.push_str(" DO UPDATE SET ");
                set.render(sql, params);
            }
        }
    }
    if let Some(columns) = returning_columns {
        sql.push_str(" RETURNING ");
        sql.push_str(columns);
    }
}

#[cfg(test)]
mod tests {

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

    use super::*;
    use crate::expr::ColRef;

    fn eq(name: &'static str, v: i64) -> Expr {
        Expr::Compare {
            column: ColRef { table: "t", name },
            op: "=",
            value: Value::Integer(v),
        }
    }

    #[test]
    fn filters_are_anded_flat_in_the_order_given() {
        let mut filter = None;
        and_filter(&mut filter, eq("a", 1));
        assert!(
            matches!(filter, Some(Expr::Compare { .. })),
            "one stays itself"
        );
        and_filter(&mut filter, eq("b", 2));
        and_filter(&mut filter, eq("c", 3));
        let (mut sql, mut params) = (String::new(), Vec::new());
        push_where(&mut sql, &mut params, &filter);
        assert_eq!(sql, r#" WHERE "t"."a" = ? AND "t"."b" = ? AND "t"."c" = ?"#);
        assert_eq!(params, [1, 2, 3].map(Value::Integer));
        assert!(matches!(&filter, Some(Expr::And(items)) if items.len() == 3));
    }

    #[test]
    fn a_quote_in_a_name_is_doubled() {
        let mut sql = String::new();
        crate::push_ident(&mut sql, "we\"ird");
        crate::push_ident(&mut sql, "plain");
        assert_eq!(sql, r#""we""ird""plain""#);
    }
}
