use mizzle::sqlite::SqliteExecutor;
use mizzle_example::schema::posts;

async fn total(db: &mizzle::Db<SqliteExecutor>) -> i64 {
    // `sum` over no rows is NULL: its result is `Option<i64>`.
    db.select(posts::table)
        .columns(mizzle::sum(posts::views))
        .one()
        .await
        .unwrap()
}

fn main() {}
