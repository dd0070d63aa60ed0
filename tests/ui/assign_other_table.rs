use mizzle::assign;
use mizzle_example::schema::{posts, users};

fn main() {
    // An update of `posts` cannot read a column of `users`.
    let _ = assign(posts::views, users::id.add(1));
}
