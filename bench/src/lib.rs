//! The six routes issue 14 tracks, each written twice over the same seeded SQLite
//! database: with mizzle, and by hand with rusqlite on the same connection. Both build the
//! same structs and serialize them to JSON the same way (what a Worker's route does), and
//! return the JSON's length so nothing is optimized away.
//!
//! Shared by the criterion benchmark (`benches/routes.rs`) and `native-queries`.

use std::collections::HashMap;
use std::future::Future;

use mizzle::Db;
use mizzle::chrono::{DateTime, Utc};
use mizzle::sqlite::SqliteExecutor;
use mizzle_example::schema::*;
use serde::Serialize;

/// Polls a future that never waits (the SQLite executor's) to completion.
pub fn block_on<F: Future>(f: F) -> F::Output {
    use std::task::{Context, Poll, Waker};
    let mut f = std::pin::pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// The `[rounds] [ops]` arguments of a benchmark program, with their defaults.
pub fn rounds_and_ops(rounds: usize, ops: usize) -> (usize, usize) {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    (
        args.first().copied().unwrap_or(rounds),
        args.get(1).copied().unwrap_or(ops),
    )
}

/// 50 users with 5 posts each (every other published) and 4 comments per post, in memory.
pub fn seeded() -> Db<SqliteExecutor> {
    seeded_on(SqliteExecutor::open_in_memory().unwrap())
}

/// [`seeded`] on `exec` (an in-memory database configured by the caller).
pub fn seeded_on(exec: SqliteExecutor) -> Db<SqliteExecutor> {
    exec.apply_migrations(MIGRATIONS).unwrap();
    let db = Db::new(exec).with_limits(mizzle::Limits::SQLITE);
    block_on(async {
        db.insert(users::table)
            .values_many((0..50).map(|i| NewUser::new(format!("u{i}@x.io"), format!("User {i}"))))
            .run()
            .await
            .unwrap();
        db.insert(posts::table)
            .values_many((0..250).map(|i| {
                NewPost::new(i / 5 + 1, format!("Post {i}"), format!("p{i}")).published(i % 2 == 0)
            }))
            .run()
            .await
            .unwrap();
        db.insert(comments::table)
            .values_many(
                (0..1000)
                    .map(|i| NewComment::new(i / 4 + 1, format!("c{i}")).author_id(i % 50 + 1)),
            )
            .run()
            .await
            .unwrap();
    });
    db
}

/// `n` tables `t000…`, each belonging to the one before it (cycles included), with a
/// self-reference, an enum, a check, an index and four relations.
pub fn synthetic_schema(dir: &std::path::Path, n: usize) {
    let schema = dir.join("schema");
    std::fs::create_dir_all(&schema).unwrap();
    for i in 0..n {
        let prev = (i + n - 1) % n;
        let next = (i + 1) % n;
        let text = format!(
            "[columns]\nid = {{ type = \"integer\", primary_key = true, auto_increment = true }}\n\
             name = {{ type = \"text\", check = \"length(name) > 0\" }}\n\
             kind = {{ type = \"enum\", values = [\"a\", \"b\"], default = \"a\" }}\n\
             prev_id = {{ type = \"integer\", nullable = true, references = \"t{prev:03}.id\", on_delete = \"set null\" }}\n\
             parent_id = {{ type = \"integer\", nullable = true, references = \"t{i:03}.id\", on_delete = \"cascade\" }}\n\
             [indexes]\nt{i:03}_name_idx = {{ columns = [\"name\"] }}\n\
             [relations]\nprev = {{ belongs_to = \"t{prev:03}\", key = \"prev_id\" }}\n\
             nexts = {{ has_many = \"t{next:03}\", foreign_key = \"prev_id\" }}\n\
             parent = {{ belongs_to = \"t{i:03}\", key = \"parent_id\" }}\n\
             children = {{ has_many = \"t{i:03}\", foreign_key = \"parent_id\" }}\n"
        );
        std::fs::write(schema.join(format!("t{i:03}.toml")), text).unwrap();
    }
}

/// One route: its name, and the same work done with mizzle and by hand. Each takes the
/// database and the call's index, and returns the length of the JSON it produced.
pub struct Route {
    /// Short name (`get_by_key`).
    pub name: &'static str,
    /// With mizzle.
    pub mizzle: fn(&Db<SqliteExecutor>, usize) -> usize,
    /// By hand with rusqlite.
    pub hand: fn(&Db<SqliteExecutor>, usize) -> usize,
    /// Calls per sample relative to the cheap routes (the bulk insert is ~500× a lookup).
    pub weight: usize,
}

/// The six routes.
pub fn routes() -> Vec<Route> {
    vec![
        Route {
            name: "get_by_key",
            mizzle: mizzle_get,
            hand: hand_get,
            weight: 1,
        },
        Route {
            name: "list_50_filtered",
            mizzle: mizzle_list,
            hand: hand_list,
            weight: 40,
        },
        Route {
            name: "tree_user_posts_comments",
            mizzle: mizzle_tree,
            hand: hand_tree,
            weight: 40,
        },
        Route {
            name: "insert_returning",
            mizzle: mizzle_insert,
            hand: hand_insert,
            weight: 3,
        },
        Route {
            name: "update_by_key",
            mizzle: mizzle_update,
            hand: hand_update,
            weight: 2,
        },
        Route {
            name: "bulk_insert_1000",
            mizzle: mizzle_bulk,
            hand: hand_bulk,
            weight: 600,
        },
    ]
}

fn json<T: Serialize>(v: &T) -> usize {
    serde_json::to_vec(v).unwrap().len()
}

fn key(n: usize, of: usize) -> i64 {
    (n % of + 1) as i64
}

const USER_COLS: &str = "id, email, name, bio, avatar, role, created_at";
const POST_COLS: &str = "id, author_id, title, slug, body, status, meta, published, rating, views, created_at, updated_at";
const COMMENT_COLS: &str = "id, post_id, author_id, parent_id, body, created_at";

fn secs(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(s, 0).unwrap()
}

fn enum_of<E: mizzle::sql::SqlEnum>(text: &str) -> E {
    E::from_db_str(text).unwrap()
}

/// A `User` from 7 cells, as hand-written code reads it.
pub fn hand_user(r: &rusqlite::Row) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        email: r.get(1)?,
        name: r.get(2)?,
        bio: r.get(3)?,
        avatar: r.get(4)?,
        role: enum_of(&r.get::<_, String>(5)?),
        created_at: secs(r.get(6)?),
    })
}

