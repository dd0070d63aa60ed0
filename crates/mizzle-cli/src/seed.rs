//! `mizzle seed` and `mizzle reset`: seed data from the schema into a SQLite file, the local
//! D1, or (explicitly, after a confirmation) the remote one; and the local D1 started over.
//!
//! The rows come from the runtime's generator (`mizzle::seed`), with the spec the build
//! writes (`mizzle_build::seed::spec`), so `mizzle seed` and the generated `seed()` make
//! the same rows. For D1, the rows are made and checked (every CHECK, unique set and
//! foreign key) in an in-memory SQLite built from migrations/, then sent as one SQL file
//! through `wrangler d1 execute --file`: local D1 applies a file as one transaction
//! (measured: a failing statement leaves nothing of the file), so the seed is all or nothing.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use mizzle::seed::{Data, Seed};
use mizzle::{Db, Limits, Value};

/// Where seed data goes.
pub enum Dest {
    /// A SQLite file (created and migrated when needed).
    Sqlite(PathBuf),
    /// The local D1 `wrangler dev` uses.
    Local,
    /// The remote D1, confirmed by typing its binding, or by `--confirm BINDING`.
    Remote { confirm: Option<String> },
}

/// The SQLite executor's futures finish on their first poll: no async runtime needed.
fn now<T>(f: impl Future<Output = T>) -> Result<T, String> {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => Ok(v),
        Poll::Pending => Err("the SQLite executor did not finish at once".into()),
    }
}

/// What seeding needs of the project: its settings, seed spec and migrations.
struct Seeding {
    p: crate::Project,
    spec: mizzle::seed::Spec,
    migrations: Vec<(String, String)>,
}

fn project(root: &Path) -> Result<Seeding, String> {
    let p = crate::load(root)?;
    let spec = mizzle::seed::parse_spec(&mizzle_build::seed::spec(&p.schema).to_string())
        .map_err(|e| format!("error: {e}"))?;
    let migrations = p
        .migrations
        .iter()
        .map(|m| (m.file_name.clone(), m.sql.clone()))
        .collect();
    Ok(Seeding {
        p,
        spec,
        migrations,
    })
}

/// A database with `migrations` applied (wrangler's ledger, as on D1).
fn migrated(
    conn: rusqlite::Connection,
    migrations: &[(String, String)],
) -> Result<Db<mizzle::sqlite::SqliteExecutor>, String> {
    let exec = mizzle::sqlite::SqliteExecutor::new(conn).map_err(|e| format!("error: {e}"))?;
    let list: Vec<(&str, &str)> = migrations
        .iter()
        .map(|(n, s)| (n.as_str(), s.as_str()))
        .collect();
    exec.apply_migrations(&list).map_err(|e| {
        format!("error: {e}\n(seed applies migrations/ to the database first, recording them in d1_migrations as wrangler does; a database migrated by other means must be seeded another way)")
    })?;
    Ok(Db::new(exec).with_limits(Limits::D1))
}

fn print_report(tables: &[(String, usize)], notes: &[String], place: &str) {
    let total: usize = tables.iter().map(|(_, n)| n).sum();
    println!("seeded {place}: {total} rows");
    for (t, n) in tables {
        println!("  {t:<24} {n}");
    }
    for n in notes {
        println!("note: {n}");
    }
}

/// `mizzle seed`.
pub fn seed(root: &Path, seed: Seed, into: Dest) -> Result<(), String> {
    let s = project(root)?;
    match into {
        Dest::Sqlite(file) => {
            let conn = rusqlite::Connection::open(&file)
                .map_err(|e| format!("error: cannot open {}: {e}", file.display()))?;
            let db = migrated(conn, &s.migrations)?;
            let report =
                now(mizzle::seed::run(&db, &s.spec, &seed))?.map_err(|e| format!("error: {e}"))?;
            print_report(&report.tables, &report.notes, &file.display().to_string());
            Ok(())
        }
        Dest::Local => to_d1(&s, seed, "--local"),
        Dest::Remote { confirm } => {
            no_d1(&s.p)?;
            confirm_remote(&s.p.binding, confirm.as_deref(), "seed")?;
            to_d1(&s, seed, "--remote")
        }
    }
}

/// Asks for the binding's name before writing to the remote database (or takes it from
/// `--confirm`); refuses without one.
pub fn confirm_remote(binding: &str, given: Option<&str>, what: &str) -> Result<(), String> {
    if let Some(g) = given {
        return if g == binding {
            Ok(())
        } else {
            Err(format!(
                "error: --confirm {g} does not name this project's database `{binding}`"
            ))
        };
    }
    if !std::io::stdin().is_terminal() {
        return Err(format!(
            "error: {what} writes to the REMOTE database `{binding}`: confirm with --confirm {binding}"
        ));
    }
    print!(
        "This writes to the REMOTE (production) D1 database `{binding}`. Type its name to go on: "
    );
    std::io::stdout().flush().ok();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).ok();
    if line.trim() == binding {
        Ok(())
    } else {
        Err("not confirmed: nothing was written".into())
    }
}

