//! The benchmark routes written by hand against the `worker` crate's D1 API, the way a
//! careful author writes them without an ORM: SQL strings, serde row structs decoded with
//! `results()`, D1's 0/1 booleans, integer timestamps and JSON text converted by hand,
//! bulk inserts chunked under D1's 100-parameter limit into one batch. The routes and
//! their JSON are the same as `bench/workers/mizzle`'s (the driver checks it).
#![cfg(target_arch = "wasm32")]

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use worker::*;

#[derive(Serialize, Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Role {
    Reader,
    Author,
    Admin,
}

#[derive(Serialize, Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Status {
    Draft,
    Published,
}

#[derive(Serialize)]
struct User {
    id: i64,
    email: String,
    name: String,
    bio: Option<String>,
    avatar: Option<Vec<u8>>,
    role: Role,
    created_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct UserRow {
    id: i64,
    email: String,
    name: String,
    bio: Option<String>,
    avatar: Option<Vec<u8>>,
    role: Role,
    created_at: i64,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        User {
            id: r.id,
            email: r.email,
            name: r.name,
            bio: r.bio,
            avatar: r.avatar,
            role: r.role,
            created_at: DateTime::from_timestamp(r.created_at, 0).unwrap_or_default(),
        }
    }
}

#[derive(Serialize)]
struct Post {
    id: i64,
    author_id: i64,
    title: String,
    slug: String,
    body: Option<String>,
    status: Status,
    meta: Option<serde_json::Value>,
    published: bool,
    rating: f64,
    views: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct PostRow {
    id: i64,
    author_id: i64,
    title: String,
    slug: String,
    body: Option<String>,
    status: Status,
    meta: Option<String>,
    published: i64,
    rating: f64,
    views: i64,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<PostRow> for Post {
    type Error = Error;
    fn try_from(r: PostRow) -> Result<Self> {
        Ok(Post {
            id: r.id,
            author_id: r.author_id,
            title: r.title,
            slug: r.slug,
            body: r.body,
            status: r.status,
            meta: r
                .meta
                .map(|m| serde_json::from_str(&m))
                .transpose()
                .map_err(|e| Error::RustError(e.to_string()))?,
            published: r.published != 0,
            rating: r.rating,
            views: r.views,
            created_at: DateTime::from_timestamp(r.created_at, 0).unwrap_or_default(),
            updated_at: DateTime::from_timestamp(r.updated_at, 0).unwrap_or_default(),
        })
    }
}

#[derive(Serialize)]
struct Comment {
    id: i64,
    post_id: i64,
    author_id: Option<i64>,
    parent_id: Option<i64>,
    body: String,
    created_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct CommentRow {
    id: i64,
    post_id: i64,
    author_id: Option<i64>,
    parent_id: Option<i64>,
    body: String,
    created_at: i64,
}

impl From<CommentRow> for Comment {
    fn from(r: CommentRow) -> Self {
        Comment {
            id: r.id,
            post_id: r.post_id,
            author_id: r.author_id,
            parent_id: r.parent_id,
            body: r.body,
            created_at: DateTime::from_timestamp_millis(r.created_at).unwrap_or_default(),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Tag {
    id: i64,
    name: String,
}

#[derive(Serialize)]
struct PostTree {
    #[serde(flatten)]
    post: Post,
    comments: Vec<Comment>,
}

#[derive(Serialize)]
struct UserTree {
    #[serde(flatten)]
    user: User,
    posts: Vec<PostTree>,
}

const USER_COLS: &str = "id, email, name, bio, avatar, role, created_at";
const POST_COLS: &str = "id, author_id, title, slug, body, status, meta, published, rating, views, created_at, updated_at";
const COMMENT_COLS: &str = "id, post_id, author_id, parent_id, body, created_at";

fn id_param(ctx: &RouteContext<()>) -> Result<i64> {
    ctx.param("id")
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| Error::RustError("bad id".into()))
}

async fn get_user(db: &D1Database, id: i64) -> Result<Option<User>> {
    let stmt = db
        .prepare(format!("SELECT {USER_COLS} FROM users WHERE id = ?1"))
        .bind(&[(id as f64).into()])?;
    Ok(stmt.first::<UserRow>(None).await?.map(User::from))
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    Router::new()
        .get_async("/users/:id", |_, ctx| async move {
            let db = ctx.env.d1("DB")?;
            match get_user(&db, id_param(&ctx)?).await? {
                Some(u) => Response::from_json(&u),
                None => Response::error("not found", 404),
            }
        })
        .get_async("/posts", |_, ctx| async move {
            let db = ctx.env.d1("DB")?;
            let rows = db
                .prepare(format!(
                    "SELECT {POST_COLS} FROM posts WHERE published = ?1 ORDER BY id LIMIT 50"
                ))
                .bind(&[1.into()])?
                .all()
                .await?
                .results::<PostRow>()?;
            let posts = rows
                .into_iter()
                .map(Post::try_from)
                .collect::<Result<Vec<_>>>()?;
            Response::from_json(&posts)
        })
        .get_async("/users/:id/tree", |_, ctx| async move {
            let db = ctx.env.d1("DB")?;
            let id = (id_param(&ctx)? as f64).into();
            let results = db
                .batch(vec![
                    db.prepare(format!("SELECT {USER_COLS} FROM users WHERE id = ?1"))
                        .bind(&[id])?,
                    db.prepare(format!(
                        "SELECT {POST_COLS} FROM posts WHERE author_id = ?1 ORDER BY id"
                    ))
                    .bind(&[(id_param(&ctx)? as f64).into()])?,
                    db.prepare(format!(
                        "SELECT {COMMENT_COLS} FROM comments WHERE post_id IN \
                         (SELECT id FROM posts WHERE author_id = ?1) ORDER BY id"
                    ))
                    .bind(&[(id_param(&ctx)? as f64).into()])?,
                ])
                .await?;
            let Some(user) = results[0].results::<UserRow>()?.into_iter().next() else {
                return Response::error("not found", 404);
            };
            let mut comments: std::collections::HashMap<i64, Vec<Comment>> =
                std::collections::HashMap::new();
            for c in results[2].results::<CommentRow>()? {
                comments.entry(c.post_id).or_default().push(c.into());
            }
            let posts = results[1]
                .results::<PostRow>()?
                .into_iter()
                .map(|p| {
                    let post = Post::try_from(p)?;
                    Ok(PostTree {
                        comments: comments.remove(&post.id).unwrap_or_default(),
                        post,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Response::from_json(&UserTree {
                user: user.into(),
                posts,
            })
        })
        .post_async("/tags", |mut req, ctx| async move {
            #[derive(Deserialize)]
            struct NewTag {
                name: String,
            }
            let body: NewTag = req.json().await?;
            let db = ctx.env.d1("DB")?;
            let tag = db
                .prepare(
                    "INSERT INTO tags (name) VALUES (?1) ON CONFLICT (name) DO NOTHING \
                     RETURNING id, name",
                )
                .bind(&[body.name.into()])?
                .first::<Tag>(None)
                .await?;
            Response::from_json(&tag)
        })
        .post_async("/samples/bulk", |req, ctx| async move {
            let n: usize = req
                .url()?
                .query_pairs()
                .find(|(k, _)| k == "n")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(1000);
            let db = ctx.env.d1("DB")?;
            // 2 parameters a row: 50 rows a statement stays under D1's 100.
            let mut stmts = Vec::new();
            for start in (0..n).step_by(50) {
                let end = (start + 50).min(n);
                let placeholders = vec!["(?, ?)"; end - start].join(", ");
                let mut values = Vec::with_capacity(2 * (end - start));
                for i in start..end {
                    values.push(format!("s{i}").into());
                    values.push((i as f64).into());
                }
                stmts.push(
                    db.prepare(format!(
                        "INSERT INTO samples (label, int_v) VALUES {placeholders}"
                    ))
                    .bind(&values)?,
                );
            }
            let mut changed = 0.0;
            for r in db.batch(stmts).await? {
                changed += r.meta()?.and_then(|m| m.changes).unwrap_or(0) as f64;
            }
            Response::from_json(&serde_json::json!({ "changed": changed as u64 }))
        })
        .run(req, env)
        .await
}
