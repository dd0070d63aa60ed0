//! The blog's operations, written against the generated schema API. Each works on any
//! executor: D1 in the Worker, SQLite in native tests.

use mizzle::{Db, Error, Executor, assign, count};

use crate::schema::{
    Comment, NewComment, NewPost, NewPostTag, NewSample, NewTag, NewUser, Post, PostPatch, Sample,
    Tag, User, UserPatch, UserRole, comments, post_tags, posts, samples, tags, users,
};

/// An API failure with the HTTP status it maps to.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// Message for the response body.
    pub message: String,
}

impl From<mizzle::DecodeError> for ApiError {
    fn from(e: mizzle::DecodeError) -> Self {
        ApiError {
            status: 500,
            message: e.to_string(),
        }
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError {
            status: e.http_status(),
            message: e.to_string(),
        }
    }
}

fn not_found(what: &str, id: i64) -> ApiError {
    ApiError {
        status: 404,
        message: format!("{what} {id} not found"),
    }
}

/// API result.
pub type ApiResult<T> = Result<T, ApiError>;

/// Creates a user.
pub async fn create_user<E: Executor>(db: &Db<E>, new: NewUser) -> ApiResult<User> {
    Ok(db
        .insert(users::table)
        .values(new)
        .returning()
        .one()
        .await?)
}

/// Creates a user, or renames the one with the same email (`ON CONFLICT (email) DO UPDATE`
/// with a patch).
pub async fn upsert_user<E: Executor>(db: &Db<E>, new: NewUser) -> ApiResult<User> {
    let rename = UserPatch::new().name(new.name.clone());
    Ok(db
        .insert(users::table)
        .values(new)
        .on_conflict(users::email)
        .do_update(rename)
        .returning()
        .one()
        .await?)
}

/// Lists users, oldest first.
pub async fn list_users<E: Executor>(db: &Db<E>, limit: u64, offset: u64) -> ApiResult<Vec<User>> {
    Ok(db
        .select(users::table)
        .order_by(users::id)
        .limit(limit)
        .offset(offset)
        .all()
        .await?)
}

/// One user.
pub async fn get_user<E: Executor>(db: &Db<E>, id: i64) -> ApiResult<User> {
    db.select(users::table)
        .filter(users::id.eq(id))
        .get()
        .await?
        .ok_or_else(|| not_found("user", id))
}

/// Changes a user.
pub async fn update_user<E: Executor>(db: &Db<E>, id: i64, patch: UserPatch) -> ApiResult<User> {
    db.update(users::table)
        .set(patch)
        .filter(users::id.eq(id))
        .returning()
        .get()
        .await?
        .ok_or_else(|| not_found("user", id))
}

/// Deletes a user (their posts and comments go with them: `on_delete = "cascade"`).
pub async fn delete_user<E: Executor>(db: &Db<E>, id: i64) -> ApiResult<User> {
    db.delete(users::table)
        .filter(users::id.eq(id))
        .returning()
        .get()
        .await?
        .ok_or_else(|| not_found("user", id))
}

/// Creates a post.
pub async fn create_post<E: Executor>(db: &Db<E>, new: NewPost) -> ApiResult<Post> {
    Ok(db
        .insert(posts::table)
        .values(new)
        .returning()
        .one()
        .await?)
}

/// Lists posts, newest first, optionally by one author.
pub async fn list_posts<E: Executor>(
    db: &Db<E>,
    author: Option<i64>,
    limit: u64,
) -> ApiResult<Vec<Post>> {
    let mut q = db.select(posts::table);
    if let Some(a) = author {
        q = q.filter(posts::author_id.eq(a));
    }
    Ok(q.order_by(posts::created_at.desc())
        .order_by(posts::id.desc())
        .limit(limit)
        .all()
        .await?)
}

/// One post.
pub async fn get_post<E: Executor>(db: &Db<E>, id: i64) -> ApiResult<Post> {
    db.select(posts::table)
        .filter(posts::id.eq(id))
        .get()
        .await?
        .ok_or_else(|| not_found("post", id))
}

/// Changes a post (`updated_at` is set by `on_update_fn = "now"`).
pub async fn update_post<E: Executor>(db: &Db<E>, id: i64, patch: PostPatch) -> ApiResult<Post> {
    db.update(posts::table)
        .set(patch)
        .filter(posts::id.eq(id))
        .returning()
        .get()
        .await?
        .ok_or_else(|| not_found("post", id))
}