/// Seeds a D1 database (`--local` or `--remote`) through wrangler.
fn to_d1(s: &Seeding, seed: Seed, where_: &str) -> Result<(), String> {
    let (p, spec, root) = (&s.p, &s.spec, s.p.root.as_path());
    no_d1(p)?;
    let wrangler = crate::wrangler_bin(root);
    // Seeding appends to nothing: the tables must be empty there (and exist: migrated).
    // One row, a column per table (D1 refuses a compound SELECT of more than five terms);
    // EXISTS reads one row of each, where count(*) would read (and bill) them all.
    let probe = format!(
        "SELECT {}",
        spec.tables
            .iter()
            .enumerate()
            .map(|(i, t)| format!(
                "EXISTS (SELECT 1 FROM {}) AS \"{i}\"",
                mizzle::quote_ident(&t.name)
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let rows = crate::d1_json(&wrangler, p, &p.binding, where_, &probe).map_err(|e| {
        format!(
            "error: {e}\n(is the {where_} database migrated? run `mizzle migrate {where_}` first)"
        )
    })?;
    let full: Vec<String> = spec
        .tables
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            rows.first()
                .and_then(|r| r[i.to_string()].as_i64())
                .unwrap_or(0)
                > 0
        })
        .map(|(_, t)| format!("`{}`", t.name))
        .collect();
    if !full.is_empty() {
        return Err(format!(
            "error: seed fills empty tables, and {} already have rows in the {where_} database (the same seed must give the same rows): start over with `mizzle reset --local --seed N`, or delete those rows",
            full.join(", ")
        ));
    }
    let (data, sql) = made(spec, &s.migrations, seed)?;
    let file = std::env::temp_dir().join(format!(
        "mizzle-seed-{}-{}.sql",
        std::process::id(),
        seed.seed
    ));
    std::fs::write(&file, &sql)
        .map_err(|e| format!("error: cannot write {}: {e}", file.display()))?;
    let shown = format!(
        "{} d1 execute {} {where_} --file {}",
        wrangler.join(" "),
        p.binding,
        file.display()
    );
    println!("running: {shown}");
    let status = quiet(
        crate::wrangler_command(&wrangler, root)
            .args(["d1", "execute", &p.binding, where_, "--file"])
            .arg(&file)
            .env("CI", "true"),
    );
    let _ = std::fs::remove_file(&file);
    match status {
        Ok(true) => {
            let tables: Vec<(String, usize)> = data
                .tables
                .iter()
                .map(|t| (t.table.clone(), t.rows.len()))
                .collect();
            print_report(
                &tables,
                &data.notes,
                &format!("the {} D1 `{}`", where_.trim_start_matches('-'), p.binding),
            );
            Ok(())
        }
        Ok(_) => Err(format!(
            "error: wrangler failed ({shown}); nothing was seeded (the file is one transaction)"
        )),
        Err(e) => Err(format!("error: cannot run wrangler ({shown}): {e}")),
    }
}

/// The rows of `seed`, made and checked in an in-memory SQLite migrated like the target,
/// and the SQL that writes them (literals, statements under D1's size limit). The SQL is
/// run there too, and its foreign keys checked, before it goes anywhere.
pub fn made(
    spec: &mizzle::seed::Spec,
    migrations: &[(String, String)],
    seed: Seed,
) -> Result<(Data, String), String> {
    let conn = rusqlite::Connection::open_in_memory().map_err(|e| e.to_string())?;
    let db = migrated(conn, migrations)?;
    let data = now(mizzle::seed::data(&db, spec, &seed))?.map_err(|e| format!("error: {e}"))?;
    let sql = sql_text(&data);
    let conn = db.executor().lock();
    conn.execute_batch(&format!("BEGIN;\n{sql}COMMIT;"))
        .map_err(|e| format!("error: the seed's SQL failed in SQLite: {e}"))?;
    let broken: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .map_err(|e| e.to_string())?;
    if broken > 0 {
        return Err(format!(
            "error: the seed would leave {broken} foreign key(s) naming no row (a bug in mizzle's seed: please report it)"
        ));
    }
    Ok((data, sql))
}

/// An SQL literal for `v`.
fn literal(v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Integer(i) => i.to_string(),
        Value::Real(r) if r.is_finite() => {
            let s = format!("{r:?}");
            if s.contains(['.', 'e', 'E']) {
                s
            } else {
                format!("{s}.0")
            }
        }
        Value::Real(_) => "NULL".into(),
        Value::Text(t) => format!("'{}'", t.replace('\'', "''")),
        Value::Blob(b) => {
            let hex: String = b.iter().map(|x| format!("{x:02X}")).collect();
            format!("X'{hex}'")
        }
    }
}

