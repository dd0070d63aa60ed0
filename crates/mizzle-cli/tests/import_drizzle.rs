//! `mizzle import-drizzle` on real drizzle-kit output: a TypeScript schema in two versions,
//! turned into migrations by drizzle-kit (pinned in package.json), rows stored by drizzle-orm
//! itself (its encoding of booleans, timestamps and JSON), then imported. The next build
//! writes nothing, and a crate on the imported schema reads drizzle's rows back as the same
//! values.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{build, mizzle, workspace};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/drizzle")
        .join(name)
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn drizzle_kit(project: &Path, name: &str) {
    run(
        Command::new(workspace().join("node_modules/.bin/drizzle-kit"))
            .args(["generate", "--name", name])
            .current_dir(project),
    );
}

/// A drizzle-kit project in a temp dir: the workspace's node_modules, drizzle.config.ts, and
/// the fixture `schema` as src/db/schema.ts.
fn drizzle_project(schema: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    std::os::unix::fs::symlink(workspace().join("node_modules"), p.join("node_modules")).unwrap();
    std::fs::create_dir_all(p.join("src/db")).unwrap();
    std::fs::copy(fixture("drizzle.config.ts"), p.join("drizzle.config.ts")).unwrap();
    std::fs::copy(fixture(schema), p.join("src/db/schema.ts")).unwrap();
    tmp
}

/// A JSON parameter as SQLite gets it from drizzle's driver.
fn value(v: &serde_json::Value) -> rusqlite::types::Value {
    use rusqlite::types::Value;
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Integer(i64::from(*b)),
        serde_json::Value::Number(n) => n
            .as_i64()
            .map_or_else(|| Value::Real(n.as_f64().unwrap()), Value::Integer),
        serde_json::Value::String(s) => Value::Text(s.clone()),
        other => panic!("unexpected parameter {other}"),
    }
}

