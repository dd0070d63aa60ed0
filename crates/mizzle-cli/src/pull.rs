//! `mizzle pull` and `mizzle import-drizzle`: schema/ from a database that already exists.
//!
//! Both read a database into an in-memory SQLite, hand it to `mizzle_build::pull`, check the
//! files it makes the way a build reads them, and only then write: every file is prepared
//! first, and each is written atomically (temp file + rename) under the folder's lock.

use std::path::{Path, PathBuf};

use mizzle_build::migrate::{self, replay};
use mizzle_build::pull::{self, Hints, Pulled};
use rusqlite::Connection;

/// Where `mizzle pull` reads the database from.
pub enum Source {
    /// wrangler's local D1 (`wrangler d1 export --local --no-data`).
    Local,
    /// A SQLite database file.
    Sqlite(PathBuf),
    /// An SQL dump (`wrangler d1 export`).
    Sql(PathBuf),
}

/// Progress for a person watching: on stderr, so stdout stays the result.
pub fn progress(what: &str) {
    eprintln!("[mizzle] {what}");
}

/// `mizzle pull`.
pub fn pull_command(root: &Path, source: Source, force: bool, dry_run: bool) -> Result<(), String> {
    let conn = match &source {
        Source::Sqlite(file) => {
            progress(&format!("reading {}", file.display()));
            Connection::open_with_flags(
                file,
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .and_then(|c| {
                c.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
                Ok(c)
            })
            .map_err(|e| {
                format!(
                    "error: cannot read {} as a SQLite database: {e}",
                    file.display()
                )
            })?
        }
        Source::Sql(file) => {
            progress(&format!("running {} in memory", file.display()));
            let text = std::fs::read_to_string(file)
                .map_err(|e| format!("error: cannot read {}: {e}", file.display()))?;
            load_dump(&text, &file.display().to_string())?
        }
        Source::Local => {
            let dump = export_local(root)?;
            load_dump(&dump, "the local D1's export")?
        }
    };
    let pulled = pull::pull(&conn, &Hints::default())
        .map_err(|e| format!("error: cannot read the database's catalog: {e}"))?;
    if pulled.files.is_empty() {
        return Err("error: the database has no tables to pull".into());
    }
    // A project without migrations gets the database's own DDL as its first one, so the
    // next build does not write a CREATE TABLE for tables the database already has.
    let mut pulled = pulled;
    let merged = if force {
        None
    } else {
        merge_existing(root, &mut pulled)?
    };
    let schema = load_pulled(root, &pulled, merged.is_some())?;
    let dir_name = schema.settings.migrations_dir.clone();
    let has_migrations = migrate::read_migrations(&root.join(&dir_name), &dir_name)
        .map(|m| !m.is_empty())
        .unwrap_or(true);
    let baseline = if has_migrations {
        Vec::new()
    } else {
        let sql = pull::baseline_sql(&conn)
            .map_err(|e| format!("error: cannot read the database's catalog: {e}"))?;
        vec![("0001_baseline.sql".to_owned(), sql)]
    };
    print_merged(&merged);
    finish(
        root,
        pulled,
        &schema,
        baseline,
        force || merged.is_some(),
        dry_run,
    )?;
    if dry_run {
        return Ok(());
    }
    let plan = mizzle_build::Config::new()
        .manifest_dir(root)
        .cargo_directives(false)
        .preview();
    let plan = match plan {
        Ok(plan) => plan,
        Err(report) => {
            println!(
                "the next `cargo build` stops until the noted differences are settled (edit schema/ or allow them):\n{report}"
            );
            return Ok(());
        }
    };
    match &plan.new_file {
        None => println!(
            "the next `cargo build` writes no migration: {dir_name}/ already makes this database"
        ),
        Some((name, _)) => println!(
            "the next `cargo build` writes {dir_name}/{name}: {dir_name}/ does not make this database yet (`mizzle diff` shows it)"
        ),
    }
    Ok(())
}

/// The SQL of the local D1 the project's wrangler config names, without its rows.
fn export_local(root: &Path) -> Result<String, String> {
    let (config, d1) = project_d1(root)?;
    let binding = d1.binding;
    progress(&format!(
        "exporting the local D1 `{binding}` with wrangler (schema only)"
    ));
    let out = std::env::temp_dir().join(format!("mizzle-pull-{}.sql", std::process::id()));
    let wrangler = crate::wrangler_bin(root);
    let result = crate::wrangler_command(&wrangler, root)
        .args(["d1", "export", &binding, "--local", "--no-data", "--output"])
        .arg(&out)
        .args(["--config", &config])
        .env("CI", "true")
        .output()
        .map_err(|e| format!("error: cannot run wrangler: {e}"))?;
    let text = std::fs::read_to_string(&out);
    let _ = std::fs::remove_file(&out);
    match (result.status.success(), text) {
        (true, Ok(t)) => Ok(t),
        (_, _) => Err(format!(
            "error: `wrangler d1 export {binding} --local` failed:\n{}{}\nhelp: has the local D1 been created? `mizzle dev` (or `wrangler d1 migrations apply {binding} --local`) creates it",
            String::from_utf8_lossy(&result.stdout),
            String::from_utf8_lossy(&result.stderr)
        )),
    }
}

/// The project's D1 database as its wrangler config declares it, and the config file: the
/// binding of schema/mizzle.toml, else the config's only D1 database.
fn project_d1(root: &Path) -> Result<(String, mizzle_build::wrangler::D1Binding), String> {
    let settings = mizzle_build::Config::new()
        .manifest_dir(root)
        .cargo_directives(false)
        .load()
        .map(|l| l.schema.settings)
        .unwrap_or_default();
    let file = mizzle_build::wrangler::config_file(root, &settings)
        .map_err(|e| e.into_iter().map(|d| d.message).collect::<Vec<_>>().join("\n"))?
        .ok_or("error: no wrangler.jsonc (or wrangler.json / wrangler.toml) in the project: `--local` reads the D1 database it names")?;
    let config = mizzle_build::wrangler::read_config(root, &file)?;
    let mut bindings = mizzle_build::wrangler::d1_bindings(&config);
    let at = match bindings.iter().position(|b| b.binding == settings.binding) {
        Some(at) => at,
        None if bindings.len() == 1 => 0,
        None => {
            let names: Vec<&str> = bindings.iter().map(|b| b.binding.as_str()).collect();
            return Err(format!(
                "error: {file} has no D1 database with binding `{}` (it has: {})",
                settings.binding,
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                }
            ));
        }
    };
    Ok((file, bindings.swap_remove(at)))
}