/// Deletes a post.
pub async fn delete_post<E: Executor>(db: &Db<E>, id: i64) -> ApiResult<Post> {
    db.delete(posts::table)
        .filter(posts::id.eq(id))
        .returning()
        .get()
        .await?
        .ok_or_else(|| not_found("post", id))
}

/// Counts posts by an author.
pub async fn count_posts<E: Executor>(db: &Db<E>, author: i64) -> ApiResult<i64> {
    Ok(db
        .select(posts::table)
        .filter(posts::author_id.eq(author))
        .count()
        .await?)
}

/// The user, their posts (newest first) with comments (with their authors) and tags: one
/// round trip, however many posts and comments.
pub async fn user_tree<E: Executor>(
    db: &Db<E>,
    id: i64,
) -> ApiResult<impl serde::Serialize + use<E>> {
    db.select(users::table)
        .filter(users::id.eq(id))
        .with(
            users::posts
                .order_by(posts::created_at.desc())
                .order_by(posts::id.desc())
                .with(
                    posts::comments
                        .order_by(comments::id)
                        .with(comments::author),
                )
                .with(posts::tags.order_by(tags::name)),
        )
        .get()
        .await?
        .ok_or_else(|| not_found("user", id))
}

/// The same tree as [`user_tree`], loaded the naive way: one query per row (N+1). Kept to
/// measure the difference; the JSON is identical.
pub async fn user_tree_naive<E: Executor>(db: &Db<E>, id: i64) -> ApiResult<NaiveUser> {
    let user = get_user(db, id).await?;
    let posts = db
        .select(posts::table)
        .filter(posts::author_id.eq(id))
        .order_by(posts::created_at.desc())
        .order_by(posts::id.desc())
        .all()
        .await?;
    let mut out = Vec::new();
    for post in posts {
        let mut comments = Vec::new();
        for comment in db
            .select(comments::table)
            .filter(comments::post_id.eq(post.id))
            .order_by(comments::id)
            .all()
            .await?
        {
            let author = match comment.author_id {
                Some(a) => {
                    db.select(users::table)
                        .filter(users::id.eq(a))
                        .get()
                        .await?
                }
                None => None,
            };
            comments.push(NaiveComment { comment, author });
        }
        let links = db
            .select(post_tags::table)
            .filter(post_tags::post_id.eq(post.id))
            .all()
            .await?;
        let tags = db
            .select(tags::table)
            .filter(tags::id.in_list(links.iter().map(|l| l.tag_id)))
            .order_by(tags::name)
            .all()
            .await?;
        out.push(NaivePost {
            post,
            comments,
            tags,
        });
    }
    Ok(NaiveUser { user, posts: out })
}

/// [`user_tree_naive`]'s user.
#[derive(Debug, serde::Serialize)]
pub struct NaiveUser {
    #[serde(flatten)]
    user: User,
    posts: Vec<NaivePost>,
}

/// [`user_tree_naive`]'s post.
#[derive(Debug, serde::Serialize)]
pub struct NaivePost {
    #[serde(flatten)]
    post: Post,
    comments: Vec<NaiveComment>,
    tags: Vec<Tag>,
}

/// [`user_tree_naive`]'s comment.
#[derive(Debug, serde::Serialize)]
pub struct NaiveComment {
    #[serde(flatten)]
    comment: Comment,
    author: Option<User>,
}

/// Creates a post and its tags atomically, in one batch: the tags that do not exist yet,
/// the post, and the links. If any statement fails, nothing is written.
pub async fn create_post_with_tags<E: Executor>(
    db: &Db<E>,
    new: NewPost,
    tag_names: Vec<String>,
) -> ApiResult<Post> {
    let slug = new.slug.clone();
    let names = mizzle::serde_json::to_string(&tag_names).map_err(|e| ApiError {
        status: 400,
        message: e.to_string(),
    })?;
    let (_, post, _) = db
        .batch((
            db.insert(tags::table)
                .values_many(tag_names.iter().map(NewTag::new))
                .on_conflict(tags::name)
                .do_nothing(),
            db.insert(posts::table).values(new).returning(),
            db.raw(
                "INSERT INTO post_tags (post_id, tag_id) \
                 SELECT (SELECT id FROM posts WHERE slug = ?), id FROM tags \
                 WHERE name IN (SELECT value FROM json_each(?))",
                mizzle::params![slug, names],
            ),
        ))
        .await?;
    post.into_iter().next().ok_or(ApiError {
        status: 500,
        message: "insert returned no row".into(),
    })
}

