//! `mizzle seed` and `mizzle reset` on a schema with the hard parts: a reference cycle
//! (teams ↔ players, broken at a nullable column), self-references (nullable, and NOT
//! NULL), a join table with a composite key, unique columns, enums, and CHECKs (one the
//! generator meets by drawing again, one that needs seed.toml). On SQLite files and on
//! local D1 (wrangler/workerd): every foreign key valid, every CHECK held, and the same rows
//! for the same seed on both.

mod common;
use common::{build, d1_local, mizzle};

use std::path::Path;

const TEAMS: &str = r#"
[columns]
id         = { type = "integer", primary_key = true, auto_increment = true }
name       = { type = "text", unique = true }
captain_id = { type = "integer", nullable = true, references = "players.id", on_delete = "set null" }

[indexes]
teams_captain_idx = { columns = ["captain_id"] }
"#;

const PLAYERS: &str = r#"
[columns]
id        = { type = "integer", primary_key = true, auto_increment = true }
team_id   = { type = "integer", references = "teams.id", on_delete = "cascade" }
mentor_id = { type = "integer", nullable = true, references = "players.id" }
email     = { type = "text", unique = true }
position  = { type = "enum", values = ["keeper", "field"] }
rating    = { type = "integer", check = "rating BETWEEN 1 AND 10" }
score     = { type = "integer", check = "score % 2 = 0" }
nickname  = { type = "text", nullable = true }
joined_at = { type = "timestamp", default_fn = "now" }

[indexes]
players_team_idx   = { columns = ["team_id"] }
players_mentor_idx = { columns = ["mentor_id"] }
"#;

const CATEGORIES: &str = r#"
[columns]
id        = { type = "integer", primary_key = true, auto_increment = true }
parent_id = { type = "integer", references = "categories.id" }
label     = { type = "text" }

[indexes]
categories_parent_idx = { columns = ["parent_id"] }
"#;

const MEMBERSHIPS: &str = r#"
primary_key = ["player_id", "category_id"]

[columns]
player_id   = { type = "integer", references = "players.id", on_delete = "cascade" }
category_id = { type = "integer", references = "categories.id", on_delete = "cascade" }
meta        = { type = "json", nullable = true }

[indexes]
memberships_category_idx = { columns = ["category_id"] }
"#;

const SEED_TOML: &str = r#"
rows = 6

[teams]
rows = 4

[players]
per_parent = { team_id = [2, 5] }

[players.columns]
rating   = { range = [1, 10] }
position = { weighted = { keeper = 1, field = 5 } }
nickname = { one_of = ["Ace", "Rocket", "O'Brien"], null = 0.5 }

[memberships]
rows = 30
"#;

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::create_dir_all(p.join("schema")).unwrap();
    for (name, text) in [
        ("teams", TEAMS),
        ("players", PLAYERS),
        ("categories", CATEGORIES),
        ("memberships", MEMBERSHIPS),
    ] {
        std::fs::write(p.join(format!("schema/{name}.toml")), text).unwrap();
    }
    std::fs::write(
        p.join("wrangler.jsonc"),
        "{ \"name\": \"t\", \"d1_databases\": [{ \"binding\": \"DB\", \"database_name\": \"t\", \"database_id\": \"x\" }] }\n",
    )
    .unwrap();
    build(p);
    dir
}