/// Runs an SQL dump in a fresh in-memory database (foreign keys off: a dump's rows come in
/// table order, not parent-first).
fn load_dump(text: &str, shown: &str) -> Result<Connection, String> {
    let mut conn = Connection::open_in_memory().map_err(|e| e.to_string())?;
    conn.pragma_update(None, "foreign_keys", false)
        .map_err(|e| e.to_string())?;
    replay::run_sql(&mut conn, text)
        .map_err(|(what, stmt)| format!("error: {shown} does not run: {what}\n  in: {stmt}"))?;
    Ok(conn)
}

/// Checks the pulled files the way the build reads them, prints what they could not keep,
/// and writes them (and `extra` migration files) unless `dry_run`.
fn finish(
    root: &Path,
    pulled: Pulled,
    schema: &mizzle_build::ir::Schema,
    migrations: Vec<(String, String)>,
    force: bool,
    dry_run: bool,
) -> Result<(), String> {
    let schema_dir = root.join("schema");
    let differences = pull::verify_schema(&pulled, schema);
    if !differences.is_empty() {
        let mut msg = String::from(
            "error: the schema files pulled from this database would not build it exactly, so none were written:\n",
        );
        for d in &differences {
            msg.push_str(&format!("  - {d}\n"));
        }
        msg.push_str("help: this is a gap in `mizzle pull`; please report it with the CREATE statements above");
        return Err(msg);
    }
    for n in &pulled.notes {
        eprintln!("note: {n}");
    }
    let migrations_dir = &schema.settings.migrations_dir;
    if dry_run {
        for (name, text) in &pulled.files {
            println!("# schema/{name}\n{text}");
        }
        for (name, _) in &migrations {
            println!("# would copy {name}");
        }
        return Ok(());
    }
    // Refuse to mix with a schema already there, unless asked to replace it.
    let existing: Vec<PathBuf> = std::fs::read_dir(&schema_dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.extension().is_some_and(|x| x == "toml") && !p.ends_with("mizzle.toml")
                })
                .collect()
        })
        .unwrap_or_default();
    if !existing.is_empty() && !force {
        return Err(format!(
            "error: schema/ already has {} table file(s); nothing was written\nhelp: `--force` replaces them (schema/mizzle.toml is kept), or `--dry-run` prints what would be written",
            existing.len()
        ));
    }
    let mdir = root.join(migrations_dir);
    for (name, text) in &migrations {
        if let Ok(there) = std::fs::read_to_string(mdir.join(name))
            && there != *text
        {
            return Err(format!(
                "error: {migrations_dir}/{name} exists with other content; nothing was written"
            ));
        }
    }
    if !migrations.is_empty() {
        let others: Vec<String> = migrate::read_migrations(&mdir, migrations_dir)
            .unwrap_or_default()
            .into_iter()
            .map(|m| m.file_name)
            .filter(|n| !migrations.iter().any(|(m, _)| m == n))
            .collect();
        if !others.is_empty() {
            return Err(format!(
                "error: {migrations_dir}/ already has other migrations ({}); nothing was written\nhelp: import into a project whose {migrations_dir}/ is empty",
                others.join(", ")
            ));
        }
    }
    std::fs::create_dir_all(&schema_dir)
        .map_err(|e| format!("error: cannot create schema/: {e}"))?;
    let lock = migrate::DirLock::acquire(&schema_dir)
        .map_err(|e| format!("error: cannot lock schema/: {e}"))?;
    for (name, text) in &pulled.files {
        migrate::write_atomic(&schema_dir, name, text)
            .map_err(|e| format!("error: cannot write schema/{name}: {e}"))?;
        println!("wrote schema/{name}");
    }
    for stale in existing {
        let name = stale.file_name().map(|n| n.to_string_lossy().into_owned());
        if !pulled.files.iter().any(|(n, _)| Some(n) == name.as_ref()) {
            std::fs::remove_file(&stale)
                .map_err(|e| format!("error: cannot remove {}: {e}", stale.display()))?;
            println!(
                "removed {} (no such table in the database)",
                stale.display()
            );
        }
    }
    drop(lock);
    if !migrations.is_empty() {
        std::fs::create_dir_all(&mdir)
            .map_err(|e| format!("error: cannot create {migrations_dir}/: {e}"))?;
        let lock = migrate::DirLock::acquire(&mdir)
            .map_err(|e| format!("error: cannot lock {migrations_dir}/: {e}"))?;
        for (name, text) in &migrations {
            migrate::write_atomic(&mdir, name, text)
                .map_err(|e| format!("error: cannot write {migrations_dir}/{name}: {e}"))?;
            println!("wrote {migrations_dir}/{name}");
        }
        drop(lock);
    }
    Ok(())
}

