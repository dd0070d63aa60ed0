//! `db.batch((q1, q2, …))`: several queries in one round trip, atomically, with a typed
//! result per query. On D1 this is `D1Database::batch` (one implicit transaction); natively,
//! one SQLite transaction. There is no `transaction()`: D1 has no `BEGIN`.

use super::delete::Delete;
use super::foreign_key::Probe;
use super::insert::Insert;
use super::join::{JoinSelect, Project, Projection, Segments};
use super::link::{FromLast, InsertLink, from_last_spelling};
use super::raw::Raw;
use super::returning::{Returning, ReturningWrite};
use super::select::Select;
use super::update::Update;
use crate::db::Db;
use crate::error::{DbErrorKind, Error, Result};
use crate::exec::{ExecMeta, Executor, FromRow, Output, decode_all, decode_positional};
use crate::sql::statement::Statement;
use crate::sql::text::push_ident;
use crate::table::Table;

/// A query that can be part of a batch: its statements, and how to read their outputs.
pub trait BatchItem {
    /// What it returns.
    type Output;
    /// Its statements (an insert of many rows may be several).
    fn statements(&self) -> Result<Vec<Statement>>;
    /// Reads its result from the outputs of its statements.
    fn decode(outputs: Vec<Output>) -> Result<Self::Output>;
    /// For an insert: what a later `set_from_last_insert` needs to know of it.
    #[doc(hidden)]
    fn insert_link(&self) -> Option<InsertLink> {
        None
    }
    /// Its statements, with the `SELECT` of the parent key that the batch found for its
    /// `set_from_last_insert`.
    #[doc(hidden)]
    fn statements_after(&self, _parent: &str) -> Result<Vec<Statement>> {
        self.statements()
    }
    /// The table it writes: `Writes::Nothing` for a read, `Writes::Unknown` for raw SQL.
    #[doc(hidden)]
    fn writes(&self) -> Writes {
        Writes::Nothing
    }
    /// What names the foreign key when it fails on one.
    #[doc(hidden)]
    fn probe(&self) -> Probe {
        Probe::Nothing
    }
}

/// What a batch item writes, for explaining a foreign key failure of a later item.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writes {
    /// Nothing (a read).
    Nothing,
    /// This table.
    Table(&'static str),
    /// It cannot be told (raw SQL).
    Unknown,
}

/// The probe of item `item`, given what the items before it write (`None` once one may
/// write anything).
fn probe_after(probe: Probe, written: &Option<Vec<&'static str>>) -> Probe {
    probe.after(written.as_deref())
}

/// Adds what an item writes to `written`.
fn note_writes(written: &mut Option<Vec<&'static str>>, w: Writes) {
    match (w, written.as_mut()) {
        (Writes::Table(t), Some(list)) => list.push(t),
        (Writes::Unknown, _) => *written = None,
        _ => {}
    }
}

/// The items of a batch seen so far, to find the parent row of an insert that uses
/// `set_from_last_insert(column, P::key)`: the row of `P` that the batch inserted last.
///
/// It is found through the item right before it, never by a bare `last_insert_rowid()`:
/// that item's own row (`rowid = last_insert_rowid()`) when it inserted one row into `P`;
/// else, when that item took its own parent from an earlier insert, the parent's row (by
/// the key the item's rows hold), and so on up. So several children of one parent, and
/// grandchildren, attach where they belong in any order that inserts each parent before
/// its children and keeps each child after its parent or after the parent's earlier
/// descendants (depth first). Anything else is refused before a statement is sent: the
/// item before is not an insert, inserted several rows of `P` (which one?), may insert no
/// row (`ON CONFLICT`), or reaches no `P` row.
#[derive(Default)]
pub(crate) struct Links {
    /// Per item so far: its insert link, and the item whose row its parent key came from.
    items: Vec<(Option<InsertLink>, Option<usize>)>,
}

impl Links {
    /// The `SELECT` of the parent key for item `link` (the next item), or `None` when it
    /// takes none; then records it.
    pub(crate) fn next(&mut self, link: Option<InsertLink>) -> Result<Option<String>> {
        let index = self.items.len();
        let found = match link.and_then(|l| l.from_last.map(|f| (l, f))) {
            None => None,
            Some((l, f)) => Some(self.find(index, l.table, f)?),
        };
        let parent_item = found.as_ref().map(|(_, item)| *item);
        self.items.push((link, parent_item));
        Ok(found.map(|(sql, _)| sql))
    }

