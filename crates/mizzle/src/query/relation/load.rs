//! Loading a tree: each level's statement (its parent keys from a subquery over the level
//! above), all sent in one batch, and the rows attached to their parents level by level.

use std::collections::HashMap;
use std::marker::PhantomData;

use super::decode::{Decoded, Grouped, KEY, Key, RN, column_position, key_at};
use super::{Card, Join, Load, Nil, Node, Rel, Relation, With};
use crate::error::{Error, Result};
use crate::exec::{Executor, FromRow, RowReader};
use crate::expr::{Expr, Qual};
use crate::query::select::Select;
use crate::sql::statement::{Columns, Statement};
use crate::sql::text::push_ident;
use crate::sql::value::Value;
use crate::table::Table;

/// One relation to load under a parent table (implemented by [`Load`]).
pub trait LoadSpec {
    /// The table it hangs off.
    type Parent: Table;
    /// The relation.
    type Rel: Relation;
    /// One loaded related row.
    type Node: Clone;
    /// Its decoded rows and those of its nested loads, before they are grouped.
    type Rows: Default;
    /// How many statements it sends (its own, then its nested loads').
    const STATEMENTS: usize;
    /// Its statements, given the statement that selects the parent rows (and whether that
    /// statement yields each row at most once).
    fn statements(&self, parent: &Statement, parent_unique_rows: bool, out: &mut Vec<Statement>);
    /// Decodes a row of its statement `i` (0 is its own) as the database yields it.
    fn accept(&self, rows: &mut Self::Rows, i: usize, reader: &mut RowReader<'_>) -> Result<()>;
    /// Groups its decoded rows by parent key, each with its nested relations.
    fn finish(&self, rows: Self::Rows) -> Result<Grouped<Self::Node>>;
}

/// A list of relations to load under table `P`.
pub trait LoadList<P> {
    /// The loaded relations of one parent row.
    type Out;
    /// Grouped results of every load in the list.
    type Grouped;
    /// Decoded rows of every load in the list.
    type Rows: Default;
    /// How many statements the list sends.
    const STATEMENTS: usize;
    /// How many keys a parent row gives the list (one per load: its parent column).
    const KEYS: usize;
    /// Statements of every load (see [`LoadSpec::statements`]).
    fn statements(&self, parent: &Statement, parent_unique_rows: bool, out: &mut Vec<Statement>);
    /// Decodes a row of the list's statement `i` (see [`LoadSpec::accept`]).
    fn accept(&self, rows: &mut Self::Rows, i: usize, reader: &mut RowReader<'_>) -> Result<()>;
    /// Groups every load's rows.
    fn finish(&self, rows: Self::Rows) -> Result<Self::Grouped>;
    /// Appends the keys a parent row (read by `reader`, not consumed) gives the list, one
    /// per load.
    fn keys(reader: &RowReader<'_>, out: &mut Vec<Key>) -> Result<()>;
    /// Notes that a parent row with `keys` will want its groups (called for every parent
    /// row before any [`attach`](Self::attach)).
    fn want(grouped: &mut Self::Grouped, keys: &[Key]);
    /// The loaded relations of the parent row with `keys`.
    fn attach(grouped: &mut Self::Grouped, keys: &[Key]) -> Self::Out;
}

impl<P> LoadList<P> for Nil {
    type Out = Nil;
    type Grouped = ();
    type Rows = ();
    const STATEMENTS: usize = 0;
    const KEYS: usize = 0;
    fn statements(&self, _: &Statement, _: bool, _: &mut Vec<Statement>) {}
    fn accept(&self, _: &mut (), i: usize, _: &mut RowReader<'_>) -> Result<()> {
        Err(Error::Other(format!(
            "relation batch returned a result {i} too many"
        )))
    }
    fn finish(&self, _: ()) -> Result<()> {
        Ok(())
    }
    fn keys(_: &RowReader<'_>, _: &mut Vec<Key>) -> Result<()> {
        Ok(())
    }
    fn want(_: &mut (), _: &[Key]) {}
    fn attach(_: &mut (), _: &[Key]) -> Nil {
        Nil
    }
}

type Attached<L> = <<<L as LoadSpec>::Rel as Relation>::Card as Card>::Out<<L as LoadSpec>::Node>;

impl<P: Table, L: LoadSpec<Parent = P>, Rest: LoadList<P>> LoadList<P> for With<L, Rest> {
    type Out = With<Rel<L::Rel, Attached<L>>, Rest::Out>;
    type Grouped = (Grouped<L::Node>, Rest::Grouped);
    type Rows = (L::Rows, Rest::Rows);
    const STATEMENTS: usize = L::STATEMENTS + Rest::STATEMENTS;
    const KEYS: usize = 1 + Rest::KEYS;
    fn statements(&self, parent: &Statement, parent_unique_rows: bool, out: &mut Vec<Statement>) {
        self.0.statements(parent, parent_unique_rows, out);
        self.1.statements(parent, parent_unique_rows, out);
    }
    fn accept(&self, rows: &mut Self::Rows, i: usize, reader: &mut RowReader<'_>) -> Result<()> {
        if i < L::STATEMENTS {
            self.0.accept(&mut rows.0, i, reader)
        } else {
            self.1.accept(&mut rows.1, i - L::STATEMENTS, reader)
        }
    }
    fn finish(&self, rows: Self::Rows) -> Result<Self::Grouped> {
        Ok((self.0.finish(rows.0)?, self.1.finish(rows.1)?))
    }
    fn keys(reader: &RowReader<'_>, out: &mut Vec<Key>) -> Result<()> {
        let column = <L::Rel as Relation>::JOIN.parent_col();
        let at = const { column_position(P::COLUMNS, <L::Rel as Relation>::JOIN.parent_col()) };
        let Some(at) = at else {
            return Err(Error::Other(format!(
                "relation key column `{column}` is not in its table"
            )));
        };
        out.push(key_at(reader, at, column)?);
        Rest::keys(reader, out)
    }
    fn want(grouped: &mut Self::Grouped, keys: &[Key]) {
        if let Some((_, wanted)) = grouped.0.get_mut(&keys[0]) {
            *wanted += 1;
        }
        Rest::want(&mut grouped.1, &keys[1..]);
    }

    fn attach(grouped: &mut Self::Grouped, keys: &[Key]) -> Self::Out {
        let key = &keys[0];
        let items = match grouped.0.get_mut(key) {
            Some((items, wanted)) if *wanted > 1 => {
                *wanted -= 1;
                items.clone()
            }
            Some(_) => grouped
                .0
                .remove(key)
                .map(|(items, _)| items)
                .unwrap_or_default(),
            None => Vec::new(),
        };
        let value = <<L::Rel as Relation>::Card as Card>::collect(items);
        With(
            Rel {
                value,
                _rel: PhantomData,
            },
            Rest::attach(&mut grouped.1, &keys[1..]),
        )
    }
}

/// What a relation level's SQL needs of its relation and tables: plain data, so the
/// statement builder below is compiled once, not once per relation.
struct LevelMeta {
    join: Join,
    parent_pk: &'static [&'static str],
    child_name: &'static str,
    child_columns: &'static [&'static str],
    child_columns_sql: &'static str,
    child_pk: &'static [&'static str],
}

