use mizzle_example::schema::users;

fn main() {
    // LIKE is for text columns.
    let _ = users::id.like("1%");
}
