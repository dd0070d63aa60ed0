//! This project's migrations on native SQLite: fast, no Worker needed.

use {{crate_name}}::schema::*;
use mizzle::sqlite::SqliteExecutor;

#[tokio::test]
async fn the_migrations_make_the_schema_the_code_was_built_with() {
    let exec = SqliteExecutor::open_in_memory().unwrap();
    exec.apply_migrations(MIGRATIONS).unwrap();
    let db = mizzle::Db::new(exec);
    MIGRATION_CHECK.verify(&db).await.unwrap();
}