/// Inserts `n` users (six columns each) with one call: split into statements of at most
/// 100 parameters, sent as one atomic batch.
pub async fn bulk_users<E: Executor>(db: &Db<E>, n: usize, prefix: &str) -> ApiResult<u64> {
    let rows = (0..n).map(|i| {
        NewUser::new(format!("{prefix}{i}@bulk.example"), format!("Bulk {i}"))
            .role(UserRole::Author)
            .bio("bulk")
    });
    Ok(db
        .insert(users::table)
        .values_many(rows)
        .run()
        .await?
        .rows_affected)
}

/// What happens to integers beyond 2^53 (D1 returns numbers through JavaScript).
#[derive(Debug, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Precision {
    /// Reading `9007199254740993` as a number: the error.
    pub read_as_number: String,
    /// Binding `9007199254740993`: the error.
    pub bind: String,
    /// Reading it as text (`CAST(.. AS TEXT)`): the exact value.
    pub read_as_text: i64,
}

/// Probes integer precision across the database boundary.
pub async fn precision<E: Executor>(db: &Db<E>) -> ApiResult<Precision> {
    use mizzle::{Row, Value, sql::Integer};
    let big = 9_007_199_254_740_993_i64;
    let as_number = db
        .raw(format!("SELECT {big} AS n"), [])
        .get::<Row>()
        .await?;
    let read_as_number = match as_number.map(|r| Integer::decode_value(r.values()[0].clone())) {
        Some(Ok(v)) if v == big => "exact".to_owned(),
        Some(Ok(v)) => format!("silently changed to {v}"),
        Some(Err(e)) => e.to_string(),
        None => "no row".to_owned(),
    };
    let bind = match db
        .raw("SELECT ? AS n", [Value::Integer(big)])
        .get::<Row>()
        .await
    {
        Ok(_) => "accepted".to_owned(),
        Err(e) => e.to_string(),
    };
    let text = db
        .raw(format!("SELECT CAST({big} AS TEXT) AS n"), [])
        .get::<Row>()
        .await?;
    let read_as_text = text
        .map(|r| Integer::decode_value(r.values()[0].clone()))
        .transpose()?
        .unwrap_or_default();
    Ok(Precision {
        read_as_number,
        bind,
        read_as_text,
    })
}

/// What [`limits`] measured: each query exceeds a D1 limit if built naively.
#[derive(Debug, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct LimitsReport {
    /// Users matched by `id IN (<n ids>)`.
    pub in_list: i64,
    /// Users loaded with their posts and comments (one statement per level).
    pub relation_parents: usize,
    /// Users matched by `email = ? OR email = ? OR …` with `or_terms` terms.
    pub or_matches: i64,
    /// Terms in that filter.
    pub or_terms: usize,
    /// Rows changed by an update filtered by the same `n` ids.
    pub updated_by_key_list: u64,
}

/// Queries that D1's limits (100 bound parameters, 100 KB of SQL) would reject if built
/// naively, with `n` ids and parents: all must succeed.
pub async fn limits<E: Executor>(db: &Db<E>, n: i64, or_terms: usize) -> ApiResult<LimitsReport> {
    let in_list = db
        .select(users::table)
        .filter(users::id.in_list(1..=n))
        .count()
        .await?;
    let parents = db
        .select(users::table)
        .order_by(users::id)
        .limit(n as u64)
        .with(users::posts.with(posts::comments))
        .all()
        .await?
        .len();
    let emails: Vec<String> = (0..or_terms)
        .map(|i| format!("limits{i}@bulk.example"))
        .collect();
    let or_matches = db
        .select(users::table)
        .filter(mizzle::or(
            emails.iter().map(|e| users::email.eq(e.as_str())),
        ))
        .count()
        .await?;
    let updated_by_key_list = db
        .update(users::table)
        .set(UserPatch::new().bio("seen by /limits"))
        .filter(users::id.in_list(1..=n))
        .run()
        .await?
        .rows_affected;
    Ok(LimitsReport {
        in_list,
        relation_parents: parents,
        or_matches,
        or_terms,
        updated_by_key_list,
    })
}

/// A user by email: one template shared by every request (it holds no connection).
pub static USER_BY_EMAIL: mizzle::Prepared<str, users::Table> =
    mizzle::Prepared::new(|email| users::email.eq(email));

/// Named, typed parameters of [`POSTS_BY_AUTHOR`].
pub struct PostsByAuthor {
    /// The author.
    pub author_id: i64,
    /// Only posts with this status.
    pub status: crate::schema::PostStatus,
}

/// An author's posts with one status.
pub static POSTS_BY_AUTHOR: mizzle::Prepared<PostsByAuthor, posts::Table> =
    mizzle::Prepared::new(|p| {
        posts::author_id
            .eq(p.author_id)
            .and(posts::status.eq(p.status))
    });

