//! Which tables a query reads, at the type level: a condition, order or projection on a
//! column of a table the query does not read does not compile.
//!
//! A single-table query's scope is its table `T`; a join's is the tuple of its sources
//! `(A, B, …)`. A condition over one table has scope `T`; `a & b` over two tables has scope
//! [`Both`]; an aggregate or fragment that names no column has scope [`AnyScope`].
//! [`Covers`] says a query's scope contains a condition's.
//!
//! (Also at `mizzle::scope`.)

use std::marker::PhantomData;

use crate::error::Result;
use crate::exec::{FromRow, RowReader};
use crate::sql::{MakeNullable, SqlType};
use crate::table::Table;

/// Something a query reads rows from: a table, or an alias of one (see [`alias!`]).
///
/// [`alias!`]: crate::alias
pub trait Source: Copy {
    /// The row struct.
    type Row: FromRow;
    /// The table's SQL name.
    const NAME: &'static str;
    /// The name the query calls it by: the table's own name, or an alias.
    const ALIAS: &'static str;
    /// SQL names of its columns, in row-struct order.
    const COLUMNS: &'static [&'static str];
    /// Its primary key columns.
    const PRIMARY_KEY: &'static [&'static str];
}

impl<T: Table> Source for T {
    type Row = T::Row;
    const NAME: &'static str = T::NAME;
    const ALIAS: &'static str = T::NAME;
    const COLUMNS: &'static [&'static str] = T::COLUMNS;
    const PRIMARY_KEY: &'static [&'static str] = T::PRIMARY_KEY;
}

/// Marks an alias of table `T` (implemented by [`alias!`](crate::alias)).
pub trait AliasOf<T>: Source {}

/// The scope of a condition over two scopes (`a & b`, `a | b`, `x.eq_col(y)`).
pub struct Both<A, B>(PhantomData<fn() -> (A, B)>);

/// The scope of an expression that names no column (`count_all()`, a bound value, a
/// fragment): every query covers it.
pub struct AnyScope;

/// A left-joined source in a join's scope: where the join found no row, its columns are
/// NULL, so a projection reads them as `Option` (see [`NullAt`]).
pub struct LeftJoined<T>(PhantomData<fn() -> T>);

/// The scope of an expression that is never NULL whatever its inputs (`count(..)`,
/// `coalesce(..)`): covered wherever `Q` is, and read as it is even over a left join.
pub struct NeverNull<Q>(PhantomData<fn() -> Q>);

/// One source of a join's scope: a table (or alias) read in every row, or a left-joined
/// one.
pub trait Slot {
    /// The table or alias.
    type Src: Source;
    /// Whether its columns may be NULL in a row ([`Yes`] for a left join).
    type Null: Flag;
}

impl<T: Source> Slot for T {
    type Src = T;
    type Null = No;
}

impl<T: Source> Slot for LeftJoined<T> {
    type Src = T;
    type Null = Yes;
}

/// A type-level yes.
pub struct Yes;
/// A type-level no.
pub struct No;

/// Whether something may be NULL, at the type level, and what that makes of a projected
/// value's type.
pub trait Flag {
    /// Either of two flags.
    type Or<F: Flag>: Flag;
    /// The SQL type a value of type `S` is read as: `S`, or its nullable form.
    type Sql<S: MakeNullable>: SqlType;
    /// A table's row: `R`, or `Option<R>`.
    type Row<R>;
    /// Reads a table's row from the next cells (`None` when the join found no row).
    fn read_row<T: Source>(r: &mut RowReader<'_>) -> Result<Self::Row<T::Row>>;
}

impl Flag for No {
    type Or<F: Flag> = F;
    type Sql<S: MakeNullable> = S;
    type Row<R> = R;
    fn read_row<T: Source>(r: &mut RowReader<'_>) -> Result<T::Row> {
        T::Row::from_reader(r)
    }
}

impl Flag for Yes {
    type Or<F: Flag> = Yes;
    type Sql<S: MakeNullable> = S::Nullable;
    type Row<R> = Option<R>;
    fn read_row<T: Source>(r: &mut RowReader<'_>) -> Result<Option<T::Row>> {
        read_optional_row::<T>(r)
    }
}

/// Whether the expressions of scope `S` found at index `I` of a query's scope may be NULL
/// in its rows: they name a left-joined table (an expression over two scopes: either).
pub trait NullAt<I> {
    /// [`Yes`] or [`No`].
    type Null: Flag;
}

impl<T> NullAt<Here> for T {
    type Null = No;
}
impl<Q> NullAt<Everywhere> for Q {
    type Null = No;
}
impl<Q, I> NullAt<Always<I>> for Q {
    type Null = No;
}
impl<Q: NullAt<IA> + NullAt<IB>, IA, IB> NullAt<(IA, IB)> for Q {
    type Null = <<Q as NullAt<IA>>::Null as Flag>::Or<<Q as NullAt<IB>>::Null>;
}

/// Index: the query is this table.
pub struct Here;
/// Index: an expression that is never NULL, over a scope found at `I`.
pub struct Always<I>(PhantomData<fn() -> I>);
/// Index: the `N`th source of a join.
pub struct At<const N: usize>;
/// Index: a scope every query covers.
pub struct Everywhere;

/// The query whose scope is `Self` may use expressions of scope `S` (`I` is inferred).
#[diagnostic::on_unimplemented(
    message = "this query does not read `{S}`",
    label = "a column of a table that is not in the query",
    note = "join the table first (`.inner_join(..)` / `.left_join(..)`), or filter by a relation with `.any(..)`"
)]
pub trait Covers<S, I> {}

