//! The generated API against native SQLite (rusqlite), with the example's migrations.
//! Fast checks of query building and decoding; tests/d1_e2e.rs proves the same on D1.

use mizzle::sqlite::SqliteExecutor;
use mizzle::{Db, DbErrorKind, Error, Value, and, or, params};
use mizzle_example::schema::*;

#[path = "support/record.rs"]
mod record;
use record::Recorder;

/// SQLite, every statement recorded: each test's statements are golden
/// (crates/mizzle/tests/sql/native/<test>.sql).
fn db() -> Db<Recorder> {
    Db::new(Recorder::for_test("native", MIGRATIONS))
}

async fn user(db: &Db<Recorder>, email: &str) -> User {
    db.insert(users::table)
        .values(NewUser::new(email, "Name"))
        .returning()
        .one()
        .await
        .unwrap()
}

async fn post(db: &Db<Recorder>, author: i64, slug: &str) -> Post {
    db.insert(posts::table)
        .values(NewPost::new(author, format!("Title {slug}"), slug))
        .returning()
        .one()
        .await
        .unwrap()
}

#[tokio::test]
async fn insert_fills_defaults_and_default_fns() {
    let db = db();
    let before = mizzle::chrono::Utc::now().timestamp();
    let u = user(&db, "a@x.io").await;
    assert_eq!(u.id, 1);
    assert_eq!(u.role, UserRole::Reader, "SQL default");
    assert_eq!(u.bio, None);
    assert!(u.created_at.timestamp() >= before, "default_fn = now");
    let p = post(&db, u.id, "s1").await;
    assert_eq!(p.status, PostStatus::Draft);
    assert!(!p.published);
    assert_eq!(p.rating, 0.0);
    assert_eq!(p.created_at, p.updated_at);
}

#[tokio::test]
async fn every_type_round_trips() {
    let db = db();
    let u = db
        .insert(users::table)
        .values(
            NewUser::new("b@x.io", "B")
                .bio("hello")
                .avatar(vec![0u8, 1, 255])
                .role(UserRole::Admin),
        )
        .returning()
        .one()
        .await
        .unwrap();
    assert_eq!(u.avatar.as_deref(), Some(&[0u8, 1, 255][..]));
    assert_eq!(u.role, UserRole::Admin);
    let meta = mizzle::serde_json::json!({"tags": ["a", "b"], "n": 1});
    let p = db
        .insert(posts::table)
        .values(
            NewPost::new(u.id, "T", "t")
                .meta(meta.clone())
                .published(true)
                .rating(4.5)
                .status(PostStatus::Published),
        )
        .returning()
        .one()
        .await
        .unwrap();
    let read = db
        .select(posts::table)
        .filter(posts::id.eq(p.id))
        .get()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read, p);
    assert_eq!(read.meta, Some(meta));
    assert!(read.published);
    assert_eq!(read.rating, 4.5);
    // Stored forms: booleans as 0/1, enums as text, timestamps as epoch seconds / millis.
    let raw = db
        .raw(
            "SELECT published, status, typeof(created_at) AS t FROM posts WHERE id = ?",
            params![p.id],
        )
        .get::<mizzle::Row>()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        raw.values(),
        &[
            Value::Integer(1),
            Value::Text("published".into()),
            Value::Text("integer".into())
        ]
    );
    let c = db
        .insert(comments::table)
        .values(NewComment::new(p.id, "nice").author_id(u.id))
        .returning()
        .one()
        .await
        .unwrap();
    let ms = db
        .raw("SELECT created_at FROM comments", params![])
        .get::<mizzle::Row>()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        ms.values()[0],
        Value::Integer(c.created_at.timestamp_millis()),
        "timestamp_ms keeps millis"
    );
}

