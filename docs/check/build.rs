//! Writes every Rust block of README.md, docs/*.md and crates/*/README.md into a module of this crate, each
//! inside a function over the schema it is written against, so that they compile or the
//! build fails naming the block.
//!
//! A block's fence says how it is compiled: ```` ```rust ```` is compiled natively as the
//! body of `async fn block(db: &Db<impl Executor>)` against the example's blog schema
//! (`schema/`), with `schema::` and the tables in scope; after `rust,` a comma list may add
//! `schema=tasks` (the `mizzle new` template's), `schema=events` (docs/check/schemas/events),
//! `schema=readme` (the README's `# schema/…` TOML blocks), `native` (compiled natively
//! only: SQLite, build scripts), `wasm32` (compiled for wasm32 only, as the body of a
//! Worker function with `req`, `env` and `response` in scope), or `ignore` (not compiled;
//! say why next to it). Other blocks are compiled for both targets.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let here = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let root = here.join("../..");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap());

    let mut docs = vec![root.join("README.md")];
    let mut in_docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    in_docs.sort();
    docs.extend(in_docs);
    // The crates' own READMEs (crates.io shows them).
    for c in ["mizzle", "mizzle-build", "mizzle-cli", "mizzle-macros"] {
        docs.push(root.join("crates").join(c).join("README.md"));
    }

    // The README's first screen: its `# schema/<file>.toml` blocks are a schema of their own.
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let readme_schema = out.join("readme_schema");
    let _ = std::fs::remove_dir_all(&readme_schema);
    std::fs::create_dir_all(&readme_schema).unwrap();
    for (_, info, text) in blocks(&readme) {
        if info == "toml"
            && let Some(file) = text
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("# schema/"))
        {
            std::fs::write(readme_schema.join(file.trim()), &text).unwrap();
        }
    }

    let schemas = [
        ("blog", root.join("schema")),
        (
            "tasks",
            root.join("crates/mizzle-cli/templates/project/schema"),
        ),
        ("events", here.join("schemas/events")),
        ("readme", readme_schema.clone()),
    ];
    let mut lib = String::new();
    for (name, dir) in &schemas {
        println!("cargo:rerun-if-changed={}", dir.display());
        let config = mizzle_build::Config::new()
            .schema_dir(dir)
            .cargo_directives(false);
        let loaded = match config.load() {
            Ok(l) => l,
            Err(report) => panic!("schema `{name}` ({}):\n{report}", dir.display()),
        };
        for f in &loaded.files {
            println!("cargo:rerun-if-changed={}", f.display());
        }
        let file = out.join(format!("schema_{name}.rs"));
        std::fs::write(&file, config.generate(&loaded.schema, &[])).unwrap();
        writeln!(
            lib,
            "#[allow(warnings, clippy::all)]\npub mod {name} {{ include!({:?}); }}",
            file.display().to_string()
        )
        .unwrap();
    }
    // `mizzle::include_schema!()` (a README block) includes this file.
    std::fs::copy(out.join("schema_blog.rs"), out.join("mizzle_schema.rs")).unwrap();

    let mut count = 0;
    for doc in &docs {
        println!("cargo:rerun-if-changed={}", doc.display());
        let text = std::fs::read_to_string(doc).unwrap();
        let shown = doc.strip_prefix(&root).unwrap_or(doc).display().to_string();
        for (line, info, body) in blocks(&text) {
            let mut opts = info.split(',').map(str::trim);
            if opts.next() != Some("rust") {
                continue;
            }
            let opts: Vec<&str> = opts.collect();
            if opts.contains(&"ignore") {
                continue;
            }
            let schema = opts
                .iter()
                .find_map(|o| o.strip_prefix("schema="))
                .unwrap_or("blog");
            assert!(
                schemas.iter().any(|(n, _)| *n == schema),
                "{shown}:{line}: unknown schema `{schema}` in the fence"
            );
            for o in &opts {
                assert!(
                    *o == "wasm32" || *o == "native" || o.starts_with("schema="),
                    "{shown}:{line}: unknown fence option `{o}`"
                );
            }
            let module = format!(
                "{}_{line}",
                shown.replace(['/', '.', '-'], "_").to_lowercase()
            );
            let target = if opts.contains(&"wasm32") {
                Target::Wasm32
            } else if opts.contains(&"native") {
                Target::Native
            } else {
                Target::Both
            };
            lib.push_str(&wrap(&module, &shown, line, schema, target, &body));
            count += 1;
        }
    }
    writeln!(
        lib,
        "/// How many blocks are compiled.\npub const BLOCKS: usize = {count};"
    )
    .unwrap();
    std::fs::write(out.join("blocks.rs"), lib).unwrap();
}

/// Every fenced block of a Markdown text: (line of its fence, fence info, text).
fn blocks(md: &str) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, String, String)> = None;
    for (i, line) in md.lines().enumerate() {
        let t = line.trim_start();
        match (&mut open, t.strip_prefix("```")) {
            (None, Some(info)) => open = Some((i + 1, info.trim().to_owned(), String::new())),
            (Some(_), Some(rest)) if rest.trim().is_empty() => out.push(open.take().unwrap()),
            (Some((_, _, text)), _) => {
                text.push_str(line);
                text.push('\n');
            }
            (None, None) => {}
        }
    }
    out
}

/// Where a block is compiled.
#[derive(PartialEq)]
enum Target {
    /// Natively and for wasm32 (code over any executor).
    Both,
    /// Natively only (SQLite, build scripts).
    Native,
    /// For wasm32 only (the `worker` crate's API).
    Wasm32,
}

/// A block in a module of its own: as the module's items when it is only items (a build
/// script, `include_schema!()`), else as the body of a function.
fn wrap(module: &str, file: &str, line: usize, schema: &str, target: Target, body: &str) -> String {
    let wasm32 = target == Target::Wasm32;
    let cfg = match target {
        Target::Both => "",
        Target::Native => "#[cfg(not(target_arch = \"wasm32\"))]",
        Target::Wasm32 => "#[cfg(target_arch = \"wasm32\")]",
    };
    if syn::parse_file(body).is_ok() {
        let imports = if wasm32 { "use worker::*;" } else { "" };
        return format!(
            "/// {file}:{line}\n{cfg}\n#[allow(warnings, clippy::all)]\npub mod {module} {{\n    use crate::{schema} as schema;\n    use crate::{schema}::*;\n    {imports}\n// {file}:{line}\n{body}\n}}\n\n"
        );
    }
    let (signature, imports) = if wasm32 {
        (
            "pub async fn block(req: Request, env: Env, mut response: Response) -> worker::Result<()>",
            "use worker::*;\n    use mizzle::Db;",
        )
    } else {
        (
            "pub async fn block<E: mizzle::Executor>(db: &mizzle::Db<E>) -> ::core::result::Result<(), Box<dyn ::std::error::Error>>",
            "use mizzle::{Db, Executor, Prepared, assign, avg, coalesce, count, count_all, count_distinct, exists, max, min, not_exists, sum};",
        )
    };
    format!(
        "/// {file}:{line}\n{cfg}\n#[allow(warnings, clippy::all)]\npub mod {module} {{\n    use crate::{schema} as schema;\n    use crate::{schema}::*;\n    {imports}\n    {signature} {{\n// {file}:{line}\n{body}\n        #[allow(unreachable_code)]\n        ::core::result::Result::Ok(())\n    }}\n}}\n\n"
    )
}