impl LevelMeta {
    /// This level's statement, and the same rows unordered (what the next level joins to).
    fn statements(
        &self,
        filter: &Option<Expr>,
        order_by: &[(crate::expr::node::Node, bool)],
        limit: Option<u64>,
        parent: &Statement,
        parent_unique_rows: bool,
    ) -> (Statement, Statement) {
        let key_expr = self.key_expr();
        let (order_sql, mut order_params) = self.order_clause(order_by);

        // One buffer, no `format!`: the parent's SQL (which nests its own parents') is the
        // bulk of it and is copied once.
        let mut sql = String::with_capacity(parent.sql.len() + 1024);
        if limit.is_some() {
            sql.push_str("SELECT * FROM (");
        }
        sql.push_str("SELECT ");
        push_columns(&mut sql, self.child_columns, "c");
        sql.push_str(", ");
        sql.push_str(&key_expr);
        sql.push_str(" AS ");
        sql.push_str(KEY);
        if limit.is_some() {
            sql.push_str(", ROW_NUMBER() OVER (PARTITION BY ");
            sql.push_str(&key_expr);
            sql.push_str(&order_sql);
            sql.push_str(") AS ");
            sql.push_str(RN);
        }
        self.push_parent_keys(&mut sql, &parent.sql, parent_unique_rows, &key_expr);
        // Placeholders in text order: the window's order (with a limit), the parent's, then
        // the filter's.
        let mut params = Vec::with_capacity(parent.params.len() + order_params.len() + 4);
        if limit.is_some() {
            params.append(&mut order_params);
        }
        params.extend(parent.params.iter().cloned());
        self.push_children(&mut sql, &mut params, filter, &key_expr);
        // `sql` is now the rows this level selects, unordered: what the next level joins
        // to (an ORDER BY there would only make SQLite sort rows it then reads as a set).
        let order = match limit {
            Some(n) => {
                sql.push_str(") WHERE ");
                sql.push_str(RN);
                sql.push_str(" <= ");
                crate::sql::text::push_u64(&mut sql, n);
                format!(" ORDER BY {KEY}, {RN}")
            }
            None => order_sql,
        };
        let scope = Statement::new(sql, params);
        let stmt = self.ordered(&scope, &order, order_params, limit.is_some());
        (stmt, scope)
    }

