//! A SQLite-backed Durable Object: one notebook per object, its notes in the object's own
//! database, queried with the same generated types as D1 (wasm32 only).
//!
//! The Worker forwards `/notebooks/:name/…` to the object named `name`. The object opens
//! its database with `schema::durable_db`, which applies the migrations it has not applied
//! yet (the same files wrangler applies to D1) the first time it is touched after a deploy.

use mizzle::Db;
use mizzle::durable::DurableExecutor;
use worker::{DurableObject, Env, Method, Request, Response, Result, State, durable_object};

use crate::api::{self, ApiError, ApiResult};
use crate::schema::{self, NewNote, Note, notes};

/// One notebook.
#[durable_object]
pub struct Notebook {
    state: State,
    /// The database, opened (and migrated) on the first request this instance serves. A
    /// deploy starts new instances, which migrate again on their first request.
    db: std::cell::RefCell<Option<Db<DurableExecutor>>>,
}

impl Notebook {
    /// The object's database: migrated by the first call of this instance, then kept.
    /// `open` runs no `await`, so concurrent requests cannot interleave inside it.
    fn db(&self) -> mizzle::Result<Db<DurableExecutor>> {
        if let Some(db) = self.db.borrow().as_ref() {
            return Ok(db.clone());
        }
        // Rows read and written are counted (each cursor's rowsRead/rowsWritten): every
        // response says what its request cost, in `x-do-rows-read`/`x-do-rows-written`.
        let db = schema::durable_db(&self.state.storage())?.track_usage();
        *self.db.borrow_mut() = Some(db.clone());
        Ok(db)
    }
}

