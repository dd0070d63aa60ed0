//! # mizzle
//!
//! Typed queries for Cloudflare D1 (and Durable Objects' SQLite), generated from a TOML
//! schema.
//!
//! ## The 60-second tour
//!
//! A table is a file in `schema/`:
//!
//! ```toml
//! # schema/posts.toml
//! [columns]
//! id        = { type = "integer", primary_key = true, auto_increment = true }
//! author_id = { type = "integer", references = "users.id", on_delete = "cascade" }
//! title     = { type = "text" }
//! published = { type = "boolean", default = false }
//!
//! [relations]
//! author = { belongs_to = "users", key = "author_id" }
//! ```
//!
//! `build.rs` is `fn main() { mizzle_build::build() }`: every build turns `schema/*.toml`
//! into row, insert and patch structs, enums and typed column handles, and keeps
//! `migrations/` in step (wrangler's layout). The crate includes the generated module with
//! `mizzle::include_schema!()` and queries through a [`Db`]. The same code runs on D1 in
//! the Worker and on a bundled SQLite in `cargo test`:
//!
//! ```
//! # mod schema { include!(concat!(env!("CARGO_MANIFEST_DIR"), "/doc/tour_schema.rs")); }
//! # use schema::*;
//! # fn block_on<F: std::future::Future>(f: F) -> F::Output {
//! #     let mut f = std::pin::pin!(f);
//! #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
//! #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
//! # }
//! # block_on(async {
//! // In a Worker: `let db = schema::d1_verified(&env).await?;` (D1, migrations checked).
//! let exec = mizzle::sqlite::SqliteExecutor::open_in_memory()?;
//! exec.apply_migrations(MIGRATIONS)?;
//! let db = mizzle::Db::new(exec);
//!
//! let ada: User = db
//!     .insert(users::table)
//!     .values(NewUser::new("ada@example.com", "Ada"))
//!     .returning()
//!     .one()
//!     .await?;
//! db.insert(posts::table)
//!     .values(NewPost::new(ada.id, "Hello, D1").published(true))
//!     .run()
//!     .await?;
//!
//! // A typed filter, and the relation tree in one round trip.
//! let writers = db
//!     .select(users::table)
//!     .filter(users::email.like("%@example.com"))
//!     .with(users::posts.filter(posts::published.eq(true)))
//!     .all()
//!     .await?;
//! assert_eq!(writers[0].get(users::posts)[0].title, "Hello, D1");
//!
//! // Patches set only what they name; `published` is a `bool`, not a 0/1 integer.
//! db.update(posts::table)
//!     .set(PostPatch::new().title("Hello again"))
//!     .filter(posts::author_id.eq(ada.id))
//!     .run()
//!     .await?;
//! # Ok::<(), mizzle::Error>(())
//! # }).unwrap();
//! ```
//!
//! A column of a table that is not in the query, a value of the wrong type, or a relation
//! that is not declared does not compile. No API emits `BEGIN` (D1 has none): atomic work is
//! one batch ([`Db::batch`]). At most 100 parameters go in one statement, and an integer
//! beyond 2^53 is refused rather than rounded by D1.
//!
//! Executors: the D1 binding (module `d1`) and a Durable Object's storage (module
//! `durable`) on wasm32, through the `worker` crate; `sqlite::SqliteExecutor` natively
//! (feature `sqlite`, default), for tests.

#![deny(missing_docs)]

mod db;
mod error;
mod exec;
pub mod expr;
mod query;
pub mod sql;
mod table;

pub mod defaults;
pub mod seed;
#[doc(hidden)]
pub mod serde_helpers;

