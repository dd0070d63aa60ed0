use mizzle_example::schema::users;

fn main() {
    // `users::id` is an integer column: a string is not an integer.
    let _ = users::id.eq("1");
}
