//! Nothing in the repository's docs links outside the repository. (That docs/schema.md
//! mentions every key the parser accepts is a unit test of `parse`.)

use std::path::Path;

fn root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn no_doc_links_outside_the_repository() {
    let mut files = vec![root().join("README.md")];
    for e in std::fs::read_dir(root().join("docs")).unwrap().flatten() {
        // docs/check is the crate that compiles the docs' Rust blocks.
        if e.path().is_file() {
            files.push(e.path());
        }
    }
    files.push(root().join("bench/README.md"));
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(
            !text.contains("../shared"),
            "{} links outside the repository",
            f.display()
        );
    }
}
