//! The migration writer: what it writes, when it writes nothing, and how it refuses.

mod common;

use common::{config, mark_applied, migrations, project, write};

const USERS: &str = r#"
[columns]
id    = { type = "integer", primary_key = true, auto_increment = true }
email = { type = "text", unique = true }
"#;

const POSTS: &str = r#"
[columns]
id        = { type = "integer", primary_key = true }
author_id = { type = "integer", references = "users.id", on_delete = "cascade" }
"#;

#[test]
fn first_build_writes_init_and_second_writes_nothing() {
    let p = project(&[("schema/users.toml", USERS), ("schema/posts.toml", POSTS)]);
    let out = config(p.path()).compile().unwrap();
    assert!(out.written.is_some());
    assert_eq!(migrations(p.path()), ["0001_init.sql"]);
    let sql = std::fs::read_to_string(p.path().join("migrations/0001_init.sql")).unwrap();
    let users_at = sql.find("CREATE TABLE \"users\"").unwrap();
    let posts_at = sql.find("CREATE TABLE \"posts\"").unwrap();
    assert!(users_at < posts_at, "parents before children");
    for banned in ["BEGIN", "COMMIT", "PRAGMA foreign_keys"] {
        assert!(!sql.contains(banned), "{banned} in {sql}");
    }
    let again = config(p.path()).compile().unwrap();
    assert_eq!(again.written, None);
    assert_eq!(migrations(p.path()), ["0001_init.sql"]);
}

#[test]
fn output_is_deterministic() {
    let a = project(&[("schema/users.toml", USERS), ("schema/posts.toml", POSTS)]);
    let b = project(&[("schema/users.toml", USERS), ("schema/posts.toml", POSTS)]);
    config(a.path()).compile().unwrap();
    config(b.path()).compile().unwrap();
    let read =
        |d: &tempfile::TempDir| std::fs::read(d.path().join("migrations/0001_init.sql")).unwrap();
    assert_eq!(read(&a), read(&b));
}

#[test]
fn added_table_column_and_index_make_one_new_file() {
    let p = project(&[("schema/users.toml", USERS)]);
    config(p.path()).compile().unwrap();
    mark_applied(p.path());
    write(p.path(), "schema/posts.toml", POSTS);
    config(p.path()).compile().unwrap();
    mark_applied(p.path());
    assert_eq!(
        migrations(p.path()),
        ["0001_init.sql", "0002_create_posts.sql"]
    );
    write(
        p.path(),
        "schema/users.toml",
        &format!(
            "{USERS}bio = {{ type = \"text\", nullable = true }}\nscore = {{ type = \"integer\", default = 0 }}\n\n[indexes]\nusers_score_idx = {{ columns = [\"score\"] }}\n"
        ),
    );
    config(p.path()).compile().unwrap();
    let files = migrations(p.path());
    assert_eq!(files.len(), 3, "{files:?}");
    let sql = std::fs::read_to_string(p.path().join("migrations").join(&files[2])).unwrap();
    assert!(
        sql.contains("ALTER TABLE \"users\" ADD COLUMN \"bio\" TEXT;"),
        "{sql}"
    );
    assert!(
        sql.contains("ALTER TABLE \"users\" ADD COLUMN \"score\" INTEGER NOT NULL DEFAULT 0;"),
        "{sql}"
    );
    assert!(
        sql.contains("CREATE INDEX \"users_score_idx\" ON \"users\" (\"score\");"),
        "{sql}"
    );
}

