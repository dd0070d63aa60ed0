use mizzle::sqlite::SqliteExecutor;
use mizzle_example::schema::{posts, users};

async fn names_and_slugs(db: &mizzle::Db<SqliteExecutor>) {
    // A column of a left-joined table is NULL where the join found no row: its Rust type
    // is `Option<String>`, so asking for `String` does not compile.
    let _: Vec<(String, String)> = db
        .select(users::table)
        .left_join(posts::table, posts::author_id.eq_col(users::id))
        .columns((users::name, posts::slug))
        .all()
        .await
        .unwrap();
}

async fn views_plus_one(db: &mizzle::Db<SqliteExecutor>) {
    // The same for an expression over it.
    let _: Vec<i64> = db
        .select(users::table)
        .left_join(posts::table, posts::author_id.eq_col(users::id))
        .columns(posts::views.add(1))
        .all()
        .await
        .unwrap();
}

fn main() {
    let _ = names_and_slugs;
    let _ = views_plus_one;
}
