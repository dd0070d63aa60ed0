//! Relation loading: a tree of related rows in one round trip.
//!
//! ```text
//! let users = db
//!     .select(users::table)
//!     .with(users::posts.order_by(posts::created_at.desc()).limit(5)
//!         .with(posts::comments.with(comments::author))
//!         .with(posts::tags))
//!     .all()
//!     .await?;
//! for user in &users {
//!     for post in user.get(users::posts) {
//!         println!("{} by {}: {} tags", post.title, user.name, post.get(posts::tags).len());
//!     }
//! }
//! ```
//!
//! Every level is one statement. Its parent keys come from a subquery over the level above
//! (`… WHERE c.author_id IN (SELECT id FROM (<parent statement>))`), so all statements go
//! out together in one batch: one D1 round trip however deep the tree, and never N+1. A
//! per-parent `limit` is `ROW_NUMBER() OVER (PARTITION BY <key>)`.
//!
//! Results are [`Node`]s: the row (through `Deref`) plus its loaded relations, fetched by
//! relation handle with [`Node::get`]. Asking for a relation that was not loaded, or that
//! does not exist, does not compile.

use std::collections::{HashMap, VecDeque};
use std::marker::PhantomData;
use std::ops::Deref;

use crate::expr::{Condition, Expr, Order};
use crate::query::{Select, and_filter};
use crate::{Error, Executor, FromRow, Output, Result, Row, Statement, Table, Value, quote_ident};

/// How many related rows a relation has per parent.
pub trait Card {
    /// The container: `Vec<N>` or `Option<N>`.
    type Out<N>;
    /// Builds it from the related rows of one parent.
    fn collect<N>(items: Vec<N>) -> Self::Out<N>;
}

/// Any number (`has_many`, `many_to_many`): a `Vec`.
#[derive(Debug, Clone, Copy)]
pub struct Many;
/// At most one (`belongs_to`, `has_one`): an `Option`.
#[derive(Debug, Clone, Copy)]
pub struct One;

impl Card for Many {
    type Out<N> = Vec<N>;
    fn collect<N>(items: Vec<N>) -> Vec<N> {
        items
    }
}

impl Card for One {
    type Out<N> = Option<N>;
    fn collect<N>(items: Vec<N>) -> Option<N> {
        items.into_iter().next()
    }
}

/// How parent and child rows are matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Join {
    /// `child.child_col = parent.parent_col`.
    Direct {
        /// Column of the parent table.
        parent_col: &'static str,
        /// Column of the child table.
        child_col: &'static str,
    },
    /// Through a join table: `join.source_fk = parent.parent_col` and
    /// `join.target_fk = child.child_col`.
    Through {
        /// The join table.
        table: &'static str,
        /// Its column referencing the parent.
        source_fk: &'static str,
        /// Its column referencing the child.
        target_fk: &'static str,
        /// Column of the parent table.
        parent_col: &'static str,
        /// Column of the child table.
        child_col: &'static str,
    },
}

impl Join {
    /// The parent column whose value identifies the related rows.
    pub const fn parent_col(&self) -> &'static str {
        match self {
            Join::Direct { parent_col, .. } | Join::Through { parent_col, .. } => parent_col,
        }
    }
}

/// A relation from `[relations]` (generated as a unit struct per relation).
pub trait Relation: Copy + 'static {
    /// The table it is declared on.
    type Parent: Table;
    /// The table it leads to.
    type Child: Table;
    /// `Many` or `One`.
    type Card: Card;
    /// Its name in the schema.
    const NAME: &'static str;
    /// How rows are matched.
    const JOIN: Join;
}

/// The empty list of relations.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Nil;

/// A non-empty list of relations: the first and the rest.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct With<H, T>(pub H, pub T);

/// Loaded rows of relation `R`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rel<R, V> {
    /// The related rows (`Vec` or `Option`).
    pub value: V,
    _rel: PhantomData<fn() -> R>,
}

/// A relation to load, with its own filter, order, per-parent limit and nested loads.
/// The generated relation handles (`users::posts`) are `Load`s with nothing set.
pub struct Load<R, S = Nil> {
    rel: R,
    filter: Option<Expr>,
    order: Vec<(crate::value_expr::Node, bool)>,
    limit: Option<u64>,
    sub: S,
}