impl DurableObject for Notebook {
    fn new(state: State, _env: Env) -> Self {
        Notebook {
            state,
            db: std::cell::RefCell::new(None),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        // Only a database a route opened: a `corpus-*` object (tests/migration_corpus.rs) must
        // not get the notebook's migrations.
        let used = || {
            self.db
                .borrow()
                .as_ref()
                .and_then(|d| d.usage())
                .unwrap_or_default()
        };
        let before = used();
        let mut response = self.handle(req).await?;
        let u = used().since(&before);
        if u.statements > 0 {
            response
                .headers_mut()
                .set("x-do-rows-read", &u.rows_read.to_string())?;
            response
                .headers_mut()
                .set("x-do-rows-written", &u.rows_written.to_string())?;
        }
        Ok(response)
    }
}

impl Notebook {
    /// The object's routes (what `fetch` answers, before it adds the usage headers).
    async fn handle(&self, mut req: Request) -> Result<Response> {
        let path = req.path();
        // `/notebooks/<name>/<rest…>`
        let rest: Vec<String> = path.split('/').skip(3).map(str::to_owned).collect();
        let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
        // Read the body whatever the route: a forwarded request whose body is left unread
        // fails after the response ("Can't read from request stream after response has been
        // sent") and workerd then restarts the object.
        let body = req.bytes().await.unwrap_or_default();
        // `corpus-*` objects hold no notebook: tests/migration_corpus.rs replays its
        // schema-evolution steps inside them, through these two debug routes.
        // Any object takes `debug/sql` (tests/d1_e2e.rs drops a column of a notebook's
        // tables with it, to see the code run ahead of the object's database).
        if rest.first() == Some(&"debug")
            || path
                .split('/')
                .nth(2)
                .is_some_and(|n| n.starts_with("corpus-"))
        {
            return corpus_route(&self.state.storage(), req.method(), &rest, &body).await;
        }
        let db = match self.db() {
            Ok(db) => db,
            Err(e) => return respond::<()>(Err(e.into())),
        };
        match (req.method(), rest.as_slice()) {
            (Method::Post, ["notes"]) => {
                let new: NewNote = match serde_json::from_slice(&body) {
                    Ok(n) => n,
                    Err(e) => return respond::<()>(Err(bad_request(e))),
                };
                respond(add(&db, new).await)
            }
            (Method::Get, ["notes"]) => respond(list(&db).await),
            (Method::Post, ["notes", "failing-batch"]) => respond(failing_batch(&db).await),
            (Method::Post, ["samples", "edge", case]) => {
                respond(api::edge_roundtrip(&db, case).await)
            }
            (Method::Get, ["info"]) => respond(info(&db).await),
            (Method::Post, ["seed"]) => respond(seed(&db).await),
            (Method::Post, ["affinity"]) => respond(affinity(&db).await),
            (Method::Post, ["tree"]) => respond(tree(&db).await),
            (Method::Post, ["views-overflow"]) => respond(views_overflow(&db).await),
            (Method::Post, ["migrate"]) => {
                let extra: Vec<(String, String)> = match serde_json::from_slice(&body) {
                    Ok(m) => m,
                    Err(e) => return respond::<()>(Err(bad_request(e))),
                };
                respond(migrate_further(&db, &extra))
            }
            _ => Response::error("no such notebook route", 404),
        }
    }
}

fn bad_request(e: impl std::fmt::Display) -> ApiError {
    ApiError {
        status: 400,
        message: format!("invalid JSON body: {e}"),
    }
}

fn respond<T: serde::Serialize>(result: ApiResult<T>) -> Result<Response> {
    match result {
        Ok(v) => Response::from_json(&v),
        Err(ApiError { status, message }) => {
            Ok(Response::from_json(&serde_json::json!({ "error": message }))?.with_status(status))
        }
    }
}

async fn add(db: &Db<DurableExecutor>, new: NewNote) -> ApiResult<Note> {
    Ok(db
        .insert(notes::table)
        .values(new)
        .returning()
        .one()
        .await?)
}

async fn list(db: &Db<DurableExecutor>) -> ApiResult<Vec<Note>> {
    Ok(db.select(notes::table).order_by(notes::id).all().await?)
}

/// A batch of two inserts whose second breaks the title CHECK: nothing of it may remain.
async fn failing_batch(db: &Db<DurableExecutor>) -> ApiResult<serde_json::Value> {
    let result = db
        .batch((
            db.insert(notes::table)
                .values(NewNote::new("kept only if the batch commits")),
            db.insert(notes::table).values(NewNote::new("")),
        ))
        .await;
    match result {
        Ok(_) => Err(ApiError {
            status: 500,
            message: "the failing batch succeeded".into(),
        }),
        Err(e) => Ok(serde_json::json!({
            "error": e.to_string(),
            "statement": e.batch_index(),
        })),
    }
}

/// The migrations this object applied (from its ledger) and its note count.
/// Seed data for a new notebook, from the same generator as `mizzle seed` (docs/guide.md,
/// "Seed data"): rows per table. A notebook with rows refuses (409).
async fn seed(db: &Db<DurableExecutor>) -> ApiResult<Vec<(String, usize)>> {
    let report = schema::seed(db, &mizzle::seed::Seed::new(1).rows(10)).await?;
    Ok(report.tables)
}

async fn info(db: &Db<DurableExecutor>) -> ApiResult<serde_json::Value> {
    let rows = db
        .raw("SELECT name FROM __mizzle_migrations ORDER BY name", [])
        .all::<mizzle::Row>()
        .await?;
    let migrations: Vec<String> = rows
        .iter()
        .filter_map(|r| match r.values().first() {
            Some(mizzle::Value::Text(t)) => Some(t.clone()),
            _ => None,
        })
        .collect();
    let count = db.select(notes::table).count().await?;
    Ok(serde_json::json!({ "migrations": migrations, "notes": count }))
}

/// Integers and booleans bound by mizzle land as INTEGER whatever the column's affinity: in
/// a column with no declared type (where a JS number would be stored as REAL `42.0`), and
/// in a TEXT column (where it would be the text `"42.0"`).
async fn affinity(db: &Db<DurableExecutor>) -> ApiResult<serde_json::Value> {
    use mizzle::Value;
    db.raw(
        "CREATE TABLE IF NOT EXISTS affinity_probe (v, t TEXT, b)",
        [],
    )
    .run()
    .await?;
    db.raw("DELETE FROM affinity_probe", []).run().await?;
    db.raw(
        "INSERT INTO affinity_probe (v, t, b) VALUES (?, ?, ?)",
        mizzle::params![42_i64, 42_i64, true],
    )
    .run()
    .await?;
    let row = db
        .raw(
            "SELECT typeof(v), v, typeof(t), t, typeof(b), b FROM affinity_probe",
            [],
        )
        .get::<mizzle::Row>()
        .await?
        .ok_or(mizzle::Error::NotFound)?;
    let cells: Vec<serde_json::Value> = row
        .values()
        .iter()
        .map(|v| match v {
            Value::Integer(i) => serde_json::json!(i),
            Value::Real(r) => serde_json::json!(r),
            Value::Text(t) => serde_json::json!(t),
            other => serde_json::json!(other.to_string()),
        })
        .collect();
    Ok(serde_json::json!(cells))
}

/// Applies the object's migrations followed by `extra` ones, as a later deploy with more
/// migration files would: the pending ones run, each in one transaction (for the
/// end-to-end test's second schema version).
fn migrate_further(db: &Db<DurableExecutor>, extra: &[(String, String)]) -> ApiResult<Vec<String>> {
    let all: Vec<(&str, &str)> = schema::MIGRATIONS
        .iter()
        .copied()
        .chain(extra.iter().map(|(n, s)| (n.as_str(), s.as_str())))
        .collect();
    Ok(db.executor().migrate(&all)?)
}

/// `views = views + 1` at 2^53 − 2 and again at 2^53 − 1 in the object's SQLite: the first
/// is written, the second refused by the database (not stored as 2^53, which would make
/// the row unreadable), and the post reads back.
async fn views_overflow(db: &Db<DurableExecutor>) -> ApiResult<serde_json::Value> {
    use crate::schema::{NewPost, NewUser, posts, users};
    let n = db.select(users::table).count().await?;
    let author = db
        .insert(users::table)
        .values(NewUser::new(format!("counter{n}@notebook.io"), "Counter"))
        .returning()
        .one()
        .await?;
    let post = db
        .insert(posts::table)
        .values(
            NewPost::new(author.id, "Counted", format!("counted-{n}"))
                .views(mizzle::MAX_SAFE_INTEGER - 1),
        )
        .returning()
        .one()
        .await?;
    let first = api::view_post(db, post.id).await?;
    let second = api::view_post(db, post.id).await;
    let back = db
        .select(posts::table)
        .filter(posts::id.eq(post.id))
        .get()
        .await?
        .map(|p| p.views);
    Ok(serde_json::json!({
        "first": first,
        "second": second.map_err(|e| (e.status, e.message)).err(),
        "read_back": back,
    }))
}

/// The blog tables live in every notebook too (the schema targets both): an author with a
/// post and two comments written here, loaded back as a tree in one batch (one
/// `transactionSync`).
async fn tree(db: &Db<DurableExecutor>) -> ApiResult<serde_json::Value> {
    use crate::schema::{NewComment, NewPost, NewUser, comments, posts, users};
    let n = db.select(users::table).count().await?;
    let author = db
        .insert(users::table)
        .values(NewUser::new(format!("writer{n}@notebook.io"), "Writer"))
        .returning()
        .one()
        .await?;
    let post = db
        .insert(posts::table)
        .values(NewPost::new(
            author.id,
            "In an object",
            format!("in-an-object-{n}"),
        ))
        .returning()
        .one()
        .await?;
    db.insert(comments::table)
        .values_many([
            NewComment::new(post.id, "first"),
            NewComment::new(post.id, "second"),
        ])
        .run()
        .await?;
    let tree = db
        .select(users::table)
        .filter(users::id.eq(author.id))
        .with(users::posts.with(posts::comments.order_by(comments::id)))
        .get()
        .await?;
    Ok(serde_json::to_value(tree).unwrap_or_default())
}

/// Test-only routes of a `corpus-*` object (no notebook migrations applied to it):
/// `POST debug/apply` with `[[name, sql], …]` applies the pending ones, as
/// `schema::durable_db` does with the generated `MIGRATIONS`; `POST debug/sql` with
/// `["statement", …]` runs each and returns the rows of each, every cell tagged with its
/// storage class (`{"i": 1}`, `{"r": 1.5}`, `{"t": "x"}`, `{"b": [1, 2]}`, `null`).
async fn corpus_route(
    storage: &worker::Storage,
    method: Method,
    rest: &[&str],
    body: &[u8],
) -> Result<Response> {
    use mizzle::Value;
    let exec = DurableExecutor::new(storage);
    match (method, rest) {
        (Method::Post, ["debug", "apply"]) => {
            let files: Vec<(String, String)> = match serde_json::from_slice(body) {
                Ok(f) => f,
                Err(e) => return respond::<()>(Err(bad_request(e))),
            };
            let list: Vec<(&str, &str)> = files
                .iter()
                .map(|(n, s)| (n.as_str(), s.as_str()))
                .collect();
            respond(exec.migrate(&list).map_err(ApiError::from))
        }
        (Method::Post, ["debug", "sql"]) => {
            let statements: Vec<String> = match serde_json::from_slice(body) {
                Ok(s) => s,
                Err(e) => return respond::<()>(Err(bad_request(e))),
            };
            let db = Db::new(exec);
            let mut results = Vec::new();
            for sql in statements {
                let rows = match db.raw(sql, []).all::<mizzle::Row>().await {
                    Ok(rows) => rows,
                    Err(e) => return respond::<()>(Err(e.into())),
                };
                let rows: Vec<Vec<serde_json::Value>> = rows
                    .iter()
                    .map(|r| {
                        r.values()
                            .iter()
                            .map(|v| match v {
                                Value::Null => serde_json::Value::Null,
                                Value::Integer(i) => serde_json::json!({ "i": i }),
                                Value::Real(f) => serde_json::json!({ "r": f }),
                                Value::Text(t) => serde_json::json!({ "t": t }),
                                Value::Blob(b) => serde_json::json!({ "b": b }),
                            })
                            .collect()
                    })
                    .collect();
                results.push(rows);
            }
            Response::from_json(&results)
        }
        _ => Response::error("no such corpus route", 404),
    }
}
