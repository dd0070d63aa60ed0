use mizzle::sqlite::SqliteExecutor;
use mizzle_example::schema::{PostPatch, users};

fn main() {
    let db = mizzle::Db::new(SqliteExecutor::open_in_memory().unwrap());
    // A posts patch cannot update users.
    let _ = db.update(users::table).set(PostPatch::new());
}
