use mizzle::chrono::{DateTime, Utc};

// Seconds or milliseconds? Without a table or `sql = "…"`, mizzle will not guess.
#[derive(mizzle::FromRow)]
struct Event {
    at: DateTime<Utc>,
}

fn main() {}
