//! `mizzle`: check a project, see which migrations are applied, and apply them with
//! wrangler, always to an explicitly named database (`--local` or `--remote`).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use mizzle_build::migrate;

mod apply;
mod dev;
mod explain;
mod merge;
mod procs;
mod pull;
mod scaffold;
mod seed;
mod studio;
mod toolchain;

#[derive(Parser)]
#[command(name = "mizzle", version, about = "Schema-as-code for Cloudflare D1")]
struct Cli {
    /// The project directory (where Cargo.toml, schema/ and wrangler.jsonc are).
    #[arg(long, global = true, default_value = ".")]
    project: PathBuf,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Create a Worker project on mizzle: `mizzle new my-worker`, then `cd my-worker &&
    /// mizzle dev`.
    New {
        /// The project (and Worker) name: lowercase letters, digits, `-`, `_`.
        name: String,
        /// Where to create it (default: ./NAME).
        #[arg(long)]
        path: Option<PathBuf>,
        /// Depend on the mizzle crates in this folder (a checkout's `crates/`) by path, for
        /// working on mizzle itself (also `MIZZLE_PATH`). By default the project depends on
        /// this version from crates.io.
        #[arg(long)]
        mizzle_path: Option<PathBuf>,
        /// Start from a drizzle-kit project instead of the starter tables: its `out` folder
        /// (`mizzle import-drizzle` into the new project; the D1 binding is taken from the
        /// drizzle project's wrangler config).
        #[arg(long, value_name = "DIR")]
        from_drizzle: Option<PathBuf>,
    },
    /// Install what a Worker build needs (wasm32 target, worker-build, wasm-bindgen-cli at
    /// the Cargo.lock version, wrangler from package.json), from crates.io and npm only.
    Setup {
        /// Then print where the tools are, as shell assignments (`WORKER_BUILD=..`,
        /// `WASM_BINDGEN_BIN=..`, `WASM_OPT=..`), for scripts that run them directly.
        #[arg(long)]
        env: bool,
    },
    /// Build the deployable Worker bundle (build/worker/shim.mjs).
    Build,
    /// Install what is missing, build, apply pending migrations to the local D1, and serve
    /// the Worker on 127.0.0.1 with `wrangler dev`; then rebuild on every change to
    /// schema/, src/, Cargo.toml or build.rs (a new migration is applied to the local D1
    /// first), while the last good build keeps serving. Ctrl-C stops wrangler too.
    Dev {
        /// The port.
        #[arg(long, default_value_t = 8787)]
        port: u16,
        /// Build and migrate, but do not serve.
        #[arg(long)]
        no_serve: bool,
        /// Serve without rebuilding on changes.
        #[arg(long)]
        no_watch: bool,
    },
    /// Check the schema and that migrations/ is up to date; writes nothing.
    Check,
    /// Which migrations the local D1 has applied, and which are pending.
    Status {
        /// Every database of `databases` in schema/mizzle.toml.
        #[arg(long)]
        all: bool,
    },
    /// Browse the local database in a web page, through the schema: tables and row counts,
    /// rows with typed filters, sorting by indexed columns and keyset paging, a row's
    /// relations as links, each table's schema, and a read-only SQL console with the query
    /// plan. Serves on 127.0.0.1 only, behind the access token in the URL it prints.
    Studio {
        /// The port (0: any free one).
        #[arg(long, default_value_t = 4983)]
        port: u16,
        /// A SQLite database file instead of the local D1 that `wrangler dev` uses (a
        /// Durable Object's local storage is under .wrangler/state/v3/do/).
        #[arg(long)]
        sqlite: Option<PathBuf>,
        /// Open the page in the system's browser.
        #[arg(long)]
        open: bool,
    },
    /// Run the native tests with the plan check recording and list every statement that
    /// read a whole table: call site, plan, and the index that would serve it (D1 bills rows
    /// read). Example: `mizzle explain --deny -- --test native`.
    Explain {
        /// Exit with status 1 on a scan an index would avoid that `allow_scans` does not
        /// allow, or on an `allow_scans` entry no scan matched.
        #[arg(long)]
        deny: bool,
        /// Arguments for `cargo test` (after `--`).
        #[arg(last = true)]
        cargo_args: Vec<String>,
    },
    /// Apply pending migrations with wrangler, to the database you name.
    Migrate(Target),
    /// Fill empty tables with rows made from the schema (and schema/seed.toml): parents
    /// before children, enums, unique values and CHECKs respected; the same rows for the
    /// same --seed everywhere. Example: `mizzle seed --local --seed 7 --rows 100`.
    Seed {
        /// The number the rows are made from.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Rows per table (a table's `rows` in schema/seed.toml still wins).
        #[arg(long)]
        rows: Option<usize>,
        /// The local D1 that `wrangler dev` uses.
        #[arg(long, conflicts_with_all = ["sqlite", "remote"], required_unless_present_any = ["sqlite", "remote"])]
        local: bool,
        /// A SQLite file (migrations/ applied first when needed).
        #[arg(long, value_name = "FILE", conflicts_with = "remote")]
        sqlite: Option<PathBuf>,
        /// The remote (production) D1: asks you to type its binding first.
        #[arg(long)]
        remote: bool,
        /// With --remote: the binding, instead of typing it (for scripts).
        #[arg(long, value_name = "BINDING", requires = "remote")]
        confirm: Option<String>,
    },
    /// Start the local database over: drop its tables, apply migrations/ again, and seed
    /// it with --seed. Never remote; migrations/ is not touched. Example: `mizzle reset
    /// --local --seed 1`.
    Reset {
        /// The local D1 that `wrangler dev` uses.
        #[arg(long, conflicts_with = "sqlite", required_unless_present = "sqlite")]
        local: bool,
        /// A SQLite file instead.
        #[arg(long, value_name = "FILE")]
        sqlite: Option<PathBuf>,
        /// Seed it afterwards with this number.
        #[arg(long)]
        seed: Option<u64>,
        /// With --seed: rows per table.
        #[arg(long, requires = "seed")]
        rows: Option<usize>,
    },
    /// Print the migration the next build would write (or the draft it would rewrite or
    /// remove), writing nothing. Example: `mizzle diff`.
    Diff {
        /// Exit with status 1 when the next build would change migrations/.
        #[arg(long)]
        exit_code: bool,
    },
    /// The schema as an entity-relationship diagram: tables with their columns, types and
    /// keys, one edge per foreign key. Example: `mizzle erd > docs/schema.mmd`, or
    /// `mizzle erd --format svg > docs/schema.svg`.
    Erd {
        /// The format: `mermaid` (an `erDiagram` for Markdown) or `svg` (a picture, laid out
        /// by mizzle itself).
        #[arg(long, default_value = "mermaid")]
        format: String,
        /// Show every index too (unique ones, being constraints, are always shown).
        #[arg(long)]
        indexes: bool,
    },
    /// Write schema/*.toml from an existing database: its tables, columns, keys, indexes,
    /// checks, and relations inferred from its foreign keys. What TOML cannot say is
    /// reported by name. Example: `mizzle pull --local`, or for a remote database
    /// `wrangler d1 export DB --remote --no-data --output db.sql && mizzle pull --sql db.sql`.
    Pull {
        /// The local D1 that `wrangler dev` uses (the binding of schema/mizzle.toml, else
        /// the wrangler config's only D1 database).
        #[arg(long, conflicts_with_all = ["sqlite", "sql"], required_unless_present_any = ["sqlite", "sql"])]
        local: bool,
        /// A SQLite database file.
        #[arg(long, value_name = "FILE", conflicts_with = "sql")]
        sqlite: Option<PathBuf>,
        /// An SQL dump, e.g. from `wrangler d1 export`.
        #[arg(long, value_name = "FILE")]
        sql: Option<PathBuf>,
        /// Replace the table files schema/ already has (schema/mizzle.toml is kept).
        #[arg(long)]
        force: bool,
        /// Print the files instead of writing them.
        #[arg(long)]
        dry_run: bool,
    },
    /// Switch from drizzle-kit: write schema/ from a drizzle-kit migrations folder and keep
    /// its SQL files as the migration history (wrangler's ledger stays valid), so the next
    /// build writes no migration. Column modes (boolean, timestamp, json, text enums) are
    /// read from the TypeScript schema that drizzle.config.ts names.
    /// Example: `mizzle import-drizzle drizzle`.
    ImportDrizzle {
        /// drizzle-kit's `out` folder (meta/_journal.json, or drizzle-kit 1.x's folder per
        /// migration), relative to the project.
        dir: PathBuf,
        /// The drizzle schema file(s), folder(s) or glob(s), when not found through
        /// drizzle.config.*.
        #[arg(long, value_name = "PATH")]
        schema: Vec<String>,
        /// Replace the table files schema/ already has.
        #[arg(long)]
        force: bool,
        /// Print what would be written instead of writing it.
        #[arg(long)]
        dry_run: bool,
        /// Refuse (writing nothing) when anything is not carried over: every warning of
        /// the summary becomes an error.
        #[arg(long)]
        strict: bool,
    },
    /// Hand-written migrations. Example: `mizzle migration new backfill_slugs`.
    Migration {
        #[command(subcommand)]
        command: MigrationCmd,
    },
}