/// The user with this email, through [`USER_BY_EMAIL`].
pub async fn user_by_email<E: Executor>(db: &Db<E>, email: &str) -> ApiResult<User> {
    USER_BY_EMAIL
        .select(db, email)
        .get()
        .await?
        .ok_or(ApiError {
            status: 404,
            message: format!("no user {email}"),
        })
}

/// A batch whose third statement fails (a duplicate tag name): on D1 the first two must
/// leave nothing behind. Returns the error.
pub async fn failing_batch<E: Executor>(db: &Db<E>, tag: &str) -> ApiResult<String> {
    let err = db
        .batch((
            db.insert(tags::table)
                .values(NewTag::new(format!("{tag}-1"))),
            db.insert(tags::table)
                .values(NewTag::new(format!("{tag}-2"))),
            db.insert(tags::table)
                .values(NewTag::new(format!("{tag}-1"))),
        ))
        .await
        .err()
        .ok_or(ApiError {
            status: 500,
            message: "the third statement did not fail".into(),
        })?;
    Ok(err.to_string())
}

/// The tree of [`user_tree`] built by SQLite in one statement with JSON functions (the
/// shape drizzle-orm generates), returned as the JSON text SQLite produced. Kept to measure
/// against the batched loader (bench/README.md); it skips typed decoding, which favours it.
pub async fn user_tree_json<E: Executor>(db: &Db<E>, id: i64) -> ApiResult<String> {
    const USER: &str = "'id', u.id, 'email', u.email, 'name', u.name, 'bio', u.bio, 'avatar', u.avatar, 'role', u.role, 'created_at', u.created_at";
    let sql = format!(
        "SELECT json_object({USER}, 'posts', (
            SELECT coalesce(json_group_array(json(j)), '[]') FROM (
              SELECT json_object('id', p.id, 'author_id', p.author_id, 'title', p.title, 'slug', p.slug, 'body', p.body,
                'status', p.status, 'meta', json(p.meta), 'published', p.published, 'rating', p.rating,
                'created_at', p.created_at, 'updated_at', p.updated_at,
                'comments', (SELECT coalesce(json_group_array(json(cj)), '[]') FROM (
                  SELECT json_object('id', c.id, 'post_id', c.post_id, 'author_id', c.author_id, 'body', c.body,
                    'created_at', c.created_at,
                    'author', (SELECT json_object({}) FROM users a WHERE a.id = c.author_id)) AS cj
                  FROM comments c WHERE c.post_id = p.id ORDER BY c.id)),
                'tags', (SELECT coalesce(json_group_array(json(tj)), '[]') FROM (
                  SELECT json_object('id', t.id, 'name', t.name) AS tj
                  FROM post_tags pt JOIN tags t ON t.id = pt.tag_id WHERE pt.post_id = p.id ORDER BY t.name))
              ) AS j
              FROM posts p WHERE p.author_id = u.id ORDER BY p.created_at DESC, p.id DESC))) AS tree
         FROM users u WHERE u.id = ?",
        USER.replace("u.", "a.")
    );
    let row = db
        .raw(sql, [mizzle::Value::Integer(id)])
        .get::<mizzle::Row>()
        .await?;
    match row.as_ref().and_then(|r| r.values().first()) {
        Some(mizzle::Value::Text(json)) => Ok(json.clone()),
        _ => Err(not_found("user", id)),
    }
}

/// The edge cases `/samples/edge/:case` writes: each either round-trips exactly or is
/// refused before it is sent.
pub const EDGE_CASES: &[&str] = &[
    "i64_max",
    "i64_min",
    "safe_max",
    "safe_min",
    "safe_max_plus_1",
    "safe_min_minus_1",
    "nan",
    "inf",
    "neg_inf",
    "neg_zero",
    "real_tiny",
    "real_huge",
    "text_1mb",
    "blob_1mb",
    "text_over_2mb",
    "empty_text",
    "null_text",
    "unicode",
    "text_with_nul",
    "before_1970",
    "after_2100",
    "ms_before_1970",
    "json_deep_ok",
    "json_too_deep",
    "bool_true",
    "bool_false",
    "empty_blob",
    "row_two_large_values",
    "row_over_limit",
];