#[test]
fn renames_rename_instead_of_drop_and_add() {
    let p = project(&[(
        "schema/authors.toml",
        "[columns]\nid = { type = \"integer\", primary_key = true }\nsite = { type = \"text\", nullable = true }\n",
    )]);
    config(p.path()).compile().unwrap();
    mark_applied(p.path());
    std::fs::remove_file(p.path().join("schema/authors.toml")).unwrap();
    write(
        p.path(),
        "schema/writers.toml",
        "renamed_from = \"authors\"\n[columns]\nid = { type = \"integer\", primary_key = true }\nwebsite = { type = \"text\", nullable = true, renamed_from = \"site\" }\n",
    );
    config(p.path()).compile().unwrap();
    let files = migrations(p.path());
    let sql = std::fs::read_to_string(p.path().join("migrations").join(&files[1])).unwrap();
    assert!(
        sql.contains("ALTER TABLE \"authors\" RENAME TO \"writers\";"),
        "{sql}"
    );
    assert!(
        sql.contains("ALTER TABLE \"writers\" RENAME COLUMN \"site\" TO \"website\";"),
        "{sql}"
    );
    assert!(!sql.contains("DROP"), "{sql}");
}

#[test]
fn check_mode_writes_nothing_and_shows_the_missing_sql() {
    let p = project(&[("schema/users.toml", USERS)]);
    let err = config(p.path())
        .check(true)
        .compile()
        .unwrap_err()
        .to_string();
    assert!(err.contains("migrations are out of date"), "{err}");
    assert!(err.contains("0001_init.sql is missing"), "{err}");
    assert!(err.contains("CREATE TABLE \"users\""), "{err}");
    assert!(
        !p.path().join("migrations").exists(),
        "check mode created migrations/"
    );
    config(p.path()).compile().unwrap();
    config(p.path())
        .check(true)
        .compile()
        .expect("up to date passes in check mode");
}

#[cfg(unix)]
#[test]
fn read_only_tree_fails_cleanly_and_writes_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let p = project(&[("schema/users.toml", USERS)]);
    config(p.path()).compile().unwrap();
    mark_applied(p.path());
    write(p.path(), "schema/posts.toml", POSTS);
    let dir = p.path().join("migrations");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores permission bits; only assert when the directory really is read-only.
    let writable = std::fs::write(dir.join(".probe"), "").is_ok();
    let _ = std::fs::remove_file(dir.join(".probe"));
    let result = config(p.path()).compile();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    if !writable {
        let err = result.unwrap_err().to_string();
        assert!(err.contains("cannot be written"), "{err}");
        assert!(err.contains("CREATE TABLE \"posts\""), "{err}");
        assert_eq!(migrations(p.path()), ["0001_init.sql"]);
    }
}

#[test]
fn hand_written_migrations_are_replayed_and_kept() {
    let p = project(&[("schema/users.toml", USERS)]);
    config(p.path()).compile().unwrap();
    mark_applied(p.path());
    // A data backfill and a column added by hand.
    write(
        p.path(),
        "migrations/0002_backfill.sql",
        "ALTER TABLE users ADD COLUMN nickname TEXT;\nUPDATE users SET nickname = email;\n",
    );
    write(
        p.path(),
        "schema/users.toml",
        &format!("{USERS}nickname = {{ type = \"text\", nullable = true }}\n"),
    );
    let out = config(p.path()).compile().unwrap();
    assert_eq!(
        out.written, None,
        "the hand-written column counts as present"
    );
    let text = std::fs::read_to_string(p.path().join("migrations/0002_backfill.sql")).unwrap();
    assert!(text.starts_with("ALTER TABLE users"), "kept as written");
}

