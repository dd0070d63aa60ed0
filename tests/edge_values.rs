//! Edge values natively (SQLite, D1's limits): each round-trips exactly or is refused
//! before it is sent; tests/d1_e2e.rs runs the same cases through the Worker on local D1.
//! Plus the runtime's other guards: LIKE helpers that escape, limits that cannot overflow,
//! and batch errors that name the failing statement.

#[path = "support/edge.rs"]
mod edge;

use mizzle::sqlite::SqliteExecutor;
use mizzle::{Db, Error, Limits, Value};
use mizzle_example::api::{EDGE_CASES, edge_roundtrip};
use mizzle_example::schema::*;

fn db() -> Db<SqliteExecutor> {
    let exec = SqliteExecutor::open_in_memory().unwrap();
    exec.apply_migrations(MIGRATIONS).unwrap();
    Db::new(exec)
}

#[tokio::test]
async fn every_edge_case_round_trips_or_is_refused() {
    let db = db();
    let mut wrong = Vec::new();
    for case in EDGE_CASES {
        let o = edge_roundtrip(&db, case).await.unwrap();
        if let Some(w) = edge::check(&o) {
            wrong.push(w);
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[tokio::test]
async fn nan_and_deep_json_are_refused_even_without_d1_limits() {
    let db = db().with_limits(Limits::SQLITE);
    let err = db
        .insert(samples::table)
        .values(NewSample::new("x").real_v(f64::NAN))
        .run()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidValue(_)), "{err}");
    let mut deep = serde_json::json!(0);
    for _ in 0..200 {
        deep = serde_json::json!({ "a": deep });
    }
    let err = db
        .insert(samples::table)
        .values(NewSample::new("x").doc(deep))
        .run()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("deeper than 127"), "{err}");
    // Infinity is fine on plain SQLite (it has no JSON boundary).
    db.insert(samples::table)
        .values(NewSample::new("inf").real_v(f64::INFINITY))
        .run()
        .await
        .unwrap();
    let back: Sample = db
        .select(samples::table)
        .filter(samples::label.eq("inf"))
        .get()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(back.real_v, Some(f64::INFINITY));
    // A text that merely looks deep but is not JSON is not refused.
    let text = "[".repeat(300);
    db.insert(samples::table)
        .values(NewSample::new("brackets").text_v(text.clone()))
        .run()
        .await
        .unwrap();
}

#[tokio::test]
async fn i64_min_is_refused_not_a_panic() {
    let err = Limits::D1
        .check_value(&Value::Integer(i64::MIN))
        .unwrap_err();
    assert_eq!(err, Error::IntegerOutOfRange(i64::MIN));
    assert!(
        Limits::SQLITE
            .check_value(&Value::Integer(i64::MIN))
            .is_ok()
    );
}

#[tokio::test]
async fn contains_starts_with_ends_with_escape_wildcards() {
    let db = db();
    for label in [
        "100% sure",
        "100 percent",
        "a_b",
        "axb",
        "back\\slash",
        "ABC",
    ] {
        db.insert(samples::table)
            .values(NewSample::new(label))
            .run()
            .await
            .unwrap();
    }
    let labels = |rows: Vec<Sample>| {
        let mut l: Vec<String> = rows.into_iter().map(|r| r.label).collect();
        l.sort();
        l
    };
    let q = |c| db.select(samples::table).filter(c).all();
    assert_eq!(
        labels(q(samples::label.contains("0%")).await.unwrap()),
        ["100% sure"]
    );
    assert_eq!(
        labels(q(samples::label.contains("a_b")).await.unwrap()),
        ["a_b"]
    );
    assert_eq!(
        labels(q(samples::label.starts_with("a_")).await.unwrap()),
        ["a_b"]
    );
    assert_eq!(
        labels(q(samples::label.ends_with("\\slash")).await.unwrap()),
        ["back\\slash"]
    );
    assert_eq!(
        labels(q(samples::label.starts_with("abc")).await.unwrap()),
        ["ABC"]
    );
    // `like` is the raw pattern: `_` matches any character.
    assert_eq!(
        labels(q(samples::label.like("a_b")).await.unwrap()),
        ["a_b", "axb"]
    );
}

#[tokio::test]
async fn huge_limit_and_offset_do_not_overflow() {
    let db = db();
    db.insert(samples::table)
        .values(NewSample::new("one"))
        .run()
        .await
        .unwrap();
    let all = db
        .select(samples::table)
        .limit(u64::MAX)
        .all()
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    let none = db
        .select(samples::table)
        .offset(u64::MAX)
        .all()
        .await
        .unwrap();
    assert!(none.is_empty());
    let with = db
        .select(users::table)
        .limit(u64::MAX)
        .with(users::posts.limit(u64::MAX))
        .all()
        .await
        .unwrap();
    assert!(with.is_empty());
}

#[tokio::test]
async fn a_failing_batch_names_the_statement_that_failed() {
    let db = db();
    let err = db
        .batch((
            db.insert(tags::table).values(NewTag::new("a")),
            db.insert(tags::table).values(NewTag::new("b")),
            db.insert(tags::table).values(NewTag::new("a")),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.batch_index(), Some(2), "{err}");
    let text = err.to_string();
    assert!(text.contains("statement 3 of the batch"), "{text}");
    assert!(text.contains("INSERT INTO \"tags\""), "{text}");
    assert!(db.select(tags::table).all().await.unwrap().is_empty());
}