    /// The column holding the parent key of each row: the child's own foreign key, or the
    /// join table's.
    fn key_expr(&self) -> String {
        let mut key_expr = String::with_capacity(24);
        match self.join {
            Join::Direct { child_col, .. } => {
                key_expr.push_str("c.");
                push_ident(&mut key_expr, child_col);
            }
            Join::Through { source_fk, .. } => {
                key_expr.push_str("j.");
                push_ident(&mut key_expr, source_fk);
            }
        }
        key_expr
    }

    /// The order's SQL and the values it binds (a fragment or an expression may bind some):
    /// they go where the order stands, in the window with a limit, else last. Without an
    /// order, the child's primary key.
    fn order_clause(&self, order_by: &[(crate::expr::node::Node, bool)]) -> (String, Vec<Value>) {
        let mut order_sql = String::new();
        let mut order_params = Vec::new();
        for (i, (node, desc)) in order_by.iter().enumerate() {
            order_sql.push_str(if i == 0 { " ORDER BY " } else { ", " });
            node.render(Qual::As("c"), &mut order_sql, &mut order_params);
            if *desc {
                order_sql.push_str(" DESC");
            }
        }
        if order_by.is_empty() {
            for (i, c) in self.child_pk.iter().enumerate() {
                order_sql.push_str(if i == 0 { " ORDER BY c." } else { ", c." });
                push_ident(&mut order_sql, c);
            }
        }
        (order_sql, order_params)
    }

    /// ` FROM (SELECT [DISTINCT] key FROM (<parent>)) AS p JOIN [join table AS j ON ..
    /// JOIN] `: the parent rows' keys, as a derived table `p` joined to the children
    /// (faster in SQLite than `IN (subquery)`, which builds a set and a bloom filter). A
    /// key is listed once: the parent's primary key over rows that are each there once is
    /// already unique; anything else (a foreign key, rows reached through a join table)
    /// gets DISTINCT, so no child row is repeated.
    fn push_parent_keys(
        &self,
        sql: &mut String,
        parent_sql: &str,
        parent_unique_rows: bool,
        key_expr: &str,
    ) {
        let parent_col = self.join.parent_col();
        let unique_keys = parent_unique_rows && self.parent_pk == [parent_col].as_slice();
        sql.push_str(" FROM (SELECT ");
        if !unique_keys {
            sql.push_str("DISTINCT ");
        }
        push_ident(sql, parent_col);
        sql.push_str(" FROM (");
        sql.push_str(parent_sql);
        sql.push_str(")) AS p JOIN ");
        if let Join::Through { table, .. } = self.join {
            push_ident(sql, table);
            sql.push_str(" AS j ON ");
            sql.push_str(key_expr);
            sql.push_str(" = p.");
            push_ident(sql, parent_col);
            sql.push_str(" JOIN ");
        }
    }