/// The row an edge case writes (`None` for an unknown case).
pub fn edge_sample(case: &str) -> Option<NewSample> {
    use mizzle::chrono::{TimeZone, Utc};
    let s = NewSample::new(case);
    // `levels` arrays around a number.
    let nested = |levels: usize| {
        let mut v = serde_json::json!(1);
        for _ in 0..levels {
            v = serde_json::json!([v]);
        }
        v
    };
    Some(match case {
        "i64_max" => s.int_v(i64::MAX),
        "i64_min" => s.int_v(i64::MIN),
        "safe_max" => s.int_v(mizzle::MAX_SAFE_INTEGER),
        "safe_min" => s.int_v(-mizzle::MAX_SAFE_INTEGER),
        "safe_max_plus_1" => s.int_v(mizzle::MAX_SAFE_INTEGER + 1),
        "safe_min_minus_1" => s.int_v(-mizzle::MAX_SAFE_INTEGER - 1),
        "nan" => s.real_v(f64::NAN),
        "inf" => s.real_v(f64::INFINITY),
        "neg_inf" => s.real_v(f64::NEG_INFINITY),
        "neg_zero" => s.real_v(-0.0),
        "real_tiny" => s.real_v(f64::MIN_POSITIVE),
        "real_huge" => s.real_v(f64::MAX),
        "text_1mb" => s.text_v("é".repeat(500_000)),
        "blob_1mb" => s.blob_v(
            (0..1_000_000u32)
                .map(|i| (i % 251) as u8)
                .collect::<Vec<_>>(),
        ),
        "text_over_2mb" => s.text_v("x".repeat(2_000_001)),
        "empty_text" => s.text_v(""),
        "null_text" => s,
        "unicode" => s.text_v("héllo wörld 🌍 日本語 \u{202e}rtl \u{fffd}"),
        "text_with_nul" => s.text_v("a\u{0}b"),
        "before_1970" => s.at(Utc.timestamp_opt(-2_000_000_000, 0).single()?),
        "after_2100" => s.at(Utc.timestamp_opt(5_000_000_000, 0).single()?),
        "ms_before_1970" => s.at_ms(Utc.timestamp_millis_opt(-1_234_567_890_123).single()?),
        "json_deep_ok" => s.doc(nested(mizzle::MAX_JSON_DEPTH)),
        "json_too_deep" => s.doc(nested(mizzle::MAX_JSON_DEPTH + 1)),
        "bool_true" => s.flag(true),
        "bool_false" => s.flag(false),
        "empty_blob" => s.blob_v(Vec::new()),
        // Each value under the 2 MB per value, together under and over the row's limit.
        "row_two_large_values" => s.text_v("t".repeat(950_000)).blob_v(vec![7u8; 950_000]),
        "row_over_limit" => s.text_v("t".repeat(1_100_000)).blob_v(vec![7u8; 1_100_000]),
        _ => return None,
    })
}

/// What an edge case did.
#[derive(Debug, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct EdgeOutcome {
    /// The case.
    pub case: String,
    /// Whether what was read back equals what was written (field by field; NaN never is).
    pub exact: bool,
    /// The error, when mizzle refused the value (or the database did).
    pub error: Option<String>,
    /// SQLite's `typeof()` of each value column as stored, in column order.
    pub types: Vec<String>,
}