#[test]
fn destructive_changes_need_to_be_allowed() {
    let p = project(&[("schema/users.toml", USERS), ("schema/posts.toml", POSTS)]);
    config(p.path()).compile().unwrap();
    mark_applied(p.path());
    // Narrowing a type.
    let narrowed = "[columns]\nid = { type = \"integer\", primary_key = true, auto_increment = true }\nemail = { type = \"integer\", unique = true }\n";
    write(p.path(), "schema/users.toml", narrowed);
    let err = config(p.path()).compile().unwrap_err().to_string();
    assert!(
        err.contains(
            "changing `users.email` is destructive: its type narrows from TEXT to INTEGER"
        ),
        "{err}"
    );
    assert!(err.contains("allow_destructive = true"), "{err}");
    write(
        p.path(),
        "schema/users.toml",
        &narrowed.replace(
            "unique = true }",
            "unique = true, allow_destructive = true }",
        ),
    );
    config(p.path()).compile().unwrap();
    let files = migrations(p.path());
    assert_eq!(files.last().unwrap(), "0002_rebuild_users.sql", "{files:?}");
    mark_applied(p.path());
    // Dropping a column.
    write(
        p.path(),
        "schema/users.toml",
        "[columns]\nid = { type = \"integer\", primary_key = true, auto_increment = true }\n",
    );
    let err = config(p.path()).compile().unwrap_err().to_string();
    assert!(
        err.contains("column `users.email` would be dropped"),
        "{err}"
    );
    write(
        p.path(),
        "schema/mizzle.toml",
        "allow_drop = [\"users.email\"]\n",
    );
    config(p.path()).compile().unwrap();
    mark_applied(p.path());
    // Dropping a table.
    std::fs::remove_file(p.path().join("schema/posts.toml")).unwrap();
    let err = config(p.path()).compile().unwrap_err().to_string();
    assert!(err.contains("table `posts` would be dropped"), "{err}");
    write(
        p.path(),
        "schema/mizzle.toml",
        "allow_drop = [\"users.email\", \"posts\"]\n",
    );
    config(p.path()).compile().unwrap();
    let last = migrations(p.path()).last().unwrap().clone();
    let sql = std::fs::read_to_string(p.path().join("migrations").join(&last)).unwrap();
    assert!(sql.contains("DROP TABLE \"posts\";"), "{sql}");
    assert_eq!(
        config(p.path()).compile().unwrap().written,
        None,
        "converged"
    );
}

#[test]
fn rebuilding_a_parent_keeps_cascading_children_rows() {
    let parents = "[columns]\nid = { type = \"integer\", primary_key = true, auto_increment = true }\nname = { type = \"text\" }\n";
    let kids = "[columns]\nid = { type = \"integer\", primary_key = true }\nparent_id = { type = \"integer\", references = \"parents.id\", on_delete = \"cascade\" }\n";
    let grandkids = "[columns]\nid = { type = \"integer\", primary_key = true }\nkid_id = { type = \"integer\", nullable = true, references = \"kids.id\", on_delete = \"set null\" }\n";
    let p = project(&[
        ("schema/parents.toml", parents),
        ("schema/kids.toml", kids),
        ("schema/grandkids.toml", grandkids),
    ]);
    config(p.path()).compile().unwrap();
    mark_applied(p.path());
    // Seed through the same SQL a database would have run, with foreign keys on.
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.pragma_update(None, "foreign_keys", true).unwrap();
    let apply = |conn: &rusqlite::Connection, file: &str| {
        let sql = std::fs::read_to_string(p.path().join("migrations").join(file)).unwrap();
        conn.execute_batch(&format!("BEGIN;\n{sql}\nCOMMIT;"))
            .unwrap();
    };
    apply(&conn, "0001_init.sql");
    conn.execute_batch(
        "INSERT INTO parents (name) VALUES ('a'), ('b'); DELETE FROM parents WHERE id = 2; INSERT INTO parents (name) VALUES ('c');
         INSERT INTO kids VALUES (1, 1), (2, 1), (3, 3); INSERT INTO grandkids VALUES (1, 1), (2, 3), (3, NULL);",
    )
    .unwrap();
    // A change that needs a rebuild of the parent: a new CHECK.
    write(
        p.path(),
        "schema/parents.toml",
        &parents.replace(
            "type = \"text\" }",
            "type = \"text\", check = \"length(name) > 0\" }",
        ),
    );
    config(p.path()).compile().unwrap();
    let file = migrations(p.path()).last().unwrap().clone();
    let sql = std::fs::read_to_string(p.path().join("migrations").join(&file)).unwrap();
    assert!(sql.contains("PRAGMA defer_foreign_keys = on;"), "{sql}");
    assert!(
        sql.contains("__mizzle_stash_kids") && sql.contains("__mizzle_stash_grandkids"),
        "{sql}"
    );
    for banned in ["BEGIN", "COMMIT", "PRAGMA foreign_keys"] {
        assert!(!sql.contains(banned), "{banned} in\n{sql}");
    }
    apply(&conn, &file);
    let count = |t: &str| {
        conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
    };
    assert_eq!(
        (count("parents"), count("kids"), count("grandkids")),
        (2, 3, 3),
        "no row lost"
    );
    let links: Vec<Option<i64>> = conn
        .prepare("SELECT kid_id FROM grandkids ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        links,
        vec![Some(1), Some(3), None],
        "SET NULL children keep their links"
    );
    let fk_problems = conn
        .prepare("PRAGMA foreign_key_check")
        .unwrap()
        .query_map([], |_| Ok(()))
        .unwrap()
        .count();
    assert_eq!(fk_problems, 0);
    conn.execute("INSERT INTO parents (name) VALUES ('d')", [])
        .unwrap();
    let id: i64 = conn
        .query_row("SELECT max(id) FROM parents", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        id, 4,
        "AUTOINCREMENT does not reuse the deleted id 2... nor 3"
    );
}

