use mizzle::sqlite::SqliteExecutor;
use mizzle_example::schema::{posts, users};

fn main() {
    let db = mizzle::Db::new(SqliteExecutor::open_in_memory().unwrap());
    // `.and` combines conditions on one table; across a join's tables it is `a & b`.
    let _ = db
        .select(users::table)
        .inner_join(posts::table, posts::author_id.eq_col(users::id))
        .filter(users::name.eq("Ann").and(posts::published.eq(true)));
}
