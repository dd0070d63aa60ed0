//! `SET` lists: the assignments of an update and of an upsert's `DO UPDATE`.

use std::marker::PhantomData;

use crate::expr::scope::Covers;
use crate::expr::{Column, Qual, node::Node, value::Val};
use crate::sql::text::push_ident;
use crate::sql::value::Value;
use crate::table::{SetValues, Table, rare};

/// One assignment `column = expression` of table `T`, for [`Update::set_expr`](crate::Update::set_expr) and
/// [`OnConflict::do_update_set`](crate::OnConflict::do_update_set). Build it with [`assign`].
pub struct Assign<T> {
    pub(crate) column: &'static str,
    pub(crate) value: Node,
    pub(crate) _t: PhantomData<fn() -> T>,
}

/// `column = expression`: `assign(posts::views, posts::views.add(1))`,
/// `assign(users::name, users::name.excluded())`, `assign(posts::updated_at, now())`. The
/// expression has the column's SQL type and names only columns of the column's table.
///
/// For an integer or timestamp column the database checks the result: beyond ±(2^53 − 1)
/// the write fails ([`Error::InvalidValue`](crate::Error::InvalidValue), HTTP 400) and nothing is stored, since D1 and
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
pub(crate) struct SetList {
    pub(crate) quoted: &'static [&'static str],
    pub(crate) set: SetValues,
    /// Boxed (and absent for a plain patch) so the list is 64 bytes: a larger one is
    /// copied with `rep movsq` at `opt-level = "s"`, on every update.
    #[allow(
        clippy::box_collection,
        reason = "a thin pointer: 8 bytes, not a Vec's 24"
    )]
    pub(crate) exprs: Option<Box<Vec<(&'static str, Node)>>>,
}

impl SetList {
    pub(crate) fn patch<T: Table>(set: SetValues) -> Self {
        SetList {
            quoted: T::COLUMNS_QUOTED,
            set,
            exprs: None,
        }
    }

    pub(crate) fn exprs<T: Table>(exprs: Vec<(&'static str, Node)>) -> Self {
        SetList {
            quoted: T::COLUMNS_QUOTED,
            set: SetValues::default(),
            exprs: Some(Box::new(exprs)),
        }
    }

    /// The assignments by expression.
    pub(crate) fn by_expr(&self) -> &[(&'static str, Node)] {
        rare(&self.exprs)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.set.is_empty() && self.by_expr().is_empty()
    }

    pub(crate) fn len(&self) -> usize {
        self.set.len() + self.by_expr().len()
    }

    /// Sets `column` (one of `columns`, its table's) by expression, replacing what was set
    /// for it.
    pub(crate) fn assign(&mut self, columns: &[&str], column: &'static str, value: Node) {
        if let Some(i) = columns.iter().position(|c| *c == column) {
            self.set.remove(i);
        }
        let exprs = self.exprs.get_or_insert_default();
        exprs.retain(|(c, _)| *c != column);
        exprs.push((column, value));
    }

    /// `"col" = ?, …` for the patch's columns.
    pub(crate) fn render_columns(&self, sql: &mut String) {
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
    pub(crate) fn render(&self, sql: &mut String, params: &mut Vec<Value>) {
        self.render_columns(sql);
        params.extend(self.set.values().iter().cloned());
        render_exprs(self.by_expr(), self.set.len(), sql, params);
    }

    /// [`SetList::render`], the values moved (a write being sent): the patch's values
    /// become the statement's parameters as they are.
    pub(crate) fn render_owned(self, sql: &mut String) -> Vec<Value> {
        self.render_columns(sql);
        let n = self.set.len();
        let exprs = self.exprs;
        let mut params = self.set.into_values();
        render_exprs(rare(&exprs), n, sql, &mut params);
        params
    }
}

/// The assignments by expression of a [`SetList`], after `before` others.
pub(crate) fn render_exprs(
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
pub(crate) fn push_assignment(sql: &mut String, i: usize, column: &str) {
    if i > 0 {
        sql.push_str(", ");
    }
    push_ident(sql, column);
    sql.push_str(" = ");
}
