//! The example's schema (the repository root's schema/, migrations/ and wrangler.jsonc).
fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..");
    if let Err(report) = mizzle_build::Config::new().manifest_dir(root).compile() {
        eprintln!("{report}");
        std::process::exit(1);
    }
}
