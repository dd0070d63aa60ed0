//! The wasm32 backends' `Db`s: a D1 session keeps its `Db`'s limits, and a Durable Object's
//! database opens with its migrations applied (re-exported as `mizzle::durable::open`).

use super::Db;
use crate::error::Result;
use crate::exec::d1::{D1Executor, SessionStart};
use crate::exec::durable::DurableExecutor;
use crate::sql::limits::Limits;

impl Db<D1Executor> {
    /// A session on this database with the same limits: see [`D1Executor::session`].
    pub fn session(&self, start: SessionStart) -> Result<Db<D1Executor>> {
        Ok(Db::new(self.executor().session(start)?).with_limits(self.limits()))
    }

    /// The session's latest bookmark: see [`D1Executor::bookmark`].
    pub fn bookmark(&self) -> Option<String> {
        self.executor().bookmark()
    }
}

/// Opens an object's database: applies the migrations it has not applied yet (in order,
/// each file atomically, recorded in `__mizzle_migrations`), then queries with D1's limits
/// (an object's SQLite has the same ones). Pass the generated `MIGRATIONS`.
///
/// An object can call it on each request (once the object is up to date it costs two small
/// statements) or keep the `Db` in its struct after the first request, as the example's
/// `Notebook` does: a deploy starts new instances, which open it again.
pub fn open_durable(
    storage: &worker::Storage,
    migrations: &[(&str, &str)],
) -> Result<Db<DurableExecutor>> {
    let exec = DurableExecutor::new(storage);
    exec.migrate(migrations)?;
    Ok(Db::new(exec).with_limits(Limits::D1))
}
