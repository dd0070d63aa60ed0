//! `mizzle::seed` from specs written by hand (the build writes them from schema/; here the
//! edge cases are spelled out): many rows of unique values, a WITHOUT ROWID key, a cycle
//! through NOT NULL columns only, a unique enum that runs out of values, a CHECK no value
//! meets. On native SQLite with foreign keys on.

use mizzle::seed::{Seed, parse_spec, run};
use mizzle::sqlite::SqliteExecutor;
use mizzle::{Db, Value};

fn db(ddl: &str) -> Db<SqliteExecutor> {
    let exec = SqliteExecutor::open_in_memory().unwrap();
    exec.lock().execute_batch(ddl).unwrap();
    Db::new(exec)
}

fn count(db: &Db<SqliteExecutor>, sql: &str) -> i64 {
    db.executor()
        .lock()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[tokio::test]
async fn thousands_of_rows_keep_unique_values_unique() {
    let db = db(
        "CREATE TABLE codes (code INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE, n INTEGER NOT NULL UNIQUE) WITHOUT ROWID;
         CREATE TABLE uses (id INTEGER PRIMARY KEY, code INTEGER NOT NULL REFERENCES codes(code), at INTEGER NOT NULL);",
    );
    let spec = parse_spec(
        r#"{"rows": 3000, "tables": [
          {"name": "codes", "primary_key": ["code"], "unique": [["code"], ["label"], ["n"]], "columns": [
            {"name": "code", "type": "integer"},
            {"name": "label", "type": "text"},
            {"name": "n", "type": "integer"}]},
          {"name": "uses", "primary_key": ["id"], "rowid_key": "id", "unique": [["id"]], "columns": [
            {"name": "id", "type": "integer"},
            {"name": "code", "type": "integer", "references": {"table": "codes", "column": "code"}},
            {"name": "at", "type": "timestamp"}]}
        ]}"#,
    )
    .unwrap();
    let report = run(&db, &spec, &Seed::new(3)).await.unwrap();
    assert_eq!(
        report.tables,
        vec![("codes".to_owned(), 3000), ("uses".to_owned(), 3000)]
    );
    assert!(report.statements > 2, "split under D1's 100 parameters");
    assert_eq!(
        count(&db, "SELECT count(*) FROM pragma_foreign_key_check"),
        0
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM uses WHERE at NOT BETWEEN 1577836800 AND 1767225599"
        ),
        0,
        "times in 2020–2025"
    );
}

#[tokio::test]
async fn what_cannot_be_seeded_is_said_and_nothing_written() {
    // A cycle through NOT NULL columns: no insert order exists.
    let db1 = db(
        "CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INTEGER NOT NULL);
                  CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER NOT NULL);",
    );
    let spec = parse_spec(
        r#"{"tables": [
          {"name": "a", "rowid_key": "id", "columns": [{"name": "id", "type": "integer"},
            {"name": "b_id", "type": "integer", "references": {"table": "b", "column": "id"}}]},
          {"name": "b", "rowid_key": "id", "columns": [{"name": "id", "type": "integer"},
            {"name": "a_id", "type": "integer", "references": {"table": "a", "column": "id"}}]}
        ]}"#,
    )
    .unwrap();
    let e = run(&db1, &spec, &Seed::new(1))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("a, b") && e.contains("nullable"), "{e}");

    // A unique enum with two values cannot fill three rows.
    let db2 = db("CREATE TABLE t (id INTEGER PRIMARY KEY, kind TEXT NOT NULL UNIQUE);");
    let spec = parse_spec(
        r#"{"rows": 3, "tables": [{"name": "t", "rowid_key": "id", "unique": [["kind"]], "columns": [
            {"name": "id", "type": "integer"},
            {"name": "kind", "type": "enum", "values": ["x", "y"]}]}]}"#,
    )
    .unwrap();
    let e = run(&db2, &spec, &Seed::new(1))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("`t`.(kind)") && e.contains("seed.toml"), "{e}");
    assert_eq!(count(&db2, "SELECT count(*) FROM t"), 0, "nothing written");

    // A CHECK no drawn value meets is named, with the line to write.
    let db3 =
        db("CREATE TABLE r (id INTEGER PRIMARY KEY, stars INTEGER NOT NULL CHECK (stars = 7));");
    let spec = parse_spec(
        r#"{"tables": [{"name": "r", "rowid_key": "id", "checks": [{"name": "r.stars", "expr": "stars = 7"}], "columns": [
            {"name": "id", "type": "integer"}, {"name": "stars", "type": "integer"}]}]}"#,
    )
    .unwrap();
    let e = run(&db3, &spec, &Seed::new(1))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("CHECK `r.stars` (stars = 7)") && e.contains("[r.columns]"),
        "{e}"
    );
    // With a generator that fits, it seeds.
    let spec = parse_spec(
        r#"{"tables": [{"name": "r", "rowid_key": "id", "checks": [{"name": "r.stars", "expr": "stars = 7"}], "columns": [
            {"name": "id", "type": "integer"}, {"name": "stars", "type": "integer", "generate": {"kind": "value", "value": 7}}]}]}"#,
    )
    .unwrap();
    run(&db3, &spec, &Seed::new(1)).await.unwrap();
    assert_eq!(count(&db3, "SELECT count(*) FROM r WHERE stars = 7"), 20);
    let rows = db3
        .raw("SELECT stars FROM r LIMIT 1", [])
        .all::<mizzle::Row>()
        .await
        .unwrap();
    assert_eq!(rows[0].values(), &[Value::Integer(7)]);
}

#[tokio::test]
async fn self_reference_trees_stay_shallow_enough_for_d1s_cascades() {
    // D1 stops an ON DELETE cascade after about ten levels: a seeded thread of replies is
    // never deeper than five, however many rows.
    let db = db(
        "CREATE TABLE c (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES c(id) ON DELETE CASCADE, body TEXT NOT NULL);",
    );
    let spec = parse_spec(
        r#"{"rows": 2000, "null": 0.01, "tables": [{"name": "c", "rowid_key": "id", "unique": [["id"]], "columns": [
            {"name": "id", "type": "integer"},
            {"name": "parent_id", "type": "integer", "nullable": true, "references": {"table": "c", "column": "id"}},
            {"name": "body", "type": "text"}]}]}"#,
    )
    .unwrap();
    run(&db, &spec, &Seed::new(9)).await.unwrap();
    let deepest = count(
        &db,
        "WITH RECURSIVE d(id, depth) AS (SELECT id, 0 FROM c WHERE parent_id IS NULL
           UNION ALL SELECT c.id, d.depth + 1 FROM c JOIN d ON c.parent_id = d.id)
         SELECT max(depth) FROM d",
    );
    assert!((1..=4).contains(&deepest), "{deepest}");
    // Most rows are replies (1 % roots): the bound is on depth, not on how many reply.
    assert!(count(&db, "SELECT count(*) FROM c WHERE parent_id IS NOT NULL") > 1900);
}
