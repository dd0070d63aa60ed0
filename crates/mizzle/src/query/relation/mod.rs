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

use std::marker::PhantomData;
use std::ops::Deref;

use crate::error::Result;
use crate::expr::{Condition, Expr, Order, Qual, and_filter};
use crate::sql::statement::Statement;
use crate::sql::text::quote_ident;
use crate::table::Table;

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
    order: Vec<(crate::expr::node::Node, bool)>,
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
        R::Child: crate::expr::scope::Covers<C, I>,
    {
        and_filter(&mut self.filter, condition.into_expr());
        self
    }

    /// Orders the related rows of each parent.
    pub fn order_by<C, I>(mut self, order: impl Into<Order<C>>) -> Self
    where
        R::Child: crate::expr::scope::Covers<C, I>,
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
        R::Child: crate::expr::scope::Covers<C, I>,
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
        R::Child: crate::expr::scope::Covers<C, I>,
    {
        Condition::new(self.exists(Some(condition.into_expr()), true))
    }

    /// The number of related rows (matching the load's filter), as an expression on the
    /// parent: a correlated scalar subquery, for a projection (`.columns((posts::id,
    /// posts::comments.count()))`), a condition or an order.
    pub fn count(self) -> crate::expr::value::Val<R::Parent, crate::sql::Integer> {
        crate::expr::value::Val::new(crate::expr::node::Node::Subquery(Box::new(
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
    /// relation of a table to itself included), and the conditions' columns, qualified by
    /// that alias, are the child's.
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
            f.render_q(Qual::As("\"__c\""), &mut sql, &mut params);
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

mod decode;
mod load;

pub use decode::{Decoded, Grouped, Key};
pub use load::{LoadList, LoadSpec, SelectWith};