    /// `<child rows> AS c ON ..`: the table itself, or, with a filter, a derived table
    /// (where only the child's columns are in scope for the filter), joined to its parent
    /// key.
    fn push_children(
        &self,
        sql: &mut String,
        params: &mut Vec<Value>,
        filter: &Option<Expr>,
        key_expr: &str,
    ) {
        match filter {
            None => push_ident(sql, self.child_name),
            Some(f) => {
                sql.push_str("(SELECT ");
                sql.push_str(self.child_columns_sql);
                sql.push_str(" FROM ");
                push_ident(sql, self.child_name);
                sql.push_str(" WHERE ");
                f.render(sql, params);
                sql.push(')');
            }
        }
        sql.push_str(" AS c ON ");
        match self.join {
            Join::Direct { .. } => {
                sql.push_str(key_expr);
                sql.push_str(" = p.");
                push_ident(sql, self.join.parent_col());
            }
            Join::Through {
                target_fk,
                child_col,
                ..
            } => {
                sql.push_str("c.");
                push_ident(sql, child_col);
                sql.push_str(" = j.");
                push_ident(sql, target_fk);
            }
        }
    }

    /// The level's statement: its rows (`scope`) in `order`, read by position (the child's
    /// columns, the key, and the row number with a limit).
    fn ordered(
        &self,
        scope: &Statement,
        order: &str,
        mut order_params: Vec<Value>,
        numbered: bool,
    ) -> Statement {
        let mut stmt_sql = String::with_capacity(scope.sql.len() + order.len());
        stmt_sql.push_str(&scope.sql);
        stmt_sql.push_str(order);
        let mut stmt_params = scope.params.clone();
        stmt_params.append(&mut order_params);
        let mut stmt = Statement::new(stmt_sql, stmt_params);
        let mut names: Vec<&'static str> = Vec::with_capacity(self.child_columns.len() + 2);
        names.extend_from_slice(self.child_columns);
        names.push(KEY);
        if numbered {
            names.push(RN);
        }
        stmt.columns = Some(Columns::Built(names.into()));
        stmt
    }
}

/// Appends `alias."col", …` for every column in `columns`.
fn push_columns(sql: &mut String, columns: &[&str], alias: &str) {
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(alias);
        sql.push('.');
        crate::sql::text::push_ident(sql, c);
    }
}

impl<R: Relation, S: LoadList<R::Child>> LoadSpec for Load<R, S>
where
    <R::Child as Table>::Row: Clone,
    S::Out: Clone,
{
    type Parent = R::Parent;
    type Rel = R;
    type Node = Node<<R::Child as Table>::Row, S::Out>;
    type Rows = (Decoded<<R::Child as Table>::Row>, S::Rows);
    const STATEMENTS: usize = 1 + S::STATEMENTS;

    fn statements(&self, parent: &Statement, parent_unique_rows: bool, out: &mut Vec<Statement>) {
        let level = LevelMeta {
            join: R::JOIN,
            parent_pk: <R::Parent as Table>::PRIMARY_KEY,
            child_name: <R::Child as Table>::NAME,
            child_columns: <R::Child as Table>::COLUMNS,
            child_columns_sql: <R::Child as Table>::COLUMNS_SQL,
            child_pk: <R::Child as Table>::PRIMARY_KEY,
        };
        let (stmt, scope) = level.statements(
            &self.filter,
            &self.order,
            self.limit,
            parent,
            parent_unique_rows,
        );
        out.push(stmt);
        // A child row is reached once per parent key, so directly related rows are each
        // there once; through a join table a row shared by two parents is there twice.
        let unique_rows = matches!(R::JOIN, Join::Direct { .. });
        self.sub.statements(&scope, unique_rows, out);
    }

    fn accept(&self, rows: &mut Self::Rows, i: usize, reader: &mut RowReader<'_>) -> Result<()> {
        if i > 0 {
            return self.sub.accept(&mut rows.1, i - 1, reader);
        }
        // The parent key follows the child's columns.
        let columns = <R::Child as Table>::COLUMNS;
        let group = key_at(reader, columns.len(), KEY)?;
        reader.by_position();
        rows.0
            .push::<R::Child, S>(group, reader, <R::Child as Table>::Row::from_reader)
    }

    fn finish(&self, rows: Self::Rows) -> Result<Grouped<Self::Node>> {
        let (own, sub) = rows;
        let mut sub = self.sub.finish(sub)?;
        let mut grouped: Grouped<Self::Node> =
            HashMap::with_capacity_and_hasher(own.rows.len(), Default::default());
        own.attach::<R::Child, S>(&mut sub, |key, node| {
            grouped
                .entry(key)
                .or_insert_with(|| (Vec::new(), 0))
                .0
                .push(node);
        });
        Ok(grouped)
    }
}

