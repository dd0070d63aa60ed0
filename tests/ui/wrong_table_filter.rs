use mizzle::sqlite::SqliteExecutor;
use mizzle_example::schema::{posts, users};

fn main() {
    let db = mizzle::Db::new(SqliteExecutor::open_in_memory().unwrap());
    // A condition on `posts` cannot filter a select from `users`.
    let _ = db.select(users::table).filter(posts::id.eq(1));
}
