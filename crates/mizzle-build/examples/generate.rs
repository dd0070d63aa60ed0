//! Runs mizzle-build on a project directory (writes its migrations): `cargo run --example generate -- DIR`.
fn main() {
    let dir = std::env::args().nth(1).expect("usage: generate DIR");
    if let Err(e) = mizzle_build::Config::new()
        .manifest_dir(dir)
        .check(false)
        .cargo_directives(false)
        .compile()
    {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
