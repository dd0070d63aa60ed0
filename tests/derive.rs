//! `#[derive(mizzle::FromRow)]` on the user's own structs, on native SQLite: read from raw
//! SQL, from a table's select (`.all_as`), and from a projection; each field by its column's
//! name, whatever the result's order; and every way a row can fail to fit said by column
//! and field, never read as something else.

use mizzle::chrono::{DateTime, TimeZone, Utc};
use mizzle::sqlite::SqliteExecutor;
use mizzle::{Db, Error, FromRow, count};
use mizzle_example::schema::*;

fn db() -> Db<SqliteExecutor> {
    let db = Db::new(SqliteExecutor::open_in_memory().unwrap());
    db.executor().apply_migrations(MIGRATIONS).unwrap();
    db
}

async fn seed(db: &Db<SqliteExecutor>) {
    db.insert(users::table)
        .values(NewUser::new("ann@x.io", "Ann").role(UserRole::Admin))
        .run()
        .await
        .unwrap();
    db.insert(users::table)
        .values(NewUser::new("bob@x.io", "Bob").bio("hi"))
        .run()
        .await
        .unwrap();
    db.insert(posts::table)
        .values(NewPost::new(1, "Hello", "hello").meta(mizzle::serde_json::json!({"k": 1})))
        .run()
        .await
        .unwrap();
}

/// Some of a user's columns, one renamed, one read as a narrower integer, the enum and a
/// nullable column: the result's column order is not the struct's.
#[derive(FromRow, Debug, PartialEq)]
struct Person {
    #[mizzle(rename = "name")]
    display_name: String,
    id: i32,
    role: UserRole,
    bio: Option<String>,
    #[mizzle(sql = "timestamp")]
    created_at: DateTime<Utc>,
    #[mizzle(skip)]
    cached: u8,
    #[mizzle(default)]
    posts: i64,
}

#[tokio::test]
async fn raw_sql_reads_by_name_in_any_order() {
    let db = db();
    seed(&db).await;
    let people: Vec<Person> = db
        .raw(
            "SELECT created_at, bio, role, name, id FROM users ORDER BY id",
            vec![],
        )
        .all()
        .await
        .unwrap();
    assert_eq!(people.len(), 2);
    assert_eq!(people[0].display_name, "Ann");
    assert_eq!(people[0].id, 1);
    assert_eq!(people[0].role, UserRole::Admin);
    assert_eq!(people[0].bio, None);
    assert_eq!(people[1].bio.as_deref(), Some("hi"));
    assert!(people[0].created_at > Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap());
    assert_eq!((people[0].cached, people[0].posts), (0, 0));

    // `default`: present, it is read.
    let with_count: Vec<Person> = db
        .raw(
            "SELECT u.*, (SELECT count(*) FROM posts p WHERE p.author_id = u.id) AS posts \
             FROM users u ORDER BY u.id",
            vec![],
        )
        .all()
        .await
        .unwrap();
    assert_eq!((with_count[0].posts, with_count[1].posts), (1, 0));
}

/// A struct that names its table: each field is checked against the column's SQL type at
/// compile time (tests/ui/derive_wrong_type.rs is the failing case), and read as that type.
#[derive(FromRow, Debug)]
#[mizzle(table = posts)]
struct PostCard {
    id: i64,
    title: String,
    #[mizzle(column = meta)]
    extra: Option<mizzle::serde_json::Value>,
    status: PostStatus,
    created_at: DateTime<Utc>,
}

#[tokio::test]
async fn a_tables_select_decodes_into_a_struct_of_some_of_its_columns() {
    let db = db();
    seed(&db).await;
    let cards: Vec<PostCard> = db.select(posts::table).all_as().await.unwrap();
    assert_eq!(cards.len(), 1);
    assert_eq!(cards[0].id, 1);
    assert_eq!(cards[0].title, "Hello");
    assert_eq!(cards[0].extra, Some(mizzle::serde_json::json!({"k": 1})));
    assert_eq!(cards[0].status, PostStatus::Draft);
    assert!(cards[0].created_at.timestamp() > 1_600_000_000);
    let first: Option<Person> = db.select(users::table).get_as().await.unwrap();
    assert_eq!(first.unwrap().display_name, "Ann");
}

#[derive(FromRow, Debug, PartialEq)]
struct Author {
    name: String,
    posts: i64,
}

#[tokio::test]
async fn a_projection_decodes_by_the_names_it_gives() {
    let db = db();
    seed(&db).await;
    let authors: Vec<Author> = db
        .select(users::table)
        .left_join(posts::table, posts::author_id.eq_col(users::id))
        .columns((count(posts::id).named("posts"), users::name))
        .group_by(users::id)
        .order_by(users::id)
        .all_as()
        .await
        .unwrap();
    assert_eq!(
        authors,
        [
            Author {
                name: "Ann".into(),
                posts: 1
            },
            Author {
                name: "Bob".into(),
                posts: 0
            }
        ]
    );
}

fn decode_message(e: Error) -> String {
    match e {
        Error::Decode { .. } => e.to_string(),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[derive(FromRow, Debug)]
struct Small {
    #[allow(dead_code)]
    n: u8,
}

#[derive(FromRow, Debug)]
struct Stamped {
    #[allow(dead_code)]
    #[mizzle(sql = "timestamp")]
    at: DateTime<Utc>,
}

#[tokio::test]
async fn a_row_that_does_not_fit_is_an_error_naming_column_and_field() {
    let db = db();
    seed(&db).await;
    // A missing column: not a default, not the column's name read as text.
    let e = db
        .raw("SELECT id, email FROM users", vec![])
        .all::<Person>()
        .await
        .unwrap_err();
    let m = decode_message(e);
    assert!(
        m.contains("name") && m.contains("Person.display_name"),
        "{m}"
    );
    assert!(m.contains("no such column"), "{m}");
    // Two columns of the name (a join's `*`): an error, not the first one.
    let e = db
        .raw(
            "SELECT * FROM users JOIN posts ON posts.author_id = users.id",
            vec![],
        )
        .all::<PostCard>()
        .await
        .unwrap_err();
    let m = decode_message(e);
    assert!(m.contains("more than one column"), "{m}");
    // Out of a narrow integer's range: refused, not wrapped.
    let e = db
        .raw("SELECT 300 AS n", vec![])
        .all::<Small>()
        .await
        .unwrap_err();
    let m = decode_message(e);
    assert!(
        m.contains("300 does not fit in u8") && m.contains("Small.n"),
        "{m}"
    );
    // A NULL into a field that is not an Option.
    let e = db
        .raw("SELECT NULL AS n", vec![])
        .all::<Small>()
        .await
        .unwrap_err();
    assert!(decode_message(e).contains("Small.n"));
    // Text that is no timestamp.
    let e = db
        .raw("SELECT 'soon' AS at", vec![])
        .all::<Stamped>()
        .await
        .unwrap_err();
    assert!(decode_message(e).contains("Stamped.at"));
}