#[diagnostic::do_not_recommend]
impl<T: Table> Covers<T, Here> for T {}
#[diagnostic::do_not_recommend]
impl<Q> Covers<AnyScope, Everywhere> for Q {}
#[diagnostic::do_not_recommend]
impl<Q, A, B, IA, IB> Covers<Both<A, B>, (IA, IB)> for Q where Q: Covers<A, IA> + Covers<B, IB> {}
#[diagnostic::do_not_recommend]
impl<Q, S, I> Covers<NeverNull<S>, Always<I>> for Q where Q: Covers<S, I> {}

macro_rules! covers_at {
    ([$($all:ident),*] $t:ident $n:tt) => {
        #[diagnostic::do_not_recommend]
        impl<$($all: Slot),*> Covers<<$t as Slot>::Src, At<$n>> for ($($all,)*) {}

        impl<$($all: Slot),*> NullAt<At<$n>> for ($($all,)*) {
            type Null = <$t as Slot>::Null;
        }
    };
}

macro_rules! tuple_covers {
    ($all:tt $($t:ident $n:tt),*) => {
        $(covers_at!($all $t $n);)*
    };
}
tuple_covers!([T0] T0 0);
tuple_covers!([T0, T1] T0 0, T1 1);
tuple_covers!([T0, T1, T2] T0 0, T1 1, T2 2);
tuple_covers!([T0, T1, T2, T3] T0 0, T1 1, T2 2, T3 3);
tuple_covers!([T0, T1, T2, T3, T4] T0 0, T1 1, T2 2, T3 3, T4 4);
tuple_covers!([T0, T1, T2, T3, T4, T5] T0 0, T1 1, T2 2, T3 3, T4 4, T5 5);

/// Declares an alias of a table, for using it twice in one query (a comment and its
/// parent comment):
///
/// ```text
/// mizzle::alias!(pub Parent = comments::Table as "parent");
///
/// db.select(comments::table)
///     .left_join(Parent, comments::parent_id.eq_col(comments::id.of(Parent)))
///     .all().await?; // Vec<(Comment, Option<Comment>)>
/// ```
#[macro_export]
macro_rules! alias {
    ($vis:vis $name:ident = $table:ty as $alias:literal) => {
        #[doc = concat!("The alias `", $alias, "` of `", stringify!($table), "`.")]
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
        $vis struct $name;

        impl $crate::scope::Source for $name {
            type Row = <$table as $crate::Table>::Row;
            const NAME: &'static str = <$table as $crate::Table>::NAME;
            const ALIAS: &'static str = $alias;
            const COLUMNS: &'static [&'static str] = <$table as $crate::Table>::COLUMNS;
            const PRIMARY_KEY: &'static [&'static str] = <$table as $crate::Table>::PRIMARY_KEY;
        }

        impl $crate::scope::AliasOf<$table> for $name {}
    };
}

/// A left-joined table's row from the next cells: `None` when the join found no row (its
/// key is NULL; every cell, for a table without a key).
pub(crate) fn read_optional_row<T: Source>(r: &mut RowReader<'_>) -> Result<Option<T::Row>> {
    let null = |c: &&str| {
        let i = T::COLUMNS.iter().position(|x| x == c).unwrap_or(0);
        matches!(r.peek(i), Some(crate::ValueRef::Null) | None)
    };
    let missing = if T::PRIMARY_KEY.is_empty() {
        T::COLUMNS.iter().all(null)
    } else {
        T::PRIMARY_KEY.iter().all(null)
    };
    if missing {
        r.skip(T::COLUMNS.len());
        return Ok(None);
    }
    T::Row::from_reader(r).map(Some)
}
