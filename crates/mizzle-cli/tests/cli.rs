//! The `mizzle` command against a scratch project and real local D1 (wrangler).

use std::path::Path;
use std::process::Command;

mod common;
use common::{Server, free_port, http, mizzle, output_text, wait_for, workspace};

fn project() -> tempfile::TempDir {
    project_with(
        None,
        "// test project\n{ \"name\": \"t\", \"d1_databases\": [{ \"binding\": \"DB\", \"database_name\": \"t\", \"database_id\": \"x\", }] }\n",
    )
}

/// A built project with one table, `settings` as schema/mizzle.toml and `wrangler` as
/// wrangler.jsonc.
fn project_with(settings: Option<&str>, wrangler: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("schema")).unwrap();
    std::fs::write(
        dir.path().join("schema/notes.toml"),
        "[columns]\nid = { type = \"integer\", primary_key = true }\nbody = { type = \"text\" }\n",
    )
    .unwrap();
    if let Some(settings) = settings {
        std::fs::write(dir.path().join("schema/mizzle.toml"), settings).unwrap();
    }
    std::fs::write(dir.path().join("wrangler.jsonc"), wrangler).unwrap();
    mizzle_build::Config::new()
        .manifest_dir(dir.path())
        .check(false)
        .cargo_directives(false)
        .compile()
        .unwrap();
    dir
}

#[test]
fn migrate_needs_an_explicit_target() {
    let p = project();
    let (ok, out) = mizzle(p.path(), &["migrate"]);
    assert!(!ok);
    assert!(
        out.contains("--local") && out.contains("--remote") && out.contains("never defaults"),
        "{out}"
    );
}

#[test]
fn remote_shows_the_wrangler_command_without_running_it() {
    let p = project();
    let (ok, out) = mizzle(p.path(), &["migrate", "--remote", "--dry-run"]);
    assert!(ok, "{out}");
    assert!(out.contains("0001_init.sql"), "{out}");
    assert!(out.contains("d1 migrations apply DB --remote"), "{out}");
}