impl<R: Relation> Load<R> {
    /// The load of relation `rel` (used by generated handles).
    #[doc(hidden)]
    pub const fn new(rel: R) -> Self {
        Load {
            rel,
            filter: None,
            order: Vec::new(),
            limit: None,
            sub: Nil,
        }
    }
}

impl<R: Relation, S> Load<R, S> {
    /// Only related rows matching `condition` (several are ANDed).
    pub fn filter<C, I>(mut self, condition: Condition<C>) -> Self
    where
        R::Child: crate::scope::Covers<C, I>,
    {
        self.filter = and_filter(self.filter.take(), condition.into_expr());
        self
    }

    /// Orders the related rows of each parent.
    pub fn order_by<C, I>(mut self, order: impl Into<Order<C>>) -> Self
    where
        R::Child: crate::scope::Covers<C, I>,
    {
        let o = order.into();
        self.order.push((o.term, o.descending));
        self
    }

    /// A condition on the parent: it has at least one related row matching `condition`
    /// (`users::posts.any(posts::published.eq(true))`), as a correlated
    /// `EXISTS (SELECT 1 …)`. The load's own filter applies too.
    pub fn any<C, I>(self, condition: Condition<C>) -> Condition<R::Parent>
    where
        R::Child: crate::scope::Covers<C, I>,
    {
        Condition::new(self.exists(Some(condition.into_expr()), false))
    }

    /// A condition on the parent: it has at least one related row.
    pub fn exists_any(self) -> Condition<R::Parent> {
        Condition::new(self.exists(None, false))
    }

    /// A condition on the parent: no related row matches `condition`.
    pub fn none<C, I>(self, condition: Condition<C>) -> Condition<R::Parent>
    where
        R::Child: crate::scope::Covers<C, I>,
    {
        Condition::new(self.exists(Some(condition.into_expr()), true))
    }

    /// The number of related rows (matching the load's filter), as an expression on the
    /// parent: a correlated scalar subquery, for a projection (`.columns((posts::id,
    /// posts::comments.count()))`), a condition or an order.
    pub fn count(self) -> crate::value_expr::Val<R::Parent, crate::sql::Integer> {
        crate::value_expr::Val::new(crate::value_expr::Node::Subquery(Box::new(
            self.correlated("count(*)", None),
        )))
    }

    /// `EXISTS (SELECT 1 FROM child AS "__c" … WHERE <key matches the outer parent>)`.
    fn exists(self, condition: Option<Expr>, negated: bool) -> Expr {
        Expr::Exists {
            sub: Box::new(self.correlated("1", condition)),
            negated,
        }
    }

    /// `SELECT <list> FROM child AS "__c" … WHERE <key matches the outer parent> AND
    /// <filter>`. The child is aliased, so the outer table's name still means the parent (a
    /// relation of a table to itself included), and the conditions' columns, unqualified,
    /// are the child's.
    fn correlated(self, list: &str, condition: Option<Expr>) -> Statement {
        let parent = quote_ident(<R::Parent as Table>::NAME);
        let child = quote_ident(<R::Child as Table>::NAME);
        let mut sql = format!("SELECT {list} FROM ");
        let mut params = Vec::new();
        match R::JOIN {
            Join::Direct {
                parent_col,
                child_col,
            } => sql.push_str(&format!(
                "{child} AS \"__c\" WHERE \"__c\".{} = {parent}.{}",
                quote_ident(child_col),
                quote_ident(parent_col)
            )),
            Join::Through {
                table,
                source_fk,
                target_fk,
                parent_col,
                child_col,
            } => sql.push_str(&format!(
                "{} AS \"__t\" JOIN {child} AS \"__c\" ON \"__c\".{} = \"__t\".{} WHERE \"__t\".{} = {parent}.{}",
                quote_ident(table),
                quote_ident(child_col),
                quote_ident(target_fk),
                quote_ident(source_fk),
                quote_ident(parent_col)
            )),
        }
        for f in [self.filter, condition].into_iter().flatten() {
            sql.push_str(" AND (");
            f.render(&mut sql, &mut params);
            sql.push(')');
        }
        Statement::new(sql, params)
    }

    /// At most `n` related rows per parent.
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self
    }

    /// Also loads `load`, a relation of the child table, for every related row.
    pub fn with<L: LoadSpec<Parent = R::Child>>(self, load: L) -> Load<R, With<L, S>> {
        Load {
            rel: self.rel,
            filter: self.filter,
            order: self.order,
            limit: self.limit,
            sub: With(load, self.sub),
        }
    }
}