/// The pulled files read as the build will read them, with the project's
/// schema/mizzle.toml (unless the pull writes one): the schema to check them against and
/// the settings they will run under.
fn load_pulled(
    root: &Path,
    pulled: &Pulled,
    merged: bool,
) -> Result<mizzle_build::ir::Schema, String> {
    let schema_dir = root.join("schema");
    let mut files: Vec<(PathBuf, String)> = pulled
        .files
        .iter()
        .map(|(n, t)| (schema_dir.join(n), t.clone()))
        .collect();
    let written = pulled.files.iter().any(|(n, _)| n == "mizzle.toml");
    if let (false, Ok(t)) = (
        written,
        std::fs::read_to_string(schema_dir.join("mizzle.toml")),
    ) {
        files.push((schema_dir.join("mizzle.toml"), t));
    }
    mizzle_build::Config::new()
        .manifest_dir(root)
        .cargo_directives(false)
        .load_files(files)
        .map(|l| l.schema)
        .map_err(|report| {
            if merged {
                format!(
                    "error: schema/, merged with the database, does not build, so nothing was written:\n{report}\nhelp: the error is in what the merge kept of your edits: fix schema/ and run it again, or `--force` replaces the files with the database's"
                )
            } else {
                format!(
                    "error: the schema files pulled from this database do not build, so none were written:\n{report}\nhelp: this is a gap in `mizzle pull`; please report it with the CREATE statements above"
                )
            }
        })
}