#[test]
fn local_migrate_then_status() {
    let p = project();
    let (ok, out) = mizzle(p.path(), &["status"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("pending 0001_init.sql") && out.contains("0 applied, 1 pending"),
        "{out}"
    );
    let (ok, out) = mizzle(p.path(), &["migrate", "--local"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("1 pending on the local D1") && out.contains("d1 migrations apply DB --local"),
        "{out}"
    );
    let (ok, out) = mizzle(p.path(), &["status"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("applied 0001_init.sql") && out.contains("1 applied, 0 pending"),
        "{out}"
    );
    let (ok, out) = mizzle(p.path(), &["migrate", "--local"]);
    assert!(ok && out.contains("nothing to apply"), "{out}");
    let (ok, out) = mizzle(p.path(), &["check"]);
    assert!(ok && out.contains("up to date"), "{out}");
}

/// A pending migration that narrows an enum: `mizzle migrate` counts the rows of the local
/// D1 it would reject and applies nothing; once they are fixed, it applies.
#[test]
fn migrate_counts_rows_a_new_check_would_reject() {
    let p = project();
    let notes = p.path().join("schema/notes.toml");
    let with_kind = |values: &str| {
        format!(
            "[columns]\nid = {{ type = \"integer\", primary_key = true }}\nbody = {{ type = \"text\" }}\n\
             kind = {{ type = \"enum\", values = [{values}], default = \"a\" }}\n"
        )
    };
    std::fs::write(&notes, with_kind("\"a\", \"b\", \"c\"")).unwrap();
    let build = || {
        mizzle_build::Config::new()
            .manifest_dir(p.path())
            .check(false)
            .cargo_directives(false)
            .compile()
            .unwrap()
    };
    build();
    let (ok, out) = mizzle(p.path(), &["migrate", "--local"]);
    assert!(ok, "{out}");
    let wrangler = |sql: &str| {
        let out = Command::new(workspace().join("node_modules/.bin/wrangler"))
            .args(["d1", "execute", "DB", "--local", "--command", sql])
            .current_dir(p.path())
            .env("CI", "true")
            .env("WRANGLER_SEND_METRICS", "false")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    wrangler("INSERT INTO notes (id, body, kind) VALUES (1, 'x', 'c'), (2, 'y', 'a')");
    std::fs::write(&notes, with_kind("\"a\", \"b\"")).unwrap();
    build();
    let (ok, out) = mizzle(p.path(), &["migrate", "--local"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("1 row(s) of `notes` violate CHECK (\"kind\" IN ('a', 'b'))"),
        "{out}"
    );
    let (_, status) = mizzle(p.path(), &["status"]);
    assert!(status.contains("1 pending"), "nothing applied: {status}");
    wrangler("UPDATE notes SET kind = 'b' WHERE kind = 'c'");
    let (ok, out) = mizzle(p.path(), &["migrate", "--local"]);
    assert!(ok, "{out}");
    assert!(out.contains("no row violates them"), "{out}");
}

/// A new NOT NULL column without a default: written (a rebuild), applied by `mizzle migrate`
/// to an empty table, and refused before anything is applied when the table has rows, with
/// the count and the two fixes. On local D1.
#[test]
fn migrate_adds_a_required_column_only_to_an_empty_table() {
    let wrangler = |p: &Path, sql: &str| {
        let out = Command::new(workspace().join("node_modules/.bin/wrangler"))
            .args(["d1", "execute", "DB", "--local", "--command", sql])
            .current_dir(p)
            .env("CI", "true")
            .env("WRANGLER_SEND_METRICS", "false")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let notes_v1 =
        "[columns]\nid = { type = \"integer\", primary_key = true }\nbody = { type = \"text\" }\n";
    let notes_v2 = format!("{notes_v1}title = {{ type = \"text\" }}\n");
    for rows in [false, true] {
        let p = project();
        let notes = p.path().join("schema/notes.toml");
        std::fs::write(&notes, notes_v1).unwrap();
        let build = || {
            mizzle_build::Config::new()
                .manifest_dir(p.path())
                .check(false)
                .cargo_directives(false)
                .compile()
                .unwrap()
        };
        build();
        let (ok, out) = mizzle(p.path(), &["migrate", "--local"]);
        assert!(ok, "{out}");
        if rows {
            wrangler(
                p.path(),
                "INSERT INTO notes (id, body) VALUES (1, 'x'), (2, 'y')",
            );
        }
        std::fs::write(&notes, &notes_v2).unwrap();
        build();
        let (ok, out) = mizzle(p.path(), &["migrate", "--local"]);
        if rows {
            assert!(!ok, "{out}");
            assert!(
                out.contains("`notes` has 2 row(s)")
                    && out.contains("NOT NULL column `title` without a default")
                    && out.contains("give `title` a `default`, or make it nullable"),
                "{out}"
            );
            let (_, status) = mizzle(p.path(), &["status"]);
            assert!(status.contains("1 pending"), "nothing applied: {status}");
        } else {
            assert!(ok, "{out}");
            assert!(out.contains("checked `notes`: empty"), "{out}");
            let (_, status) = mizzle(p.path(), &["status"]);
            assert!(status.contains("0 pending"), "{status}");
        }
    }
}

/// The cost guard from day one: the scaffold's statements pass `mizzle explain --deny`; a
/// test that looks tasks up by title (no index) makes it fail naming the index to add, and
/// the same lookup through the scaffold's own `db()` (plan check on) fails its test.
fn plan_check_catches_a_new_scan(dir: &Path, env: &dyn Fn(&mut Command)) {
    let explain = |deny: bool| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_mizzle"));
        c.arg("explain");
        if deny {
            c.arg("--deny");
        }
        env(&mut c);
        let out = c.output().unwrap();
        (out.status.success(), output_text(&out))
    };
    let (ok, out) = explain(true);
    assert!(ok, "the scaffold passes the plan check:\n{out}");
    std::fs::write(
        dir.join("tests/by_title.rs"),
        "use demo::schema::*;\n\
         #[tokio::test]\n\
         async fn tasks_by_title() {\n\
         let exec = mizzle::sqlite::SqliteExecutor::open_in_memory().unwrap();\n\
         exec.apply_migrations(MIGRATIONS).unwrap();\n\
         let db = mizzle::Db::new(exec);\n\
         db.select(tasks::table).filter(tasks::title.eq(\"write\")).all().await.unwrap();\n\
         }\n",
    )
    .unwrap();
    let (ok, out) = explain(true);
    assert!(!ok, "{out}");
    assert!(
        out.contains("tasks_title_idx = { columns = [\"title\"] }")
            && out.contains("tests/by_title.rs:"),
        "{out}"
    );
    // Allowed, it passes; once no test scans tasks, the entry is stale and fails `--deny`.
    let settings = dir.join("schema/mizzle.toml");
    let original = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(
        &settings,
        format!("{original}allow_scans = [\"tasks: a test's lookup by title\"]\n"),
    )
    .unwrap();
    let (ok, out) = explain(true);
    assert!(ok, "{out}");
    assert!(out.contains("allowed (a test's lookup by title)"), "{out}");
    std::fs::remove_file(dir.join("tests/by_title.rs")).unwrap();
    let (ok, out) = explain(true);
    assert!(!ok, "{out}");
    assert!(out.contains("matched no scan"), "{out}");
    std::fs::write(&settings, original).unwrap();
    // Through the scaffold's own `db()`, the test itself fails.
    let native = dir.join("tests/native.rs");
    let before = std::fs::read_to_string(&native).unwrap();
    std::fs::write(
        &native,
        format!(
            "{before}\n#[tokio::test]\nasync fn by_title() {{\n    db().select(tasks::table).filter(tasks::title.eq(\"x\")).all().await.unwrap();\n}}\n"
        ),
    )
    .unwrap();
    let mut test = Command::new(env!("CARGO"));
    test.args(["test", "--test", "native", "by_title"]);
    env(&mut test);
    let out = test.output().unwrap();
    let text = output_text(&out);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("full scan of `tasks`") && text.contains("tasks_title_idx"),
        "{text}"
    );
    std::fs::write(&native, before).unwrap();
}

/// `mizzle new` → the project's own tests pass → `mizzle dev` serves it on local D1 and a
/// route answers over HTTP → a schema edit → `mizzle dev` writes and applies the next
/// migration, the rows kept. Outside this workspace, with the checkout's crates by path.
#[test]
fn a_new_project_tests_serves_and_evolves_on_local_d1() {
    use std::os::unix::process::CommandExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let (ok, out) = mizzle(tmp.path(), &["new", "demo"]);
    assert!(ok, "{out}");
    for f in [
        "Cargo.toml",
        "build.rs",
        "schema/users.toml",
        "schema/tasks.toml",
        "src/lib.rs",
        "tests/native.rs",
        "wrangler.jsonc",
        "package.json",
        ".gitignore",
        "README.md",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing: {out}");
    }
    let ws = workspace();
    let env = |c: &mut Command| {
        c.current_dir(&dir)
            .env("CARGO_TARGET_DIR", ws.join("target/scaffold"))
            .env("MIZZLE_TOOLS_DIR", ws.join("target/tools"))
            .env("MIZZLE_CHECK", "0")
            .env("WRANGLER_SEND_METRICS", "false");
    };
    // Its own test command.
    let mut test = Command::new(env!("CARGO"));
    test.arg("test");
    env(&mut test);
    let out = test.output().unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    plan_check_catches_a_new_scan(&dir, &env);
    // `mizzle dev`, served.
    let port = free_port();
    let serve = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_mizzle"));
        c.args(["dev", "--port", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(tmp.path().join("dev.log")).unwrap())
            .process_group(0);
        env(&mut c);
        Server(c.spawn().unwrap())
    };
    let server = serve();
    let base = format!("http://127.0.0.1:{port}");
    wait_for(&base, &tmp.path().join("dev.log"));
    let (s, user) = http(
        "POST",
        &format!("{base}/users"),
        r#"{"email":"ann@example.com","name":"Ann"}"#,
    );
    assert_eq!(s, 201, "{user}");
    let (s, task) = http(
        "POST",
        &format!("{base}/tasks"),
        r#"{"userId":1,"title":"write"}"#,
    );
    assert_eq!(s, 201, "{task}");
    let (s, tree) = http("GET", &format!("{base}/users/1"), "");
    assert_eq!(s, 200, "{tree}");
    assert!(
        tree.contains(r#""tasks":[{"id":1,"userId":1,"title":"write","status":"todo""#),
        "{tree}"
    );
    let (s, dup) = http(
        "POST",
        &format!("{base}/users"),
        r#"{"email":"ann@example.com","name":"Ann"}"#,
    );
    assert_eq!(s, 409, "{dup}");
    // Mass assignment: the key is not client input, and malformed JSON is a 400 that says
    // why (the scaffold reads bodies into NewUserInput).
    let (s, refused) = http(
        "POST",
        &format!("{base}/users"),
        r#"{"email":"bob@example.com","name":"Bob","id":100}"#,
    );
    assert_eq!(s, 400, "{refused}");
    assert!(refused.contains("unknown field `id`"), "{refused}");
    let (s, bad) = http("POST", &format!("{base}/users"), r#"{"email": "#);
    assert_eq!(s, 400, "{bad}");
    assert!(bad.contains("invalid JSON body"), "{bad}");
    let (s, bob) = http(
        "POST",
        &format!("{base}/users"),
        r#"{"email":"bob@example.com","name":"Bob"}"#,
    );
    assert_eq!(s, 201, "{bob}");
    assert!(
        bob.contains(r#""id":2"#),
        "the refused body spent no id: {bob}"
    );
    drop(server);
    // Evolve: a new column with a default. `mizzle dev` writes 0002 and applies it.
    let tasks = dir.join("schema/tasks.toml");
    let text = std::fs::read_to_string(&tasks).unwrap().replace(
        "created_at = ",
        "priority   = { type = \"integer\", default = 0 }\ncreated_at = ",
    );
    std::fs::write(&tasks, text).unwrap();
    let mut dev = Command::new(env!("CARGO_BIN_EXE_mizzle"));
    dev.args(["dev", "--no-serve"]);
    env(&mut dev);
    let out = dev.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let migrations: Vec<String> = std::fs::read_dir(dir.join("migrations"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        migrations.iter().any(|m| m.starts_with("0002_")),
        "{migrations:?}"
    );
    let mut query = Command::new(workspace().join("node_modules/.bin/wrangler"));
    query.args([
        "d1",
        "execute",
        "DB",
        "--local",
        "--json",
        "--config",
        ".mizzle-dev.wrangler.json",
        "--command",
        "SELECT title, priority FROM tasks",
    ]);
    env(&mut query);
    let out = query.output().unwrap();
    let rows = String::from_utf8_lossy(&out.stdout);
    assert!(
        rows.contains("\"title\": \"write\"") && rows.contains("\"priority\": 0"),
        "{rows}"
    );
    // A deploy build ships its migrations: `mizzle build` writes the draft for a new column
    // and records it, so the next edit adds a file instead of rewriting the shipped one.
    let text = std::fs::read_to_string(&tasks).unwrap().replace(
        "created_at = ",
        "note       = { type = \"text\", nullable = true }\ncreated_at = ",
    );
    std::fs::write(&tasks, text).unwrap();
    // Drafts exist in a git work tree only: make the project one (nothing committed).
    let git = Command::new("git")
        .args(["init", "-q"])
        .current_dir(&dir)
        .status()
        .unwrap();
    assert!(git.success());
    let mut build = Command::new(env!("CARGO_BIN_EXE_mizzle"));
    build.arg("build");
    env(&mut build);
    let out = build.output().unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{log}");
    assert!(log.contains("recorded 3 migration(s) as shipped"), "{log}");
    let shipped = std::fs::read_to_string(dir.join(".wrangler/mizzle-published")).unwrap();
    assert!(shipped.lines().any(|l| l.starts_with("0003_")), "{shipped}");
    let text = std::fs::read_to_string(&tasks).unwrap().replace(
        "created_at = ",
        "color      = { type = \"text\", nullable = true }\ncreated_at = ",
    );
    std::fs::write(&tasks, text).unwrap();
    let mut diff = Command::new(env!("CARGO_BIN_EXE_mizzle"));
    diff.arg("diff");
    env(&mut diff);
    let out = diff.output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("the next build writes migrations/0004_"),
        "a shipped migration is not a draft: {said}"
    );
}

#[test]
fn new_refuses_a_bad_name_or_a_full_folder_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (ok, out) = mizzle(tmp.path(), &["new", "My Worker"]);
    assert!(!ok && out.contains("not a usable project name"), "{out}");
    std::fs::create_dir_all(tmp.path().join("taken")).unwrap();
    std::fs::write(tmp.path().join("taken/keep.txt"), "mine").unwrap();
    let (ok, out) = mizzle(tmp.path(), &["new", "taken"]);
    assert!(
        !ok && out.contains("already exists and is not empty"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_dir(tmp.path().join("taken")).unwrap().count(),
        1
    );
    let left: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left.len(), 1, "no temporary folder left: {left:?}");
}

/// A schema that lives only in Durable Objects has no D1 to migrate: `status` says how
/// the objects migrate, `migrate` refuses and says why, `check` passes.
#[test]
fn a_durable_object_only_schema_has_no_d1_to_migrate() {
    let dir = project_with(
        Some(
            "target = \"durable_object\"\ndurable_object = \"Notebook\"\ndurable_object_binding = \"NOTEBOOKS\"\n",
        ),
        "{ \"name\": \"t\", \"durable_objects\": { \"bindings\": [{ \"name\": \"NOTEBOOKS\", \"class_name\": \"Notebook\" }] }, \"migrations\": [{ \"tag\": \"v1\", \"new_sqlite_classes\": [\"Notebook\"] }] }\n",
    );
    let (ok, out) = mizzle(dir.path(), &["check"]);
    assert!(ok, "{out}");
    let (ok, out) = mizzle(dir.path(), &["status"]);
    assert!(ok && out.contains("Durable Objects only"), "{out}");
    let (ok, out) = mizzle(dir.path(), &["migrate", "--local"]);
    assert!(!ok && out.contains("no D1 database to migrate"), "{out}");
}

/// `mizzle diff` shows the migration the next build would write and writes nothing;
/// `mizzle migration new SLUG` adds the next numbered, hand-written file.
#[test]
fn diff_writes_nothing_and_migration_new_numbers_the_next_file() {
    let p = project();
    let count = || {
        std::fs::read_dir(p.path().join("migrations"))
            .unwrap()
            .count()
    };
    let (ok, out) = mizzle(p.path(), &["diff"]);
    assert!(ok && out.contains("up to date"), "{out}");
    std::fs::write(
        p.path().join("schema/notes.toml"),
        "[columns]\nid = { type = \"integer\", primary_key = true }\nbody = { type = \"text\" }\n\
         title = { type = \"text\", nullable = true }\n",
    )
    .unwrap();
    let before = count();
    let (ok, out) = mizzle(p.path(), &["diff"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("ALTER TABLE \"notes\" ADD COLUMN \"title\" TEXT"),
        "{out}"
    );
    let (ok, _) = mizzle(p.path(), &["diff", "--exit-code"]);
    assert!(!ok, "--exit-code: changes pending");
    assert_eq!(count(), before, "diff wrote nothing");

    let (ok, out) = mizzle(p.path(), &["migration", "new", "Backfill-Titles"]);
    assert!(!ok && out.contains("not a migration name"), "{out}");
    let (ok, out) = mizzle(p.path(), &["migration", "new", "backfill_titles"]);
    assert!(ok, "{out}");
    let file = p.path().join("migrations/0002_backfill_titles.sql");
    assert!(file.is_file(), "{out}");
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("written by hand")
    );
    // The next build keeps the hand-written file and numbers its own after it.
    let out = mizzle_build::Config::new()
        .manifest_dir(p.path())
        .check(false)
        .cargo_directives(false)
        .compile()
        .unwrap();
    let written = out.written.expect("the column's migration");
    assert!(
        written.ends_with("0003_add_notes_title.sql"),
        "{}",
        written.display()
    );
    assert!(file.is_file(), "the hand-written file is kept");
}

/// `mizzle pull --local` reads the local D1 through wrangler: into a project that already
/// has the schema it merges (your files kept, what the database adds said), `--force`
/// replaces the files; the files it writes make the build write no migration over the
/// migrations that made the database.
#[test]
fn pull_local_round_trips_the_project_it_came_from() {
    let p = project();
    std::fs::write(
        p.path().join("schema/notes.toml"),
        "[columns]\nid = { type = \"integer\", primary_key = true }\nbody = { type = \"text\" }\n\
         status = { type = \"enum\", values = [\"open\", \"done\"], default = \"open\" }\n\
         owner_id = { type = \"integer\", nullable = true, references = \"owners.id\", on_delete = \"set null\" }\n\n\
         [indexes]\nnotes_open = { columns = [\"owner_id\"], where = \"status = 'open'\" }\n",
    )
    .unwrap();
    std::fs::write(
        p.path().join("schema/owners.toml"),
        "[columns]\nid = { type = \"integer\", primary_key = true, auto_increment = true }\nname = { type = \"text\", unique = true }\n",
    )
    .unwrap();
    mizzle_build::Config::new()
        .manifest_dir(p.path())
        .check(false)
        .cargo_directives(false)
        .compile()
        .unwrap();
    let (ok, out) = mizzle(p.path(), &["migrate", "--local"]);
    assert!(ok, "{out}");
    // Into the schema it came from, a pull merges: the files stay as written (a comment
    // included), gaining only the relations the foreign keys give; each change is said.
    let notes_path = p.path().join("schema/notes.toml");
    let before = format!(
        "# my notes\n{}",
        std::fs::read_to_string(&notes_path).unwrap()
    );
    std::fs::write(&notes_path, &before).unwrap();
    let (ok, out) = mizzle(p.path(), &["pull", "--local"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("merged into your schema/")
            && out.contains("relation `owner` added")
            && out.contains("the next `cargo build` writes no migration"),
        "{out}"
    );
    let merged = std::fs::read_to_string(&notes_path).unwrap();
    assert!(
        merged.starts_with(&before)
            && merged.contains(r#"owner = { belongs_to = "owners", key = "owner_id" }"#),
        "{merged}"
    );
    let (ok, out) = mizzle(p.path(), &["pull", "--local", "--force"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("the next `cargo build` writes no migration"),
        "{out}"
    );
    let notes = std::fs::read_to_string(p.path().join("schema/notes.toml")).unwrap();
    for want in [
        r#"status = { type = "enum", values = ["open", "done"], default = "open" }"#,
        r#"owner_id = { type = "integer", nullable = true, references = "owners.id", on_delete = "set null" }"#,
        r#"notes_open = { columns = ["owner_id"], where = "status = 'open'" }"#,
        r#"owner = { belongs_to = "owners", key = "owner_id" }"#,
    ] {
        assert!(notes.contains(want), "{want}\nin\n{notes}");
    }
    let owners = std::fs::read_to_string(p.path().join("schema/owners.toml")).unwrap();
    assert!(
        owners.contains(r#"notes = { has_many = "notes", foreign_key = "owner_id" }"#),
        "{owners}"
    );
    let (ok, out) = mizzle(p.path(), &["diff", "--exit-code"]);
    assert!(ok && out.contains("up to date"), "{out}");
}

/// `--sql` runs a dump (rows in table order, children first) in memory; what schema/ cannot
/// say is reported by name; a dump that does not run is an error naming the statement, and
/// writes nothing. `--sqlite` reads a database file.
#[test]
fn pull_from_a_dump_or_a_file_reports_what_it_cannot_keep() {
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("db.sql");
    std::fs::write(
        &dump,
        "PRAGMA defer_foreign_keys=TRUE;\n\
         CREATE TABLE d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE);\n\
         CREATE TABLE \"posts\" (id INTEGER PRIMARY KEY, author INTEGER NOT NULL REFERENCES people(id), body TEXT COLLATE NOCASE);\n\
         INSERT INTO \"posts\" VALUES(1,1,'x');\n\
         CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score NUMERIC);\n\
         INSERT INTO people VALUES(1,'Ada',1);\n\
         CREATE VIEW named AS SELECT name FROM people;\n",
    )
    .unwrap();
    let (ok, out) = mizzle(dir.path(), &["pull", "--sql", "db.sql"]);
    assert!(ok, "{out}");
    for want in [
        "view `named`",
        "`people.score` is declared `NUMERIC`",
        "COLLATE",
        "wrote schema/people.toml",
    ] {
        assert!(out.contains(want), "{want} in\n{out}");
    }
    assert!(!dir.path().join("schema/d1_migrations.toml").exists());
    // No migrations yet: the database's own DDL becomes the first, IF NOT EXISTS, so applying
    // it to that database changes nothing; the NUMERIC column (noted) is what the next build
    // would change.
    let baseline =
        std::fs::read_to_string(dir.path().join("migrations/0001_baseline.sql")).unwrap();
    assert!(
        baseline.contains("CREATE VIEW IF NOT EXISTS named") && !baseline.contains("d1_migrations"),
        "{baseline}"
    );
    assert!(
        out.contains("the next `cargo build` stops until the noted differences are settled")
            && out.contains("narrows from NUMERIC to REAL"),
        "{out}"
    );
    let posts = std::fs::read_to_string(dir.path().join("schema/posts.toml")).unwrap();
    assert!(
        posts.contains(r#"author = { type = "integer", references = "people.id" }"#)
            && posts.contains(r#"person = { belongs_to = "people", key = "author" }"#),
        "{posts}"
    );

    let bad = tempfile::tempdir().unwrap();
    std::fs::write(
        bad.path().join("bad.sql"),
        "CREATE TABLE a (x INTEGER);\nCREATE TABLE a (y INTEGER);\n",
    )
    .unwrap();
    let (ok, out) = mizzle(bad.path(), &["pull", "--sql", "bad.sql"]);
    assert!(!ok && out.contains("CREATE TABLE a (y INTEGER)"), "{out}");
    assert!(!bad.path().join("schema").exists());

    let file = bad.path().join("app.sqlite");
    rusqlite::Connection::open(&file)
        .unwrap()
        .execute_batch(
            "CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE) STRICT;",
        )
        .unwrap();
    let (ok, out) = mizzle(bad.path(), &["pull", "--sqlite", "app.sqlite", "--dry-run"]);
    assert!(
        ok && out.contains("# schema/tags.toml") && out.contains("STRICT"),
        "{out}"
    );
    assert!(
        !bad.path().join("schema").exists(),
        "--dry-run writes nothing"
    );
}

/// Each command's help lists only the options that mean something for it: `new` takes
/// `--path`, not the project directory every other command reads.
#[test]
fn each_commands_help_lists_its_own_options() {
    let help = |cmd: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_mizzle"))
            .args(["help", cmd])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let new = help("new");
    assert!(
        new.contains("--path") && !new.contains("--project"),
        "{new}"
    );
    for cmd in ["dev", "check", "status", "erd", "pull"] {
        assert!(help(cmd).contains("--project"), "{cmd}");
    }
    let dev = help("dev");
    assert!(
        dev.contains("--no-watch") && !dev.contains("--from-drizzle"),
        "{dev}"
    );
}
