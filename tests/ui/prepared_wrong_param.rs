use mizzle_example::api::PostsByAuthor;
use mizzle_example::schema::posts;

// A named parameter of the wrong type for its column does not compile.
static WRONG: mizzle::Prepared<PostsByAuthor, posts::Table> = mizzle::Prepared::new(|p| posts::author_id.eq(p.status));

fn main() {
    let _ = &WRONG;
}