/// Writes edge case `case`, reads the row back, and compares.
pub async fn edge_roundtrip<E: Executor>(db: &Db<E>, case: &str) -> ApiResult<EdgeOutcome> {
    let Some(new) = edge_sample(case) else {
        return Err(ApiError {
            status: 404,
            message: format!("no edge case `{case}`"),
        });
    };
    let sent = new.clone();
    let outcome = |exact, error, types| EdgeOutcome {
        case: case.to_owned(),
        exact,
        error,
        types,
    };
    let row: Sample = match db
        .insert(samples::table)
        .values(new)
        .returning()
        .one()
        .await
    {
        Ok(r) => r,
        Err(e) => return Ok(outcome(false, Some(e.to_string()), Vec::new())),
    };
    let read: Sample = match db
        .select(samples::table)
        .filter(samples::id.eq(row.id))
        .get()
        .await
    {
        Ok(r) => r.ok_or(Error::NotFound)?,
        Err(e) => return Ok(outcome(false, Some(e.to_string()), Vec::new())),
    };
    let types = db
        .raw(
            "SELECT typeof(int_v), typeof(real_v), typeof(text_v), typeof(blob_v), typeof(flag), \
             typeof(at), typeof(at_ms), typeof(doc) FROM samples WHERE id = ?",
            [mizzle::Value::Integer(row.id)],
        )
        .get::<mizzle::Row>()
        .await?
        .map(|r| {
            r.values()
                .iter()
                .map(|v| match v {
                    mizzle::Value::Text(t) => t.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .unwrap_or_default();
    let exact = sent.int_v == read.int_v
        && sent.real_v.map(f64::to_bits) == read.real_v.map(f64::to_bits)
        && sent.text_v == read.text_v
        && sent.blob_v == read.blob_v
        && sent.flag == read.flag
        && sent.at == read.at
        && sent.at_ms == read.at_ms
        && sent.doc == read.doc;
    Ok(outcome(exact, None, types))
}

/// A user with one of their posts (`None` for a user without posts): one row of a left join.
#[derive(Debug, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct UserPost {
    /// The user.
    pub user: User,
    /// One of their posts, or `None`.
    pub post: Option<Post>,
}

/// Users whose email starts with `prefix`, each with each of their posts (left join).
pub async fn users_with_posts<E: Executor>(db: &Db<E>, prefix: &str) -> ApiResult<Vec<UserPost>> {
    let rows = db
        .select(users::table)
        .left_join(posts::table, posts::author_id.eq_col(users::id))
        .filter(users::email.starts_with(prefix))
        .order_by(users::id)
        .order_by(posts::id)
        .all()
        .await?;
    Ok(rows
        .into_iter()
        .map(|(user, post)| UserPost { user, post })
        .collect())
}

/// Id and title of an author's posts (a projection: no other column is read).
pub async fn post_titles<E: Executor>(db: &Db<E>, author: i64) -> ApiResult<Vec<(i64, String)>> {
    Ok(db
        .select(posts::table)
        .filter(posts::author_id.eq(author))
        .columns((posts::id, posts::title))
        .order_by(posts::id)
        .all()
        .await?)
}

/// Per author (email starting with `prefix`): name, number of posts, published ones, and
/// the total views — a grouped aggregate over a join.
pub async fn author_stats<E: Executor>(
    db: &Db<E>,
    prefix: &str,
) -> ApiResult<Vec<(String, i64, i64, Option<i64>)>> {
    Ok(db
        .select(users::table)
        .left_join(posts::table, posts::author_id.eq_col(users::id))
        .filter(users::email.starts_with(prefix))
        .columns((
            users::name,
            count(posts::id),
            mizzle::sum(mizzle::fragment::<mizzle::sql::Integer>(
                "\"posts\".\"published\"",
                [],
            )),
            mizzle::sum(posts::views.nullable()),
        ))
        .group_by(users::id)
        .order_by(users::id)
        .all()
        .await?
        .into_iter()
        .map(|(name, n, published, views)| (name, n, published.unwrap_or(0), views))
        .collect())
}

/// Emails (starting with `prefix`) of users with at least one published post: a filter
/// through the relation (`EXISTS`).
pub async fn users_with_published<E: Executor>(db: &Db<E>, prefix: &str) -> ApiResult<Vec<String>> {
    Ok(db
        .select(users::table)
        .filter(users::email.starts_with(prefix) & users::posts.any(posts::published.eq(true)))
        .columns(users::email)
        .order_by(users::id)
        .all()
        .await?)
}

/// Counts a read of post `id` (`views = views + 1`) and returns the new count (only that
/// column comes back: `RETURNING "posts"."views"`).
pub async fn view_post<E: Executor>(db: &Db<E>, id: i64) -> ApiResult<i64> {
    db.update(posts::table)
        .set_expr(assign(posts::views, posts::views.add(1)))
        .filter(posts::id.eq(id))
        .returning_columns(posts::views)
        .get()
        .await?
        .ok_or(ApiError {
            status: 404,
            message: format!("no post {id}"),
        })
}

/// Creates a post and links it to existing tags by id, in one atomic batch: the links name
/// the new post's id through `set_from_last_insert`. A missing tag rolls the post back.
pub async fn create_post_with_tag_ids<E: Executor>(
    db: &Db<E>,
    new: NewPost,
    tag_ids: Vec<i64>,
) -> ApiResult<Post> {
    let (post, _) = db
        .batch((
            db.insert(posts::table).values(new).returning(),
            db.insert(post_tags::table)
                .values_many(tag_ids.iter().map(|t| NewPostTag::new(0, *t)))
                .set_from_last_insert(post_tags::post_id, posts::id),
        ))
        .await?;
    post.into_iter().next().ok_or(ApiError {
        status: 500,
        message: "insert returned no row".into(),
    })
}

/// A table of the dependent-insert plans [`dependent_batch`] runs: users, their posts, the
/// posts' comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanTable {
    /// A user (no parent).
    Users,
    /// A post of the last user inserted (`set_from_last_insert(posts::author_id, users::id)`).
    Posts,
    /// A comment on the last post inserted (`set_from_last_insert(comments::post_id, posts::id)`).
    Comments,
}

impl PlanTable {
    /// The table whose last row a row of this one attaches to.
    pub fn parent(self) -> Option<PlanTable> {
        match self {
            PlanTable::Users => None,
            PlanTable::Posts => Some(PlanTable::Users),
            PlanTable::Comments => Some(PlanTable::Posts),
        }
    }
}

/// One item of a dependent-insert plan: `rows` rows into `table`, in one insert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct PlanItem {
    /// Where the rows go.
    pub table: PlanTable,
    /// How many (`values_many`).
    pub rows: usize,
}

/// The marker of row `row` of item `item`: every row of a plan run carries one (a user's
/// name, a post's title and slug, a comment's body), so the rows read back say which parent
/// each child was attached to.
pub fn plan_marker(prefix: &str, item: usize, row: usize) -> String {
    format!("{prefix}-{item}-{row}")
}

/// One insert of a plan, as a batch item (a batch of inserts into different tables is a
/// `Vec` of one type).
enum PlanInsert<'a, E> {
    Users(mizzle::Insert<'a, E, users::Table>),
    Posts(mizzle::Insert<'a, E, posts::Table>),
    Comments(mizzle::Insert<'a, E, comments::Table>),
}

impl<E: Executor> mizzle::BatchItem for PlanInsert<'_, E> {
    type Output = mizzle::ExecMeta;
    fn statements(&self) -> mizzle::Result<Vec<mizzle::Statement>> {
        match self {
            PlanInsert::Users(i) => i.statements(),
            PlanInsert::Posts(i) => i.statements(),
            PlanInsert::Comments(i) => i.statements(),
        }
    }
    fn decode(outputs: Vec<mizzle::Output>) -> mizzle::Result<mizzle::ExecMeta> {
        <mizzle::Insert<'_, E, users::Table> as mizzle::BatchItem>::decode(outputs)
    }
    fn insert_link(&self) -> Option<mizzle::InsertLink> {
        match self {
            PlanInsert::Users(i) => i.insert_link(),
            PlanInsert::Posts(i) => i.insert_link(),
            PlanInsert::Comments(i) => i.insert_link(),
        }
    }
    fn statements_after(&self, parent: &str) -> mizzle::Result<Vec<mizzle::Statement>> {
        match self {
            PlanInsert::Users(i) => i.statements_after(parent),
            PlanInsert::Posts(i) => i.statements_after(parent),
            PlanInsert::Comments(i) => i.statements_after(parent),
        }
    }
}

/// What a plan run did: refused before sending (with the message), or every child row's
/// marker with its parent's marker, as stored.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanOutcome {
    /// The batch was refused; nothing was written.
    Refused(String),
    /// (child marker, parent marker) for every post and comment written.
    Links(Vec<(String, String)>),
}

/// Runs `plan` as one batch of inserts, each child taking its parent's key with
/// `set_from_last_insert`, rows marked with `prefix`; reads back which parent each child
/// row names. (The property test in tests/dependent_batches.rs and, for a sample, the
/// Worker on local D1.)
pub async fn dependent_batch<E: Executor>(
    db: &Db<E>,
    prefix: &str,
    plan: &[PlanItem],
) -> ApiResult<PlanOutcome> {
    let items: Vec<PlanInsert<'_, E>> = plan
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let marker = |r| plan_marker(prefix, i, r);
            match item.table {
                PlanTable::Users => PlanInsert::Users(db.insert(users::table).values_many(
                    (0..item.rows).map(|r| NewUser::new(format!("{}@x.io", marker(r)), marker(r))),
                )),
                PlanTable::Posts => PlanInsert::Posts(
                    db.insert(posts::table)
                        .values_many((0..item.rows).map(|r| NewPost::new(0, marker(r), marker(r))))
                        .set_from_last_insert(posts::author_id, users::id),
                ),
                PlanTable::Comments => PlanInsert::Comments(
                    db.insert(comments::table)
                        .values_many((0..item.rows).map(|r| NewComment::new(0, marker(r))))
                        .set_from_last_insert(comments::post_id, posts::id),
                ),
            }
        })
        .collect();
    if let Err(e) = db.batch(items).await {
        return match e {
            Error::DependentInsert(m) => Ok(PlanOutcome::Refused(m)),
            e => Err(e.into()),
        };
    }
    let like = format!("{}-%", mizzle::escape_like(prefix));
    let mut links: Vec<(String, String)> = db
        .select(posts::table)
        .inner_join(users::table, users::id.eq_col(posts::author_id))
        .filter(posts::title.like(like.clone()))
        .columns((posts::title, users::name))
        .all()
        .await?;
    links.extend(
        db.select(comments::table)
            .inner_join(posts::table, posts::id.eq_col(comments::post_id))
            .filter(comments::body.like(like))
            .columns((comments::body, posts::title))
            .all()
            .await?,
    );
    Ok(PlanOutcome::Links(links))
}

