use mizzle::sqlite::SqliteExecutor;
use mizzle_example::schema::{Post, User, posts, users};

async fn rows(db: &mizzle::Db<SqliteExecutor>) -> Vec<(User, Post)> {
    // A left join's row is `Option<Post>`, not a `Post` of defaults.
    db.select(users::table)
        .left_join(posts::table, posts::author_id.eq_col(users::id))
        .all()
        .await
        .unwrap()
}

fn main() {}