/// A `Post` from 12 cells.
pub fn hand_post(r: &rusqlite::Row) -> rusqlite::Result<Post> {
    Ok(Post {
        id: r.get(0)?,
        author_id: r.get(1)?,
        title: r.get(2)?,
        slug: r.get(3)?,
        body: r.get(4)?,
        status: enum_of(&r.get::<_, String>(5)?),
        meta: r
            .get::<_, Option<String>>(6)?
            .map(|m| serde_json::from_str(&m).unwrap()),
        published: r.get::<_, i64>(7)? != 0,
        rating: r.get(8)?,
        views: r.get(9)?,
        created_at: secs(r.get(10)?),
        updated_at: secs(r.get(11)?),
    })
}

fn hand_comment(r: &rusqlite::Row) -> rusqlite::Result<Comment> {
    Ok(Comment {
        id: r.get(0)?,
        post_id: r.get(1)?,
        author_id: r.get(2)?,
        parent_id: r.get(3)?,
        body: r.get(4)?,
        created_at: DateTime::from_timestamp_millis(r.get(5)?).unwrap(),
    })
}

fn mizzle_get(db: &Db<SqliteExecutor>, n: usize) -> usize {
    let u = block_on(
        db.select(users::table)
            .filter(users::id.eq(key(n, 50)))
            .get(),
    )
    .unwrap();
    json(&u)
}

fn hand_get(db: &Db<SqliteExecutor>, n: usize) -> usize {
    let c = db.executor().lock();
    let mut st = c
        .prepare_cached(&format!("SELECT {USER_COLS} FROM users WHERE id = ?1"))
        .unwrap();
    let u = st.query_row([key(n, 50)], hand_user).ok();
    json(&u)
}

fn mizzle_list(db: &Db<SqliteExecutor>, _: usize) -> usize {
    let rows = block_on(
        db.select(posts::table)
            .filter(posts::published.eq(true))
            .order_by(posts::id)
            .limit(50)
            .all(),
    )
    .unwrap();
    json(&rows)
}

fn hand_list(db: &Db<SqliteExecutor>, _: usize) -> usize {
    let c = db.executor().lock();
    let mut st = c
        .prepare_cached(&format!(
            "SELECT {POST_COLS} FROM posts WHERE published = 1 ORDER BY id LIMIT 50"
        ))
        .unwrap();
    let rows: Vec<Post> = st
        .query_map([], hand_post)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    json(&rows)
}

fn mizzle_tree(db: &Db<SqliteExecutor>, n: usize) -> usize {
    let t = block_on(
        db.select(users::table)
            .filter(users::id.eq(key(n, 50)))
            .with(users::posts.with(posts::comments))
            .get(),
    )
    .unwrap();
    json(&t)
}

/// The tree as a hand-written Worker would shape it: the row's fields, then its children.
#[derive(Serialize)]
struct UserTree {
    #[serde(flatten)]
    user: User,
    posts: Vec<PostTree>,
}

#[derive(Serialize)]
struct PostTree {
    #[serde(flatten)]
    post: Post,
    comments: Vec<Comment>,
}

