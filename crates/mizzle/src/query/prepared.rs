//! Prepared statements without the stale-cache trap.
//!
//! A [`Prepared`] is a typed query template: a plain function from a parameter struct you
//! define (its fields are the named parameters, checked at compile time) to a condition on
//! one table. It holds no connection and no cache, so it can live in a `static` and be used
//! from every request with that request's [`Db`]: nothing can go stale across requests, and
//! the SQL text is the same on every call, so D1 sees one statement shape.
//!
//! ```text
//! struct ByEmail<'a> { email: &'a str }
//!
//! static BY_EMAIL: Prepared<ByEmail, users::Table> = Prepared::new(|p| users::email.eq(p.email));
//!
//! let user = BY_EMAIL.select(&db, &ByEmail { email: "ann@example.com" }).get().await?;
//! ```

use std::marker::PhantomData;

use super::select::Select;
use crate::db::Db;
use crate::exec::Executor;
use crate::expr::Condition;
use crate::sql::statement::Statement;
use crate::table::Table;

/// A typed, connection-free query template on table `T` with parameters `P`.
pub struct Prepared<P: ?Sized, T> {
    build: for<'p> fn(&'p P) -> Condition<T>,
    _table: PhantomData<fn() -> T>,
}

impl<P: ?Sized, T: Table> Prepared<P, T> {
    /// A template from a function of the parameters (a non-capturing closure will do).
    pub const fn new(build: for<'p> fn(&'p P) -> Condition<T>) -> Self {
        Prepared {
            build,
            _table: PhantomData,
        }
    }

    /// A select of `T` filtered by the template with `params`, on `db`; add order, limit,
    /// relations, then `.all()`, `.get()` or `.count()`.
    pub fn select<'a, E: Executor>(&self, db: &'a Db<E>, params: &P) -> Select<'a, E, T> {
        db.select(T::default_handle()).filter((self.build)(params))
    }

    /// The statement it sends for `params`.
    pub fn statement(&self, params: &P) -> Statement {
        let mut sql = String::new();
        let mut values = Vec::new();
        (self.build)(params).expr().render(&mut sql, &mut values);
        Statement::new(sql, values)
    }
}