#[test]
fn concurrent_builds_write_exactly_one_file() {
    let p = project(&[("schema/users.toml", USERS), ("schema/posts.toml", POSTS)]);
    let root = p.path().to_path_buf();
    let handles: Vec<_> = (0..6)
        .map(|_| {
            let root = root.clone();
            std::thread::spawn(move || config(&root).compile().map(|o| o.written.is_some()))
        })
        .collect();
    let wrote: Vec<bool> = handles
        .into_iter()
        .map(|h| h.join().unwrap().unwrap())
        .collect();
    assert_eq!(wrote.iter().filter(|w| **w).count(), 1, "{wrote:?}");
    assert_eq!(migrations(&root), ["0001_init.sql"]);
}

/// Builds writing the generated module into one OUT_DIR at once (cargo and rust-analyzer,
/// or threads of one process) all succeed and leave every part whole.
#[test]
fn concurrent_builds_write_the_generated_module_whole() {
    // Two versions of the schema, so the builds really write (each part differs).
    let p = project(&[("schema/users.toml", USERS)]);
    let q = project(&[(
        "schema/users.toml",
        &format!("{USERS}name = {{ type = \"text\", nullable = true }}\n"),
    )]);
    let out_dir = p.path().join("out");
    let handles: Vec<_> = (0..16)
        .map(|i| {
            let root = if i % 2 == 0 { p.path() } else { q.path() }.to_path_buf();
            let out = out_dir.clone();
            std::thread::spawn(move || config(&root).out_dir(&out).compile().map(drop))
        })
        .collect();
    for h in handles {
        h.join().unwrap().unwrap();
    }
    let part = std::fs::read_to_string(out_dir.join("mizzle_schema/users.rs")).unwrap();
    assert!(part.contains("pub struct User"), "{part}");
    let leftovers: Vec<_> = std::fs::read_dir(out_dir.join("mizzle_schema"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn generated_module_is_written_only_when_changed() {
    let p = project(&[("schema/users.toml", USERS)]);
    let out_dir = p.path().join("out");
    let out = config(p.path()).out_dir(&out_dir).compile().unwrap();
    let file = out.rust_file.unwrap();
    let mtime = std::fs::metadata(&file).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    config(p.path()).out_dir(&out_dir).compile().unwrap();
    assert_eq!(std::fs::metadata(&file).unwrap().modified().unwrap(), mtime);
}

#[test]
fn unapplied_generated_migration_is_a_draft_and_regenerated() {
    let p = project(&[("schema/users.toml", USERS)]);
    git_in(p.path(), &["init", "-q"]);
    config(p.path()).compile().unwrap();
    mark_applied(p.path());
    // Iterating: the unapplied newest file is rewritten, not followed.
    write(
        p.path(),
        "schema/users.toml",
        &format!("{USERS}bio = {{ type = \"text\", nullable = true }}\n"),
    );
    config(p.path()).compile().unwrap();
    assert_eq!(
        migrations(p.path()),
        ["0001_init.sql", "0002_add_users_bio.sql"]
    );
    write(
        p.path(),
        "schema/users.toml",
        &format!(
            "{USERS}bio = {{ type = \"text\", nullable = true }}\nsite = {{ type = \"text\", nullable = true }}\n"
        ),
    );
    config(p.path()).compile().unwrap();
    assert_eq!(
        migrations(p.path()),
        ["0001_init.sql", "0002_add_users_columns.sql"],
        "renamed draft, no pile-up"
    );
    let sql =
        std::fs::read_to_string(p.path().join("migrations/0002_add_users_columns.sql")).unwrap();
    assert!(sql.contains("\"bio\"") && sql.contains("\"site\""), "{sql}");
    // Back to the applied schema: the draft is no longer needed.
    write(p.path(), "schema/users.toml", USERS);
    config(p.path()).compile().unwrap();
    assert_eq!(migrations(p.path()), ["0001_init.sql"]);
    // An edited generated file is kept as written, and followed.
    write(
        p.path(),
        "schema/users.toml",
        &format!("{USERS}bio = {{ type = \"text\", nullable = true }}\n"),
    );
    config(p.path()).compile().unwrap();
    let path = p.path().join("migrations/0002_add_users_bio.sql");
    let edited = std::fs::read_to_string(&path).unwrap().replace(
        "ADD COLUMN \"bio\" TEXT;",
        "ADD COLUMN \"bio\" TEXT;\nUPDATE users SET bio = 'hello';",
    );
    std::fs::write(&path, &edited).unwrap();
    write(
        p.path(),
        "schema/users.toml",
        &format!(
            "{USERS}bio = {{ type = \"text\", nullable = true }}\nsite = {{ type = \"text\", nullable = true }}\n"
        ),
    );
    config(p.path()).compile().unwrap();
    assert_eq!(
        migrations(p.path()),
        [
            "0001_init.sql",
            "0002_add_users_bio.sql",
            "0003_add_users_site.sql"
        ]
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        edited,
        "edited file untouched"
    );
}

/// Runs git in `dir` with a throwaway identity.
fn git_in(dir: &std::path::Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "git {args:?}");
}

/// A file that may have been applied anywhere is never rewritten: without git nothing
/// proves it was not (no drafts at all), and one `mizzle migrate` sent to a database is
/// recorded as published.
#[test]
fn without_git_or_once_sent_by_mizzle_migrate_nothing_is_a_draft() {
    let with_bio = format!("{USERS}bio = {{ type = \"text\", nullable = true }}\n");
    // No git repository: 0001 is final.
    let p = project(&[("schema/users.toml", USERS)]);
    config(p.path()).compile().unwrap();
    write(p.path(), "schema/users.toml", &with_bio);
    config(p.path()).compile().unwrap();
    assert_eq!(
        migrations(p.path()),
        ["0001_init.sql", "0002_add_users_bio.sql"]
    );
    // In git, untracked, but recorded as sent (e.g. `mizzle migrate --remote`).
    let p = project(&[("schema/users.toml", USERS)]);
    git_in(p.path(), &["init", "-q"]);
    config(p.path()).compile().unwrap();
    mizzle_build::migrate::record_published(p.path(), &["0001_init.sql"]).unwrap();
    write(p.path(), "schema/users.toml", &with_bio);
    config(p.path()).compile().unwrap();
    assert_eq!(
        migrations(p.path()),
        ["0001_init.sql", "0002_add_users_bio.sql"]
    );
}

#[test]
fn a_migration_committed_to_git_is_not_a_draft() {
    let p = project(&[("schema/users.toml", USERS)]);
    config(p.path()).compile().unwrap();
    let git = |args: &[&str]| git_in(p.path(), args);
    git(&["init", "-q"]);
    git(&["add", "migrations"]);
    git(&["commit", "-q", "-m", "init"]);
    write(
        p.path(),
        "schema/users.toml",
        &format!("{USERS}bio = {{ type = \"text\", nullable = true }}\n"),
    );
    config(p.path()).compile().unwrap();
    assert_eq!(
        migrations(p.path()),
        ["0001_init.sql", "0002_add_users_bio.sql"],
        "committed 0001 kept"
    );
}

/// An index a person wrote in a migration is not silently dropped by the next generated
/// one: the build asks to adopt it into the schema or to allow the drop.
#[test]
fn a_hand_written_index_is_kept_unless_dropping_it_is_allowed() {
    let p = project(&[("schema/users.toml", USERS)]);
    config(p.path()).compile().unwrap();
    write(
        p.path(),
        "migrations/0002_email_lower.sql",
        "CREATE INDEX users_email_lower ON users (email);\n",
    );
    mark_applied(p.path());
    let with_bio = format!("{USERS}bio = {{ type = \"text\", nullable = true }}\n");
    write(p.path(), "schema/users.toml", &with_bio);
    let err = config(p.path()).compile().unwrap_err().to_string();
    assert!(
        err.contains("index `users_email_lower` on `users` was written by hand in migrations/0002_email_lower.sql"),
        "{err}"
    );
    assert!(
        err.contains("users_email_lower = { columns = [\"email\"] }"),
        "{err}"
    );
    assert_eq!(migrations(p.path()).len(), 2, "nothing written");
    // Adopted into the schema: kept, no drop.
    write(
        p.path(),
        "schema/users.toml",
        &format!("{with_bio}[indexes]\nusers_email_lower = {{ columns = [\"email\"] }}\n"),
    );
    config(p.path()).compile().unwrap();
    let sql = std::fs::read_to_string(p.path().join("migrations/0003_add_users_bio.sql")).unwrap();
    assert!(!sql.contains("DROP INDEX"), "{sql}");
    // Allowed: dropped.
    std::fs::remove_file(p.path().join("migrations/0003_add_users_bio.sql")).unwrap();
    write(p.path(), "schema/users.toml", &with_bio);
    write(
        p.path(),
        "schema/mizzle.toml",
        "allow_drop = [\"users_email_lower\"]\n",
    );
    config(p.path()).compile().unwrap();
    let names = migrations(p.path());
    let sql = std::fs::read_to_string(p.path().join("migrations").join(&names[2])).unwrap();
    assert!(sql.contains("DROP INDEX \"users_email_lower\""), "{sql}");
}

/// Renaming a named CHECK is a change (the name is what constraint errors show).
#[test]
fn renaming_a_named_check_writes_a_migration() {
    let with_check = |name: &str| {
        format!(
            "{USERS}age = {{ type = \"integer\", default = 0 }}\n[checks]\n{name} = \"age >= 0\"\n"
        )
    };
    let p = project(&[("schema/users.toml", &with_check("age_positive"))]);
    config(p.path()).compile().unwrap();
    mark_applied(p.path());
    write(
        p.path(),
        "schema/users.toml",
        &with_check("age_not_negative"),
    );
    config(p.path()).compile().unwrap();
    let names = migrations(p.path());
    assert_eq!(names.len(), 2, "{names:?}");
    let sql = std::fs::read_to_string(p.path().join("migrations").join(&names[1])).unwrap();
    assert!(sql.contains("CONSTRAINT \"age_not_negative\""), "{sql}");
}

/// Removing an enum value is said at build time, with the query that counts the rows that
/// would make the migration fail.
#[test]
fn a_narrowed_enum_is_announced_with_a_count_query() {
    let with_enum = |values: &str| {
        format!("{USERS}role = {{ type = \"enum\", values = [{values}], default = \"a\" }}\n")
    };
    let p = project(&[("schema/users.toml", &with_enum("\"a\", \"b\", \"c\""))]);
    config(p.path()).compile().unwrap();
    mark_applied(p.path());
    write(p.path(), "schema/users.toml", &with_enum("\"a\", \"b\""));
    let schema = config(p.path()).load().unwrap().schema;
    let plan = mizzle_build::migrate::plan(
        &schema,
        &p.path().join("migrations"),
        "migrations",
        &Default::default(),
        Some(&mizzle_build::migrate::Facts::gather(
            p.path(),
            &p.path().join("migrations"),
        )),
    )
    .unwrap();
    assert!(plan.new_file.is_some());
    assert_eq!(plan.notes.len(), 1, "{:?}", plan.notes);
    assert!(
        plan.notes[0]
            .contains("SELECT count(*) FROM \"users\" WHERE NOT (\"role\" IN ('a', 'b'));"),
        "{}",
        plan.notes[0]
    );
}

/// A new NOT NULL column without a default on an existing table (found by the evolution
/// property as an `ADD COLUMN … NOT NULL` that D1 refuses): a rebuild, which applies while
/// the table is empty and fails whole otherwise, announced at build time, and counted by
/// `mizzle migrate` before it applies anything.
#[test]
fn a_new_not_null_column_without_default_is_a_rebuild_for_an_empty_table() {
    let p = project(&[("schema/users.toml", USERS)]);
    config(p.path()).compile().unwrap();
    mark_applied(p.path());
    write(
        p.path(),
        "schema/users.toml",
        &format!("{USERS}avatar = {{ type = \"blob\" }}\n"),
    );
    let schema = config(p.path()).load().unwrap().schema;
    let plan = mizzle_build::migrate::plan(
        &schema,
        &p.path().join("migrations"),
        "migrations",
        &Default::default(),
        Some(&mizzle_build::migrate::Facts::gather(
            p.path(),
            &p.path().join("migrations"),
        )),
    )
    .unwrap();
    assert!(
        plan.notes.iter().any(|n| n.contains(
            "`users.avatar` is a new NOT NULL column without a default: the migration applies only while `users` is empty"
        )),
        "{:?}",
        plan.notes
    );
    config(p.path()).compile().unwrap();
    let file = migrations(p.path()).last().unwrap().clone();
    let sql = std::fs::read_to_string(p.path().join("migrations").join(&file)).unwrap();
    assert!(
        sql.contains("-- Rebuild `users` (a new NOT NULL column without a default)"),
        "{sql}"
    );
    // Applied where `users` is empty: the column is there. With rows: refused whole.
    let apply = |rows: bool| {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let init = std::fs::read_to_string(p.path().join("migrations/0001_init.sql")).unwrap();
        conn.execute_batch(&init).unwrap();
        if rows {
            conn.execute("INSERT INTO users (email) VALUES ('a@x.io')", [])
                .unwrap();
        }
        let r = conn.execute_batch(&format!("BEGIN;\n{sql}\nCOMMIT;"));
        let _ = conn.execute_batch("ROLLBACK;");
        let cols: i64 = conn
            .query_row(
                "SELECT count(*) FROM pragma_table_info('users') WHERE name = 'avatar'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        (r.is_ok(), cols)
    };
    assert_eq!(apply(false), (true, 1), "an empty table gains the column");
    let (ok, cols) = apply(true);
    assert!(
        !ok && cols == 0,
        "a table with rows refuses it and keeps its shape"
    );
    let required = mizzle_build::migrate::added_required_columns(
        &mizzle_build::migrate::read_migrations(&p.path().join("migrations"), "migrations")
            .unwrap(),
        1,
        "migrations",
    )
    .unwrap();
    assert_eq!(required.len(), 1);
    assert_eq!(
        (required[0].table.as_str(), required[0].column.as_str()),
        ("users", "avatar")
    );
    assert_eq!(
        required[0].count_sql(),
        "SELECT count(*) AS n FROM \"users\""
    );
}

/// Hand-written triggers and views survive a rebuild: the rebuilt table's triggers and its
/// cascading children's are made again with their exact SQL, none of them fires while the
/// rows are moved, all fire afterwards; a view the change would break stops the build.
#[test]
fn a_rebuild_keeps_hand_written_triggers_and_views() {
    let authors = "[columns]\nid = { type = \"integer\", primary_key = true, auto_increment = true }\nname = { type = \"text\" }\n";
    let articles = "[columns]\nid = { type = \"integer\", primary_key = true }\nauthor_id = { type = \"integer\", references = \"authors.id\", on_delete = \"cascade\" }\ntitle = { type = \"text\" }\n";
    let audit =
        "[columns]\nid = { type = \"integer\", primary_key = true }\nmsg = { type = \"text\" }\n";
    let p = project(&[
        ("schema/authors.toml", authors),
        ("schema/articles.toml", articles),
        ("schema/audit.toml", audit),
    ]);
    config(p.path()).compile().unwrap();
    let by_hand = "CREATE TRIGGER articles_audit AFTER INSERT ON articles BEGIN\n  INSERT INTO audit (msg) VALUES ('article ' || NEW.title);\nEND;\n\n\
        CREATE TRIGGER authors_audit AFTER UPDATE OF name ON authors BEGIN\n  INSERT INTO audit (msg) VALUES ('renamed ' || NEW.name);\nEND;\n\n\
        CREATE VIEW article_authors AS SELECT a.name AS author, r.title FROM authors a JOIN articles r ON r.author_id = a.id;\n";
    write(p.path(), "migrations/0002_audit.sql", by_hand);
    mark_applied(p.path());
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.pragma_update(None, "foreign_keys", true).unwrap();
    let apply = |conn: &rusqlite::Connection, file: &str| {
        let sql = std::fs::read_to_string(p.path().join("migrations").join(file)).unwrap();
        conn.execute_batch(&format!("BEGIN;\n{sql}\nCOMMIT;"))
            .unwrap();
    };
    apply(&conn, "0001_init.sql");
    apply(&conn, "0002_audit.sql");
    conn.execute_batch(
        "INSERT INTO authors (name) VALUES ('ann'), ('bob');
         INSERT INTO articles VALUES (1, 1, 'a1'), (2, 1, 'a2'), (3, 2, 'b1');",
    )
    .unwrap();
    let objects = |conn: &rusqlite::Connection| -> Vec<(String, String)> {
        conn.prepare(
            "SELECT name, sql FROM sqlite_schema WHERE type IN ('trigger', 'view') ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    let before = objects(&conn);
    assert_eq!(before.len(), 3);
    let count = |conn: &rusqlite::Connection, sql: &str| {
        conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap()
    };
    assert_eq!(count(&conn, "SELECT count(*) FROM audit"), 3);

    // A change that rebuilds `authors` (a new CHECK): `articles` cascades from it.
    write(
        p.path(),
        "schema/authors.toml",
        &authors.replace(
            "type = \"text\" }",
            "type = \"text\", check = \"length(name) > 0\" }",
        ),
    );
    config(p.path()).compile().unwrap();
    let file = migrations(p.path()).last().unwrap().clone();
    let sql = std::fs::read_to_string(p.path().join("migrations").join(&file)).unwrap();
    assert!(sql.contains("DROP TRIGGER \"articles_audit\";"), "{sql}");
    apply(&conn, &file);
    assert_eq!(
        objects(&conn),
        before,
        "every trigger and view, with its exact SQL"
    );
    assert_eq!(
        count(&conn, "SELECT count(*) FROM audit"),
        3,
        "no trigger fired while the rows were moved"
    );
    assert_eq!(count(&conn, "SELECT count(*) FROM article_authors"), 3);
    conn.execute_batch(
        "INSERT INTO articles VALUES (4, 2, 'b2'); UPDATE authors SET name = 'anne' WHERE id = 1;",
    )
    .unwrap();
    let msgs: Vec<String> = conn
        .prepare("SELECT msg FROM audit ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        &msgs[3..],
        ["article b2", "renamed anne"],
        "both fire after it"
    );

    // A change that breaks the view: refused, naming it and the way out; nothing written.
    mark_applied(p.path());
    let n = migrations(p.path()).len();
    write(
        p.path(),
        "schema/articles.toml",
        &articles.replace("title = { type = \"text\" }\n", ""),
    );
    write(
        p.path(),
        "schema/mizzle.toml",
        "allow_drop = [\"articles.title\"]\n",
    );
    let err = config(p.path()).compile().unwrap_err().to_string();
    assert!(
        err.contains("the view `article_authors` no longer works")
            && err.contains("mizzle migration new"),
        "{err}"
    );
    assert_eq!(migrations(p.path()).len(), n, "nothing written");
}
