use mizzle_example::schema::{posts, users};

fn main() {
    // Join conditions compare columns of the same SQL type.
    let _ = posts::title.eq_col(users::id);
}