/// What `mizzle import-drizzle` is asked.
pub struct ImportOptions {
    /// drizzle-kit's `out` folder.
    pub dir: PathBuf,
    /// Schema files, folders or globs given on the command line (else the config's).
    pub schemas: Vec<String>,
    /// Replace schema/'s table files.
    pub force: bool,
    /// Print instead of writing.
    pub dry_run: bool,
    /// Refuse when anything is not carried over.
    pub strict: bool,
}

/// `mizzle import-drizzle DIR`.
pub fn import_drizzle(root: &Path, opts: ImportOptions) -> Result<(), String> {
    use mizzle_build::drizzle::{self, Layout};
    let dir = opts.dir.as_path();
    let folder = drizzle::read_migrations(dir).map_err(|e| format!("error: {e}"))?;
    progress(&format!(
        "replaying {} drizzle-kit migration(s) from {} ({})",
        folder.migrations.len(),
        dir.display(),
        match folder.layout {
            Layout::Journal => "meta/_journal.json layout",
            Layout::PerFolder => "one folder per migration, drizzle-kit 1.x",
        }
    ));
    let mut conn = replay::open();
    for m in &folder.migrations {
        replay::run_sql(&mut conn, &m.sql).map_err(|(what, stmt)| {
            format!(
                "error: {}/{} does not apply: {what}\n  in: {stmt}",
                dir.display(),
                m.source
            )
        })?;
    }
    let shape = replay::introspect(&conn)
        .map_err(|e| format!("error: cannot read the replayed database: {e}"))?;

    // The TypeScript: the files given, or those the drizzle config names.
    let config = find_config(dir, root)?;
    let casing = config.as_ref().map(|c| c.casing).unwrap_or_default();
    let mut warnings = Vec::new();
    let files = if !opts.schemas.is_empty() {
        let (files, notes) = drizzle::config::expand(root, &opts.schemas);
        warnings.extend(notes);
        files
    } else if let Some(c) = &config {
        if c.dialect
            .as_deref()
            .is_some_and(|d| d != "sqlite" && d != "turso")
        {
            return Err(format!(
                "error: {} is for `{}`; D1 is SQLite (`dialect: \"sqlite\"`)",
                c.file.display(),
                c.dialect.as_deref().unwrap_or("")
            ));
        }
        let (files, notes) = c.schema_files();
        warnings.extend(notes);
        files
    } else {
        Vec::new()
    };
    let ts = if files.is_empty() {
        warnings.push("no drizzle schema (TypeScript) found: no drizzle.config.* in the project or above the migrations folder, and no `--schema`; booleans, timestamps, JSON and text enums come out as integer and text columns. Pass `--schema src/db/schema.ts` (a file, folder or glob) to read their modes".to_owned());
        drizzle::ts::TsSchema::default()
    } else {
        let ts = drizzle::ts::read_schema(&files, root);
        progress(&format!(
            "read {} TypeScript file(s): {}",
            ts.files.len(),
            ts.files.join(", ")
        ));
        ts
    };
    let analysis = drizzle::analyse(&ts, casing, &conn)
        .map_err(|e| format!("error: cannot read the replayed database: {e}"))?;
    warnings.extend(analysis.warnings.iter().cloned());
    if let Some(snapshot) = drizzle::snapshot_columns(dir, folder.layout) {
        for (table, columns) in snapshot {
            match shape.tables.get(&table) {
                None => warnings.push(format!("the newest snapshot has table `{table}`, which the SQL files do not create (were they edited?); schema/ follows the SQL")),
                Some(t) => {
                    for c in columns.iter().filter(|c| t.column(c).is_none()) {
                        warnings.push(format!("the newest snapshot has `{table}.{c}`, which the SQL files do not create; schema/ follows the SQL"));
                    }
                }
            }
        }
    }
    let mut pulled = pull::pull(&conn, &analysis.hints)
        .map_err(|e| format!("error: cannot read the replayed database: {e}"))?;

    // Where the history stays. The journal layout: when wrangler already applies the
    // drizzle folder (how drizzle-kit projects on D1 are set up), mizzle uses that folder as
    // it is; otherwise the files are copied, byte for byte, into mizzle's migrations folder.
    // The per-folder layout is always copied (wrangler 4.86 reads only the .sql files at the
    // top of migrations_dir, so it has never applied these folders).
    let relative =
        mizzle_build::wrangler::normalise(&dir.strip_prefix(root).unwrap_or(dir).to_string_lossy());
    let wrangler_dir = project_d1(root)
        .ok()
        .map(|(_, d1)| mizzle_build::wrangler::normalise(&d1.migrations_dir));
    let in_place =
        folder.layout == Layout::Journal && wrangler_dir.as_deref() == Some(relative.as_str());
    let files: Vec<(String, String)> = if in_place {
        progress(&format!(
            "wrangler applies {relative}/ already: it stays the migrations folder (nothing copied)"
        ));
        if !root.join("schema/mizzle.toml").exists() {
            pulled.files.push((
                "mizzle.toml".to_owned(),
                format!(
                    "# mizzle's settings. The migration history is drizzle-kit's folder, which wrangler\n# applies; mizzle adds its migrations there.\nmigrations_dir = \"{relative}\"\n"
                ),
            ));
        }
        Vec::new()
    } else {
        folder
            .migrations
            .iter()
            .map(|m| (m.file_name.clone(), m.sql.clone()))
            .collect()
    };
    // The point of keeping the history: the next build has nothing to add. Checked on a
    // copy of the history as mizzle will have it, before anything is written.
    // A fresh `mizzle new` project: its untouched starter tables and code make way. A
    // schema/ of your own (an earlier import you have edited) is merged: what the history
    // says is updated, what it cannot say is kept.
    let starter = crate::scaffold::starter(root);
    let merged = match &starter {
        crate::scaffold::Starter::Untouched(_) => None,
        crate::scaffold::Starter::Edited(files) if !opts.force => {
            return Err(format!(
                "error: schema/ has the starter tables of `mizzle new`, and {} changed since; nothing was written\nhelp: `--force` replaces the table files (your code stays as it is), or `--dry-run` prints what would be written",
                files.join(", ")
            ));
        }
        _ if opts.force => None,
        _ => merge_existing(root, &mut pulled)?,
    };
    let schema = load_pulled(root, &pulled, merged.is_some())?;
    let dir_name = schema.settings.migrations_dir.clone();
    if in_place && dir_name != relative {
        return Err(format!(
            "error: schema/mizzle.toml says `migrations_dir = \"{dir_name}\"`, but wrangler applies {relative}/; nothing was written\nhelp: set `migrations_dir = \"{relative}\"` in schema/mizzle.toml"
        ));
    }
    let staged = tempfile_dir()?;
    for (name, text) in &files {
        std::fs::write(staged.join(name), text)
            .map_err(|e| format!("error: cannot stage {name}: {e}"))?;
    }
    let plan_dir = if in_place {
        dir.to_path_buf()
    } else {
        staged.clone()
    };
    let plan = mizzle_build::migrate::plan(
        &schema,
        &plan_dir,
        &relative,
        &mizzle_build::migrate::Allow::default(),
        None,
    );
    let _ = std::fs::remove_dir_all(&staged);
    let plan = plan.map_err(|errs| {
        errs.into_iter()
            .map(|d| format!("error: {}", d.message))
            .collect::<Vec<_>>()
            .join("\n")
    })?;
    if let Some((name, text)) = &plan.new_file {
        return Err(format!(
            "error: the schema read from the drizzle history does not match it (the next build would write {name}); nothing was written:\n{text}\nhelp: this is a gap in `mizzle import-drizzle`; please report it with the drizzle folder"
        ));
    }
    warnings.append(&mut pulled.notes);
    println!("{}", analysis.render().trim_end());
    if !warnings.is_empty() {
        println!(
            "\n{} warning(s): what was not carried over, each with what to do",
            warnings.len()
        );
        for w in &warnings {
            println!("  warning: {w}");
        }
    }
    if opts.strict && !warnings.is_empty() {
        return Err(format!(
            "error: --strict: {} warning(s) above; nothing was written",
            warnings.len()
        ));
    }
    let force =
        opts.force || merged.is_some() || matches!(starter, crate::scaffold::Starter::Untouched(_));
    print_merged(&merged);
    finish(root, pulled, &schema, files, force, opts.dry_run)?;
    if opts.dry_run {
        return Ok(());
    }
    if let crate::scaffold::Starter::Untouched(name) = &starter {
        let code = crate::scaffold::replace_starter_code(root, name)?;
        println!(
            "replaced the untouched starter of `mizzle new`: its tables (schema/users.toml, schema/tasks.toml) and the code written for them ({})",
            code.join(", ")
        );
        if let Some(d1) = drizzle_d1(dir) {
            adopt_binding(root, name, &d1)?;
        }
    }
    println!("imported: the next `cargo build` writes no migration");
    if folder.layout == Layout::PerFolder {
        let names: Vec<String> = folder
            .migrations
            .iter()
            .map(|m| format!("('{}')", m.file_name))
            .collect();
        let binding = project_d1(root)
            .map(|(_, d)| d.binding)
            .unwrap_or_else(|_| "DB".into());
        println!(
            "drizzle-kit 1.x's folders were copied as {dir_name}/{}..{} (drizzle-kit's order). wrangler never applied them (it reads only the .sql files at the top of migrations_dir), so a database they made through `drizzle-kit migrate` or drizzle-orm's migrate() has no row for them in wrangler's ledger. Record them once per such database before its next `mizzle migrate`:\n  npx wrangler d1 execute {binding} --remote --command \"CREATE TABLE IF NOT EXISTS d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL); INSERT OR IGNORE INTO d1_migrations (name) VALUES {};\"\n(`--local` for the local one; a new database needs nothing)",
            folder
                .migrations
                .first()
                .map(|m| m.file_name.as_str())
                .unwrap_or(""),
            folder
                .migrations
                .last()
                .map(|m| m.file_name.as_str())
                .unwrap_or(""),
            names.join(", ")
        );
    }
    if !in_place && wrangler_dir.as_deref() != Some(dir_name.as_str()) {
        println!(
            "next: set `migrations_dir = \"{dir_name}\"` for the D1 database in wrangler's config (the build checks it); `mizzle status` then lists what the local D1 has applied"
        );
    }
    Ok(())
}

