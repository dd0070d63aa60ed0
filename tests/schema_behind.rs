//! A database behind the code (a migration not applied yet): every kind of statement mizzle
//! writes fails with `Error::SchemaBehind` instead of reading a column's *name* as its value
//! (SQLite reads a double-quoted name that matches no column as a string literal). Native
//! SQLite here; tests/d1_e2e.rs drives the same through the Worker on local D1, and
//! tests/durable_upgrade.rs on a Durable Object.

use mizzle::sqlite::SqliteExecutor;
use mizzle::{Db, Error, MigrationCheck, count, exists};
use mizzle_example::schema::*;

/// The example's database with `users.bio` and `posts.meta` gone: what the code reads when
/// the migration that added them has not been applied. One user with one post.
async fn behind() -> Db<SqliteExecutor> {
    let exec = SqliteExecutor::open_in_memory().unwrap();
    exec.apply_migrations(MIGRATIONS).unwrap();
    let db = Db::new(exec);
    db.raw(
        "INSERT INTO users (email, name, created_at) VALUES ('ann@x.io', 'Ann', 0)",
        [],
    )
    .run()
    .await
    .unwrap();
    db.raw(
        "INSERT INTO posts (author_id, title, slug, created_at, updated_at) VALUES (1, 'T', 's', 0, 0)",
        [],
    )
    .run()
    .await
    .unwrap();
    for sql in [
        "ALTER TABLE users DROP COLUMN bio",
        "ALTER TABLE posts DROP COLUMN meta",
    ] {
        db.raw(sql, []).run().await.unwrap();
    }
    db
}

fn assert_behind<T: std::fmt::Debug>(what: &str, result: mizzle::Result<T>) {
    match result {
        Err(e @ Error::SchemaBehind { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains("behind the code") && text.contains("mizzle migrate --local"),
                "{what}: {text}"
            );
            assert_eq!(e.http_status(), 503, "{what}");
        }
        other => panic!("{what}: expected Error::SchemaBehind, got {other:?}"),
    }
}