#[derive(Subcommand)]
enum MigrationCmd {
    /// Create the next numbered migration file, empty, for SQL you write yourself (mizzle
    /// replays it as written and never rewrites it).
    New {
        /// What it does, in lowercase letters, digits and `_` (`backfill_slugs`).
        slug: String,
    },
}

#[derive(Args)]
struct Target {
    /// Apply to the local D1 (wrangler's .wrangler/state).
    #[arg(long, conflicts_with = "remote")]
    local: bool,
    /// Apply to the remote (production) D1.
    #[arg(long)]
    remote: bool,
    /// Print what would run without running it (against the remote: nothing is run
    /// there, not even a read).
    #[arg(long)]
    dry_run: bool,
    /// Every database of `databases` in schema/mizzle.toml, in order.
    #[arg(long)]
    all: bool,
    /// With --all: go on to the next database after one fails (the default stops).
    #[arg(long, requires = "all")]
    keep_going: bool,
    /// With --remote: apply without first recording a Time Travel restore point.
    #[arg(long)]
    no_restore_point: bool,
}

fn main() -> ExitCode {
    // `mizzle … | head` ends quietly when head stops reading, as Unix tools do, instead of
    // panicking on the broken pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default action of one signal, before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // `--project` is every command's but `new`'s (which takes `--path`): its help lists
    // only what means something for it.
    let mut command = Cli::command();
    command.build();
    let command = command.mut_subcommand("new", |new| new.mut_arg("project", |a| a.hide(true)));
    let cli = match Cli::from_arg_matches(&command.get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("{message}");
            }
            ExitCode::FAILURE
        }
    }
}