    fn find(&self, index: usize, table: &str, f: FromLast) -> Result<(String, usize)> {
        let refuse = |why: String| {
            Error::DependentInsert(format!(
                "batch item {} (an insert into `{table}`) takes `{table}.{}` from the row last \
                 inserted into `{}` (set_from_last_insert), but {why}. Put it right after the \
                 insert of one `{}` row, or after that row's other children and their \
                 descendants: {}. Nothing was sent.",
                index + 1,
                f.column,
                f.table,
                f.table,
                from_last_spelling(table, f)
            ))
        };
        let Some(before) = index.checked_sub(1) else {
            return Err(refuse("it is the first item of the batch".into()));
        };
        // The row of item `at` that leads to the parent, as a condition on its table.
        let mut at = before;
        let mut row = String::from("rowid = last_insert_rowid()");
        loop {
            let Some(link) = self.items[at].0 else {
                return Err(refuse(format!(
                    "item {} before it is not an insert",
                    before + 1
                )));
            };
            let mut table_sql = String::new();
            push_ident(&mut table_sql, link.table);
            if at == before {
                if let Some(why) = last_insert_unclear(link, f.table) {
                    return Err(refuse(format!("item {} before it {why}", before + 1)));
                }
                row = format!("{table_sql}.{row}");
            }
            if link.table == f.table {
                return Ok((select_column(&table_sql, f.key, &row), at));
            }
            // Up to the row this item's rows were attached to.
            let (Some(up), Some(parent_item)) = (link.from_last, self.items[at].1) else {
                return Err(refuse(format!(
                    "no insert of a `{}` row leads to item {} before it",
                    f.table,
                    before + 1
                )));
            };
            let mut next = String::new();
            push_ident(&mut next, up.table);
            next.push('.');
            push_ident(&mut next, up.key);
            next.push_str(" = (");
            next.push_str(&select_column(&table_sql, up.column, &row));
            next.push(')');
            row = next;
            at = parent_item;
        }
    }
}

/// Why `last_insert_rowid()` after `link` does not name the one parent row in table
/// `parent` (`None` when it does): an upsert may insert nothing, an empty insert inserts
/// nothing, and several rows of the parent table leave which one unsaid.
fn last_insert_unclear(link: InsertLink, parent: &str) -> Option<String> {
    if link.upsert {
        Some(
            "is an insert with ON CONFLICT, which may insert no row (and \
             `last_insert_rowid()` then names an older one)"
                .into(),
        )
    } else if link.rows == 0 {
        Some("inserts no row".into())
    } else if link.table == parent && link.rows > 1 {
        Some(format!(
            "inserts {} rows into `{parent}`: which one is the parent? Insert the parent row \
             on its own",
            link.rows
        ))
    } else {
        None
    }
}

/// `SELECT "t"."col" FROM "t" WHERE <row>`.
fn select_column(table_sql: &str, col: &str, row: &str) -> String {
    let mut sql = String::from("SELECT ");
    sql.push_str(table_sql);
    sql.push('.');
    push_ident(&mut sql, col);
    sql.push_str(" FROM ");
    sql.push_str(table_sql);
    sql.push_str(" WHERE ");
    sql.push_str(row);
    sql
}

/// An item's statements, its parent key found through the items before it.
fn linked_statements<Q: BatchItem>(item: &Q, links: &mut Links) -> Result<Vec<Statement>> {
    match links.next(item.insert_link())? {
        Some(parent) => item.statements_after(&parent),
        None => item.statements(),
    }
}

fn sum_meta(outputs: &[Output]) -> ExecMeta {
    let mut meta = ExecMeta::default();
    for o in outputs {
        meta.rows_affected += o.meta.rows_affected;
        if o.meta.last_insert_id != 0 {
            meta.last_insert_id = o.meta.last_insert_id;
        }
    }
    meta
}

fn rows<R: FromRow>(outputs: Vec<Output>) -> Result<Vec<R>> {
    let mut all = Vec::new();
    for o in outputs {
        all.extend(o.rows);
    }
    decode_all(all)
}

impl<E: Executor, T: Table> BatchItem for Select<'_, E, T> {
    type Output = Vec<T::Row>;
    fn statements(&self) -> Result<Vec<Statement>> {
        Ok(vec![self.to_statement()])
    }
    fn decode(outputs: Vec<Output>) -> Result<Self::Output> {
        rows(outputs)
    }
}