#[tokio::test]
async fn every_statement_kind_refuses_a_missing_column() {
    let db = behind().await;
    // Reads of the table whose column is missing.
    assert_behind("select all", db.select(users::table).all().await);
    assert_behind(
        "select get",
        db.select(users::table).filter(users::id.eq(1)).get().await,
    );
    assert_behind(
        "filter on the missing column",
        db.select(users::table)
            .filter(users::bio.is_null())
            .count()
            .await,
    );
    assert_behind(
        "order by the missing column",
        db.select(users::table)
            .order_by(users::bio.desc())
            .count()
            .await,
    );
    // Writes: the column written, read back, or filtered on.
    assert_behind(
        "insert setting it",
        db.insert(users::table)
            .values(NewUser::new("bob@x.io", "Bob").bio("hi"))
            .run()
            .await,
    );
    assert_behind(
        "insert returning",
        db.insert(users::table)
            .values(NewUser::new("cid@x.io", "Cid"))
            .returning()
            .one()
            .await,
    );
    assert_behind(
        "upsert",
        db.insert(users::table)
            .values(NewUser::new("ann@x.io", "Ann").bio("x"))
            .on_conflict(users::email)
            .do_update(UserPatch::new().bio("y"))
            .run()
            .await,
    );
    assert_behind(
        "update setting it",
        db.update(users::table)
            .set(UserPatch::new().bio("x"))
            .filter(users::id.eq(1))
            .run()
            .await,
    );
    assert_behind(
        "update filtered on it",
        db.update(users::table)
            .set(UserPatch::new().name("Ann"))
            .filter(users::bio.is_null())
            .run()
            .await,
    );
    assert_behind(
        "update returning",
        db.update(users::table)
            .set(UserPatch::new().name("Ann"))
            .filter(users::id.eq(1))
            .returning()
            .all()
            .await,
    );
    assert_behind(
        "delete filtered on it",
        db.delete(users::table)
            .filter(users::bio.eq("x"))
            .run()
            .await,
    );
    assert_behind(
        "delete returning",
        db.delete(users::table)
            .filter(users::id.eq(99))
            .returning()
            .all()
            .await,
    );
    // Across tables.
    assert_behind(
        "join",
        db.select(users::table)
            .inner_join(posts::table, posts::author_id.eq_col(users::id))
            .all()
            .await,
    );
    assert_behind(
        "projection",
        db.select(users::table)
            .columns((users::id, users::bio))
            .all()
            .await,
    );
    assert_behind(
        "aggregate",
        db.select(users::table)
            .columns(count(users::bio))
            .one()
            .await,
    );
    assert_behind(
        "relation level (the child lacks a column)",
        db.select(users::table).with(users::posts).all().await,
    );
    assert_behind(
        "relation level (the parent lacks one)",
        db.select(posts::table).with(posts::author).all().await,
    );
    let sub = db.select(users::table).columns(users::bio);
    assert_behind(
        "IN (subquery)",
        db.select(posts::table)
            .filter(posts::title.in_select(&sub))
            .count()
            .await,
    );
    assert_behind(
        "EXISTS (subquery)",
        db.select(users::table)
            .filter(exists(
                db.select(posts::table).filter(posts::meta.is_not_null()),
            ))
            .columns(users::id)
            .all()
            .await,
    );
    assert_behind(
        "relation filter",
        db.select(users::table)
            .filter(users::posts.any(posts::meta.is_null()))
            .columns(users::id)
            .all()
            .await,
    );
    assert_behind(
        "batch",
        db.batch((
            db.insert(tags::table).values(NewTag::new("t")),
            db.select(users::table),
        ))
        .await,
    );
    // What still works reads nothing that is missing, and nothing was half-written.
    assert_eq!(db.select(tags::table).count().await.unwrap(), 0);
    let names: Vec<String> = db
        .select(users::table)
        .columns(users::name)
        .all()
        .await
        .unwrap();
    assert_eq!(names, ["Ann"]);
}

#[tokio::test]
async fn verify_names_the_migrations_a_database_lacks() {
    let exec = SqliteExecutor::open_in_memory().unwrap();
    let (applied, pending) = MIGRATIONS.split_at(MIGRATIONS.len() - 1);
    exec.apply_migrations(applied).unwrap();
    let db = Db::new(exec);
    let e = db.verify_migrations(MIGRATIONS).await.unwrap_err();
    match &e {
        Error::SchemaBehind { pending: p, .. } => assert_eq!(p, &[pending[0].0.to_owned()]),
        other => panic!("{other:?}"),
    }
    let text = e.to_string();
    assert!(text.contains(pending[0].0), "{text}");
    assert!(text.contains("mizzle migrate --local"), "{text}");
    // A database with no ledger at all lacks every migration.
    let empty = Db::new(SqliteExecutor::open_in_memory().unwrap());
    match empty.verify_migrations(MIGRATIONS).await {
        Err(Error::SchemaBehind { pending, .. }) => assert_eq!(pending.len(), MIGRATIONS.len()),
        other => panic!("{other:?}"),
    }
    // Applied (again: apply_migrations skips what its ledger lists), it passes.
    db.executor().apply_migrations(MIGRATIONS).unwrap();
    db.verify_migrations(MIGRATIONS).await.unwrap();
}

#[tokio::test]
async fn the_check_runs_until_it_passes_once() {
    static CHECK: MigrationCheck = MigrationCheck::new(MIGRATIONS);
    let exec = SqliteExecutor::open_in_memory().unwrap();
    let db = Db::new(exec);
    assert!(CHECK.verify(&db).await.is_err(), "nothing applied");
    db.executor().apply_migrations(MIGRATIONS).unwrap();
    CHECK.verify(&db).await.unwrap();
    // Passed once, it does not read the ledger again.
    let other = Db::new(SqliteExecutor::open_in_memory().unwrap());
    CHECK.verify(&other).await.unwrap();
}
