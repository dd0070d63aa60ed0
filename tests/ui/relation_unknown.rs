use mizzle::sqlite::SqliteExecutor;
use mizzle_example::schema::users;

async fn run(db: mizzle::Db<SqliteExecutor>) {
    // users has no relation `followers`.
    let _ = db.select(users::table).with(users::followers).all().await;
}

fn main() {
    let _ = run;
}
