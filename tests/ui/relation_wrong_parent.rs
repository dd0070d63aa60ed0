use mizzle::sqlite::SqliteExecutor;
use mizzle_example::schema::{posts, users};

async fn run(db: mizzle::Db<SqliteExecutor>) {
    // `posts::tags` hangs off posts, not users.
    let _ = db.select(users::table).with(posts::tags).all().await;
}

fn main() {
    let _ = run;
}