impl<E: Executor, T: Table> BatchItem for Insert<'_, E, T> {
    type Output = ExecMeta;
    fn statements(&self) -> Result<Vec<Statement>> {
        self.to_statements()
    }
    fn insert_link(&self) -> Option<InsertLink> {
        Some(self.link())
    }
    fn statements_after(&self, parent: &str) -> Result<Vec<Statement>> {
        self.render(false, Some(parent))
    }
    fn decode(outputs: Vec<Output>) -> Result<ExecMeta> {
        Ok(sum_meta(&outputs))
    }
    fn writes(&self) -> Writes {
        Writes::Table(T::NAME)
    }
    fn probe(&self) -> Probe {
        ReturningWrite::probe(self)
    }
}

impl<E: Executor, T: Table> BatchItem for Update<'_, E, T> {
    type Output = ExecMeta;
    fn statements(&self) -> Result<Vec<Statement>> {
        self.to_statements()
    }
    fn decode(outputs: Vec<Output>) -> Result<ExecMeta> {
        Ok(sum_meta(&outputs))
    }
    fn writes(&self) -> Writes {
        Writes::Table(T::NAME)
    }
    fn probe(&self) -> Probe {
        ReturningWrite::probe(self)
    }
}

impl<E: Executor, T: Table> BatchItem for Delete<'_, E, T> {
    type Output = ExecMeta;
    fn statements(&self) -> Result<Vec<Statement>> {
        self.to_statements()
    }
    fn decode(outputs: Vec<Output>) -> Result<ExecMeta> {
        Ok(sum_meta(&outputs))
    }
    fn writes(&self) -> Writes {
        Writes::Table(T::NAME)
    }
    fn probe(&self) -> Probe {
        ReturningWrite::probe(self)
    }
}

impl<'a, E: Executor + 'a, T: Table, Q: ReturningWrite<'a, E, T>> BatchItem
    for Returning<'a, E, T, Q>
{
    type Output = Vec<T::Row>;
    fn statements(&self) -> Result<Vec<Statement>> {
        self.to_statements()
    }
    fn decode(outputs: Vec<Output>) -> Result<Self::Output> {
        rows(outputs)
    }
    fn insert_link(&self) -> Option<InsertLink> {
        self.inner().insert_link()
    }
    fn statements_after(&self, parent: &str) -> Result<Vec<Statement>> {
        self.inner().returning_statements_after(parent)
    }
    fn writes(&self) -> Writes {
        Writes::Table(T::NAME)
    }
    fn probe(&self) -> Probe {
        self.inner().probe()
    }
}

impl<E: Executor> BatchItem for Raw<'_, E> {
    type Output = Output;
    fn statements(&self) -> Result<Vec<Statement>> {
        Ok(vec![self.statement().clone()])
    }
    fn writes(&self) -> Writes {
        Writes::Unknown
    }
    fn decode(outputs: Vec<Output>) -> Result<Output> {
        let meta = sum_meta(&outputs);
        Ok(Output {
            rows: outputs.into_iter().flat_map(|o| o.rows).collect(),
            meta,
        })
    }
}

impl<E: Executor, Q, G: Segments> BatchItem for JoinSelect<'_, E, Q, G> {
    type Output = Vec<G::Out>;
    fn statements(&self) -> Result<Vec<Statement>> {
        Ok(vec![self.to_statement()])
    }
    fn decode(outputs: Vec<Output>) -> Result<Self::Output> {
        decode_positional(outputs.into_iter().flat_map(|o| o.rows), G::decode)
    }
}

impl<E: Executor, Q, P: Projection<Q, I>, I> BatchItem for Project<'_, E, Q, P, I> {
    type Output = Vec<P::Output>;
    fn statements(&self) -> Result<Vec<Statement>> {
        Ok(vec![self.to_statement()])
    }
    fn decode(outputs: Vec<Output>) -> Result<Self::Output> {
        decode_positional(outputs.into_iter().flat_map(|o| o.rows), P::decode)
    }
}

/// Several [`BatchItem`]s: tuples of up to eight, and `Vec`s of one kind.
pub trait Batch {
    /// The tuple (or `Vec`) of their outputs.
    type Output;
    /// Every statement, and how many belong to each item.
    fn statements(&self) -> Result<(Vec<Statement>, Vec<usize>)>;
    /// Splits the outputs back per item and decodes them.
    fn decode(outputs: Vec<Output>, counts: &[usize]) -> Result<Self::Output>;
    /// What names the foreign key when item `item` fails on one.
    #[doc(hidden)]
    fn probe(&self, _item: usize) -> Probe {
        Probe::Nothing
    }
}