#[test]
fn a_drizzle_kit_project_imports_with_its_history_and_its_rows_read_back() {
    assert!(
        workspace().join("node_modules/.bin/drizzle-kit").exists(),
        "drizzle-kit is not installed: run scripts/setup.sh (npm ci)"
    );
    // Two versions of the app, each turned into a migration by drizzle-kit.
    let tmp = drizzle_project("schema_v1.ts");
    let p = tmp.path();
    std::fs::copy(fixture("seed.mjs"), p.join("seed.mjs")).unwrap();
    drizzle_kit(p, "init");
    std::fs::copy(fixture("schema_v2.ts"), p.join("src/db/schema.ts")).unwrap();
    drizzle_kit(p, "second");
    let drizzle_files: Vec<String> = {
        let mut v: Vec<String> = std::fs::read_dir(p.join("drizzle"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        v.sort();
        v
    };
    assert_eq!(drizzle_files, ["0000_init.sql", "0001_second.sql"]);

    // The app's database: drizzle's migrations, then rows as drizzle-orm encodes them.
    let db_file = p.join("app.sqlite");
    let conn = rusqlite::Connection::open(&db_file).unwrap();
    for f in &drizzle_files {
        conn.execute_batch(&std::fs::read_to_string(p.join("drizzle").join(f)).unwrap())
            .unwrap();
    }
    let seed = run(Command::new("node").arg("seed.mjs").current_dir(p));
    let statements: Vec<serde_json::Value> = serde_json::from_str(seed.trim()).unwrap();
    for st in &statements {
        let params: Vec<rusqlite::types::Value> =
            st["params"].as_array().unwrap().iter().map(value).collect();
        conn.execute(
            st["sql"].as_str().unwrap(),
            rusqlite::params_from_iter(params),
        )
        .unwrap();
    }
    drop(conn);

    // Refused into a folder of migrations that are not drizzle's, writing nothing.
    std::fs::create_dir_all(p.join("migrations")).unwrap();
    std::fs::write(p.join("migrations/0001_other.sql"), "SELECT 1;\n").unwrap();
    let (ok, out) = mizzle(p, &["import-drizzle", "drizzle"]);
    assert!(!ok && out.contains("already has other migrations"), "{out}");
    assert!(!p.join("schema").exists(), "nothing written on failure");
    std::fs::remove_file(p.join("migrations/0001_other.sql")).unwrap();

    let (ok, out) = mizzle(p, &["import-drizzle", "drizzle"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("the next `cargo build` writes no migration"),
        "{out}"
    );
    let users = std::fs::read_to_string(p.join("schema/users.toml")).unwrap();
    for want in [
        r#"role = { type = "enum", values = ["admin", "member"], db_check = false, default = "member" }"#,
        r#"active = { type = "boolean", db_check = false, default = true }"#,
        r#"created_at = { type = "timestamp" }"#,
        r#"prefs = { type = "json", nullable = true }"#,
        r#"seen_at = { type = "timestamp_ms", nullable = true }"#,
        r#"posts = { has_many = "posts", foreign_key = "author_id" }"#,
    ] {
        assert!(users.contains(want), "{want}\nin\n{users}");
    }
    let posts = std::fs::read_to_string(p.join("schema/posts.toml")).unwrap();
    assert!(
        posts.contains(r#"author = { belongs_to = "users", key = "author_id" }"#),
        "{posts}"
    );
    assert!(
        posts.contains(r#"tags = { many_to_many = "tags", through = "post_tags" }"#),
        "{posts}"
    );
    // The history is drizzle's files, byte for byte (wrangler's ledger names them).
    for f in &drizzle_files {
        assert_eq!(
            std::fs::read(p.join("migrations").join(f)).unwrap(),
            std::fs::read(p.join("drizzle").join(f)).unwrap()
        );
    }
    // Importing again changes nothing; `mizzle check` (CI's check mode) agrees: up to date.
    let (ok, out) = mizzle(p, &["import-drizzle", "drizzle", "--force"]);
    assert!(ok, "{out}");
    let (ok, out) = mizzle(p, &["check"]);
    assert!(ok, "{out}");

    // A crate on the imported schema reads drizzle's rows as the same values.
    let ws = workspace();
    let manifest = std::fs::read_to_string(fixture("reader/Cargo.toml"))
        .unwrap()
        .replace(
            "MIZZLE_BUILD_PATH",
            &ws.join("crates/mizzle-build").display().to_string(),
        )
        .replace(
            "MIZZLE_PATH",
            &ws.join("crates/mizzle").display().to_string(),
        );
    std::fs::write(p.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(fixture("reader/build.rs"), p.join("build.rs")).unwrap();
    std::fs::create_dir_all(p.join("src")).unwrap();
    std::fs::copy(fixture("reader/main.rs"), p.join("src/main.rs")).unwrap();
    let out = run(Command::new("cargo")
        .args(["run", "--quiet", "--manifest-path"])
        .arg(p.join("Cargo.toml"))
        .arg("--")
        .arg(&db_file)
        .env("CARGO_TARGET_DIR", ws.join("target/external"))
        .env("MIZZLE_CHECK", "1"));
    let tree: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let ada = &tree[0];
    assert_eq!(ada["email"], "ada@example.com");
    assert_eq!(ada["role"], "admin");
    assert_eq!(ada["active"], true);
    assert_eq!(ada["created_at"], "2024-05-06T07:08:09Z");
    assert_eq!(ada["seen_at"], "2024-05-06T07:08:09.123Z");
    assert_eq!(ada["prefs"], serde_json::json!({ "theme": "dark" }));
    assert_eq!(ada["score"], 2.5);
    assert_eq!(ada["posts"][0]["title"], "Hello");
    assert_eq!(ada["posts"][0]["draft"], true);
    assert_eq!(ada["posts"][0]["published_at"], "2024-06-01T00:00:00.250Z");
    assert_eq!(ada["posts"][0]["tags"][0]["name"], "d1");
    assert_eq!(ada["posts"][0]["tags"][1]["name"], "rust");
    assert_eq!(ada["posts"][1]["draft"], false);
    assert_eq!(ada["posts"][1]["published_at"], serde_json::Value::Null);
    let bob = &tree[1];
    assert_eq!(bob["role"], "member");
    assert_eq!(bob["active"], false);
    assert_eq!(bob["created_at"], "2023-01-02T03:04:05Z");
    assert_eq!(bob["prefs"], serde_json::Value::Null);
    // And the row mizzle wrote is stored the way drizzle stores it.
    let conn = rusqlite::Connection::open(&db_file).unwrap();
    let (role, active, created): (String, i64, i64) = conn
        .query_row(
            "SELECT role, active, created_at FROM users WHERE email = 'cy@example.com'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (role.as_str(), active, created),
        ("admin", 0, 1_700_000_000)
    );
}

/// A schema no test of mizzle wrote: drizzle-kit's DDL for text keys, a self-reference with
/// ON UPDATE, a named CHECK, a partial unique index, SQL defaults and a composite key. `pull`
/// of its database round-trips (the files build exactly its shape, checked before writing),
/// and `import-drizzle` of its folder leaves the next build nothing to write.
#[test]
fn a_wider_drizzle_kit_schema_pulls_and_imports_exactly() {
    let tmp = drizzle_project("schema_wide.ts");
    let p = tmp.path();
    drizzle_kit(p, "wide");
    let db_file = p.join("app.sqlite");
    let conn = rusqlite::Connection::open(&db_file).unwrap();
    conn.execute_batch(&std::fs::read_to_string(p.join("drizzle/0000_wide.sql")).unwrap())
        .unwrap();
    drop(conn);
    let (ok, out) = mizzle(p, &["pull", "--sqlite", "app.sqlite"]);
    assert!(ok, "{out}");
    let accounts = std::fs::read_to_string(p.join("schema/accounts.toml")).unwrap();
    for want in [
        r#"referrer_id = { type = "text", nullable = true, references = "accounts.id", on_delete = "set null", on_update = "cascade" }"#,
        r#"balance_positive = "\"accounts\".\"balance\" >= 0""#,
        r#"accounts_handle_live = { columns = ["handle"], unique = true, where = "\"accounts\".\"kind\" = 'person'" }"#,
        r#"created_at = { type = "text", default_sql = "CURRENT_TIMESTAMP" }"#,
        r#"memberships_as_team = { has_many = "memberships", foreign_key = "team_id" }"#,
    ] {
        assert!(accounts.contains(want), "{want}\nin\n{accounts}");
    }
    // Pulled into a project without migrations: the baseline, and nothing more to write.
    assert!(
        out.contains("the next `cargo build` writes no migration"),
        "{out}"
    );
    assert!(p.join("migrations/0001_baseline.sql").exists());
    // import-drizzle keeps drizzle's own files as the history instead.
    let (ok, out) = mizzle(p, &["import-drizzle", "drizzle", "--force"]);
    assert!(
        !ok && out.contains("already has other migrations (0001_baseline.sql)"),
        "{out}"
    );
    std::fs::remove_dir_all(p.join("migrations")).unwrap();
    let (ok, out) = mizzle(p, &["import-drizzle", "drizzle", "--force"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("the next `cargo build` writes no migration"),
        "{out}"
    );
    let accounts = std::fs::read_to_string(p.join("schema/accounts.toml")).unwrap();
    assert!(
        accounts
            .contains(r#"kind = { type = "enum", values = ["person", "team"], db_check = false }"#),
        "{accounts}"
    );
    let (ok, out) = mizzle(p, &["check"]);
    assert!(ok, "{out}");
}

/// The usual drizzle-on-D1 set-up: wrangler applies drizzle-kit's folder. Imported, that
/// folder stays the history (nothing copied, wrangler's config untouched): the local D1's
/// ledger shows it applied, and the next schema change is a mizzle migration in the same
/// folder, applied by wrangler on top.
#[test]
fn a_drizzle_folder_that_wrangler_applies_stays_the_history() {
    let tmp = drizzle_project("schema_v2.ts");
    let p = tmp.path();
    drizzle_kit(p, "init");
    std::fs::write(
        p.join("wrangler.jsonc"),
        r#"{ "name": "app", "d1_databases": [{ "binding": "DB", "database_name": "app", "database_id": "00000000-0000-0000-0000-000000000003", "migrations_dir": "drizzle" }] }"#,
    )
    .unwrap();
    let wrangler = |args: &[&str]| {
        run(Command::new(workspace().join("node_modules/.bin/wrangler"))
            .args(args)
            .current_dir(p)
            .env("CI", "true")
            .env("WRANGLER_SEND_METRICS", "false"))
    };
    wrangler(&["d1", "migrations", "apply", "DB", "--local"]);

    let (ok, out) = mizzle(p, &["import-drizzle", "drizzle"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("the next `cargo build` writes no migration"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(p.join("schema/mizzle.toml"))
            .unwrap()
            .lines()
            .last(),
        Some(r#"migrations_dir = "drizzle""#)
    );
    assert!(!p.join("migrations").exists(), "nothing copied");
    let (ok, out) = mizzle(p, &["status"]);
    assert!(
        ok && out.contains("applied 0000_init.sql") && out.contains("1 applied, 0 pending"),
        "{out}"
    );

    // The next change is mizzle's, in the same folder, applied on top by wrangler.
    let posts = std::fs::read_to_string(p.join("schema/posts.toml"))
        .unwrap()
        .replace(
            "[indexes]",
            "views = { type = \"integer\", default = 0 }\n\n[indexes]",
        );
    std::fs::write(p.join("schema/posts.toml"), posts).unwrap();
    let (ok, out) = mizzle(p, &["diff"]);
    assert!(
        ok && out.contains("drizzle/0001_") && out.contains("ADD COLUMN \"views\""),
        "{out}"
    );
    build(p);
    let (ok, out) = mizzle(p, &["migrate", "--local"]);
    assert!(ok, "{out}");
    let (ok, out) = mizzle(p, &["status"]);
    assert!(ok && out.contains("2 applied, 0 pending"), "{out}");
    let cols = wrangler(&[
        "d1",
        "execute",
        "DB",
        "--local",
        "--json",
        "--command",
        "SELECT name FROM pragma_table_info('posts')",
    ]);
    assert!(cols.contains("\"views\""), "{cols}");
}

/// drizzle-kit 1.x's layout (a folder per migration; the corpus case made by drizzle-kit
/// 1.0.0-rc.5). Measured: wrangler 4.86 does not apply these folders ("No migrations to
/// apply"), so a database they made went through drizzle's own migrator and wrangler's
/// ledger has no row for them. The import copies them as `NNNN_name.sql` and prints the
/// command that records them; run on local D1, wrangler then has nothing to apply, and
/// without it wrangler would apply them again over the existing tables.
#[test]
fn the_per_folder_layout_is_copied_and_the_ledger_command_it_prints_works() {
    let case =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/drizzle_corpus/12_per_folder");
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path();
    for f in ["drizzle.config.ts", "src/schema.ts"] {
        std::fs::create_dir_all(p.join(f).parent().unwrap()).unwrap();
        std::fs::copy(case.join(f), p.join(f)).unwrap();
    }
    let mut folders: Vec<PathBuf> = std::fs::read_dir(case.join("drizzle"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    folders.sort();
    for f in &folders {
        let to = p.join("drizzle").join(f.file_name().unwrap());
        std::fs::create_dir_all(&to).unwrap();
        for name in ["migration.sql", "snapshot.json"] {
            std::fs::copy(f.join(name), to.join(name)).unwrap();
        }
    }
    std::fs::write(
        p.join("wrangler.jsonc"),
        r#"{ "name": "app", "d1_databases": [{ "binding": "DB", "database_name": "app", "database_id": "00000000-0000-0000-0000-000000000004", "migrations_dir": "drizzle" }] }"#,
    )
    .unwrap();
    let wrangler = |args: &[&str]| {
        let out = Command::new(workspace().join("node_modules/.bin/wrangler"))
            .args(args)
            .current_dir(p)
            .env("CI", "true")
            .env("WRANGLER_SEND_METRICS", "false")
            .output()
            .unwrap();
        (out.status.success(), common::output_text(&out))
    };
    // wrangler does not see the folders.
    let (ok, out) = wrangler(&["d1", "migrations", "apply", "DB", "--local"]);
    assert!(ok && out.contains("No migrations to apply"), "{out}");
    // The database as drizzle's migrator leaves it: the tables, no wrangler ledger rows.
    for f in &folders {
        let (ok, out) = wrangler(&[
            "d1",
            "execute",
            "DB",
            "--local",
            "--file",
            &f.join("migration.sql").display().to_string(),
        ]);
        assert!(ok, "{out}");
    }

    let (ok, out) = mizzle(p, &["import-drizzle", "drizzle"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("the next `cargo build` writes no migration"),
        "{out}"
    );
    for (name, folder) in ["0000_init.sql", "0001_edited_at.sql"].iter().zip(&folders) {
        assert_eq!(
            std::fs::read(p.join("migrations").join(name)).unwrap(),
            std::fs::read(folder.join("migration.sql")).unwrap(),
            "{name} is the folder's migration.sql, byte for byte"
        );
    }
    let command = out
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("npx wrangler d1 execute DB --remote --command ")
        })
        .unwrap_or_else(|| panic!("no ledger command in:\n{out}"))
        .trim_matches('"')
        .to_owned();
    // Pointed at mizzle's folder, wrangler would apply the files again over the tables.
    std::fs::write(
        p.join("wrangler.jsonc"),
        r#"{ "name": "app", "d1_databases": [{ "binding": "DB", "database_name": "app", "database_id": "00000000-0000-0000-0000-000000000004", "migrations_dir": "migrations" }] }"#,
    )
    .unwrap();
    let (_, listed) = wrangler(&["d1", "migrations", "list", "DB", "--local"]);
    assert!(listed.contains("0000_init.sql"), "{listed}");
    // Recorded, they are applied.
    let (ok, out) = wrangler(&["d1", "execute", "DB", "--local", "--command", &command]);
    assert!(ok, "{out}");
    let (ok, out) = wrangler(&["d1", "migrations", "apply", "DB", "--local"]);
    assert!(ok && out.contains("No migrations to apply"), "{out}");
    let (ok, out) = mizzle(p, &["status"]);
    assert!(ok && out.contains("2 applied, 0 pending"), "{out}");
}

/// `mizzle new NAME --from-drizzle DIR`: the starter's tables and the code written for them
/// make way for the drizzle project's (said in the output), the D1 binding, database name
/// and id come from the drizzle project's wrangler config, and the new project's own
/// tests pass and its Worker compiles for wasm32. Into a scaffold whose starter was edited,
/// the import is refused without `--force`, naming the edited file.
#[test]
fn a_new_project_from_drizzle_takes_its_tables_and_binding_and_builds() {
    let case =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/drizzle_corpus/02_reexports");
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("drizzle-app");
    run(Command::new("cp").arg("-r").arg(&case).arg(&app));
    std::fs::remove_dir_all(app.join("expected")).unwrap();
    std::fs::write(
        app.join("wrangler.jsonc"),
        r#"{
  "name": "auth-app",
  // the drizzle project's database
  "d1_databases": [{ "binding": "DATABASE", "database_name": "auth-db", "database_id": "1b6f0c9e-0000-4000-8000-00000000abcd", "migrations_dir": "drizzle" }],
}"#,
    )
    .unwrap();
    let (ok, out) = mizzle(
        tmp.path(),
        &["new", "moved", "--from-drizzle", "drizzle-app/drizzle"],
    );
    assert!(ok, "{out}");
    let dir = tmp.path().join("moved");
    assert!(
        out.contains("replaced the untouched starter of `mizzle new`"),
        "{out}"
    );
    assert!(
        out.contains("binding `DATABASE`, database `auth-db`"),
        "{out}"
    );
    assert!(!dir.join("schema/users.toml").exists() && !dir.join("schema/tasks.toml").exists());
    for t in ["user", "session", "todos"] {
        assert!(dir.join(format!("schema/{t}.toml")).is_file(), "{t}: {out}");
    }
    let lib = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();
    assert!(!lib.contains("users::") && lib.contains("/health"), "{lib}");
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(
        readme.contains("/health") && !readme.contains("/users"),
        "{readme}"
    );
    let wrangler = std::fs::read_to_string(dir.join("wrangler.jsonc")).unwrap();
    assert!(
        wrangler.contains(r#""binding": "DATABASE""#)
            && wrangler.contains(r#""database_name": "auth-db""#)
            && wrangler.contains(r#""database_id": "1b6f0c9e-0000-4000-8000-00000000abcd""#),
        "{wrangler}"
    );
    let settings = std::fs::read_to_string(dir.join("schema/mizzle.toml")).unwrap();
    assert!(settings.contains(r#"binding = "DATABASE""#), "{settings}");
    assert!(dir.join("migrations/0000_init.sql").is_file());
    let (ok, out) = mizzle(&dir, &["check"]);
    assert!(ok, "{out}");

    let ws = workspace();
    let cargo = |args: &[&str]| {
        let out = Command::new(env!("CARGO"))
            .args(args)
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", ws.join("target/scaffold"))
            .env("MIZZLE_CHECK", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "cargo {args:?}:\n{}",
            common::output_text(&out)
        );
    };
    cargo(&["test"]);
    cargo(&["check", "--target", "wasm32-unknown-unknown"]);

    // An edited starter is the user's: refused, nothing written.
    let edited = tmp.path().join("edited");
    let (ok, out) = mizzle(tmp.path(), &["new", "edited"]);
    assert!(ok, "{out}");
    let tasks = std::fs::read_to_string(edited.join("schema/tasks.toml")).unwrap();
    std::fs::write(edited.join("schema/tasks.toml"), tasks + "\n# mine\n").unwrap();
    let drizzle_dir = app.join("drizzle").display().to_string();
    let (ok, out) = mizzle(&edited, &["import-drizzle", &drizzle_dir]);
    assert!(
        !ok && out.contains("schema/tasks.toml changed since") && out.contains("--force"),
        "{out}"
    );
    assert!(
        edited.join("schema/users.toml").is_file() && !edited.join("schema/user.toml").exists()
    );
}

/// Importing again after drizzle-kit made a new migration, into a schema/ you have edited:
/// the new column comes in, and your edits stay (a doc and a comment, a relation's name, a
/// `rust_name`, an enum type on a text column), each change said;
/// no `--force` needed, and the result still builds exactly the history. `--force`
/// discards the edits.
#[test]
fn importing_again_keeps_your_edits() {
    let case =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/drizzle_corpus/01_classic");
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("app");
    run(Command::new("cp").arg("-r").arg(&case).arg(&p));
    let (ok, out) = mizzle(&p, &["import-drizzle", "drizzle"]);
    assert!(ok, "{out}");

    let users = std::fs::read_to_string(p.join("schema/users.toml"))
        .unwrap()
        .replace(
            "[columns]",
            "doc = \"Who writes.\"\n\n[columns]\n# the login",
        )
        .replace(
            "email = { type = \"text\" }",
            "email = { type = \"text\", rust_name = \"login\" }",
        )
        .replace("articles = {", "writings = {");
    std::fs::write(p.join("schema/users.toml"), &users).unwrap();
    let posts = std::fs::read_to_string(p.join("schema/posts.toml"))
        .unwrap()
        .replace(
            "title = { type = \"text\" }",
            "title = { type = \"enum\", values = [\"draft\", \"final\"], db_check = false }",
        );
    std::fs::write(p.join("schema/posts.toml"), &posts).unwrap();

    // drizzle-kit's next migration (as `drizzle-kit generate` writes it).
    std::fs::write(
        p.join("drizzle/0001_views.sql"),
        "ALTER TABLE `posts` ADD `views` integer DEFAULT 0 NOT NULL;",
    )
    .unwrap();
    let journal = std::fs::read_to_string(p.join("drizzle/meta/_journal.json"))
        .unwrap()
        .replace(
            "\"breakpoints\": true\n    }\n  ]",
            "\"breakpoints\": true\n    },\n    {\n      \"idx\": 1,\n      \"version\": \"6\",\n      \"when\": 1796641400000,\n      \"tag\": \"0001_views\",\n      \"breakpoints\": true\n    }\n  ]",
        );
    std::fs::write(p.join("drizzle/meta/_journal.json"), journal).unwrap();

    let (ok, out) = mizzle(&p, &["import-drizzle", "drizzle"]);
    assert!(ok, "{out}");
    for want in [
        "merged into your schema/",
        "schema/posts.toml:",
        "column `views` added (integer)",
        "relation `writings` keeps your name (pull would call it `articles`)",
        "the next `cargo build` writes no migration",
    ] {
        assert!(out.contains(want), "{want} in\n{out}");
    }
    let users = std::fs::read_to_string(p.join("schema/users.toml")).unwrap();
    for want in [
        "doc = \"Who writes.\"",
        "# the login",
        "email = { type = \"text\", rust_name = \"login\" }",
        "writings = { has_many = \"posts\", foreign_key = \"author_id\" }",
    ] {
        assert!(users.contains(want), "{want} in\n{users}");
    }
    assert!(!users.contains("articles"), "{users}");
    let posts = std::fs::read_to_string(p.join("schema/posts.toml")).unwrap();
    for want in [
        "title = { type = \"enum\", values = [\"draft\", \"final\"], db_check = false }",
        "views = { type = \"integer\", default = 0 }",
    ] {
        assert!(posts.contains(want), "{want} in\n{posts}");
    }
    assert!(
        std::fs::read(p.join("migrations/0001_views.sql")).unwrap()
            == std::fs::read(p.join("drizzle/0001_views.sql")).unwrap()
    );
    let (ok, out) = mizzle(&p, &["check"]);
    assert!(ok, "{out}");

    // --force starts over from the history.
    let (ok, out) = mizzle(&p, &["import-drizzle", "drizzle", "--force"]);
    assert!(ok, "{out}");
    let users = std::fs::read_to_string(p.join("schema/users.toml")).unwrap();
    assert!(
        users.contains("articles = {") && !users.contains("Who writes"),
        "{users}"
    );
}
