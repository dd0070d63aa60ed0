use mizzle::assign;
use mizzle_example::schema::posts;

fn main() {
    // An update expression must have the column's SQL type.
    let _ = assign(posts::views, posts::title.expr());
}