/// Every table's rows in key order, as text (quote() of each value): a dump to compare.
fn dump_sqlite(file: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(file).unwrap();
    ["teams", "players", "categories", "memberships"]
        .iter()
        .flat_map(|t| {
            let mut stmt = conn
                .prepare(&format!("SELECT * FROM {t} ORDER BY rowid"))
                .unwrap();
            let n = stmt.column_count();
            stmt.query_map([], |r| {
                let cells: Vec<String> = (0..n)
                    .map(|i| match r.get_ref(i).unwrap() {
                        rusqlite::types::ValueRef::Null => "null".into(),
                        rusqlite::types::ValueRef::Integer(x) => x.to_string(),
                        rusqlite::types::ValueRef::Real(x) => x.to_string(),
                        rusqlite::types::ValueRef::Text(s) => {
                            serde_json::to_string(std::str::from_utf8(s).unwrap()).unwrap()
                        }
                        rusqlite::types::ValueRef::Blob(_) => "blob".into(),
                    })
                    .collect();
                Ok(format!("{t}: {}", cells.join(" | ")))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect::<Vec<_>>()
        })
        .collect()
}

/// The same dump, read from the local D1 through wrangler (columns in the order of the
/// same table in the SQLite file `like`).
fn dump_d1(project: &Path, like: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(like).unwrap();
    let mut out = Vec::new();
    for t in ["teams", "players", "categories", "memberships"] {
        let names: Vec<String> = conn
            .prepare(&format!("SELECT * FROM {t}"))
            .unwrap()
            .column_names()
            .iter()
            .map(|s| s.to_string())
            .collect();
        let rows = d1_local(project, "DB", &format!("SELECT * FROM {t} ORDER BY rowid"));
        for row in rows.as_array().unwrap() {
            let cells: Vec<String> = names
                .iter()
                .map(|n| &row[n])
                .map(|c| match c {
                    serde_json::Value::Null => "null".into(),
                    serde_json::Value::String(s) => serde_json::to_string(s).unwrap(),
                    other => other.to_string(),
                })
                .collect();
            out.push(format!("{t}: {}", cells.join(" | ")));
        }
    }
    out
}

fn count(file: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(file)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn seed_fills_cycles_and_self_references_alike_on_sqlite_and_local_d1() {
    let p = project();
    let dir = p.path();
    let a = dir.join("a.db");

    // A CHECK no default draw meets is reported by name, with the line that fixes it; and
    // nothing is written.
    let (ok, out) = mizzle(
        dir,
        &["seed", "--sqlite", a.to_str().unwrap(), "--seed", "5"],
    );
    assert!(!ok, "{out}");
    assert!(
        out.contains("CHECK `players.rating` (rating BETWEEN 1 AND 10)")
            && out.contains("[players.columns]")
            && out.contains("rating = { range"),
        "{out}"
    );
    assert_eq!(count(&a, "SELECT count(*) FROM players"), 0);

    std::fs::write(dir.join("schema/seed.toml"), SEED_TOML).unwrap();
    let (ok, out) = mizzle(
        dir,
        &["seed", "--sqlite", a.to_str().unwrap(), "--seed", "5"],
    );
    assert!(ok, "{out}");
    assert_eq!(
        count(&a, "SELECT count(*) FROM pragma_foreign_key_check"),
        0
    );
    assert_eq!(
        count(&a, "SELECT count(*) FROM teams"),
        4,
        "seed.toml's rows"
    );
    assert_eq!(
        count(&a, "SELECT count(*) FROM categories"),
        6,
        "the top-level rows"
    );
    let players = count(&a, "SELECT count(*) FROM players");
    assert!((8..=20).contains(&players), "2 to 5 per team: {players}");
    assert_eq!(
        count(
            &a,
            "SELECT count(*) FROM (SELECT team_id, count(*) AS n FROM players GROUP BY team_id HAVING n NOT BETWEEN 2 AND 5)"
        ),
        0,
        "children per parent"
    );
    assert_eq!(
        count(
            &a,
            "SELECT count(*) FROM players WHERE NOT (rating BETWEEN 1 AND 10) OR score % 2 != 0 OR position NOT IN ('keeper', 'field')"
        ),
        0,
        "every CHECK holds"
    );
    assert_eq!(
        count(
            &a,
            "SELECT count(*) FROM players WHERE nickname IS NOT NULL AND nickname NOT IN ('Ace', 'Rocket', 'O''Brien')"
        ),
        0
    );
    assert!(count(&a, "SELECT count(*) FROM players WHERE nickname IS NULL") > 0);
    assert!(
        count(
            &a,
            "SELECT count(*) FROM teams WHERE captain_id IS NOT NULL"
        ) > 0,
        "the cycle's nullable side is filled in after both tables"
    );
    assert!(
        count(
            &a,
            "SELECT count(*) FROM players WHERE mentor_id IS NOT NULL"
        ) > 0,
        "self-references name earlier rows"
    );
    assert_eq!(
        count(
            &a,
            "SELECT count(*) FROM categories WHERE parent_id IS NULL"
        ),
        0,
        "a NOT NULL self-reference"
    );
    assert!(count(&a, "SELECT count(*) FROM memberships") > 0);

    // The same seed, the same rows; another seed, others.
    let b = dir.join("b.db");
    let (ok, out) = mizzle(
        dir,
        &["seed", "--sqlite", b.to_str().unwrap(), "--seed", "5"],
    );
    assert!(ok, "{out}");
    assert_eq!(dump_sqlite(&a), dump_sqlite(&b));
    let c = dir.join("c.db");
    let (ok, out) = mizzle(
        dir,
        &["seed", "--sqlite", c.to_str().unwrap(), "--seed", "6"],
    );
    assert!(ok, "{out}");
    assert_ne!(dump_sqlite(&a), dump_sqlite(&c));

    // Seeding appends to nothing.
    let (ok, out) = mizzle(
        dir,
        &["seed", "--sqlite", a.to_str().unwrap(), "--seed", "5"],
    );
    assert!(!ok);
    assert!(
        out.contains("already have rows") && out.contains("mizzle reset"),
        "{out}"
    );

    // A reset starts the file over; with --seed, the same rows again.
    let (ok, out) = mizzle(dir, &["reset", "--sqlite", a.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert_eq!(count(&a, "SELECT count(*) FROM players"), 0);
    let (ok, out) = mizzle(
        dir,
        &["reset", "--sqlite", a.to_str().unwrap(), "--seed", "5"],
    );
    assert!(ok, "{out}");
    assert_eq!(dump_sqlite(&a), dump_sqlite(&b));

    // Local D1: migrated, seeded through wrangler, the same rows as SQLite.
    let (ok, out) = mizzle(dir, &["migrate", "--local"]);
    assert!(ok, "{out}");
    let (ok, out) = mizzle(dir, &["seed", "--local", "--seed", "5"]);
    assert!(ok, "{out}");
    assert_eq!(
        dump_d1(dir, &b),
        dump_sqlite(&b),
        "D1 and SQLite hold the same rows"
    );
    let fk = d1_local(dir, "DB", "PRAGMA foreign_key_check");
    assert_eq!(
        fk,
        serde_json::json!([]),
        "D1's own foreign key check: {fk}"
    );
    let (ok, out) = mizzle(dir, &["seed", "--local", "--seed", "5"]);
    assert!(!ok && out.contains("already have rows"), "{out}");
    let (ok, out) = mizzle(dir, &["reset", "--local"]);
    assert!(ok, "{out}");
    assert!(dump_d1(dir, &b).is_empty(), "reset leaves the tables empty");
    let (ok, out) = mizzle(dir, &["reset", "--local", "--seed", "5"]);
    assert!(ok, "{out}");
    assert_eq!(dump_d1(dir, &b), dump_sqlite(&b));
    // Remote needs a confirmation: without one, nothing runs.
    let (ok, out) = mizzle(dir, &["seed", "--remote", "--seed", "5"]);
    assert!(!ok && out.contains("--confirm DB"), "{out}");
}

#[test]
fn seed_toml_mistakes_are_spanned_errors() {
    let p = project();
    let dir = p.path();
    let file = dir.join("x.db");
    for (toml, says) in [
        ("[player]\nrows = 3\n", "no table of the schema"),
        (
            "[players.columns]\nrating = \"email\"\n",
            "is not a text column",
        ),
        (
            "[players.columns]\nposition = { one_of = [\"goalie\"] }\n",
            "is not a value of the enum",
        ),
        ("[players.columns]\nemail = { null = 0.5 }\n", "is NOT NULL"),
        (
            "[players.columns]\nemial = \"email\"\n",
            "did you mean `email`",
        ),
        (
            "[players]\nper_parent = { email = [1, 2] }\n",
            "no foreign key column",
        ),
        (
            "[players.columns]\nrating = { range = [1, 10], value = 3 }\n",
            "one generator per column",
        ),
        ("rows = -1\n", "must be a count"),
    ] {
        std::fs::write(dir.join("schema/seed.toml"), toml).unwrap();
        let (ok, out) = mizzle(dir, &["seed", "--sqlite", file.to_str().unwrap()]);
        assert!(!ok, "{toml}: {out}");
        assert!(out.contains(says), "{toml}: wanted `{says}` in {out}");
        assert!(out.contains("seed.toml:"), "spanned: {out}");
    }
    assert_eq!(
        count(
            &file,
            "SELECT count(*) FROM sqlite_schema WHERE name = 'players'"
        ),
        0,
        "nothing written"
    );
}
