use mizzle_example::schema::users;

fn main() {
    // Comparisons take the column's value type; NULL tests are `is_null()`.
    let _ = users::bio.eq(None::<String>);
}
