//! The blog's operations, written against the generated schema API. Each works on any
//! executor: D1 in the Worker, SQLite in native tests.

use mizzle::{Db, DbErrorKind, Error, Executor};

use crate::schema::{NewPost, NewUser, Post, PostPatch, User, UserPatch, posts, users};

/// An API failure with the HTTP status it maps to.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// Message for the response body.
    pub message: String,
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        let status = match e.db_kind() {
            Some(DbErrorKind::UniqueViolation) => 409,
            Some(
                DbErrorKind::ForeignKeyViolation
                | DbErrorKind::CheckViolation
                | DbErrorKind::NotNullViolation,
            ) => 422,
            _ if matches!(e, Error::NotFound) => 404,
            _ if matches!(e, Error::IntegerOutOfRange(_) | Error::Limit(_)) => 400,
            _ => 500,
        };
        ApiError {
            status,
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