/// Three statements in one transaction (as mizzle's one batch is), comments grouped by post.
fn hand_tree(db: &Db<SqliteExecutor>, n: usize) -> usize {
    let id = key(n, 50);
    let c = db.executor().lock();
    let tx = c.unchecked_transaction().unwrap();
    let user = tx
        .prepare_cached(&format!("SELECT {USER_COLS} FROM users WHERE id = ?1"))
        .unwrap()
        .query_row([id], hand_user)
        .ok();
    let tree = user.map(|user| {
        let posts: Vec<Post> = tx
            .prepare_cached(&format!(
                "SELECT {POST_COLS} FROM posts WHERE author_id = ?1 ORDER BY id"
            ))
            .unwrap()
            .query_map([id], hand_post)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut comments: HashMap<i64, Vec<Comment>> = HashMap::new();
        let mut st = tx
            .prepare_cached(&format!(
                "SELECT {COMMENT_COLS} FROM comments WHERE post_id IN \
                 (SELECT id FROM posts WHERE author_id = ?1) ORDER BY id"
            ))
            .unwrap();
        for c in st.query_map([id], hand_comment).unwrap() {
            let c = c.unwrap();
            comments.entry(c.post_id).or_default().push(c);
        }
        UserTree {
            user,
            posts: posts
                .into_iter()
                .map(|post| PostTree {
                    comments: comments.remove(&post.id).unwrap_or_default(),
                    post,
                })
                .collect(),
        }
    });
    tx.commit().unwrap();
    json(&tree)
}

fn tag_name(prefix: &str, n: usize) -> String {
    format!("{prefix}{n}-{}", std::process::id())
}

fn mizzle_insert(db: &Db<SqliteExecutor>, n: usize) -> usize {
    let t = block_on(
        db.insert(tags::table)
            .values(NewTag::new(tag_name("m", n)))
            .on_conflict(tags::name)
            .do_nothing()
            .returning()
            .get(),
    )
    .unwrap();
    json(&t)
}

fn hand_insert(db: &Db<SqliteExecutor>, n: usize) -> usize {
    let c = db.executor().lock();
    let mut st = c
        .prepare_cached(
            "INSERT INTO tags (name) VALUES (?1) ON CONFLICT (name) DO NOTHING RETURNING id, name",
        )
        .unwrap();
    let t = st
        .query_row([tag_name("h", n)], |r| {
            Ok(Tag {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })
        .ok();
    json(&t)
}

/// How many rows a write changed, as a route answers it.
#[derive(Serialize)]
struct Changed {
    changed: u64,
}

fn mizzle_update(db: &Db<SqliteExecutor>, n: usize) -> usize {
    let m = block_on(
        db.update(posts::table)
            .set(PostPatch::new().title(format!("t{n}")))
            .filter(posts::id.eq(key(n, 250)))
            .run(),
    )
    .unwrap();
    json(&Changed {
        changed: m.rows_affected,
    })
}

/// The patch plus the `on_update_fn` column mizzle fills in (`updated_at = now`).
fn hand_update(db: &Db<SqliteExecutor>, n: usize) -> usize {
    let c = db.executor().lock();
    let mut st = c
        .prepare_cached("UPDATE posts SET title = ?1, updated_at = ?2 WHERE id = ?3")
        .unwrap();
    let m = st
        .execute(rusqlite::params![
            format!("t{n}"),
            Utc::now().timestamp(),
            key(n, 250)
        ])
        .unwrap();
    json(&Changed { changed: m as u64 })
}

/// 1,000 rows in one call: mizzle chunks them under the parameter limit into one atomic
/// batch; by hand, one prepared insert per row in one transaction.
fn mizzle_bulk(db: &Db<SqliteExecutor>, _: usize) -> usize {
    let m = block_on(
        db.insert(samples::table)
            .values_many((0..1000).map(|i| NewSample::new(format!("s{i}")).int_v(i)))
            .run(),
    )
    .unwrap();
    json(&Changed {
        changed: m.rows_affected,
    })
}

fn hand_bulk(db: &Db<SqliteExecutor>, _: usize) -> usize {
    let mut c = db.executor().lock();
    let tx = c.transaction().unwrap();
    let mut changed = 0;
    {
        let mut st = tx
            .prepare_cached("INSERT INTO samples (label, int_v) VALUES (?1, ?2)")
            .unwrap();
        for i in 0..1000i64 {
            changed += st.execute(rusqlite::params![format!("s{i}"), i]).unwrap() as u64;
        }
    }
    tx.commit().unwrap();
    json(&Changed { changed })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both ways of each route produce the same JSON (the bulk and insert routes' rows
    /// differ only by name prefix, so their lengths are compared).
    #[test]
    fn each_route_agrees_with_its_hand_written_twin() {
        let db = seeded();
        for r in routes() {
            for n in [0, 7, 49] {
                let (m, h) = ((r.mizzle)(&db, n), (r.hand)(&db, n));
                assert_eq!(m, h, "{} at {n}: mizzle {m} bytes, hand {h}", r.name);
            }
        }
    }
}