#[tokio::test]
async fn operators_filter_as_expected() {
    let db = db();
    let a = user(&db, "a@x.io").await;
    let b = user(&db, "b@y.io").await;
    for i in 0..10 {
        let author = if i % 2 == 0 { a.id } else { b.id };
        post(&db, author, &format!("p{i}")).await;
    }
    let count = |c| {
        let db = &db;
        async move { db.select(posts::table).filter(c).count().await.unwrap() }
    };
    assert_eq!(count(posts::author_id.eq(a.id)).await, 5);
    assert_eq!(count(posts::author_id.ne(a.id)).await, 5);
    assert_eq!(count(posts::id.gt(3)).await, 7);
    assert_eq!(count(posts::id.gte(3)).await, 8);
    assert_eq!(count(posts::id.lt(3)).await, 2);
    assert_eq!(count(posts::id.lte(3)).await, 3);
    assert_eq!(count(posts::id.between(2, 4)).await, 3);
    assert_eq!(count(posts::slug.like("p1%")).await, 1);
    assert_eq!(count(posts::id.in_list([1, 2, 99])).await, 2);
    assert_eq!(
        count(posts::id.in_list(0..10_000)).await,
        10,
        "long lists bind one JSON array"
    );
    assert_eq!(count(posts::id.not_in_list([1, 2])).await, 8);
    assert_eq!(count(posts::body.is_null()).await, 10);
    assert_eq!(count(posts::body.is_not_null()).await, 0);
    assert_eq!(count(posts::id.eq(1).or(posts::id.eq(2))).await, 2);
    assert_eq!(count(posts::id.eq(1).not()).await, 9);
    assert_eq!(
        count(and([posts::id.gt(2), posts::author_id.eq(a.id)])).await,
        4
    );
    assert_eq!(
        count(or((1..=500).map(|i| posts::id.eq(i)))).await,
        10,
        "500 OR terms, flattened"
    );
    assert_eq!(count(posts::status.eq(PostStatus::Draft)).await, 10);
    let users_like = db
        .select(users::table)
        .filter(users::email.like("%@y.io"))
        .all()
        .await
        .unwrap();
    assert_eq!(users_like, vec![b.clone()]);
    let page = db
        .select(posts::table)
        .order_by(posts::id.desc())
        .limit(3)
        .offset(2)
        .all()
        .await
        .unwrap();
    assert_eq!(page.iter().map(|p| p.id).collect::<Vec<_>>(), vec![8, 7, 6]);
    assert_eq!(db.select(posts::table).limit(3).count().await.unwrap(), 3);
    assert!(
        db.select(users::table)
            .filter(users::id.eq(42))
            .get()
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn update_applies_patch_and_on_update_fn() {
    let db = db();
    let u = user(&db, "a@x.io").await;
    let p = post(&db, u.id, "s").await;
    // Make updated_at visibly old, then patch.
    db.raw("UPDATE posts SET updated_at = 0, created_at = 0", params![])
        .run()
        .await
        .unwrap();
    let patched = db
        .update(posts::table)
        .set(PostPatch::new().title("New").body("text"))
        .filter(posts::id.eq(p.id))
        .returning()
        .one()
        .await
        .unwrap();
    assert_eq!(patched.title, "New");
    assert_eq!(patched.body.as_deref(), Some("text"));
    assert_eq!(patched.created_at.timestamp(), 0, "untouched");
    assert!(patched.updated_at.timestamp() > 0, "on_update_fn = now");
    let cleared = db
        .update(posts::table)
        .set(PostPatch::new().body_null())
        .filter(posts::id.eq(p.id))
        .returning()
        .one()
        .await
        .unwrap();
    assert_eq!(cleared.body, None);
    let meta = db
        .update(users::table)
        .set(UserPatch::new().name("Z"))
        .filter(users::id.eq(99))
        .run()
        .await
        .unwrap();
    assert_eq!(meta.rows_affected, 0);
    let meta = db
        .update(users::table)
        .set(UserPatch::new().name("Z"))
        .run()
        .await
        .unwrap();
    assert_eq!(meta.rows_affected, 1);
    // An empty patch changes nothing and returns the rows as they are.
    let same = db
        .update(users::table)
        .set(UserPatch::new())
        .filter(users::id.eq(u.id))
        .returning()
        .all()
        .await
        .unwrap();
    assert_eq!(same.len(), 1);
    assert_eq!(same[0].name, "Z");
}

/// `.returning().get()` / `.one()` read one returned row, but the write changes every
/// matching row (and the next statement on the connection runs): an update of three rows,
/// a delete of three rows, and a multi-row insert.
#[tokio::test]
async fn returning_one_row_still_writes_every_row() {
    let db = db();
    let u = user(&db, "r@x.io").await;
    for slug in ["a", "b", "c"] {
        post(&db, u.id, slug).await;
    }
    let first = db
        .update(posts::table)
        .set(PostPatch::new().title("All"))
        .filter(posts::author_id.eq(u.id))
        .returning()
        .get()
        .await
        .unwrap();
    assert_eq!(first.map(|p| p.title).as_deref(), Some("All"));
    let titled = db
        .select(posts::table)
        .filter(posts::title.eq("All"))
        .count()
        .await
        .unwrap();
    assert_eq!(titled, 3);
    let tags = db
        .insert(tags::table)
        .values_many(["x", "y", "z"].map(NewTag::new))
        .returning()
        .one()
        .await
        .unwrap();
    assert_eq!(tags.name, "x");
    assert_eq!(db.select(tags::table).count().await.unwrap(), 3);
    db.delete(posts::table)
        .filter(posts::author_id.eq(u.id))
        .returning()
        .get()
        .await
        .unwrap();
    assert_eq!(db.select(posts::table).count().await.unwrap(), 0);
}

#[tokio::test]
async fn patch_json_null_sets_null() {
    let patch: PostPatch = mizzle::serde_json::from_str(r#"{"body": null, "title": "x"}"#).unwrap();
    assert_eq!(patch.body, Some(None));
    assert_eq!(patch.title.as_deref(), Some("x"));
    let absent: PostPatch = mizzle::serde_json::from_str(r#"{}"#).unwrap();
    assert_eq!(absent.body, None);
    // Serialized the same way back: unset fields left out, NULL as `null`.
    let json = mizzle::serde_json::to_string(&patch).unwrap();
    assert_eq!(json, r#"{"title":"x","body":null}"#);
    let again: PostPatch = mizzle::serde_json::from_str(&json).unwrap();
    assert_eq!(again, patch);
    let set = PostPatch::new().body("b");
    let json = mizzle::serde_json::to_string(&set).unwrap();
    assert_eq!(json, r#"{"body":"b"}"#);
    assert_eq!(
        mizzle::serde_json::from_str::<PostPatch>(&json).unwrap(),
        set
    );
    // Errors name the public struct and the field's type.
    let err = mizzle::serde_json::from_str::<PostPatch>("5").unwrap_err();
    assert!(
        err.to_string().contains("expected struct PostPatch"),
        "{err}"
    );
    let err = mizzle::serde_json::from_str::<PostPatch>(r#"{"body": 5}"#).unwrap_err();
    assert!(
        err.to_string().contains("invalid type: integer `5`"),
        "{err}"
    );
    // An insert with a nullable column: `null` and leaving it out both mean NULL.
    let new: NewComment =
        mizzle::serde_json::from_str(r#"{"post_id": 1, "body": "c", "author_id": null}"#).unwrap();
    assert_eq!(new, NewComment::new(1, "c"));
    let err = mizzle::serde_json::from_str::<NewComment>(r#"{"body": "c"}"#).unwrap_err();
    assert!(err.to_string().contains("missing field `post_id`"), "{err}");
}

#[tokio::test]
async fn delete_returns_rows_and_cascades() {
    let db = db();
    let u = user(&db, "a@x.io").await;
    let p = post(&db, u.id, "s").await;
    db.insert(comments::table)
        .values(NewComment::new(p.id, "c").author_id(u.id))
        .run()
        .await
        .unwrap();
    let gone = db
        .delete(users::table)
        .filter(users::id.eq(u.id))
        .returning()
        .all()
        .await
        .unwrap();
    assert_eq!(gone, vec![u]);
    assert_eq!(
        db.select(posts::table).count().await.unwrap(),
        0,
        "ON DELETE CASCADE"
    );
    assert_eq!(db.select(comments::table).count().await.unwrap(), 0);
    let meta = db
        .delete(users::table)
        .filter(users::id.eq(1))
        .run()
        .await
        .unwrap();
    assert_eq!(meta.rows_affected, 0);
}

#[tokio::test]
async fn on_conflict_do_nothing_and_do_update() {
    let db = db();
    let u = user(&db, "a@x.io").await;
    let skipped = db
        .insert(users::table)
        .values(NewUser::new("a@x.io", "Other"))
        .on_conflict(users::email)
        .do_nothing()
        .returning()
        .get()
        .await
        .unwrap();
    assert_eq!(skipped, None);
    let upserted = db
        .insert(users::table)
        .values(NewUser::new("a@x.io", "Other"))
        .on_conflict(users::email)
        .do_update(UserPatch::new().name("Updated"))
        .returning()
        .one()
        .await
        .unwrap();
    assert_eq!(upserted.id, u.id);
    assert_eq!(upserted.name, "Updated");
    let t = db
        .insert(tags::table)
        .values(NewTag::new("rust"))
        .returning()
        .one()
        .await
        .unwrap();
    let p = post(&db, u.id, "s").await;
    let link = || NewPostTag::new(p.id, t.id);
    db.insert(post_tags::table)
        .values(link())
        .run()
        .await
        .unwrap();
    let again = db
        .insert(post_tags::table)
        .values(link())
        .on_conflict((post_tags::post_id, post_tags::tag_id))
        .do_nothing()
        .run()
        .await
        .unwrap();
    assert_eq!(again.rows_affected, 0);
}

#[tokio::test]
async fn constraint_errors_are_classified() {
    let db = db();
    user(&db, "a@x.io").await;
    let dup = db
        .insert(users::table)
        .values(NewUser::new("a@x.io", "x"))
        .run()
        .await
        .unwrap_err();
    assert_eq!(dup.db_kind(), Some(DbErrorKind::UniqueViolation), "{dup}");
    let check = db
        .insert(users::table)
        .values(NewUser::new("no-at-sign", "x"))
        .run()
        .await
        .unwrap_err();
    assert_eq!(
        check.db_kind(),
        Some(DbErrorKind::CheckViolation),
        "{check}"
    );
    let fk = db
        .insert(posts::table)
        .values(NewPost::new(999, "t", "s"))
        .run()
        .await
        .unwrap_err();
    assert_eq!(fk.db_kind(), Some(DbErrorKind::ForeignKeyViolation), "{fk}");
}

#[tokio::test]
async fn many_rows_are_chunked_under_the_parameter_limit_and_atomic() {
    let db = db();
    let u = user(&db, "a@x.io").await;
    let rows: Vec<NewPost> = (0..1_000)
        .map(|i| NewPost::new(u.id, format!("t{i}"), format!("s{i}")))
        .collect();
    let insert = db.insert(posts::table).values_many(rows.clone());
    let stmts = insert.to_statements().unwrap();
    assert!(stmts.len() > 1);
    assert!(
        stmts.iter().all(|s| s.params.len() <= 100),
        "D1 allows 100 bound parameters"
    );
    let meta = insert.run().await.unwrap();
    assert_eq!(meta.rows_affected, 1_000);
    assert_eq!(db.select(posts::table).count().await.unwrap(), 1_000);
    // A duplicate slug in the last chunk rolls every chunk back.
    let mut bad: Vec<NewPost> = (0..500)
        .map(|i| NewPost::new(u.id, "x", format!("n{i}")))
        .collect();
    bad.push(NewPost::new(u.id, "x", "s0"));
    let err = db
        .insert(posts::table)
        .values_many(bad)
        .run()
        .await
        .unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::UniqueViolation));
    assert_eq!(
        db.select(posts::table).count().await.unwrap(),
        1_000,
        "batch is atomic"
    );
}

#[tokio::test]
async fn statements_over_the_limits_fail_before_sending() {
    let db = db();
    let err = db
        .raw(
            format!("SELECT {}", vec!["?"; 101].join(", ")),
            (0..101).map(Value::from),
        )
        .run()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Limit(ref m) if m.contains("101 parameters") && m.contains("limit is 100")),
        "{err}"
    );
    let long = format!("SELECT '{}'", "x".repeat(100_001));
    assert!(matches!(
        db.raw(long, []).run().await.unwrap_err(),
        Error::Limit(_)
    ));
}

#[tokio::test]
async fn raw_rows_decode_by_column_name() {
    let db = db();
    let u = user(&db, "a@x.io").await;
    // Columns in another order than the struct: decoded by name.
    let got: Vec<User> = db
        .raw(
            "SELECT created_at, role, bio, avatar, name, email, id FROM users WHERE id = ?",
            params![u.id],
        )
        .all()
        .await
        .unwrap();
    assert_eq!(got, vec![u]);
    let missing = db
        .raw("SELECT id FROM users", params![])
        .all::<User>()
        .await
        .unwrap_err();
    assert!(
        matches!(missing, Error::Decode { ref column, .. } if column == "users.email"),
        "{missing}"
    );
}

#[tokio::test]
async fn example_api_handlers() {
    use mizzle_example::api;
    let db = db();
    let u = api::create_user(&db, NewUser::new("a@x.io", "A"))
        .await
        .unwrap();
    assert_eq!(api::get_user(&db, u.id).await.unwrap(), u);
    assert_eq!(api::get_user(&db, 99).await.unwrap_err().status, 404);
    assert_eq!(
        api::create_user(&db, NewUser::new("a@x.io", "A"))
            .await
            .unwrap_err()
            .status,
        409
    );
    assert_eq!(
        api::create_user(&db, NewUser::new("bad", "A"))
            .await
            .unwrap_err()
            .status,
        422
    );
    let renamed = api::upsert_user(&db, NewUser::new("a@x.io", "A2"))
        .await
        .unwrap();
    assert_eq!((renamed.id, renamed.name.as_str()), (u.id, "A2"));
    let p = api::create_post(&db, NewPost::new(u.id, "T", "t"))
        .await
        .unwrap();
    assert_eq!(
        api::list_posts(&db, Some(u.id), 10).await.unwrap(),
        vec![p.clone()]
    );
    assert_eq!(api::count_posts(&db, u.id).await.unwrap(), 1);
    let p2 = api::update_post(&db, p.id, PostPatch::new().status(PostStatus::Published))
        .await
        .unwrap();
    assert_eq!(p2.status, PostStatus::Published);
    assert_eq!(api::delete_post(&db, p.id).await.unwrap().id, p.id);
    assert_eq!(api::delete_post(&db, p.id).await.unwrap_err().status, 404);
    assert_eq!(api::list_users(&db, 10, 0).await.unwrap().len(), 1);
}

#[tokio::test]
async fn batch_returns_typed_results_in_one_transaction() {
    let db = db();
    let u = user(&db, "a@x.io").await;
    let (inserted, tag_meta, listed, count) = db
        .batch((
            db.insert(posts::table)
                .values(NewPost::new(u.id, "T", "t"))
                .returning(),
            db.insert(tags::table)
                .values_many([NewTag::new("a"), NewTag::new("b")]),
            db.select(users::table).filter(users::id.eq(u.id)),
            db.raw("SELECT count(*) AS n FROM tags", params![]),
        ))
        .await
        .unwrap();
    assert_eq!(inserted.len(), 1);
    assert_eq!(tag_meta.rows_affected, 2);
    assert_eq!(listed, vec![u.clone()]);
    assert_eq!(
        count.rows[0].values(),
        &[Value::Integer(2)],
        "later statements see earlier writes"
    );

    // The third statement fails: the first two are rolled back.
    let err = db
        .batch((
            db.insert(tags::table).values(NewTag::new("c")),
            db.update(users::table)
                .set(UserPatch::new().name("changed")),
            db.insert(tags::table).values(NewTag::new("a")),
        ))
        .await
        .unwrap_err();
    assert_eq!(err.db_kind(), Some(DbErrorKind::UniqueViolation));
    assert_eq!(db.select(tags::table).count().await.unwrap(), 2);
    assert_eq!(
        db.select(users::table).get().await.unwrap().unwrap().name,
        "Name"
    );

    let many = db
        .batch(vec![
            db.select(tags::table).filter(tags::name.eq("a")),
            db.select(tags::table).filter(tags::name.eq("b")),
        ])
        .await
        .unwrap();
    assert_eq!(many.iter().map(Vec::len).collect::<Vec<_>>(), vec![1, 1]);
}

#[tokio::test]
async fn integers_beyond_2_pow_53_are_refused_not_rounded() {
    let db = db();
    // Natively SQLite is exact; what D1 hands back as a float beyond 2^53 is refused.
    let row = db
        .raw("SELECT 9007199254740993.0 AS id", params![])
        .get::<mizzle::Row>()
        .await
        .unwrap()
        .unwrap();
    let err = mizzle::sql::Integer::decode_value(row.values()[0].clone()).unwrap_err();
    assert!(err.to_string().contains("2^53"), "{err}");
}

#[tokio::test]
async fn tree_and_naive_tree_agree_and_post_with_tags_is_atomic() {
    use mizzle_example::api;
    let db = db();
    let u = user(&db, "a@x.io").await;
    let c = user(&db, "c@x.io").await;
    let p1 = api::create_post_with_tags(
        &db,
        NewPost::new(u.id, "One", "one"),
        vec!["rust".into(), "d1".into()],
    )
    .await
    .unwrap();
    api::create_post_with_tags(&db, NewPost::new(u.id, "Two", "two"), vec!["rust".into()])
        .await
        .unwrap();
    db.insert(comments::table)
        .values(NewComment::new(p1.id, "hi").author_id(c.id))
        .run()
        .await
        .unwrap();
    db.insert(comments::table)
        .values(NewComment::new(p1.id, "anon"))
        .run()
        .await
        .unwrap();
    let tree = mizzle::serde_json::to_value(api::user_tree(&db, u.id).await.unwrap()).unwrap();
    let naive =
        mizzle::serde_json::to_value(api::user_tree_naive(&db, u.id).await.unwrap()).unwrap();
    assert_eq!(tree, naive);
    assert_eq!(tree["posts"].as_array().unwrap().len(), 2);
    // A duplicate slug fails the second statement: the new tag of the first is rolled back.
    let err = api::create_post_with_tags(
        &db,
        NewPost::new(u.id, "Dup", "one"),
        vec!["brand-new".into()],
    )
    .await
    .unwrap_err();
    assert_eq!(err.status, 409);
    assert!(
        db.select(tags::table)
            .filter(tags::name.eq("brand-new"))
            .get()
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn bulk_insert_of_ten_thousand_rows_is_one_round_trip() {
    use mizzle_example::api;
    let exec = SqliteExecutor::open_in_memory().unwrap();
    exec.apply_migrations(MIGRATIONS).unwrap();
    let db = Db::new(mizzle::Counted::new(exec));
    assert_eq!(api::bulk_users(&db, 10_000, "b").await.unwrap(), 10_000);
    assert_eq!(db.executor().round_trips(), 1);
    assert_eq!(db.select(users::table).count().await.unwrap(), 10_000);
}

#[tokio::test]
async fn precision_probe_refuses_instead_of_rounding() {
    let db = db();
    let p = mizzle_example::api::precision(&db).await.unwrap();
    assert_eq!(p.read_as_text, 9_007_199_254_740_993);
    assert!(p.bind.contains("2^53"), "{}", p.bind);
    // Native SQLite returns the exact integer; D1 returns a rounded float, which is refused
    // (checked in tests/d1_e2e.rs).
    assert_eq!(p.read_as_number, "exact");
}

/// Records every statement that reaches the database.
struct Recording {
    inner: SqliteExecutor,
    sql: std::cell::RefCell<Vec<String>>,
}

impl mizzle::Executor for Recording {
    async fn query(&self, stmt: mizzle::Statement) -> mizzle::Result<Vec<mizzle::Row>> {
        self.sql.borrow_mut().push(stmt.sql.clone());
        self.inner.query(stmt).await
    }
    async fn execute(&self, stmt: mizzle::Statement) -> mizzle::Result<mizzle::ExecMeta> {
        self.sql.borrow_mut().push(stmt.sql.clone());
        self.inner.execute(stmt).await
    }
    async fn batch(&self, stmts: Vec<mizzle::Statement>) -> mizzle::Result<Vec<mizzle::Output>> {
        self.sql
            .borrow_mut()
            .extend(stmts.iter().map(|s| s.sql.clone()));
        self.inner.batch(stmts).await
    }
}

/// D1 pitfall 1 ("Cannot use BEGIN TRANSACTION"): no statement the runtime builds, through
/// any API, begins, commits or saves a transaction; the migration writer's output is
/// checked the same way in crates/mizzle-build/tests/migrations.rs and
/// tests/migration_corpus.rs.
#[tokio::test]
async fn no_runtime_statement_opens_a_transaction() {
    use mizzle_example::api;
    let exec = SqliteExecutor::open_in_memory().unwrap();
    exec.apply_migrations(MIGRATIONS).unwrap();
    let db = Db::new(Recording {
        inner: exec,
        sql: Default::default(),
    });
    let u = api::create_user(&db, NewUser::new("a@x.io", "A"))
        .await
        .unwrap();
    let c = api::create_user(&db, NewUser::new("c@x.io", "C"))
        .await
        .unwrap();
    let p = api::create_post_with_tags(&db, NewPost::new(u.id, "T", "t"), vec!["x".into()])
        .await
        .unwrap();
    db.insert(comments::table)
        .values(NewComment::new(p.id, "hi").author_id(c.id))
        .run()
        .await
        .unwrap();
    api::user_tree(&db, u.id).await.unwrap();
    api::user_tree_naive(&db, u.id).await.unwrap();
    api::update_post(&db, p.id, PostPatch::new().title("N"))
        .await
        .unwrap();
    api::list_posts(&db, Some(u.id), 5).await.unwrap();
    api::count_posts(&db, u.id).await.unwrap();
    api::bulk_users(&db, 300, "b").await.unwrap();
    api::limits(&db, 400, 50).await.unwrap();
    db.insert(users::table)
        .values(NewUser::new("a@x.io", "x"))
        .on_conflict(users::email)
        .do_update(UserPatch::new().name("y"))
        .run()
        .await
        .unwrap();
    db.update(users::table)
        .set(UserPatch::new())
        .returning()
        .all()
        .await
        .unwrap();
    api::delete_post(&db, p.id).await.unwrap();
    api::delete_user(&db, c.id).await.unwrap();
    let sql = db.executor().sql.borrow();
    assert!(sql.len() > 30, "exercised {} statements", sql.len());
    for s in sql.iter() {
        let upper = s.to_uppercase();
        for banned in [
            "BEGIN",
            "COMMIT",
            "SAVEPOINT",
            "ROLLBACK",
            "RELEASE ",
            "PRAGMA",
        ] {
            assert!(!upper.contains(banned), "{banned} in `{s}`");
        }
    }
}

/// D1 pitfall 7 (stale "cached" prepared statements): a prepared template holds no
/// connection, works on any database, and renders the same SQL for every call.
#[tokio::test]
async fn prepared_templates_are_connection_free() {
    use mizzle_example::api::{POSTS_BY_AUTHOR, PostsByAuthor, USER_BY_EMAIL};
    for round in 0..2 {
        // A fresh database each round, as a Worker gets a fresh binding per request.
        let db = db();
        let u = user(&db, &format!("r{round}@x.io")).await;
        post(&db, u.id, "a").await;
        db.insert(posts::table)
            .values(NewPost::new(u.id, "t", "b").status(PostStatus::Published))
            .run()
            .await
            .unwrap();
        let found = USER_BY_EMAIL
            .select(&db, &format!("r{round}@x.io"))
            .get()
            .await
            .unwrap();
        assert_eq!(found, Some(u.clone()));
        let published = POSTS_BY_AUTHOR
            .select(
                &db,
                &PostsByAuthor {
                    author_id: u.id,
                    status: PostStatus::Published,
                },
            )
            .all()
            .await
            .unwrap();
        assert_eq!(
            published
                .iter()
                .map(|p| p.slug.as_str())
                .collect::<Vec<_>>(),
            ["b"]
        );
    }
    let a = POSTS_BY_AUTHOR.statement(&PostsByAuthor {
        author_id: 1,
        status: PostStatus::Draft,
    });
    let b = POSTS_BY_AUTHOR.statement(&PostsByAuthor {
        author_id: 2,
        status: PostStatus::Published,
    });
    assert_eq!(a.sql, b.sql, "one statement shape");
    assert_ne!(a.params, b.params);
}

#[test]
fn enums_parse_display_and_list_their_values() {
    assert_eq!(
        "published".parse::<PostStatus>().unwrap(),
        PostStatus::Published
    );
    assert!("gone".parse::<PostStatus>().is_err());
    assert_eq!(PostStatus::Published.to_string(), "published");
    assert_eq!(PostStatus::ALL, [PostStatus::Draft, PostStatus::Published]);
    let statuses: Vec<&str> = PostStatus::ALL.iter().map(PostStatus::as_str).collect();
    assert_eq!(statuses, ["draft", "published"]);
}

#[test]
fn errors_map_to_http_statuses() {
    assert_eq!(Error::NotFound.http_status(), 404);
    assert_eq!(Error::IntegerOutOfRange(1 << 60).http_status(), 400);
    assert_eq!(
        Error::database("D1_ERROR: UNIQUE constraint failed: users.email", "…").http_status(),
        409
    );
    assert_eq!(
        Error::database("FOREIGN KEY constraint failed", "…").http_status(),
        422
    );
}

/// An unset nullable column without a default is left out of the insert (it is NULL
/// either way), so a bulk insert binds only what its rows set: 2 parameters a row for
/// `samples` (label, int_v) instead of all 9 columns, 50 rows a statement. Rows that set
/// different nullable columns still share one statement shape, the others bound as NULL.
#[tokio::test]
async fn bulk_inserts_bind_only_the_columns_rows_set() {
    let db = db();
    let same = db
        .insert(samples::table)
        .values_many((0..300).map(|i| NewSample::new(format!("s{i}")).int_v(i)));
    let stmts = same.to_statements().unwrap();
    assert_eq!(stmts.len(), 6, "50 rows of 2 parameters per statement");
    assert!(stmts.iter().all(|s| s.params.len() <= 100));
    assert!(
        stmts[0]
            .sql
            .starts_with(r#"INSERT INTO "samples" ("label", "int_v") VALUES"#)
    );
    assert_eq!(same.run().await.unwrap().rows_affected, 300);

    // Every third row also sets text_v: one shape, text_v NULL in the others.
    let mixed = db.insert(samples::table).values_many((0..90).map(|i| {
        let s = NewSample::new(format!("m{i}")).int_v(i);
        if i % 3 == 0 {
            s.text_v(format!("t{i}"))
        } else {
            s
        }
    }));
    let stmts = mixed.to_statements().unwrap();
    assert_eq!(stmts.len(), 3, "33 rows of 3 parameters per statement");
    assert!(
        stmts
            .iter()
            .all(|s| s.sql.contains(r#"("label", "int_v", "text_v")"#))
    );
    mixed.run().await.unwrap();
    let rows = db
        .select(samples::table)
        .filter(samples::label.starts_with("m"))
        .order_by(samples::id)
        .all()
        .await
        .unwrap();
    assert_eq!(rows.len(), 90);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.int_v, Some(i as i64));
        let want = (i % 3 == 0).then(|| format!("t{i}"));
        assert_eq!(r.text_v, want, "row {i}");
        assert_eq!((r.real_v, r.flag, r.doc.clone()), (None, None, None));
    }

    // With `returning`: bio (nullable, no default) set in one row only is NULL in the
    // other, and role's default still applies to both.
    let p = db
        .insert(users::table)
        .values_many([
            NewUser::new("a@x.io", "A"),
            NewUser::new("b@x.io", "B").bio("hi"),
        ])
        .returning()
        .all()
        .await
        .unwrap();
    assert_eq!(
        (p[0].bio.clone(), p[1].bio.clone()),
        (None, Some("hi".into()))
    );
    assert_eq!(p[0].role, UserRole::Reader);
}

/// Rows are decoded from SQLite's cells as the statement steps (no owned value in between):
/// the same results and the same errors as decoding an owned row.
#[tokio::test]
async fn cells_read_straight_from_sqlite_decode_like_owned_rows() {
    use mizzle::{FromRow, Row, sql::Text};
    let db = db();
    let u = user(&db, "a@x.io").await;
    let by_id = || db.select(users::table).filter(users::id.eq(u.id));

    // Text that is not UTF-8 reads lossily, in a typed row and in an owned one.
    db.raw(
        "UPDATE users SET name = CAST(x'41ff42' AS TEXT) WHERE id = ?",
        params![u.id],
    )
    .run()
    .await
    .unwrap();
    assert_eq!(by_id().get().await.unwrap().unwrap().name, "A\u{fffd}B");
    assert_eq!(by_id().all().await.unwrap()[0].name, "A\u{fffd}B");
    let rows: Vec<Row> = db
        .raw("SELECT name FROM users", params![])
        .all()
        .await
        .unwrap();
    assert_eq!(rows[0].values(), &[Value::Text("A\u{fffd}B".into())]);

    // A type your own `from_row` decodes gets the whole row, read by name.
    #[derive(Debug, PartialEq)]
    struct NameOnly(String);
    impl FromRow for NameOnly {
        fn from_row(row: Row) -> mizzle::Result<Self> {
            Ok(NameOnly(row.reader().read::<Text>("name")?))
        }
    }
    let names: Vec<NameOnly> = db
        .raw("SELECT id, name FROM users", params![])
        .all()
        .await
        .unwrap();
    assert_eq!(names, vec![NameOnly("A\u{fffd}B".into())]);

    // A cell that is not its column's type names the column, from `.get()` and `.all()`.
    db.raw(
        "UPDATE users SET created_at = 'soon' WHERE id = ?",
        params![u.id],
    )
    .run()
    .await
    .unwrap();
    for err in [
        by_id().get().await.unwrap_err(),
        by_id().all().await.unwrap_err(),
    ] {
        assert!(
            matches!(err, Error::Decode { ref column, ref error, ref sql }
                if column == "users.created_at" && error.to_string().contains("\"soon\"")
                    && sql.starts_with("SELECT \"users\".\"id\"")),
            "{err}"
        );
    }
}

/// A bulk upsert whose `DO UPDATE` binds values of its own: every chunk repeats the clause
/// with its values, and rows plus clause stay under the parameter limit.
#[tokio::test]
async fn chunked_upserts_repeat_the_conflict_clause_with_its_values() {
    let db = db();
    let rows = (0..120).map(|i| {
        let u = NewUser::new(format!("u{i}@x.io"), format!("U{i}"));
        // Some rows set a bio; the others are padded with NULL, one statement shape.
        if i % 3 == 0 { u.bio("b") } else { u }
    });
    let insert = db
        .insert(users::table)
        .values_many(rows)
        .on_conflict(users::email)
        .do_update(UserPatch::new().name("again"));
    let stmts = insert.to_statements().unwrap();
    assert!(stmts.len() > 2, "{} statements", stmts.len());
    for s in &stmts {
        assert!(s.params.len() <= 100, "{} parameters", s.params.len());
        assert!(
            s.sql
                .ends_with(r#" ON CONFLICT ("email") DO UPDATE SET "name" = ?"#),
            "{}",
            s.sql
        );
        assert_eq!(s.params.last(), Some(&Value::Text("again".into())));
    }
    insert.run().await.unwrap();
    assert_eq!(db.select(users::table).count().await.unwrap(), 120);
    // Run again: every row conflicts and is updated.
    let again = db
        .insert(users::table)
        .values_many((0..120).map(|i| NewUser::new(format!("u{i}@x.io"), "x")))
        .on_conflict(users::email)
        .do_update(UserPatch::new().name("again"));
    assert_eq!(again.run().await.unwrap().rows_affected, 120);
    let names: Vec<String> = db
        .select(users::table)
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.name)
        .collect();
    assert!(names.iter().all(|n| n == "again"), "{names:?}");
}

#[test]
fn a_patch_lists_its_assignments_in_column_order() {
    use mizzle::Patch;
    let set = PostPatch::new().views(3).title("t").into_assignments();
    let names: Vec<&str> = set.iter().map(|(c, _)| *c).collect();
    // `updated_at` is filled by its `on_update_fn`; every value in column order.
    assert_eq!(names, ["title", "views", "updated_at"]);
    assert_eq!(set[0].1, Value::Text("t".into()));
    assert_eq!(set[1].1, Value::Integer(3));
}

#[tokio::test]
async fn an_upsert_inserts_a_new_email_and_renames_a_known_one() {
    use mizzle_example::api;
    let db = db();
    let a = api::upsert_user(&db, NewUser::new("a@x.io", "A"))
        .await
        .unwrap();
    let b = api::upsert_user(&db, NewUser::new("b@x.io", "B"))
        .await
        .unwrap();
    assert_ne!(a.id, b.id);
    let a2 = api::upsert_user(&db, NewUser::new("a@x.io", "A2"))
        .await
        .unwrap();
    assert_eq!((a2.id, a2.name.as_str()), (a.id, "A2"));
    assert_eq!(api::list_users(&db, 10, 0).await.unwrap().len(), 2);
}

/// Queries return their futures without sending anything: the statement is built and
/// checked when `.run()`/`.get()`/`.all()` is called, sent only when the future is awaited.
#[tokio::test]
async fn a_query_sends_nothing_until_awaited_and_a_refused_one_never() {
    let exec = SqliteExecutor::open_in_memory().unwrap();
    exec.apply_migrations(MIGRATIONS).unwrap();
    let db = Db::new(mizzle::Counted::new(exec));
    db.insert(users::table)
        .values(NewUser::new("a@x.io", "Ann"))
        .run()
        .await
        .unwrap();
    db.executor().reset();

    let update = db
        .update(users::table)
        .set(UserPatch::new().name("Bea"))
        .filter(users::id.eq(1))
        .run();
    let delete = db.delete(users::table).run();
    let raw = db.raw("DELETE FROM users", []).run();
    let get = db.select(users::table).get();
    let all = db.select(users::table).all();
    drop((update, delete, raw, get, all));
    assert_eq!(
        db.executor().round_trips(),
        0,
        "dropped futures send nothing"
    );
    let ann = db.select(users::table).get().await.unwrap().unwrap();
    assert_eq!(ann.name, "Ann");

    // Over D1's exact-integer range: refused when awaited, without reaching the database.
    db.executor().reset();
    let too_big = || users::id.eq(1i64 << 60);
    let refused = [
        db.update(users::table)
            .set(UserPatch::new().name("Bea"))
            .filter(too_big())
            .run()
            .await
            .map(drop),
        db.select(users::table)
            .filter(too_big())
            .get()
            .await
            .map(drop),
    ];
    for r in refused {
        assert!(matches!(r, Err(Error::IntegerOutOfRange(_))), "{r:?}");
    }
    assert_eq!(db.executor().round_trips(), 0);

    // An empty patch updates nothing and sends nothing.
    let meta = db
        .update(users::table)
        .set(UserPatch::new())
        .run()
        .await
        .unwrap();
    assert_eq!(meta.rows_affected, 0);
    assert_eq!(db.executor().round_trips(), 0);
}

/// Every user, then a row whose `id` is text: it does not decode as a `User`.
const USERS_THEN_A_BAD_ROW: &str = "SELECT id, email, name, bio, avatar, role, created_at \
     FROM users UNION ALL SELECT 'not an id', 'e', 'n', NULL, NULL, 'reader', 0";

/// `db.raw(..).get()` reads the first row only: a later row that would not decode as the
/// type asked for does not fail it, and `.all()` still reads (and refuses) every row.
#[tokio::test]
async fn raw_get_decodes_the_first_row_only() {
    let db = db();
    let u = user(&db, "a@x.io").await;
    let sql = USERS_THEN_A_BAD_ROW;
    let first = db.raw(sql, []).get::<User>().await.unwrap();
    assert_eq!(first, Some(u));
    let all = db.raw(sql, []).all::<User>().await;
    assert!(matches!(all, Err(Error::Decode { .. })), "{all:?}");
}

/// The same through an executor that keeps `Executor`'s default `query_first_as` (as D1's
/// and Durable Objects' do): only the first row is decoded.
#[tokio::test]
async fn the_default_first_row_read_decodes_the_first_row_only() {
    let exec = SqliteExecutor::open_in_memory().unwrap();
    exec.apply_migrations(MIGRATIONS).unwrap();
    // `Recording` keeps every default but `query`, `execute` and `batch`.
    let db = Db::new(Recording {
        inner: exec,
        sql: Default::default(),
    });
    db.insert(users::table)
        .values(NewUser::new("a@x.io", "Ann"))
        .run()
        .await
        .unwrap();
    let sql = USERS_THEN_A_BAD_ROW;
    let first = db.raw(sql, []).get::<User>().await.unwrap().unwrap();
    assert_eq!(first.email, "a@x.io");
    assert!(db.raw(sql, []).all::<User>().await.is_err());
}

/// The Worker reads request bodies into the client input structs (users.toml and
/// posts.toml say `client_input = true`): no key, no clock column, and any other field
/// refused, so a client cannot choose a row's id or its timestamps.
#[test]
fn client_input_structs_refuse_server_columns() {
    let ok: NewUserInput =
        serde_json::from_str(r#"{"email": "a@x.io", "name": "A", "bio": null}"#).unwrap();
    let new: NewUser = ok.into();
    assert_eq!((new.id, new.created_at, new.bio), (None, None, None));
    for body in [
        r#"{"email": "a@x.io", "name": "A", "id": 100}"#,
        r#"{"email": "a@x.io", "name": "A", "created_at": "2020-01-01T00:00:00Z"}"#,
        r#"{"email": "a@x.io", "name": "A", "nickname": "typo"}"#,
    ] {
        let e = serde_json::from_str::<NewUserInput>(body)
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown field"), "{body}: {e}");
    }
    let patch: PostPatch =
        serde_json::from_str::<PostPatchInput>(r#"{"title": "t", "body": null}"#)
            .unwrap()
            .into();
    assert_eq!(
        (patch.title.as_deref(), patch.body),
        (Some("t"), Some(None))
    );
    assert_eq!(
        patch.updated_at, None,
        "filled by on_update_fn, not by the client"
    );
    for body in [r#"{"id": 1}"#, r#"{"updated_at": "2020-01-01T00:00:00Z"}"#] {
        assert!(
            serde_json::from_str::<PostPatchInput>(body).is_err(),
            "{body}"
        );
    }
}
