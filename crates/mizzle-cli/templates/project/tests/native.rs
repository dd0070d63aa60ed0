//! The handlers on native SQLite with this project's migrations: fast, no Worker needed.

use {{crate_name}}::api;
use {{crate_name}}::schema::*;
use mizzle::sqlite::{PlanCheck, SqliteExecutor};

/// Every statement's plan is checked: one that scans a table an index would serve fails
/// the test, naming the index to add (D1 bills rows read). Deliberate scans go in
/// `allow_scans` in schema/mizzle.toml; `mizzle explain` lists them all.
fn db() -> mizzle::Db<SqliteExecutor> {
    let exec = SqliteExecutor::open_in_memory()
        .unwrap()
        .check_plans(PlanCheck::deny().allow_list(ALLOWED_SCANS));
    exec.apply_migrations(MIGRATIONS).unwrap();
    mizzle::Db::new(exec)
}

#[tokio::test]
async fn a_user_with_open_tasks() {
    let db = db();
    let ann = api::create_user(&db, NewUser::new("ann@example.com", "Ann")).await.unwrap();
    api::create_task(&db, NewTask::new(ann.id, "write")).await.unwrap();
    api::create_task(&db, NewTask::new(ann.id, "ship").status(TaskStatus::Done))
        .await
        .unwrap();
    let json = serde_json::to_value(api::user_with_tasks(&db, ann.id).await.unwrap()).unwrap();
    assert_eq!(json["name"], "Ann");
    assert_eq!(json["tasks"].as_array().unwrap().len(), 1, "{json}");
    assert_eq!(json["tasks"][0]["userId"], ann.id, "camelCase JSON: {json}");
    // A duplicate email is a 409.
    let dup = api::create_user(&db, NewUser::new("ann@example.com", "Ann 2")).await.unwrap_err();
    assert_eq!(dup.http_status(), 409);
}

#[test]
fn a_client_cannot_set_the_key_or_the_clock() {
    // What the Worker reads a request body into: the key and `created_at` are not input.
    let ok: NewUserInput = serde_json::from_str(r#"{"email": "a@x.io", "name": "A"}"#).unwrap();
    let new: NewUser = ok.into();
    assert_eq!((new.id, new.created_at), (None, None));
    for body in [
        r#"{"email": "a@x.io", "name": "A", "id": 100}"#,
        r#"{"email": "a@x.io", "name": "A", "createdAt": "2020-01-01T00:00:00Z"}"#,
    ] {
        let e = serde_json::from_str::<NewUserInput>(body).unwrap_err();
        assert!(e.to_string().contains("unknown field"), "{e}");
    }
}
