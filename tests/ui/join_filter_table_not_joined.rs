use mizzle::sqlite::SqliteExecutor;
use mizzle_example::schema::{comments, posts, users};

fn main() {
    let db = mizzle::Db::new(SqliteExecutor::open_in_memory().unwrap());
    // `comments` is not joined: its columns cannot filter or order the join.
    let _ = db
        .select(users::table)
        .inner_join(posts::table, posts::author_id.eq_col(users::id))
        .filter(comments::body.eq("x"));
}
