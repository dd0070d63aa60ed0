use mizzle_example::schema::posts;

// With `table`, each field is checked against its column: `title` is text.
#[derive(mizzle::FromRow)]
#[mizzle(table = posts)]
struct Card {
    id: i64,
    title: i64,
}

fn main() {}
