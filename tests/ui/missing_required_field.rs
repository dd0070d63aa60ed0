use mizzle_example::schema::NewUser;

fn main() {
    // `email` and `name` are required (NOT NULL, no default).
    let _ = NewUser::new("a@b.c");
}