/// What [`dependent_batch`] must write for `plan`: each child row attached to the last row
/// of its parent table inserted before it, as (child marker, parent marker); `None` when a
/// child has no such row (the batch must then be refused).
pub fn plan_expected(prefix: &str, plan: &[PlanItem]) -> Option<Vec<(String, String)>> {
    let mut last: Vec<(PlanTable, String)> = Vec::new();
    let mut links = Vec::new();
    for (i, item) in plan.iter().enumerate() {
        if let Some(parent) = item.table.parent() {
            let (_, marker) = last.iter().rev().find(|(t, _)| *t == parent)?;
            let marker = marker.clone();
            links.extend((0..item.rows).map(|r| (plan_marker(prefix, i, r), marker.clone())));
        }
        if item.rows > 0 {
            last.push((item.table, plan_marker(prefix, i, item.rows - 1)));
        }
    }
    links.sort();
    Some(links)
}

/// Each user (but `skip_email`) with (at most `limit` of) their posts whose title is not
/// `skip_title`, the one with `first_slug` first, then by id: a relation level whose
/// order, filter and root filter each bind a value (they must all reach the statement, in
/// the order their placeholders stand).
pub async fn posts_slug_first<E: Executor>(
    db: &Db<E>,
    skip_email: &str,
    skip_title: &str,
    first_slug: &str,
    limit: Option<u64>,
) -> ApiResult<Vec<(String, Vec<String>)>> {
    let first = mizzle::fragment::<mizzle::sql::Integer>(
        "CASE WHEN \"slug\" = ? THEN 0 ELSE 1 END",
        [mizzle::Value::Text(first_slug.to_owned())],
    );
    let mut posts = users::posts
        .filter(posts::title.ne(skip_title))
        .order_by(first.asc())
        .order_by(posts::id);
    if let Some(n) = limit {
        posts = posts.limit(n);
    }
    let users = db
        .select(users::table)
        .filter(users::email.ne(skip_email))
        .order_by(users::id)
        .with(posts)
        .all()
        .await?;
    Ok(users
        .iter()
        .map(|u| {
            let slugs = u.get(users::posts).iter().map(|p| p.slug.clone()).collect();
            (u.name.clone(), slugs)
        })
        .collect())
}

