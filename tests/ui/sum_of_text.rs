use mizzle_example::schema::users;

fn main() {
    // `sum` and `avg` are for numeric columns.
    let _ = mizzle::sum(users::name);
}
