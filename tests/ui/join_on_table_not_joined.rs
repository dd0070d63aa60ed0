use mizzle::sqlite::SqliteExecutor;
use mizzle_example::schema::{comments, posts, users};

fn main() {
    let db = mizzle::Db::new(SqliteExecutor::open_in_memory().unwrap());
    // The ON condition may name the joined table and those before it only.
    let _ = db
        .select(users::table)
        .inner_join(posts::table, comments::post_id.eq_col(posts::id));
}
