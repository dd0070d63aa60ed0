#[derive(mizzle::FromRow)]
struct Pair(i64, String);

#[derive(mizzle::FromRow)]
struct Typo {
    #[mizzle(sql = "timestamps")]
    at: i64,
}

#[derive(mizzle::FromRow)]
struct Unknown {
    #[mizzle(renamed = "x")]
    a: i64,
}

#[derive(mizzle::FromRow)]
struct ColumnWithoutTable {
    #[mizzle(column = title)]
    a: String,
}

#[derive(mizzle::FromRow)]
#[mizzle(table = mizzle_example::schema::posts)]
struct RenameWithTable {
    #[mizzle(rename = "title")]
    a: String,
}

fn main() {}