/// A row with its loaded relations. Derefs to the row.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<T, R> {
    /// The row.
    pub row: T,
    /// Its loaded relations.
    pub rel: R,
}

impl<T, R> Deref for Node<T, R> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.row
    }
}

/// Index markers for [`Pick`]: where in the list a relation is.
pub struct Here;
/// See [`Here`].
pub struct There<I>(PhantomData<I>);

/// Finds the loaded rows of relation `R` in a list of loaded relations.
pub trait Pick<R, I> {
    /// Their type.
    type Out;
    /// Them.
    fn pick(&self) -> &Self::Out;
}

impl<R, V, Tail> Pick<R, Here> for With<Rel<R, V>, Tail> {
    type Out = V;
    fn pick(&self) -> &V {
        &self.0.value
    }
}

impl<R, H, Tail: Pick<R, I>, I> Pick<R, There<I>> for With<H, Tail> {
    type Out = Tail::Out;
    fn pick(&self) -> &Self::Out {
        self.1.pick()
    }
}

impl<T, Rs> Node<T, Rs> {
    /// The loaded rows of relation `rel`: `user.get(users::posts)`.
    pub fn get<R: Relation, S, I>(&self, _rel: Load<R, S>) -> &<Rs as Pick<R, I>>::Out
    where
        Rs: Pick<R, I>,
    {
        self.rel.pick()
    }
}

impl<T: serde::Serialize, R: serde::Serialize> serde::Serialize for Node<T, R> {
    /// The row's fields, then one field per loaded relation, named as in the schema.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Flat<'a, T, R> {
            #[serde(flatten)]
            row: &'a T,
            #[serde(flatten)]
            rel: &'a R,
        }
        Flat {
            row: &self.row,
            rel: &self.rel,
        }
        .serialize(s)
    }
}

impl serde::Serialize for Nil {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        s.serialize_map(Some(0))?.end()
    }
}

/// Writes a relation list's entries into a map (for `Serialize`).
pub trait RelEntries {
    /// Adds this list's entries.
    fn entries<M: serde::ser::SerializeMap>(&self, map: &mut M) -> Result<(), M::Error>;
}

impl RelEntries for Nil {
    fn entries<M: serde::ser::SerializeMap>(&self, _: &mut M) -> Result<(), M::Error> {
        Ok(())
    }
}

impl<R: Relation, V: serde::Serialize, Tail: RelEntries> RelEntries for With<Rel<R, V>, Tail> {
    fn entries<M: serde::ser::SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        self.1.entries(map)?;
        map.serialize_entry(R::NAME, &self.0.value)
    }
}

impl<R: Relation, V: serde::Serialize, Tail: RelEntries> serde::Serialize
    for With<Rel<R, V>, Tail>
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        self.entries(&mut map)?;
        map.end()
    }
}

/// A hashable form of a key value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// NULL (matches nothing).
    Null,
    /// An integer.
    Int(i64),
    /// A real, by its bits.
    Real(u64),
    /// Text.
    Text(String),
    /// Bytes.
    Blob(Vec<u8>),
}

impl From<&Value> for Key {
    fn from(v: &Value) -> Self {
        match v {
            Value::Null => Key::Null,
            Value::Integer(i) => Key::Int(*i),
            Value::Real(r) => Key::Real(r.to_bits()),
            Value::Text(s) => Key::Text(s.clone()),
            Value::Blob(b) => Key::Blob(b.clone()),
        }
    }
}

const KEY: &str = "__mizzle_key";
const RN: &str = "__mizzle_rn";

fn key_of(row: &Row, column: &str) -> Result<Key> {
    row.get(column).map(Key::from).ok_or_else(|| {
        Error::Other(format!(
            "relation key column `{column}` missing from result"
        ))
    })
}

/// Related rows grouped by the parent key they belong to, with how many parent rows still
/// want each group: the last one takes it (moved), earlier ones get a clone. A parent key
/// that is the parent's primary key is wanted once, so nothing is cloned; a key several
/// parents share (a `belongs_to`, a row reached twice through a many-to-many) is cloned for
/// all but the last.
pub type Grouped<N> = HashMap<Key, (Vec<N>, usize)>;

/// One relation to load under a parent table (implemented by [`Load`]).
pub trait LoadSpec {
    /// The table it hangs off.
    type Parent: Table;
    /// The relation.
    type Rel: Relation;
    /// One loaded related row.
    type Node: Clone;
    /// Its statements, given the statement that selects the parent rows.
    fn statements(&self, parent: &Statement, out: &mut Vec<Statement>);
    /// Reads its outputs (in statement order) and groups the rows by parent key.
    fn decode(&self, outputs: &mut VecDeque<Output>) -> Result<Grouped<Self::Node>>;
}