/// A select with relations to load.
#[must_use = "a query does nothing until `.all()` or `.get()` is awaited"]
pub struct SelectWith<'a, E, T, L> {
    select: Select<'a, E, T>,
    loads: L,
}

impl<'a, E: Executor, T: Table> Select<'a, E, T> {
    /// Loads relation `load` for every selected row, in the same round trip.
    pub fn with<L: LoadSpec<Parent = T>>(self, load: L) -> SelectWith<'a, E, T, With<L, Nil>> {
        SelectWith {
            select: self,
            loads: With(load, Nil),
        }
    }
}

impl<'a, E: Executor, T: Table, Ls: LoadList<T>> SelectWith<'a, E, T, Ls> {
    /// Also loads `load`.
    pub fn with<L: LoadSpec<Parent = T>>(self, load: L) -> SelectWith<'a, E, T, With<L, Ls>> {
        SelectWith {
            select: self.select,
            loads: With(load, self.loads),
        }
    }

    /// Every statement, in the order they are sent (the selected rows first).
    pub fn to_statements(&self) -> Vec<Statement> {
        let root = self.select.to_statement();
        let mut out = Vec::with_capacity(4);
        // The selected rows are a table's, each there once.
        self.loads.statements(&root, true, &mut out);
        out.insert(0, root);
        out
    }

    /// The selected rows with their relations: one round trip (one batch), each row
    /// decoded as the database yields it.
    pub async fn all(self) -> Result<Vec<Node<T::Row, Ls::Out>>> {
        let stmts = self.to_statements();
        let mut root: Decoded<T::Row> = Decoded::default();
        let mut rows = Ls::Rows::default();
        let loads = &self.loads;
        self.select
            .db()
            .batch_statements_each(stmts, |i, reader| {
                if i == 0 {
                    root.push::<T, Ls>(Key::Null, reader, T::Row::from_reader)
                } else {
                    loads.accept(&mut rows, i - 1, reader)
                }
            })
            .await?;
        let mut grouped = self.loads.finish(rows)?;
        let mut nodes = Vec::with_capacity(root.rows.len());
        root.attach::<T, Ls>(&mut grouped, |_, node| nodes.push(node));
        Ok(nodes)
    }

    /// The first selected row with its relations, if any.
    pub async fn get(mut self) -> Result<Option<Node<T::Row, Ls::Out>>> {
        self.select = self.select.limit(1);
        Ok(self.all().await?.into_iter().next())
    }
}

impl<T> Decoded<T> {
    /// Decodes a row read by `reader`, after noting the keys its loads `L` want; `group` is
    /// the parent key it belongs to.
    pub(super) fn push<P, L: LoadList<P>>(
        &mut self,
        group: Key,
        reader: &mut RowReader<'_>,
        decode: impl FnOnce(&mut RowReader<'_>) -> Result<T>,
    ) -> Result<()> {
        L::keys(reader, &mut self.keys)?;
        let row = decode(reader)?;
        self.rows.push((group, row));
        Ok(())
    }

    /// Each row with its relations from `grouped` (every row says first what it wants, so
    /// groups go, moved, to the last row that wants them).
    pub(super) fn attach<P, L: LoadList<P>>(
        self,
        grouped: &mut L::Grouped,
        mut each: impl FnMut(Key, Node<T, L::Out>),
    ) {
        let stride = L::KEYS;
        if stride > 0 {
            for keys in self.keys.chunks(stride) {
                L::want(grouped, keys);
            }
        }
        let mut at = 0;
        for (group, row) in self.rows {
            let rel = L::attach(grouped, &self.keys[at..at + stride]);
            at += stride;
            each(group, Node { row, rel });
        }
    }
}
