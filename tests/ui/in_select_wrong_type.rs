use mizzle::sqlite::SqliteExecutor;
use mizzle_example::schema::{posts, users};

fn main() {
    let db = mizzle::Db::new(SqliteExecutor::open_in_memory().unwrap());
    // `IN (SELECT …)` needs a subquery of the column's SQL type.
    let titles = db.select(posts::table).columns(posts::title);
    let _ = db.select(users::table).filter(users::id.in_select(&titles));
}
