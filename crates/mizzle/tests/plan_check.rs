//! The cost guard's plan check on native SQLite: each kind of scan is found (a filter no
//! index serves, a correlated subquery run per row, a DELETE by a plain column, a sort
//! under a LIMIT), named with its call site and the `[indexes]` line that fixes it; what an
//! index serves, or a LIMIT stops early, is not; an allowed table is let through.

use mizzle::sqlite::{PlanCheck, SqliteExecutor};
use mizzle::{Db, Error};

const SCHEMA: &str = "CREATE TABLE keys (id INTEGER PRIMARY KEY, token TEXT NOT NULL, owner INTEGER NOT NULL, created_at INTEGER NOT NULL);\n\
     CREATE TABLE owners (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n\
     CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n\
     CREATE INDEX keys_owner_idx ON keys (owner);";

fn db(check: PlanCheck) -> Db<SqliteExecutor> {
    let exec = SqliteExecutor::open_in_memory().unwrap().check_plans(check);
    exec.apply_migrations(&[("0001_init.sql", SCHEMA)]).unwrap();
    Db::new(exec)
}

async fn denied(db: &Db<SqliteExecutor>, sql: &str) -> String {
    match db.raw(sql, mizzle::params![1]).run().await {
        Err(Error::Other(m)) => m,
        other => panic!("expected the plan check to refuse `{sql}`, got {other:?}"),
    }
}

#[tokio::test]
async fn a_lookup_no_index_serves_is_refused_with_its_fix() {
    let db = db(PlanCheck::deny());
    let m = denied(&db, "SELECT id FROM keys WHERE token = ?").await;
    assert!(m.starts_with("full scan of `keys`"), "{m}");
    assert!(m.contains("SCAN keys"), "the plan: {m}");
    assert!(
        m.contains("fix: add to schema/keys.toml under [indexes]: keys_token_idx = { columns = [\"token\"] }"),
        "{m}"
    );
    assert!(m.contains("tests/plan_check.rs:"), "the call site: {m}");
    // An index serves it once it exists; a lookup by an indexed column or the key is fine.
    db.raw("SELECT id FROM keys WHERE owner = ?", mizzle::params![1])
        .run()
        .await
        .unwrap();
    db.raw("SELECT token FROM keys WHERE id = ?", mizzle::params![1])
        .run()
        .await
        .unwrap();
}

#[tokio::test]
async fn each_kind_of_scan_is_found() {
    let db = db(PlanCheck::deny());
    // A DELETE by a plain column reads the table to find its rows.
    let m = denied(&db, "DELETE FROM keys WHERE created_at < ?").await;
    assert!(m.contains("keys_created_at_idx"), "{m}");
    // A correlated subquery scans once per row of the outer query.
    let m = denied(
        &db,
        "SELECT o.name, (SELECT count(*) FROM keys k WHERE k.token = o.name) FROM owners o WHERE o.id = ?",
    )
    .await;
    assert!(m.contains("once per row of the outer query"), "{m}");
    assert!(m.contains("keys_token_idx"), "{m}");
    // A sort under a LIMIT reads every row to find the first ones.
    let m = denied(
        &db,
        "SELECT id FROM keys WHERE ? = 1 ORDER BY keys.created_at DESC LIMIT 10",
    )
    .await;
    assert!(m.contains("keys_created_at_idx"), "{m}");
    // A LIMIT with nothing to sort stops early: not a scan.
    db.raw("SELECT id FROM keys LIMIT ?", mizzle::params![10])
        .run()
        .await
        .unwrap();
}

#[tokio::test]
async fn whole_table_reads_and_allowed_tables() {
    // A read of every row by design is recorded, and refused only when asked.
    let db = db(PlanCheck::deny().allow("tags", "a dozen rows, read whole by the tag cloud"));
    db.raw(
        "SELECT count(*) FROM owners WHERE ? = 1",
        mizzle::params![1],
    )
    .run()
    .await
    .unwrap();
    db.raw("SELECT name FROM tags WHERE name = ?", mizzle::params!["x"])
        .run()
        .await
        .unwrap();
    let scans = db.executor().plan_scans();
    assert_eq!(scans.len(), 2, "{scans:?}");
    assert!(!scans[0].avoidable && scans[0].allowed.is_none());
    assert_eq!(
        scans[1].allowed.as_deref(),
        Some("a dozen rows, read whole by the tag cloud")
    );
    let strict = self::db(PlanCheck::deny().whole_tables());
    let m = denied(&strict, "SELECT count(*) FROM owners WHERE ? = 1").await;
    assert!(m.starts_with("whole-table read of `owners`"), "{m}");
    // Recording refuses nothing.
    let rec = self::db(PlanCheck::record());
    rec.raw("SELECT id FROM keys WHERE token = ?", mizzle::params!["t"])
        .run()
        .await
        .unwrap();
    assert_eq!(rec.executor().plan_scans().len(), 1);
}

/// Natively, rows read and written are SQLite's estimate of what D1 reports: a scan reads
/// every row, a lookup by key only what it returns, a write writes what it changed.
#[tokio::test]
async fn usage_counts_rows_read_and_written_once_asked() {
    let db = db(PlanCheck::record());
    assert_eq!(db.usage(), None, "off by default");
    let db = db.track_usage();
    for i in 0..50 {
        db.raw(
            "INSERT INTO keys (token, owner, created_at) VALUES (?, 1, 0)",
            mizzle::params![format!("t{i}")],
        )
        .run()
        .await
        .unwrap();
    }
    let after_inserts = db.usage().unwrap();
    // Each insert writes its row and its entry in `keys_owner_idx`.
    assert_eq!(
        (after_inserts.statements, after_inserts.rows_written),
        (50, 100)
    );
    db.raw("SELECT id FROM keys WHERE token = ?", mizzle::params!["t7"])
        .run()
        .await
        .unwrap();
    let scan = db.usage().unwrap().since(&after_inserts);
    assert!(scan.rows_read >= 50, "a scan reads every row: {scan:?}");
    assert_eq!(scan.rows_written, 0);
    let before = db.usage().unwrap();
    let rows = db
        .raw("SELECT token FROM keys WHERE id = ?", mizzle::params![3])
        .all::<mizzle::Row>()
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let lookup = db.usage().unwrap().since(&before);
    assert_eq!((lookup.statements, lookup.rows_read), (1, 1), "{lookup:?}");
}
