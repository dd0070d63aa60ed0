use mizzle::sqlite::SqliteExecutor;
use mizzle_example::schema::{posts, users};

async fn run(db: mizzle::Db<SqliteExecutor>) {
    let users = db.select(users::table).with(users::posts).all().await.unwrap();
    // `comments` was not loaded: there is nothing to get.
    let _ = users[0].get(users::comments);
    let _ = posts::table;
}

fn main() {
    let _ = run;
}
