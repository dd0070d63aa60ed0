use mizzle_example::schema::posts;

fn main() {
    // Arithmetic is for numeric columns: `title + 1` does not compile.
    let _ = posts::title.add(1);
}
