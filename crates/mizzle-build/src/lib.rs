//! # mizzle-build
//!
//! Turns `schema/*.toml` into typed Rust (row, insert and patch structs, enums, typed column
//! handles) and keeps `migrations/` in step with it, for Cloudflare D1.
//!
//! `build.rs`:
//!
//! ```no_run
//! // build.rs
//! # #[allow(clippy::needless_doctest_main)]
//! fn main() {
//!     mizzle_build::build()
//! }
//! ```
//!
//! and in the crate: `mizzle::include_schema!();`.
//!
//! The pipeline is `parse → lower (validate) → ir → migrate (replay, diff) → emit_sql /
//! emit_rust`, with plain data between the stages. [`Config::load`] and
//! [`Config::generate`] are pure; [`Config::compile`] does the I/O.

#![deny(missing_docs)]

pub(crate) mod ast;
pub mod diag;
#[cfg(feature = "drizzle")]
pub mod drizzle;
pub(crate) mod emit_rust;
pub(crate) mod emit_sql;
pub mod erd;
#[doc(hidden)]
pub mod fuzzing;
pub mod ir;
pub(crate) mod lower;
pub mod migrate;
pub(crate) mod naming;
pub(crate) mod parse;
pub mod pull;
pub mod seed;
pub mod wrangler;

use std::path::{Path, PathBuf};

pub use diag::Report;
use diag::{Diagnostic, Sources, Span};
pub use emit_sql::{creation_order, schema_sql};

/// Runs mizzle for the crate whose `build.rs` calls it, with the default paths
/// (`schema/`, `migrations/`, `wrangler.jsonc` next to Cargo.toml). Prints errors in
/// rustc's style and exits non-zero on failure.
pub fn build() {
    if let Err(report) = Config::new().compile() {
        eprintln!("{report}");
        std::process::exit(1);
    }
}

/// Where things are and how to run.
#[derive(Debug, Clone)]
pub struct Config {
    manifest_dir: PathBuf,
    schema_dir: PathBuf,
    out_dir: Option<PathBuf>,
    check: Option<bool>,
    cargo: bool,
}

/// A loaded, checked schema and the sources its diagnostics point into.
pub struct Loaded {
    /// The schema.
    pub schema: ir::Schema,
    /// Every file read, for diagnostics.
    pub sources: Sources,
    /// Schema file paths read (for `rerun-if-changed`).
    pub files: Vec<PathBuf>,
    spans: Vec<(String, Span)>,
}

/// What [`Config::compile`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The migration file written, if any.
    pub written: Option<PathBuf>,
    /// The generated Rust file.
    pub rust_file: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self::new()
    }
}

fn truthy(v: &str) -> bool {
    !matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "" | "0" | "false" | "no" | "off"
    )
}

impl Config {
    /// Defaults for the crate being built: paths relative to `CARGO_MANIFEST_DIR`, output
    /// into `OUT_DIR` when run by a build script, check mode from `MIZZLE_CHECK` or `CI`,
    /// `cargo:` lines printed.
    pub fn new() -> Self {
        let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .map_or_else(|| PathBuf::from("."), PathBuf::from);
        Config {
            schema_dir: manifest_dir.join("schema"),
            manifest_dir,
            // OUT_DIR is the crate's only inside its build script (cargo also sets it for
            // the crate's tests and binaries, where writing there would overwrite the
            // module the crate was built with): `TARGET` is set for build scripts only.
            out_dir: std::env::var_os("OUT_DIR")
                .filter(|_| std::env::var_os("TARGET").is_some())
                .map(PathBuf::from),
            check: None,
            cargo: std::env::var_os("CARGO_MANIFEST_DIR").is_some(),
        }
    }