/// What only generated code calls. Not part of the API: it may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::serde_helpers::SetOrNull;

    /// A row struct's decoding, its decode errors naming `table.column` (generated
    /// `from_reader`s call it).
    #[inline(always)]
    pub fn in_table<T>(table: &'static str, read: crate::Result<T>) -> crate::Result<T> {
        match read {
            Ok(row) => Ok(row),
            Err(e) => Err(e.in_table(table)),
        }
    }
    pub use crate::exec::derived_field as field;
    pub use crate::sql::{decode_enum, encode_owned};

    /// Reads `field` of a derived struct with a `table` from `column`, as the column's SQL
    /// type: a field type that cannot hold it is a compile error at the field.
    #[inline]
    pub fn column<Tb, S: crate::sql::SqlType, T: crate::sql::FromSql<S>>(
        reader: &mut crate::RowReader<'_>,
        column: crate::Column<Tb, S>,
        field: &'static str,
        default: Option<fn() -> T>,
    ) -> crate::Result<T> {
        crate::exec::derived_field::<S, T>(reader, column.name(), field, default)
    }
}

#[cfg(target_arch = "wasm32")]
pub use exec::d1;

#[doc(inline)]
pub use expr::{scope, value as value_expr};

#[cfg(all(feature = "sqlite", not(target_arch = "wasm32")))]
pub use exec::sqlite;

#[cfg(target_arch = "wasm32")]
pub mod durable {
    //! The Durable Object backend (wasm32): a SQLite-backed object's storage as a mizzle
    //! database. [`open`] applies the object's pending migrations (wrangler does not migrate
    //! objects) and returns a [`Db`](crate::Db) with D1's limits; every query then runs as on
    //! D1. [`DurableExecutor`] lists the storage API's traps it handles (integers bound as
    //! REAL, no `BEGIN`, unread cursors).

    pub use crate::db::backends::open_durable as open;
    pub use crate::exec::durable::*;
}

pub use db::{Db, MigrationCheck};
pub use error::{DbErrorKind, DecodeError, Error, Result};
pub use exec::{
    Columns, Counted, ExecMeta, Executor, FromRow, Output, Row, RowReader, Statement, Usage,
};
pub use expr::{Column, Condition, Order, and, escape_like, exists, not_exists, or};
/// `#[derive(FromRow)]`: see [`FromRow`](trait@FromRow).
#[cfg(feature = "derive")]
pub use mizzle_macros::FromRow;
#[doc(hidden)]
pub use query::InsertLink;
pub use query::batch::{Batch, BatchItem};
pub use query::join::{JoinSelect, Project};
pub use query::prepared::Prepared;
pub use query::relation::{Join, Load, Many, Nil, Node, One, Relation, SelectWith, With};
pub use query::{
    Assign, ConflictTarget, Delete, Insert, InsertInto, OnConflict, Raw, Returning,
    ReturningColumns, ReturningWrite, Select, Update, UpdateTable, assign,
};
pub use query::{dynamic, join, prepared, relation};
pub use sql::limits::{Limits, MAX_JSON_DEPTH};
pub use sql::text::quote_ident;
pub use sql::value::{MAX_SAFE_INTEGER, Value, ValueRef};
pub use sql::{DefaultSql, FromSql};
pub use table::{ForeignKey, Insertable, Patch, SetValues, Table};
pub use value_expr::{
    Val, avg, coalesce, count, count_all, count_distinct, fragment, greatest, least, max, min, now,
    now_ms, sum,
};

/// Re-exported so generated code and users need no direct dependency.
pub use chrono;
pub use serde;
pub use serde_json;
/// The `worker` crate, for generated D1 accessors.
#[cfg(target_arch = "wasm32")]
pub use worker;

/// Brings the code generated by `mizzle_build` from `schema/` into scope here.
///
/// Expands to `include!(concat!(env!("OUT_DIR"), "/mizzle_schema.rs"))`.
#[macro_export]
macro_rules! include_schema {
    () => {
        include!(concat!(env!("OUT_DIR"), "/mizzle_schema.rs"));
    };
}

/// Builds a `Vec<Value>` of bound parameters: `params![1, "ann", None::<i64>]`.
#[macro_export]
macro_rules! params {
    ($($v:expr),* $(,)?) => {
        ::std::vec![$($crate::Value::from($v)),*]
    };
}