/// A list of relations to load under table `P`.
pub trait LoadList<P> {
    /// The loaded relations of one parent row.
    type Out;
    /// Grouped results of every load in the list.
    type Grouped;
    /// Statements of every load.
    fn statements(&self, parent: &Statement, out: &mut Vec<Statement>);
    /// Decodes the outputs of every load.
    fn decode(&self, outputs: &mut VecDeque<Output>) -> Result<Self::Grouped>;
    /// Notes that parent row `row` will want its groups (called for every parent row
    /// before any [`attach`](Self::attach)).
    fn want(grouped: &mut Self::Grouped, row: &Row) -> Result<()>;
    /// The loaded relations of the parent row `row`.
    fn attach(grouped: &mut Self::Grouped, row: &Row) -> Result<Self::Out>;
}

impl<P> LoadList<P> for Nil {
    type Out = Nil;
    type Grouped = ();
    fn statements(&self, _: &Statement, _: &mut Vec<Statement>) {}
    fn decode(&self, _: &mut VecDeque<Output>) -> Result<()> {
        Ok(())
    }
    fn want(_: &mut (), _: &Row) -> Result<()> {
        Ok(())
    }
    fn attach(_: &mut (), _: &Row) -> Result<Nil> {
        Ok(Nil)
    }
}

type Attached<L> = <<<L as LoadSpec>::Rel as Relation>::Card as Card>::Out<<L as LoadSpec>::Node>;

impl<P, L: LoadSpec<Parent = P>, Rest: LoadList<P>> LoadList<P> for With<L, Rest> {
    type Out = With<Rel<L::Rel, Attached<L>>, Rest::Out>;
    type Grouped = (Grouped<L::Node>, Rest::Grouped);
    fn statements(&self, parent: &Statement, out: &mut Vec<Statement>) {
        self.0.statements(parent, out);
        self.1.statements(parent, out);
    }
    fn decode(&self, outputs: &mut VecDeque<Output>) -> Result<Self::Grouped> {
        let mine = self.0.decode(outputs)?;
        Ok((mine, self.1.decode(outputs)?))
    }
    fn want(grouped: &mut Self::Grouped, row: &Row) -> Result<()> {
        let key = key_of(row, <L::Rel as Relation>::JOIN.parent_col())?;
        if let Some((_, wanted)) = grouped.0.get_mut(&key) {
            *wanted += 1;
        }
        Rest::want(&mut grouped.1, row)
    }

    fn attach(grouped: &mut Self::Grouped, row: &Row) -> Result<Self::Out> {
        let key = key_of(row, <L::Rel as Relation>::JOIN.parent_col())?;
        let items = match grouped.0.get_mut(&key) {
            Some((items, wanted)) if *wanted > 1 => {
                *wanted -= 1;
                items.clone()
            }
            Some(_) => grouped
                .0
                .remove(&key)
                .map(|(items, _)| items)
                .unwrap_or_default(),
            None => Vec::new(),
        };
        let value = <<L::Rel as Relation>::Card as Card>::collect(items);
        Ok(With(
            Rel {
                value,
                _rel: PhantomData,
            },
            Rest::attach(&mut grouped.1, row)?,
        ))
    }
}

fn columns_of<T: Table>(alias: &str) -> String {
    T::COLUMNS
        .iter()
        .map(|c| format!("{alias}.{}", quote_ident(c)))
        .collect::<Vec<_>>()
        .join(", ")
}