    /// Uses `dir` as the project root (where Cargo.toml, schema/ and migrations/ are).
    pub fn manifest_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.manifest_dir = dir.into();
        self.schema_dir = self.manifest_dir.join("schema");
        self
    }

    /// Reads tables from `dir` instead of `<manifest_dir>/schema`.
    pub fn schema_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.schema_dir = dir.into();
        self
    }

    /// Writes the generated module into `dir`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Check mode: write no migration, fail when one is missing. Default: on when
    /// `MIZZLE_CHECK` is truthy, or when it is unset and `CI` is truthy.
    pub fn check(mut self, on: bool) -> Self {
        self.check = Some(on);
        self
    }

    /// Whether to print `cargo:` directives (default: when run by cargo).
    pub fn cargo_directives(mut self, on: bool) -> Self {
        self.cargo = on;
        self
    }

    /// Why this build must not write `migrations/`, if it must not: check mode (`CI`,
    /// `MIZZLE_CHECK`, [`Config::check`]), or a crate unpacked from a package.
    fn read_only_because(&self) -> Option<&'static str> {
        // `cargo package` (and `cargo publish`) verifies a package by building it unpacked,
        // and fails when its build script changes the source; a registry dependency is
        // unpacked the same way. Both keep the manifest as written in `Cargo.toml.orig`.
        if self.cargo && self.manifest_dir.join("Cargo.toml.orig").is_file() {
            return Some(
                "this crate is unpacked from a package (`cargo package`'s verification build, or a dependency from a registry), whose source must not change",
            );
        }
        let check = self
            .check
            .unwrap_or_else(|| match std::env::var("MIZZLE_CHECK") {
                Ok(v) => truthy(&v),
                Err(_) => std::env::var("CI").is_ok_and(|v| truthy(&v)),
            });
        check.then_some("check mode: CI or MIZZLE_CHECK is set")
    }

    fn shown(&self, path: &Path) -> String {
        path.strip_prefix(&self.manifest_dir)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// Reads, parses and checks the schema. No writes.
    pub fn load(&self) -> Result<Loaded, Report> {
        let mut errs = Vec::new();
        let shown_dir = self.shown(&self.schema_dir);
        let entries = match std::fs::read_dir(&self.schema_dir) {
            Ok(e) => e,
            Err(e) => {
                let d = Diagnostic::bare(format!("cannot read the schema directory {shown_dir}/: {e}")).help(format!(
                    "mizzle reads one table per file from {shown_dir}/ next to Cargo.toml; create it with a file like {shown_dir}/users.toml"
                ));
                return Err(Report::new(&Sources::default(), vec![d]));
            }
        };
        let mut paths: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        let mut texts = Vec::new();
        for path in paths {
            match std::fs::read_to_string(&path) {
                Ok(t) => texts.push((path, t)),
                Err(e) => errs.push(Diagnostic::bare(format!(
                    "cannot read {}: {e}",
                    self.shown(&path)
                ))),
            }
        }
        self.load_texts(texts, errs)
    }

    /// Parses and checks schema files given as (path, text), as [`Config::load`] does with
    /// the files of the schema directory. Pure: `mizzle pull` checks what it would write
    /// before writing it.
    pub fn load_files(&self, files: Vec<(PathBuf, String)>) -> Result<Loaded, Report> {
        self.load_texts(files, Vec::new())
    }

    fn load_texts(
        &self,
        texts: Vec<(PathBuf, String)>,
        mut errs: Vec<Diagnostic>,
    ) -> Result<Loaded, Report> {
        let mut sources = Sources::default();
        let shown_dir = self.shown(&self.schema_dir);
        let mut settings = ast::SettingsFile::default();
        let mut tables = Vec::new();
        let mut files = Vec::new();
        let mut seed_file = None;
        for (path, text) in texts {
            let path = &path;
            files.push(path.clone());
            let id = sources.add(self.shown(path), text.clone());
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if stem == "mizzle" {
                settings = parse::settings_file(id, &self.shown(path), &text, &mut errs);
            } else if stem == "seed" {
                // Seed data's refinements, read once the schema they name is known.
                seed_file = Some((id, text));
            } else if let Some(t) = parse::table_file(id, &stem, &text, &mut errs) {
                tables.push(t);
            }
        }
        if tables.is_empty() && errs.is_empty() {
            errs.push(Diagnostic::bare(format!("{shown_dir}/ has no table files")).help(format!(
                "add one .toml file per table, e.g. {shown_dir}/users.toml with `[columns]` and `id = {{ type = \"integer\", primary_key = true }}`"
            )));
        }
        let mut schema = lower::lower(&tables, &settings, &mut errs);
        schema.settings.file = format!("{shown_dir}/mizzle.toml");
        if let Some((id, text)) = seed_file
            && errs.is_empty()
        {
            schema.seed = seed::read(id, &text, &schema, &mut errs);
        }
        if errs.is_empty() {
            let found = lower::lint::unindexed_lookups(&schema, &sources);
            match schema.settings.unindexed_lookups {
                ir::LintLevel::Error => errs.extend(found),
                ir::LintLevel::Warn => schema
                    .warnings
                    .extend(found.iter().map(|d| d.one_line(&sources))),
                ir::LintLevel::Allow => {}
            }
        }
        let spans = tables
            .iter()
            .map(|f| {
                (
                    f.table
                        .as_ref()
                        .map_or_else(|| f.stem.clone(), |t| t.value.clone()),
                    f.span.clone(),
                )
            })
            .collect();
        if !errs.is_empty() {
            return Err(Report::new(&sources, errs));
        }
        Ok(Loaded {
            schema,
            sources,
            files,
            spans,
        })
    }

    /// The generated Rust module for `schema` with these migrations (name, SQL). Pure.
    pub fn generate(&self, schema: &ir::Schema, migrations: &[(String, String)]) -> String {
        emit_rust::generate(schema, migrations)
    }

    /// Checks what the build checks before planning migrations: the wrangler config and the
    /// SQL of every table.
    fn validate(&self, loaded: &Loaded) -> Result<(), Report> {
        let Loaded {
            schema,
            sources,
            spans,
            ..
        } = loaded;
        let fail = |errs: Vec<Diagnostic>| Report::new(sources, errs);
        wrangler::check(&self.manifest_dir, &schema.settings).map_err(fail)?;
        let bad_sql: Vec<Diagnostic> = migrate::validate_sql(schema)
            .into_iter()
            .map(|(table, err)| {
                let span = spans
                    .iter()
                    .find(|(n, _)| *n == table)
                    .map(|(_, s)| s.clone());
                let msg = format!("the SQL of table `{table}` is invalid: {err}");
                let d = match span {
                    Some(s) => Diagnostic::error(msg, &s, "in this table"),
                    None => Diagnostic::bare(msg),
                };
                d.help(
                    "check the `check`, `default_sql` and index `where` expressions in this file",
                )
            })
            .collect();
        if !bad_sql.is_empty() {
            return Err(fail(bad_sql));
        }
        Ok(())
    }

    /// What `migrations/` needs to match the schema: the plan the build carries out (a new
    /// file, a draft rewritten or removed), decided from the migrations on disk and the
    /// facts about drafts (git, wrangler's local state, what `mizzle` sent).
    fn plan_migrations(&self, loaded: &Loaded) -> Result<migrate::Plan, Report> {
        let schema = &loaded.schema;
        let migrations_dir = self.manifest_dir.join(&schema.settings.migrations_dir);
        let shown_migrations = self.shown(&migrations_dir);
        let allow = migrate::diff::Allow {
            settings_file: schema.settings.file.clone(),
            drops: schema.settings.allow_drop.clone(),
            everything: std::env::var("MIZZLE_ALLOW_DESTRUCTIVE").is_ok_and(|v| truthy(&v)),
        };
        let facts = migrate::Facts::gather(&self.manifest_dir, &migrations_dir);
        migrate::plan(
            schema,
            &migrations_dir,
            &shown_migrations,
            &allow,
            Some(&facts),
        )
        .map_err(|errs| Report::new(&loaded.sources, errs))
    }

    /// The change the next build would make to `migrations/`, writing nothing (`mizzle
    /// diff`): the schema and the wrangler config are checked as the build checks them.
    pub fn preview(&self) -> Result<migrate::Plan, Report> {
        let loaded = self.load()?;
        self.validate(&loaded)?;
        self.plan_migrations(&loaded)
    }

    /// Loads the schema, checks the wrangler config, brings `migrations/` up to date (or,
    /// in check mode, fails when it is not), and writes the generated module to `OUT_DIR`.
    pub fn compile(&self) -> Result<Outcome, Report> {
        let loaded = self.load()?;
        let Loaded {
            schema,
            sources,
            files,
            ..
        } = &loaded;
        let fail = |errs: Vec<Diagnostic>| Report::new(sources, errs);
        let migrations_dir = self.manifest_dir.join(&schema.settings.migrations_dir);
        let shown_migrations = self.shown(&migrations_dir);
        if self.cargo {
            for w in &schema.warnings {
                println!("cargo:warning=mizzle: {w}");
            }
            println!("cargo:rerun-if-changed={}", self.schema_dir.display());
            for f in files {
                println!("cargo:rerun-if-changed={}", f.display());
            }
            // Missing paths are left out: cargo reruns the script on every build while one is
            // missing. The migrations folder is watched below, once the build has made it.
            for c in wrangler::watched_configs(&self.manifest_dir, &schema.settings) {
                println!("cargo:rerun-if-changed={}", c.display());
            }
            println!("cargo:rerun-if-env-changed=MIZZLE_CHECK");
            println!("cargo:rerun-if-env-changed=CI");
        }
        self.validate(&loaded)?;
        let read_only = self.read_only_because();
        let check = read_only.is_some();
        if self.cargo {
            println!("cargo:rerun-if-env-changed=MIZZLE_ALLOW_DESTRUCTIVE");
            let published = self.manifest_dir.join(migrate::PUBLISHED);
            if published.exists() {
                println!("cargo:rerun-if-changed={}", published.display());
            }
        }
        let plan_now = || self.plan_migrations(&loaded);
        let mut written = None;
        let plan = if check {
            let plan = plan_now()?;
            if !plan.is_up_to_date() {
                let what = match (&plan.new_file, &plan.remove) {
                    (Some((name, text)), _) => {
                        format!("{shown_migrations}/{name} is missing or out of date\n\n{text}")
                    }
                    (None, Some(path)) => {
                        format!("{} is a draft the schema no longer needs", path.display())
                    }
                    (None, None) => unreachable!("not up to date"),
                };
                let why = read_only.unwrap_or_default();
                return Err(fail(vec![Diagnostic::bare(format!(
                    "migrations are out of date: {what}\n({why}, so nothing was written)"
                ))
                .help("run `cargo build` locally without CI/MIZZLE_CHECK to update migrations/, then commit it")]));
            }
            plan
        } else {
            // Decide and write under the directory lock, so concurrent builds agree.
            let lock = migrate::DirLock::acquire(&migrations_dir);
            let mut plan = plan_now()?;
            if !plan.is_up_to_date() {
                let result = lock.and_then(|_guard| {
                    if let Some((name, text)) = &plan.new_file {
                        migrate::write_atomic(&migrations_dir, name, text)?;
                    }
                    if let Some(path) = &plan.remove {
                        std::fs::remove_file(path)?;
                    }
                    Ok(())
                });
                if let Err(e) = result {
                    let text = plan
                        .new_file
                        .as_ref()
                        .map_or(String::new(), |(name, text)| format!("{name}:\n{text}"));
                    return Err(fail(vec![Diagnostic::bare(format!(
                        "migrations are out of date and {shown_migrations}/ cannot be written: {e}\n\n{text}"
                    ))
                    .help("make the directory writable and build again, or make the change above by hand")]));
                }
                if let Some(path) = &plan.remove
                    && self.cargo
                {
                    println!(
                        "cargo:warning=mizzle removed the draft {} (generated, unedited, not committed, not applied locally, not sent by `mizzle migrate`)",
                        self.shown(path)
                    );
                }
                if let Some((name, text)) = plan.new_file.take() {
                    let path = migrations_dir.join(&name);
                    if self.cargo {
                        for note in &plan.notes {
                            println!("cargo:warning=mizzle: {name}: {note}");
                        }
                        match &plan.replaces_draft {
                            Some(d) => println!(
                                "cargo:warning=mizzle rewrote the draft {shown_migrations}/{d} (generated, unedited, not committed, not applied locally, not sent by `mizzle migrate`); review and commit it"
                            ),
                            None => println!(
                                "cargo:warning=mizzle wrote {shown_migrations}/{name}; review and commit it"
                            ),
                        }
                    }
                    plan.existing.push(migrate::Migration {
                        version: 0,
                        file_name: name,
                        sql: text,
                        path: path.clone(),
                    });
                    written = Some(path);
                }
            }
            plan
        };
        if self.cargo && migrations_dir.is_dir() {
            println!("cargo:rerun-if-changed={}", migrations_dir.display());
        }
        let migrations: Vec<(String, String)> = plan
            .existing
            .iter()
            .map(|m| (m.file_name.clone(), m.sql.clone()))
            .collect();
        let mut rust_file = None;
        if let Some(out) = &self.out_dir {
            // One file per table (see `emit_rust::generate_parts`), and the index that
            // `include_schema!()` includes.
            let parts = emit_rust::generate_parts(schema, &migrations);
            let dir = out.join(PARTS_DIR);
            let cannot = |path: &Path, e: std::io::Error| {
                fail(vec![Diagnostic::bare(format!(
                    "cannot write {}: {e}",
                    path.display()
                ))])
            };
            for (name, text) in &parts {
                let path = dir.join(format!("{name}.rs"));
                write_if_changed(&path, text).map_err(|e| cannot(&path, e))?;
            }
            // A table that is gone leaves no file behind.
            for old in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let name = old.file_name().to_string_lossy().into_owned();
                let ours = parts.iter().any(|(n, _)| format!("{n}.rs") == name);
                if !ours && name.ends_with(".rs") {
                    let _ = std::fs::remove_file(old.path());
                }
            }
            let path = out.join("mizzle_schema.rs");
            write_if_changed(&path, &emit_rust::index_file(&parts, PARTS_DIR))
                .map_err(|e| cannot(&path, e))?;
            rust_file = Some(path);
        }
        Ok(Outcome { written, rust_file })
    }
}

/// The folder of OUT_DIR holding the generated module's parts.
const PARTS_DIR: &str = "mizzle_schema";

/// The generated module's files in `out_dir`, as a build left them: the index that
/// `include_schema!()` includes, then its parts (one per table, and the project's), sorted.
/// Empty when nothing was generated there.
pub fn generated_files(out_dir: &Path) -> Vec<PathBuf> {
    let index = out_dir.join("mizzle_schema.rs");
    if !index.exists() {
        return Vec::new();
    }
    let mut parts: Vec<PathBuf> = std::fs::read_dir(out_dir.join(PARTS_DIR))
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "rs"))
                .collect()
        })
        .unwrap_or_default();
    parts.sort();
    let mut files = vec![index];
    files.extend(parts);
    files
}

/// Writes `text` to `path` unless it already holds exactly that.
fn write_if_changed(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(std::io::Error::other(format!(
            "not a file path: {}",
            path.display()
        )));
    };
    std::fs::create_dir_all(dir)?;
    // Not `migrate::write_atomic`: a generated module needs no fsync, and a cold build writes
    // one file per table.
    let tmp = migrate::temp_path(dir, &name.to_string_lossy());
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}
