//! A database behind the code: checking, once, that it has applied the migrations the code
//! was built with.
//!
//! A missing column or table is already an error on every statement ([`Error::SchemaBehind`],
//! since every column mizzle writes is qualified); [`Db::verify_migrations`] says which
//! migrations are missing before any statement runs, and [`MigrationCheck`] runs it once per
//! isolate.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::db::Db;
use crate::error::{Error, Result};
use crate::exec::Executor;
use crate::sql::statement::Statement;
use crate::sql::text::push_ident;
use crate::sql::value::Value;

impl<E: Executor> Db<E> {
    /// Checks that the database has applied every migration the code was built with
    /// (`MIGRATIONS`, generated), reading the ledger that applied them: wrangler's
    /// `d1_migrations` on D1 (and natively after `SqliteExecutor::apply_migrations`), a
    /// Durable Object's `__mizzle_migrations`. Two small reads: run it once per isolate
    /// (the generated `schema::d1_verified` does). A database without some of them is
    /// [`Error::SchemaBehind`] naming them, with the command that applies them.
    pub async fn verify_migrations(&self, migrations: &[(&str, &str)]) -> Result<()> {
        const LEDGERS: &str = "SELECT name FROM sqlite_master WHERE type = 'table' \
            AND name IN ('d1_migrations', '__mizzle_migrations') ORDER BY name";
        let ledgers = self.query(Statement::new(LEDGERS, Vec::new())).await?;
        let mut applied = std::collections::HashSet::new();
        for ledger in &ledgers {
            let Some(Value::Text(table)) = ledger.values().first() else {
                continue;
            };
            let mut sql = String::from("SELECT ");
            push_ident(&mut sql, table);
            sql.push_str(".\"name\" FROM ");
            push_ident(&mut sql, table);
            for row in self.query(Statement::new(sql, Vec::new())).await? {
                if let Some(Value::Text(name)) = row.values().first() {
                    applied.insert(name.clone());
                }
            }
        }
        let pending: Vec<String> = migrations
            .iter()
            .filter(|(name, _)| !applied.contains(*name))
            .map(|(name, _)| (*name).to_owned())
            .collect();
        if pending.is_empty() {
            return Ok(());
        }
        Err(Error::SchemaBehind {
            message: if ledgers.is_empty() {
                "it has no migration ledger (no `d1_migrations` table)".to_owned()
            } else {
                format!(
                    "{} of the code's {} migrations are not in its ledger",
                    pending.len(),
                    migrations.len()
                )
            },
            sql: LEDGERS.to_owned(),
            pending,
        })
    }
}

/// [`Db::verify_migrations`] once per process (a Worker's isolate): the generated
/// `schema::MIGRATION_CHECK` holds the code's migrations, and `MIGRATION_CHECK.verify(&db)`
/// reads the ledger on the first call only, until it has succeeded once (a database only
/// gains migrations, so a check that passed stays passed).
#[derive(Debug)]
pub struct MigrationCheck {
    migrations: &'static [(&'static str, &'static str)],
    passed: AtomicBool,
}

impl MigrationCheck {
    /// A check of `migrations` (the generated `MIGRATIONS`).
    pub const fn new(migrations: &'static [(&'static str, &'static str)]) -> Self {
        MigrationCheck {
            migrations,
            passed: AtomicBool::new(false),
        }
    }

    /// `db.verify_migrations(..)`, unless it has passed before in this process.
    pub async fn verify<E: Executor>(&self, db: &Db<E>) -> Result<()> {
        if self.passed.load(Ordering::Relaxed) {
            return Ok(());
        }
        db.verify_migrations(self.migrations).await?;
        self.passed.store(true, Ordering::Relaxed);
        Ok(())
    }
}