/// `data` as SQL statements with literals: multi-row inserts of at most ~90 KB each (D1
/// refuses a statement over 100 KB), then the fills.
pub fn sql_text(data: &Data) -> String {
    const MAX: usize = 90_000;
    let mut out = String::new();
    for t in &data.tables {
        if t.rows.is_empty() {
            continue;
        }
        let head = if t.columns.is_empty() {
            format!(
                "INSERT INTO {} DEFAULT VALUES",
                mizzle::quote_ident(&t.table)
            )
        } else {
            format!(
                "INSERT INTO {} ({}) VALUES ",
                mizzle::quote_ident(&t.table),
                t.columns
                    .iter()
                    .map(|c| mizzle::quote_ident(c))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        if t.columns.is_empty() {
            for _ in &t.rows {
                out.push_str(&head);
                out.push_str(";\n");
            }
            continue;
        }
        let mut stmt = String::new();
        for row in &t.rows {
            let values = format!(
                "({})",
                row.iter().map(literal).collect::<Vec<_>>().join(", ")
            );
            if !stmt.is_empty() && stmt.len() + values.len() + 2 > MAX {
                out.push_str(&stmt);
                out.push_str(";\n");
                stmt.clear();
            }
            if stmt.is_empty() {
                stmt.push_str(&head);
            } else {
                stmt.push_str(", ");
            }
            stmt.push_str(&values);
        }
        out.push_str(&stmt);
        out.push_str(";\n");
    }
    for f in &data.fills {
        out.push_str(&format!(
            "UPDATE {t} SET {} = {} WHERE {t}.{} = {};\n",
            mizzle::quote_ident(&f.column),
            literal(&f.value),
            mizzle::quote_ident(&f.key_column),
            literal(&f.key),
            t = mizzle::quote_ident(&f.table),
        ));
    }
    out
}

/// `mizzle reset`: every table of the local D1 (or a SQLite file) dropped, migrations/
/// applied again, and seed data when `seed` is given. Never remote.
pub fn reset(root: &Path, sqlite: Option<PathBuf>, seed: Option<Seed>) -> Result<(), String> {
    let s = project(root)?;
    if let Some(file) = sqlite {
        {
            let conn = rusqlite::Connection::open(&file)
                .map_err(|e| format!("error: cannot open {}: {e}", file.display()))?;
            let names = user_objects(&conn)?;
            let mut sql = String::from("PRAGMA foreign_keys = OFF;\nBEGIN;\n");
            sql.push_str(&drops(&s.p.schema, &names));
            sql.push_str("COMMIT;\nPRAGMA foreign_keys = ON;\n");
            conn.execute_batch(&sql)
                .map_err(|e| format!("error: {e}"))?;
            println!(
                "dropped {} table(s) and view(s) of {}",
                names.len(),
                file.display()
            );
        }
        let conn = rusqlite::Connection::open(&file).map_err(|e| e.to_string())?;
        migrated(conn, &s.migrations)?;
        println!("applied {} migration(s)", s.migrations.len());
        return match seed {
            Some(s) => self::seed(root, s, Dest::Sqlite(file)),
            None => Ok(()),
        };
    }
    let p = &s.p;
    no_d1(p)?;
    let wrangler = crate::wrangler_bin(root);
    let rows = crate::d1_json(
        &wrangler,
        p,
        &p.binding,
        "--local",
        "SELECT type, name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
    )?;
    let names: Vec<(String, String)> = rows
        .iter()
        .filter_map(|r| {
            Some((
                r["type"].as_str()?.to_owned(),
                r["name"].as_str()?.to_owned(),
            ))
        })
        .collect();
    if !names.is_empty() {
        // Dropping a parent fires its ON DELETE actions and checks its children's keys:
        // deferred, the checks run at the end of the file's transaction, when every table
        // is gone.
        let sql = format!(
            "PRAGMA defer_foreign_keys = on;\n{}",
            drops(&p.schema, &names)
        );
        let file = std::env::temp_dir().join(format!("mizzle-reset-{}.sql", std::process::id()));
        std::fs::write(&file, sql).map_err(|e| format!("error: {e}"))?;
        let status = quiet(
            crate::wrangler_command(&wrangler, root)
                .args(["d1", "execute", &p.binding, "--local", "--file"])
                .arg(&file)
                .env("CI", "true"),
        );
        let _ = std::fs::remove_file(&file);
        if status != Ok(true) {
            return Err(
                "error: wrangler could not drop the local tables (above); nothing was dropped.\n\
                 a local database in a state its own foreign keys cannot be dropped from (a table \
                 referencing one that is gone) can be started over by removing .wrangler/state/v3/d1 \
                 (every local D1 database) and running `mizzle migrate --local`"
                    .into(),
            );
        }
        println!(
            "dropped {} table(s) and view(s) of the local D1 `{}`",
            names.len(),
            p.binding
        );
    }
    let applied = quiet(
        crate::wrangler_command(&wrangler, root)
            .args(["d1", "migrations", "apply", &p.binding, "--local"])
            .env("CI", "true"),
    )?;
    if !applied {
        return Err("error: wrangler d1 migrations apply --local failed".into());
    }
    println!("applied migrations/ to the local D1 `{}`", p.binding);
    match seed {
        Some(s) => self::seed(root, s, Dest::Local),
        None => Ok(()),
    }
}

/// Refuses a D1 target when the schema has no D1 database (Durable Objects only).
fn no_d1(p: &crate::Project) -> Result<(), String> {
    if p.d1 {
        return Ok(());
    }
    Err(
        "error: the schema's target is Durable Objects only: there is no D1 database here; \
         seed an object's database from inside it with `schema::seed(&db, &Seed::new(N))`, \
         or a SQLite file with --sqlite FILE"
            .into(),
    )
}

/// Runs a wrangler command, showing its output only when it fails: whether it succeeded.
fn quiet(cmd: &mut std::process::Command) -> Result<bool, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("error: cannot run wrangler: {e}"))?;
    if !out.status.success() {
        eprintln!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(out.status.success())
}

/// The tables and views of a SQLite database, but SQLite's and D1's own.
fn user_objects(conn: &rusqlite::Connection) -> Result<Vec<(String, String)>, String> {
    let mut stmt = conn
        .prepare("SELECT type, name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")
        .map_err(|e| e.to_string())?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(|e| e.to_string())?;
    rows.collect::<Result<_, _>>().map_err(|e| e.to_string())
}

/// `DROP VIEW …; DROP TABLE …;` for each: views first, then tables children first (a table
/// goes once no table left references it, by the schema's foreign keys: dropping a child
/// after its parent fails on D1, `no such table`), tables the schema does not know last.
fn drops(schema: &mizzle_build::ir::Schema, names: &[(String, String)]) -> String {
    let parents = |t: &str| -> Vec<String> {
        schema
            .table(t)
            .map(|x| {
                x.columns
                    .iter()
                    .filter_map(|c| c.references.as_ref().map(|f| f.table.clone()))
                    .filter(|p| p != t)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut left: Vec<&str> = names
        .iter()
        .filter(|(k, _)| k == "table")
        .map(|(_, n)| n.as_str())
        .collect();
    let mut order = Vec::new();
    while !left.is_empty() {
        let free = left
            .iter()
            .position(|t| {
                !left
                    .iter()
                    .any(|o| o != t && parents(o).iter().any(|p| p == t))
            })
            .unwrap_or(0);
        order.push(left.remove(free));
    }
    let mut sql = String::new();
    for (_, name) in names.iter().filter(|(k, _)| k == "view") {
        sql.push_str(&format!(
            "DROP VIEW IF EXISTS {};\n",
            mizzle::quote_ident(name)
        ));
    }
    // A self-reference's cascade runs as deep as its tree, and D1 stops a cascade after
    // about ten levels: flattened first, the trees go in one level.
    for t in order.iter().filter_map(|t| schema.table(t)) {
        for c in t
            .columns
            .iter()
            .filter(|c| c.nullable && c.references.as_ref().is_some_and(|f| f.table == t.name))
        {
            sql.push_str(&format!(
                "UPDATE {t} SET {c} = NULL WHERE {t}.{c} IS NOT NULL;\n",
                t = mizzle::quote_ident(&t.name),
                c = mizzle::quote_ident(&c.name)
            ));
        }
    }
    let known: Vec<&str> = order
        .iter()
        .copied()
        .filter(|t| schema.table(t).is_some())
        .collect();
    let unknown = order.iter().copied().filter(|t| schema.table(t).is_none());
    for t in known.into_iter().chain(unknown) {
        sql.push_str(&format!(
            "DROP TABLE IF EXISTS {};\n",
            mizzle::quote_ident(t)
        ));
    }
    sql
}