fn take(outputs: &mut std::vec::IntoIter<Output>, n: usize) -> Vec<Output> {
    outputs.by_ref().take(n).collect()
}

macro_rules! batch_tuple {
    ($($q:ident $i:tt),+) => {
        impl<$($q: BatchItem),+> Batch for ($($q,)+) {
            type Output = ($($q::Output,)+);
            fn statements(&self) -> Result<(Vec<Statement>, Vec<usize>)> {
                let mut all = Vec::new();
                let mut counts = Vec::new();
                let mut links = Links::default();
                $(
                    let s = linked_statements(&self.$i, &mut links)?;
                    counts.push(s.len());
                    all.extend(s);
                )+
                Ok((all, counts))
            }
            fn decode(outputs: Vec<Output>, counts: &[usize]) -> Result<Self::Output> {
                let mut it = outputs.into_iter();
                Ok(($($q::decode(take(&mut it, counts[$i]))?,)+))
            }
            fn probe(&self, item: usize) -> Probe {
                let mut written = Some(Vec::new());
                $(
                    if item == $i {
                        return probe_after(self.$i.probe(), &written);
                    }
                    note_writes(&mut written, self.$i.writes());
                )+
                Probe::Nothing
            }
        }
    };
}
batch_tuple!(A 0);
batch_tuple!(A 0, B 1);
batch_tuple!(A 0, B 1, C 2);
batch_tuple!(A 0, B 1, C 2, D 3);
batch_tuple!(A 0, B 1, C 2, D 3, F 4);
batch_tuple!(A 0, B 1, C 2, D 3, F 4, G 5);
batch_tuple!(A 0, B 1, C 2, D 3, F 4, G 5, H 6);
batch_tuple!(A 0, B 1, C 2, D 3, F 4, G 5, H 6, I 7);

impl<Q: BatchItem> Batch for Vec<Q> {
    type Output = Vec<Q::Output>;
    fn statements(&self) -> Result<(Vec<Statement>, Vec<usize>)> {
        let mut all = Vec::new();
        let mut counts = Vec::new();
        let mut links = Links::default();
        for q in self {
            let s = linked_statements(q, &mut links)?;
            counts.push(s.len());
            all.extend(s);
        }
        Ok((all, counts))
    }
    fn decode(outputs: Vec<Output>, counts: &[usize]) -> Result<Self::Output> {
        let mut it = outputs.into_iter();
        counts
            .iter()
            .map(|n| Q::decode(take(&mut it, *n)))
            .collect()
    }
    fn probe(&self, item: usize) -> Probe {
        let mut written = Some(Vec::new());
        for q in self.iter().take(item) {
            note_writes(&mut written, q.writes());
        }
        self.get(item)
            .map_or(Probe::Nothing, |q| probe_after(q.probe(), &written))
    }
}

impl<E: Executor> Db<E> {
    /// Runs queries in one round trip, atomically: if one statement fails, none of them
    /// takes effect. Returns each query's result, typed:
    ///
    /// ```text
    /// let (post, tagged, n) = db.batch((
    ///     db.insert(posts::table).values(new_post).returning(),
    ///     db.insert(post_tags::table).values_many(links),
    ///     db.select(posts::table).filter(posts::author_id.eq(1)),
    /// )).await?;
    /// ```
    pub async fn batch<B: Batch>(&self, queries: B) -> Result<B::Output> {
        let (stmts, counts) = queries.statements()?;
        let outputs = match self.batch_statements(stmts).await {
            Ok(outputs) => outputs,
            Err(e) => {
                // A foreign key failure: the failing statement's item says which key.
                let item = match (&e, e.batch_index()) {
                    (
                        Error::Database {
                            kind: DbErrorKind::ForeignKeyViolation,
                            ..
                        },
                        Some(i),
                    ) => item_of(&counts, i),
                    _ => None,
                };
                return Err(match item {
                    Some(item) => queries.probe(item).explain(self, e).await,
                    None => e,
                });
            }
        };
        B::decode(outputs, &counts)
    }
}

/// The item that statement `statement` of a batch belongs to.
fn item_of(counts: &[usize], statement: usize) -> Option<usize> {
    let mut end = 0;
    for (item, n) in counts.iter().enumerate() {
        end += n;
        if statement < end {
            return Some(item);
        }
    }
    None
}
