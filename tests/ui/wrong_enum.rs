use mizzle_example::schema::{UserRole, posts};

fn main() {
    // `posts.status` is a `PostStatus`, not a `UserRole`.
    let _ = posts::status.eq(UserRole::Admin);
}