impl<R: Relation, S: LoadList<R::Child>> LoadSpec for Load<R, S>
where
    <R::Child as Table>::Row: Clone,
    S::Out: Clone,
{
    type Parent = R::Parent;
    type Rel = R;
    type Node = Node<<R::Child as Table>::Row, S::Out>;

    fn statements(&self, parent: &Statement, out: &mut Vec<Statement>) {
        let child = quote_ident(<R::Child as Table>::NAME);
        let child_cols = <R::Child as Table>::COLUMNS
            .iter()
            .map(|c| quote_ident(c))
            .collect::<Vec<_>>()
            .join(", ");
        let mut params = Vec::new();
        // The child rows, filtered, as a derived table `c` (only the child's columns are in
        // scope for the filter).
        let mut derived = format!("(SELECT {child_cols} FROM {child}");
        if let Some(f) = &self.filter {
            derived.push_str(" WHERE ");
            f.render(&mut derived, &mut params);
        }
        derived.push_str(") AS c");
        let parent_keys = format!(
            "(SELECT {} FROM ({}))",
            quote_ident(R::JOIN.parent_col()),
            parent.sql
        );
        let (key_expr, from) = match R::JOIN {
            Join::Direct { child_col, .. } => (format!("c.{}", quote_ident(child_col)), derived),
            Join::Through {
                table,
                source_fk,
                target_fk,
                child_col,
                ..
            } => (
                format!("j.{}", quote_ident(source_fk)),
                format!(
                    "{} AS j JOIN {derived} ON c.{} = j.{}",
                    quote_ident(table),
                    quote_ident(child_col),
                    quote_ident(target_fk)
                ),
            ),
        };
        let mut order: Vec<String> = self
            .order
            .iter()
            .map(|(node, d)| {
                let mut term = String::new();
                match node {
                    crate::value_expr::Node::Col(c) => {
                        term.push_str("c.");
                        term.push_str(&quote_ident(c.name));
                    }
                    other => other.render(false, &mut term, &mut Vec::new()),
                }
                format!("{term}{}", if *d { " DESC" } else { "" })
            })
            .collect();
        if order.is_empty() {
            order = <R::Child as Table>::PRIMARY_KEY
                .iter()
                .map(|c| format!("c.{}", quote_ident(c)))
                .collect();
        }
        let order_sql = if order.is_empty() {
            String::new()
        } else {
            format!(" ORDER BY {}", order.join(", "))
        };
        let select = format!(
            "SELECT {}, {key_expr} AS {KEY}{} FROM {from} WHERE {key_expr} IN {parent_keys}",
            columns_of::<R::Child>("c"),
            match self.limit {
                Some(_) =>
                    format!(", ROW_NUMBER() OVER (PARTITION BY {key_expr}{order_sql}) AS {RN}"),
                None => String::new(),
            },
        );
        params.extend(parent.params.iter().cloned());
        let sql = match self.limit {
            Some(n) => format!("SELECT * FROM ({select}) WHERE {RN} <= {n} ORDER BY {KEY}, {RN}"),
            None => format!("{select}{order_sql}"),
        };
        let stmt = Statement::new(sql, params);
        out.push(stmt.clone());
        self.sub.statements(&stmt, out);
    }

    fn decode(&self, outputs: &mut VecDeque<Output>) -> Result<Grouped<Self::Node>> {
        let own = outputs
            .pop_front()
            .ok_or_else(|| Error::Other("relation batch returned too few results".into()))?;
        let mut sub = self.sub.decode(outputs)?;
        for row in &own.rows {
            S::want(&mut sub, row)?;
        }
        let mut grouped: Grouped<Self::Node> = HashMap::new();
        for row in own.rows {
            let key = key_of(&row, KEY)?;
            let rel = S::attach(&mut sub, &row)?;
            let node = Node {
                row: <R::Child as Table>::Row::from_row(row)?,
                rel,
            };
            grouped
                .entry(key)
                .or_insert_with(|| (Vec::new(), 0))
                .0
                .push(node);
        }
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
        let mut out = vec![root.clone()];
        self.loads.statements(&root, &mut out);
        out
    }

    /// The selected rows with their relations: one round trip (one batch).
    pub async fn all(self) -> Result<Vec<Node<T::Row, Ls::Out>>> {
        let stmts = self.to_statements();
        let mut outputs: VecDeque<Output> = self.select.db().batch_statements(stmts).await?.into();
        let root = outputs
            .pop_front()
            .ok_or_else(|| Error::Other("empty batch result".into()))?;
        let mut grouped = self.loads.decode(&mut outputs)?;
        for row in &root.rows {
            Ls::want(&mut grouped, row)?;
        }
        root.rows
            .into_iter()
            .map(|row| {
                let rel = Ls::attach(&mut grouped, &row)?;
                Ok(Node {
                    row: T::Row::from_row(row)?,
                    rel,
                })
            })
            .collect()
    }

    /// The first selected row with its relations, if any.
    pub async fn get(mut self) -> Result<Option<Node<T::Row, Ls::Out>>> {
        self.select = self.select.limit(1);
        Ok(self.all().await?.into_iter().next())
    }
}