/// A fresh scratch folder.
fn tempfile_dir() -> Result<PathBuf, String> {
    let d = std::env::temp_dir().join(format!(
        "mizzle-import-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    std::fs::create_dir_all(&d)
        .map_err(|e| format!("error: cannot create {}: {e}", d.display()))?;
    Ok(d)
}

/// The drizzle config: in the project, else in the migrations folder's parent and its
/// ancestors (a monorepo's app folder).
fn find_config(
    dir: &Path,
    root: &Path,
) -> Result<Option<mizzle_build::drizzle::config::DrizzleConfig>, String> {
    use mizzle_build::drizzle::config;
    let mut places = vec![root.to_path_buf()];
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    places.extend(dir.ancestors().skip(1).map(Path::to_path_buf));
    for place in places {
        if let Some(f) = config::find_in(&place) {
            progress(&format!("found {}", f.display()));
            return config::read(&f)
                .map(Some)
                .map_err(|e| format!("error: {e}"));
        }
    }
    Ok(None)
}

/// The D1 database the drizzle project's wrangler config declares (the config in the
/// migrations folder's parent or above): (file, binding, database_name, database_id).
fn drizzle_d1(dir: &Path) -> Option<(PathBuf, String, Option<String>, Option<String>)> {
    use mizzle_build::wrangler;
    let dir = std::fs::canonicalize(dir).ok()?;
    let (place, name) = dir.ancestors().skip(1).find_map(|place| {
        let name = wrangler::config_file(place, &Default::default()).ok()??;
        Some((place, name))
    })?;
    let config = wrangler::read_config(place, &name).ok()?;
    let d1 = wrangler::d1_bindings(&config).into_iter().next()?;
    // The id is not part of a binding as the build checks it; read it beside.
    let id = config
        .get("d1_databases")?
        .as_array()?
        .first()?
        .get("database_id")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    Some((place.join(&name), d1.binding, d1.database_name, id))
}

/// Gives a fresh project the drizzle project's D1 binding, database name and id (in
/// wrangler.jsonc and schema/mizzle.toml, which must agree).
fn adopt_binding(
    root: &Path,
    name: &str,
    (file, binding, database, id): &(PathBuf, String, Option<String>, Option<String>),
) -> Result<(), String> {
    let wrangler = std::fs::read_to_string(root.join("wrangler.jsonc"))
        .map_err(|e| format!("error: cannot read wrangler.jsonc: {e}"))?;
    let mut new = wrangler.replace("\"binding\": \"DB\"", &format!("\"binding\": {binding:?}"));
    if let Some(db) = database {
        new = new.replace(
            &format!("\"database_name\": \"{name}\""),
            &format!("\"database_name\": {db:?}"),
        );
    }
    if let Some(id) = id {
        new = new.replace(
            "\"database_id\": \"00000000-0000-0000-0000-000000000000\"",
            &format!("\"database_id\": {id:?}"),
        );
    }
    let settings = std::fs::read_to_string(root.join("schema/mizzle.toml"))
        .map_err(|e| format!("error: cannot read schema/mizzle.toml: {e}"))?;
    let settings = settings.replace("binding = \"DB\"", &format!("binding = {binding:?}"));
    migrate::write_atomic(root, "wrangler.jsonc", &new)
        .map_err(|e| format!("error: cannot write wrangler.jsonc: {e}"))?;
    migrate::write_atomic(&root.join("schema"), "mizzle.toml", &settings)
        .map_err(|e| format!("error: cannot write schema/mizzle.toml: {e}"))?;
    println!(
        "took the D1 database from {}: binding `{binding}`{}{}",
        file.display(),
        database
            .as_ref()
            .map(|d| format!(", database `{d}`"))
            .unwrap_or_default(),
        id.as_ref().map(|i| format!(", id {i}")).unwrap_or_default()
    );
    Ok(())
}

/// What merging into schema/ changed, file by file.
type Merged = Vec<(String, Vec<String>)>;

/// A pull into a schema/ that has table files: each pulled table is merged into the file
/// that describes it (found by its table name, whatever the file is called), keeping what
/// the database cannot say. `None` when schema/ has no table files.
fn merge_existing(root: &Path, pulled: &mut Pulled) -> Result<Option<Merged>, String> {
    let schema_dir = root.join("schema");
    let mut existing: Vec<(String, String, String)> = Vec::new(); // (table, file, text)
    for e in std::fs::read_dir(&schema_dir)
        .into_iter()
        .flatten()
        .flatten()
    {
        let file = e.file_name().to_string_lossy().into_owned();
        if !file.ends_with(".toml") || file == "mizzle.toml" {
            continue;
        }
        let text = std::fs::read_to_string(e.path())
            .map_err(|err| format!("error: cannot read schema/{file}: {err}"))?;
        existing.push((table_of(&file, &text), file, text));
    }
    if existing.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::new();
    let mut files = Vec::new();
    for (name, text) in std::mem::take(&mut pulled.files) {
        if name == "mizzle.toml" {
            files.push((name, text));
            continue;
        }
        let table = table_of(&name, &text);
        match existing.iter().find(|(t, ..)| *t == table) {
            Some((_, file, old)) => {
                let (merged, changes) = crate::merge::merge(old, &text).map_err(|e| {
                    format!("error: schema/{file} cannot be merged with the database: {e}; nothing was written\nhelp: fix it, or `--force` replaces it")
                })?;
                out.push((file.clone(), changes));
                files.push((file.clone(), merged));
            }
            None => {
                out.push((name.clone(), vec!["new table".to_owned()]));
                files.push((name, text));
            }
        }
    }
    pulled.files = files;
    Ok(Some(out))
}

/// The SQL table a schema file describes: its `table` key, else its stem.
fn table_of(file: &str, text: &str) -> String {
    text.parse::<toml_edit::DocumentMut>()
        .ok()
        .and_then(|d| d.get("table").and_then(|t| t.as_str()).map(str::to_owned))
        .unwrap_or_else(|| file.trim_end_matches(".toml").to_owned())
}

fn print_merged(merged: &Option<Merged>) {
    let Some(merged) = merged else { return };
    println!(
        "merged into your schema/ (what the database says is updated; your names, docs, types and other edits are kept):"
    );
    for (file, changes) in merged {
        if changes.is_empty() {
            println!("  schema/{file}: unchanged");
        } else {
            println!("  schema/{file}:");
            for c in changes {
                println!("    {c}");
            }
        }
    }
}
