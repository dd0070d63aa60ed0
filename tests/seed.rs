//! The generated `seed()` on the example schema: the rows `mizzle seed` makes (the same
//! spec, the same generator), valid, and the same for the same seed.

use mizzle::seed::Seed;
use mizzle::sqlite::SqliteExecutor;
use mizzle::{Db, Value};
use mizzle_example::schema::{self, MIGRATIONS, SEED_SPEC};

fn db() -> Db<SqliteExecutor> {
    let exec = SqliteExecutor::open_in_memory().unwrap();
    exec.apply_migrations(MIGRATIONS).unwrap();
    Db::new(exec)
}

fn dump(db: &Db<SqliteExecutor>) -> Vec<Vec<Value>> {
    let conn = db.executor().lock();
    let mut out = Vec::new();
    for t in [
        "users",
        "posts",
        "comments",
        "tags",
        "post_tags",
        "notes",
        "samples",
    ] {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {t} ORDER BY rowid"))
            .unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| match r.get_ref(i).unwrap() {
                        rusqlite::types::ValueRef::Null => Value::Null,
                        rusqlite::types::ValueRef::Integer(x) => Value::Integer(x),
                        rusqlite::types::ValueRef::Real(x) => Value::Real(x),
                        rusqlite::types::ValueRef::Text(s) => {
                            Value::Text(String::from_utf8_lossy(s).into_owned())
                        }
                        rusqlite::types::ValueRef::Blob(b) => Value::Blob(b.to_vec()),
                    })
                    .collect::<Vec<_>>())
            })
            .unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}

#[tokio::test]
async fn the_generated_seed_is_the_clis() {
    // The spec compiled into the module is the one `mizzle seed` builds from schema/.
    let loaded = mizzle_build::Config::new()
        .manifest_dir(env!("CARGO_MANIFEST_DIR"))
        .cargo_directives(false)
        .load()
        .unwrap();
    let cli: serde_json::Value = mizzle_build::seed::spec(&loaded.schema);
    let compiled: serde_json::Value = serde_json::from_str(SEED_SPEC).unwrap();
    assert_eq!(compiled, cli);

    let a = db();
    let report = schema::seed(&a, &Seed::new(42).rows(30)).await.unwrap();
    assert_eq!(report.tables.len(), 7);
    assert!(report.tables.iter().all(|(_, n)| *n == 30), "{report:?}");
    {
        let conn = a.executor().lock();
        let broken: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(broken, 0);
    }
    // Typed reads decode every seeded row: enums, booleans, timestamps and JSON fit.
    let users = a.select(schema::users::table).all().await.unwrap();
    assert_eq!(users.len(), 30);
    let posts = a.select(schema::posts::table).all().await.unwrap();
    assert!(posts.iter().all(|p| !p.title.is_empty()));

    let b = db();
    schema::seed(&b, &Seed::new(42).rows(30)).await.unwrap();
    assert_eq!(dump(&a), dump(&b), "the same seed, the same rows");
    let c = db();
    schema::seed(&c, &Seed::new(43).rows(30)).await.unwrap();
    assert_ne!(dump(&a), dump(&c));

    // The runtime refuses to seed over rows, naming the tables.
    let e = schema::seed(&a, &Seed::new(1))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`users`") && e.contains("already have rows"),
        "{e}"
    );
}