/// What one statement shape costs, as D1 bills it: the rows it read and wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Cost {
    /// Statements run.
    pub statements: u64,
    /// Rows read.
    pub rows_read: u64,
    /// Rows written.
    pub rows_written: u64,
}

/// The cost cases measured on D1 and natively (docs/cost.md): `get_by_key`, `list_indexed`
/// (a user's posts, by the author index), `list_scan` (users by name: no index), `join`
/// (every post with its author), `tree` (a user's posts, comments and tags), `insert` (a post:
/// its row and its index entries). `None` for an unknown case; the database must track usage.
pub async fn cost<E: Executor>(
    db: &Db<E>,
    case: &str,
    user: i64,
    slug: &str,
) -> ApiResult<Option<Cost>> {
    let before = db.usage().unwrap_or_default();
    match case {
        "get_by_key" => drop(get_user(db, user).await?),
        "list_indexed" => drop(
            db.select(posts::table)
                .filter(posts::author_id.eq(user))
                .all()
                .await?,
        ),
        "list_scan" => drop(
            db.select(users::table)
                .filter(users::name.eq("nobody"))
                .all()
                .await?,
        ),
        "join" => drop(
            db.select(posts::table)
                .inner_join(users::table, users::id.eq_col(posts::author_id))
                .all()
                .await?,
        ),
        "tree" => drop(serde_json::to_value(user_tree(db, user).await?).ok()),
        "insert" => drop(
            db.insert(posts::table)
                .values(NewPost::new(user, "Cost", slug))
                .run()
                .await?,
        ),
        _ => return Ok(None),
    }
    let u = db.usage().unwrap_or_default().since(&before);
    Ok(Some(Cost {
        statements: u.statements,
        rows_read: u.rows_read,
        rows_written: u.rows_written,
    }))
}
