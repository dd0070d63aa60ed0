//! `INSERT` (one row, many rows split to D1's limits, upserts, rows that take a key
//! inserted earlier in the batch): the builders and their rendering.

use std::marker::PhantomData;

use super::assign::{Assign, SetList};
use super::foreign_key::Probe;
use super::link::{FromLast, InsertLink, from_last_alone};
use super::returning::{Returning, ReturningWrite};
use crate::db::Db;
use crate::error::{Error, Result};
use crate::exec::{ExecMeta, Executor};
use crate::expr::Column;
use crate::sql::limits::Limits;
use crate::sql::statement::{Columns, Statement};
use crate::sql::text::push_ident;
use crate::sql::value::Value;
use crate::table::{Insertable, Patch, Table};

/// Rows of one insert may leave out different nullable columns (their insert structs omit
/// an unset one, which is NULL either way). So that they still share one statement shape,
/// a column one row sets is bound as NULL in the rows that left it out, and each row's
/// columns are put in table order. Rows that all set the same columns are left as they are.
pub(crate) fn pad_omitted_nulls(table: &TableMeta, rows: &mut [RowValues]) {
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
pub(crate) type RowValues = Vec<(&'static str, Value)>;

/// `INSERT INTO` table `T`, waiting for its rows.
pub struct InsertInto<'a, E, T> {
    pub(crate) db: &'a Db<E>,
    pub(crate) _t: PhantomData<T>,
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

pub(crate) enum Conflict {
    Nothing(Vec<&'static str>),
    Update(Vec<&'static str>, SetList),
}

/// An `INSERT` with its rows.
#[must_use = "an insert does nothing until `.run()` or `.returning()` is awaited"]
pub struct Insert<'a, E, T> {
    pub(crate) db: &'a Db<E>,
    pub(crate) rows: Vec<RowValues>,
    pub(crate) conflict: Option<Conflict>,
    pub(crate) from_last: Option<FromLast>,
    pub(crate) _t: PhantomData<T>,
}

/// `ON CONFLICT (target)` waiting for its action.
pub struct OnConflict<'a, E, T> {
    pub(crate) insert: Insert<'a, E, T>,
    pub(crate) target: Vec<&'static str>,
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
    pub(crate) fn into_statements(mut self, returning: bool) -> Result<Vec<Statement>> {
        let rows = std::mem::take(&mut self.rows);
        self.render_rows(rows, returning, None)
    }

    pub(crate) fn render_rows(
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

    /// What names the foreign key when the insert fails on one.
    pub(crate) fn probe_rows(&self) -> Probe {
        Probe::insert::<T>(&self.rows, self.from_last.map(|f| f.column))
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
        let probe = self.probe_rows();
        let stmts = self.into_statements(false)?;
        probe
            .explain_failure(db, async move { Ok(db.run_all(stmts, false).await?.meta) })
            .await
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

/// What an insert needs to know of its table: plain data, so the rendering below is
/// compiled once, not once per table (it is the largest function a Worker links).
pub(crate) struct TableMeta {
    pub(crate) name: &'static str,
    pub(crate) name_sql: &'static str,
    pub(crate) columns: &'static [&'static str],
    pub(crate) columns_sql: &'static str,
    pub(crate) null_when_omitted: &'static [&'static str],
}

impl TableMeta {
    pub(crate) fn of<T: Table>() -> Self {
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
pub(crate) fn render_insert(
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
pub(crate) struct Tail<'a> {
    pub(crate) conflict: &'a Option<Conflict>,
    pub(crate) returning: Option<&'a str>,
    pub(crate) params: usize,
}

/// The parameters `ON CONFLICT … DO UPDATE SET …` binds (none for the other clauses).
pub(crate) fn conflict_param_count(conflict: &Option<Conflict>) -> usize {
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
pub(crate) fn render_insert_group(
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
    let filled = from_last.and_then(|(f, parent)| {
        first
            .iter()
            .position(|(c, _)| *c == f.column)
            .map(|i| (i, parent))
    });
    let per_stmt = rows_per_statement(table.name, rows.len(), width, filled.is_some(), tail, max)?;
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
            push_row(&mut sql, &mut params, row, filled.map(|(at, _)| at));
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

/// How many rows of `width` values go in one statement under the parameter limit `max`
/// (after the tail's own parameters); an insert filled from the last insert must be one
/// statement.
fn rows_per_statement(
    table: &str,
    rows: usize,
    width: usize,
    filled: bool,
    tail: &Tail<'_>,
    max: usize,
) -> Result<usize> {
    let per_stmt = if width == 0 {
        1
    } else {
        let room = max.saturating_sub(tail.params);
        if room < width {
            return Err(Error::Limit(format!(
                "one row of `{table}` binds {} parameters; the limit is {max}",
                width + tail.params
            )));
        }
        room / width
    };
    if filled && rows > per_stmt {
        return Err(Error::Limit(format!(
            "an insert filled from the last insert must be one statement: {rows} rows of `{table}` need {} parameters; the limit is {max}",
            rows * (width - 1)
        )));
    }
    Ok(if filled { per_stmt.max(1) } else { per_stmt })
}

/// One row's values, `(?, ?, ..)` without the parentheses: each bound, but the one at
/// `filled`, which reads the parent key the batch's last insert left.
pub(crate) fn push_row(
    sql: &mut String,
    params: &mut Vec<Value>,
    row: Vec<(&str, Value)>,
    filled: Option<usize>,
) {
    for (j, (_, v)) in row.into_iter().enumerate() {
        if j > 0 {
            sql.push_str(", ");
        }
        if filled == Some(j) {
            sql.push_str("(SELECT \"__last\".\"v\" FROM \"__last\")");
        } else {
            sql.push('?');
            params.push(v);
        }
    }
    sql.push(')');
}

/// `[WITH "__last" AS (…)] INSERT INTO "t" ("a", "b") VALUES ` for rows setting the
/// columns of `row` (`DEFAULT VALUES` for none).
pub(crate) fn push_insert_head(
    sql: &mut String,
    table_sql: &str,
    row: &[(&str, Value)],
    parent: Option<&str>,
) {
    if let Some(parent) = parent {
        // The parent key, found once before any row is inserted (see `batch.rs`).
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
pub(crate) fn push_conflict_clause(
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
    fn plain_statements(&self) -> Result<Vec<Statement>> {
        self.render(false, None)
    }
    fn probe(&self) -> Probe {
        self.probe_rows()
    }
    fn db(&self) -> &'a Db<E> {
        self.db
    }
}
