//! Every Rust block of the docs is one the build compiles: none skipped by a fence the
//! extractor does not read as Rust (`rs`, `Rust`), and none marked `ignore`.

use std::path::Path;

#[test]
fn every_rust_block_is_compiled() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = vec![root.join("README.md")];
    for e in std::fs::read_dir(root.join("docs")).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "md") {
            files.push(e.path());
        }
    }
    for c in ["mizzle", "mizzle-build", "mizzle-cli", "mizzle-macros"] {
        files.push(root.join("crates").join(c).join("README.md"));
    }
    let mut rust = 0;
    let mut open = false;
    for f in &files {
        for (i, line) in std::fs::read_to_string(f).unwrap().lines().enumerate() {
            let Some(info) = line.trim_start().strip_prefix("```") else {
                continue;
            };
            if open {
                open = false;
                continue;
            }
            open = true;
            let lang = info
                .split(',')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if lang == "rust" || lang == "rs" {
                assert_eq!(
                    info.split(',').next().map(str::trim),
                    Some("rust"),
                    "{}:{}: write the fence as ```rust",
                    f.display(),
                    i + 1
                );
                assert!(
                    !info.contains("ignore"),
                    "{}:{}: a block marked `ignore` is not compiled",
                    f.display(),
                    i + 1
                );
                rust += 1;
            }
        }
    }
    assert_eq!(rust, mizzle_doc_check::BLOCKS);
    assert!(rust >= 20, "only {rust} blocks found");
}