/// What the project says about its database.
struct Project {
    root: PathBuf,
    binding: String,
    /// `databases` in schema/mizzle.toml: the D1 bindings that share the schema.
    databases: Vec<String>,
    /// Whether a D1 database holds the schema (not only Durable Objects).
    d1: bool,
    config_file: Option<String>,
    migrations: Vec<migrate::Migration>,
    /// The schema, as loaded.
    schema: mizzle_build::ir::Schema,
}

fn load(root: &Path) -> Result<Project, String> {
    let config = mizzle_build::Config::new()
        .manifest_dir(root)
        .cargo_directives(false);
    let loaded = config.load().map_err(|r| r.to_string())?;
    let settings = &loaded.schema.settings;
    let messages = |errs: Vec<mizzle_build::diag::Diagnostic>| {
        errs.into_iter()
            .map(|d| format!("error: {}", d.message))
            .collect::<Vec<_>>()
            .join("\n")
    };
    mizzle_build::wrangler::check(root, settings).map_err(messages)?;
    let config_file = mizzle_build::wrangler::config_file(root, settings).map_err(messages)?;
    let dir = root.join(&settings.migrations_dir);
    let migrations = migrate::read_migrations(&dir, &settings.migrations_dir).map_err(|errs| {
        errs.into_iter()
            .map(|d| format!("error: {}", d.message))
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    Ok(Project {
        root: root.to_path_buf(),
        binding: settings.binding.clone(),
        databases: settings.databases.clone(),
        d1: settings.target.d1(),
        config_file,
        migrations,
        schema: loaded.schema,
    })
}

/// The project's migrations folder, as its settings name it.
fn plan_dir(root: &Path) -> Result<String, String> {
    let loaded = mizzle_build::Config::new()
        .manifest_dir(root)
        .cargo_directives(false)
        .load()
        .map_err(|r| r.to_string())?;
    Ok(loaded.schema.settings.migrations_dir)
}

fn run(cli: Cli) -> Result<(), String> {
    let root = cli.project;
    match cli.command {
        Cmd::New {
            name,
            path,
            mizzle_path,
            from_drizzle,
        } => {
            let dir = path.unwrap_or_else(|| root.join(&name));
            let from = from_drizzle.map(|d| root.join(d));
            if let Some(d) = &from
                && !d.is_dir()
            {
                return Err(format!(
                    "error: {} is not a folder (drizzle-kit's `out` folder)",
                    d.display()
                ));
            }
            let written = scaffold::new_project(&name, &dir, mizzle_path.as_deref())?;
            println!("created {} ({} files):", dir.display(), written.len());
            for f in written {
                println!("  {f}");
            }
            if let Some(from) = from {
                let imported = pull::import_drizzle(
                    &dir,
                    pull::ImportOptions {
                        dir: from,
                        schemas: Vec::new(),
                        force: false,
                        dry_run: false,
                        strict: false,
                    },
                );
                if let Err(e) = imported {
                    // Nothing half-made is left: the project was new.
                    let _ = std::fs::remove_dir_all(&dir);
                    return Err(format!(
                        "{e}\n(the new project {} was removed)",
                        dir.display()
                    ));
                }
            }
            println!("{}", scaffold::git_init(&dir, &name));
            if let Some(note) = scaffold::version_note(mizzle_path.as_deref()) {
                println!("{note}");
            }
            println!("next: cd {} && mizzle dev", dir.display());
            Ok(())
        }
        Cmd::Setup { env } => {
            let tools = toolchain::setup(&root)?;
            if env {
                for (name, path) in [
                    ("WORKER_BUILD", &tools.worker_build),
                    ("WASM_BINDGEN_BIN", &tools.wasm_bindgen),
                    ("WASM_OPT", &toolchain::wasm_opt(&root)?),
                ] {
                    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
                    println!("{name}={}", shell_quote(&path.display().to_string()));
                }
            }
            Ok(())
        }
        Cmd::Build => {
            toolchain::build(&root)?;
            // What this build bundled ships with the deploy that runs it (`wrangler deploy`
            // runs `mizzle build`): a Durable Object applies its migrations itself, so none of
            // them may be rewritten as a draft after this.
            let p = load(&root)?;
            let names: Vec<&str> = p.migrations.iter().map(|m| m.file_name.as_str()).collect();
            migrate::record_published(&p.root, &names).map_err(|e| {
                format!(
                    "cannot record the migrations this build ships ({}): {e}",
                    migrate::PUBLISHED
                )
            })?;
            if !names.is_empty() {
                eprintln!(
                    "[mizzle] recorded {} migration(s) as shipped ({}): the next schema edit writes a new file instead of rewriting one; commit migrations/ before deploying",
                    names.len(),
                    migrate::PUBLISHED
                );
            }
            Ok(())
        }
        Cmd::Dev {
            port,
            no_serve,
            no_watch,
        } => dev::run(
            &root,
            dev::Options {
                port,
                serve: !no_serve,
                watch: !no_watch,
            },
        ),
        Cmd::Pull {
            local,
            sqlite,
            sql,
            force,
            dry_run,
        } => {
            // Paths are relative to the project (the current folder unless `--project`).
            let source = match (local, sqlite, sql) {
                (_, Some(f), _) => pull::Source::Sqlite(root.join(f)),
                (_, _, Some(f)) => pull::Source::Sql(root.join(f)),
                _ => pull::Source::Local,
            };
            pull::pull_command(&root, source, force, dry_run)
        }
        Cmd::ImportDrizzle {
            dir,
            schema,
            force,
            dry_run,
            strict,
        } => pull::import_drizzle(
            &root,
            pull::ImportOptions {
                dir: root.join(dir),
                schemas: schema,
                force,
                dry_run,
                strict,
            },
        ),
        Cmd::Diff { exit_code } => {
            let plan = mizzle_build::Config::new()
                .manifest_dir(&root)
                .cargo_directives(false)
                .preview()
                .map_err(|r| r.to_string())?;
            let dir = plan_dir(&root)?;
            match (&plan.new_file, &plan.remove) {
                (None, None) => {
                    println!("{dir}/ is up to date: the next build writes nothing");
                    return Ok(());
                }
                (Some((name, text)), _) => {
                    match &plan.replaces_draft {
                        Some(d) => println!(
                            "the next build rewrites the draft {dir}/{d} as {dir}/{name}:\n"
                        ),
                        None => println!("the next build writes {dir}/{name}:\n"),
                    }
                    print!("{text}");
                    for note in &plan.notes {
                        println!("-- note: {note}");
                    }
                }
                (None, Some(path)) => println!(
                    "the next build removes the draft {} (the schema no longer needs it)",
                    path.display()
                ),
            }
            if exit_code {
                return Err(String::new());
            }
            Ok(())
        }
        Cmd::Erd { format, indexes } => {
            let opts = mizzle_build::erd::Options { indexes };
            if format != "mermaid" && format != "svg" {
                return Err(format!(
                    "error: `--format {format}` is not supported: use `--format mermaid` or `--format svg`"
                ));
            }
            let loaded = mizzle_build::Config::new()
                .manifest_dir(&root)
                .cargo_directives(false)
                .load()
                .map_err(|r| r.to_string())?;
            if format == "svg" {
                print!("{}", mizzle_build::erd::svg_with(&loaded.schema, opts));
            } else {
                print!("{}", mizzle_build::erd::mermaid_with(&loaded.schema, opts));
            }
            Ok(())
        }
        Cmd::Migration {
            command: MigrationCmd::New { slug },
        } => {
            let valid = !slug.is_empty()
                && slug
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !valid {
                return Err(format!(
                    "error: `{slug}` is not a migration name: use lowercase letters, digits and `_` (`backfill_slugs`)"
                ));
            }
            let dir_name = plan_dir(&root)?;
            let dir = root.join(&dir_name);
            // Numbered and written under the lock a build takes to write there, so the two
            // cannot pick the same number.
            let guard = migrate::DirLock::acquire(&dir)
                .map_err(|e| format!("error: cannot lock {dir_name}/: {e}"))?;
            let existing = migrate::read_migrations(&dir, &dir_name).map_err(|errs| {
                errs.into_iter()
                    .map(|d| format!("error: {}", d.message))
                    .collect::<Vec<_>>()
                    .join("\n")
            })?;
            let next = existing.iter().map(|m| m.version).max().unwrap_or(0) + 1;
            let name = format!("{next:04}_{slug}.sql");
            let text = format!(
                "-- {name}: written by hand. mizzle replays it as written at every build and\n\
                 -- never rewrites it; the next build diffs the schema against what it leaves.\n\n"
            );
            migrate::write_atomic(&dir, &name, &text)
                .map_err(|e| format!("error: cannot write {dir_name}/{name}: {e}"))?;
            drop(guard);
            println!("created {dir_name}/{name}");
            Ok(())
        }
        Cmd::Check => {
            mizzle_build::Config::new()
                .manifest_dir(&root)
                .check(true)
                .cargo_directives(false)
                .compile()
                .map_err(|r| r.to_string())?;
            println!("schema and migrations are up to date");
            Ok(())
        }
        Cmd::Studio { port, sqlite, open } => studio::run(&root, port, sqlite, open),
        Cmd::Seed {
            seed,
            rows,
            local: _,
            sqlite,
            remote,
            confirm,
        } => {
            let mut s = mizzle::seed::Seed::new(seed);
            s.rows = rows;
            let into = match (sqlite, remote) {
                (Some(f), _) => seed::Dest::Sqlite(f),
                (None, true) => seed::Dest::Remote { confirm },
                (None, false) => seed::Dest::Local,
            };
            seed::seed(&root, s, into)
        }
        Cmd::Reset {
            local: _,
            sqlite,
            seed,
            rows,
        } => seed::reset(
            &root,
            sqlite,
            seed.map(|n| mizzle::seed::Seed { seed: n, rows }),
        ),
        Cmd::Explain { deny, cargo_args } => {
            if explain::run(&root, deny, &cargo_args)? {
                Ok(())
            } else {
                Err("error: the plan check found scans to fix (see above)".into())
            }
        }
        Cmd::Status { all } => {
            let p = load(&root)?;
            if !p.d1 {
                println!(
                    "the schema's target is Durable Objects only: each object applies the {} migration(s) itself (table `__mizzle_migrations` in its storage)",
                    p.migrations.len()
                );
                return Ok(());
            }
            apply::status(&p, all)
        }
        Cmd::Migrate(target) => {
            let where_ = match (target.local, target.remote) {
                (true, false) => "--local",
                (false, true) => "--remote",
                _ => {
                    return Err("say which database: `mizzle migrate --local` or `mizzle migrate --remote` \
                                (mizzle never defaults to the remote database)"
                        .into());
                }
            };
            let p = load(&root)?;
            if !p.d1 {
                return Err("the schema's target is Durable Objects only: there is no D1 database to migrate; \
                            each object applies its migrations itself on first touch (schema::durable_db)"
                    .into());
            }
            let opts = apply::Opts {
                where_,
                dry_run: target.dry_run,
                restore_point: !target.no_restore_point,
            };
            apply::migrate(&p, target.all, target.keep_going, &opts)
        }
    }
}

/// Runs one read-only statement with `wrangler d1 execute <binding> <where_> --json` and
/// returns its rows.
fn d1_json(
    wrangler: &[String],
    p: &Project,
    binding: &str,
    where_: &str,
    sql: &str,
) -> Result<Vec<serde_json::Value>, String> {
    let out = wrangler_command(wrangler, &p.root)
        .args(["d1", "execute", binding, where_, "--json", "--command", sql])
        .env("CI", "true")
        .output()
        .map_err(|e| format!("cannot run wrangler: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|_| {
        format!(
            "wrangler d1 execute failed: {}{}",
            text.trim(),
            String::from_utf8_lossy(&out.stderr).trim()
        )
    })?;
    if !out.status.success() || v.get("error").is_some() {
        return Err(format!("wrangler d1 execute failed: {}", text.trim()));
    }
    Ok(v[0]["results"].as_array().cloned().unwrap_or_default())
}

/// A wrangler command (`wrangler_bin`'s program and its leading arguments) run in `root`.
fn wrangler_command(wrangler: &[String], root: &Path) -> Command {
    let mut c = Command::new(&wrangler[0]);
    c.args(&wrangler[1..]).current_dir(root);
    c
}

/// The wrangler to run: `MIZZLE_WRANGLER`, the project's node_modules, or `npx wrangler`.
fn wrangler_bin(root: &Path) -> Vec<String> {
    if let Ok(w) = std::env::var("MIZZLE_WRANGLER") {
        return vec![w];
    }
    for dir in root.ancestors() {
        let local = dir.join("node_modules/.bin/wrangler");
        if local.exists() {
            return vec![local.display().to_string()];
        }
    }
    vec!["npx".into(), "wrangler".into()]
}

/// `s` as one POSIX shell word: bare when it is plain, else single-quoted.
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+=:,@".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
