use super::ts::*;
use super::*;
use std::path::PathBuf;

/// Writes `files` into a temp dir and reads the schema from the first.
fn read(files: &[(&str, &str)]) -> (tempfile::TempDir, TsSchema) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let entry: PathBuf = dir.path().join(files[0].0);
    let s = read_schema(&[entry], dir.path());
    (dir, s)
}

fn col<'s>(s: &'s TsSchema, table: &str, key: &str) -> &'s TsColumn {
    let t = s
        .tables
        .iter()
        .find(|t| t.name == table)
        .unwrap_or_else(|| panic!("no table {table} in {:?}", s.tables));
    t.columns
        .iter()
        .find(|c| c.key == key)
        .unwrap_or_else(|| panic!("no column {key} in {:?}", t.columns))
}

#[test]
fn modes_enums_and_names_are_read() {
    let (_d, s) = read(&[(
        "schema.ts",
        r#"
import { sqliteTable, integer, text as txt } from "drizzle-orm/sqlite-core";
const ROLES = ["admin", "member"] as const;
// sqliteTable("commented", {})
export const users = sqliteTable("users", {
  id: integer("id").primaryKey(),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  createdAt: integer("created_at", { mode: "timestamp" }).notNull(),
  seenAt: integer({ mode: 'timestamp_ms' }),
  prefs: txt("prefs", { mode: "json" }).$type<{ a: string, b: number }>(),
  role: txt("role", { enum: ROLES }),
  status: txt("status", { enum: ["draft", "live"] }).default("draft"), /* a comment, */
  other: txt(),
}, (t) => [index("x").on(t.id)]);
"#,
    )]);
    assert!(s.notes.is_empty(), "{:?}", s.notes);
    assert_eq!(s.tables.len(), 1);
    assert_eq!(col(&s, "users", "active").mode.as_deref(), Some("boolean"));
    assert_eq!(
        col(&s, "users", "createdAt").name.as_deref(),
        Some("created_at")
    );
    assert_eq!(col(&s, "users", "seenAt").name, None);
    assert_eq!(
        col(&s, "users", "seenAt").db_name(Casing::SnakeCase),
        "seen_at"
    );
    assert_eq!(
        col(&s, "users", "seenAt").db_name(Casing::Preserve),
        "seenAt"
    );
    assert_eq!(col(&s, "users", "prefs").builder, "text");
    assert_eq!(
        col(&s, "users", "role").enum_values,
        Some(Ok(vec!["admin".into(), "member".into()]))
    );
    assert_eq!(
        col(&s, "users", "status").default.as_deref(),
        Some("\"draft\"")
    );
    assert_eq!(s.tables[0].indexes, ["x"]);
}

#[test]
fn re_exports_creators_and_spreads_are_followed() {
    let (_d, s) = read(&[
        (
            "db/schema.ts",
            r#"
export * from "./auth-schema";
export { posts as articles } from "./content/index.js";
"#,
        ),
        (
            "db/auth-schema.ts",
            r#"
import { integer, text } from "drizzle-orm/sqlite-core";
import { createTable, timestamps } from "./util";
export const user = createTable("user", {
  id: text().primaryKey().$defaultFn(() => crypto.randomUUID()),
  emailVerified: integer("email_verified", { mode: "boolean" }),
  ...timestamps,
});
"#,
        ),
        (
            "db/util.ts",
            r#"
import { sqliteTableCreator, integer } from "drizzle-orm/sqlite-core";
const PREFIX = "app";
export const createTable = sqliteTableCreator((name) => `${PREFIX}_${name}`);
export const timestamps = {
  createdAt: integer("created_at", { mode: "timestamp" }).$defaultFn(() => new Date()),
  updatedAt: integer("updated_at", { mode: "timestamp" }).$onUpdate(() => new Date()),
};
"#,
        ),
        (
            "db/content/index.ts",
            r#"
import * as core from "drizzle-orm/sqlite-core";
import { createId } from "@paralleldrive/cuid2";
export const posts = core.sqliteTable("posts", (t) => ({
  id: t.text().primaryKey().$defaultFn(createId),
  body: t.text().$default(() => "hello"),
  seen: t.integer({ mode: "timestamp_ms" }).$defaultFn(() => Date.now()),
}), (t) => ({ bySeen: core.index("posts_seen").on(t.seen) }));
"#,
        ),
    ]);
    assert!(s.notes.is_empty(), "{:?}", s.notes);
    let names: Vec<&str> = s.tables.iter().map(|t| t.name.as_str()).collect();
    assert!(
        names.contains(&"app_user") && names.contains(&"posts"),
        "{names:?}"
    );
    assert_eq!(s.files.len(), 4);
    let id = col(&s, "app_user", "id");
    assert_eq!(id.app_default.as_ref().unwrap().kind, AppFnKind::Uuid);
    assert_eq!(
        col(&s, "app_user", "createdAt")
            .app_default
            .as_ref()
            .unwrap()
            .kind,
        AppFnKind::Now
    );
    assert_eq!(
        col(&s, "app_user", "updatedAt")
            .app_on_update
            .as_ref()
            .unwrap()
            .kind,
        AppFnKind::Now
    );
    assert_eq!(
        col(&s, "posts", "id").app_default.as_ref().unwrap().kind,
        AppFnKind::Cuid2
    );
    let body = col(&s, "posts", "body").app_default.clone().unwrap();
    assert_eq!(
        (body.kind, body.source.as_str()),
        (AppFnKind::Other, "() => \"hello\"")
    );
    assert_eq!(
        col(&s, "posts", "seen").app_default.as_ref().unwrap().kind,
        AppFnKind::NowMillis
    );
    assert_eq!(
        col(&s, "posts", "seen").mode.as_deref(),
        Some("timestamp_ms")
    );
    let posts = s.tables.iter().find(|t| t.name == "posts").unwrap();
    assert_eq!(posts.indexes, ["posts_seen"]);
}

#[test]
fn relations_are_read() {
    let (_d, s) = read(&[(
        "schema.ts",
        r#"
import { sqliteTable, integer, text } from "drizzle-orm/sqlite-core";
import { relations } from "drizzle-orm";
export const users = sqliteTable("users", { id: integer().primaryKey() });
export const posts = sqliteTable("posts", {
  id: integer().primaryKey(),
  authorId: integer("author_id").references(() => users.id),
});
export const usersRelations = relations(users, ({ many }) => ({ writings: many(posts) }));
export const postsRelations = relations(posts, ({ one }) => ({
  writer: one(users, { fields: [posts.authorId], references: [users.id] }),
}));
"#,
    )]);
    assert_eq!(s.relations.len(), 2);
    assert_eq!(s.relations[0].name, "writings");
    assert!(s.relations[0].many);
    assert_eq!(s.relations[1].fields, ["authorId"]);
}

#[test]
fn what_cannot_be_read_is_said() {
    let (_d, s) = read(&[(
        "schema.ts",
        r#"
import { sqliteTable, integer, text } from "drizzle-orm/sqlite-core";
import { cols } from "some-package";
import { missing } from "./nowhere";
import { defineRelations } from "drizzle-orm";
export const rels = defineRelations({}, (r) => ({}));
const name = process.env.TABLE;
export const a = sqliteTable(name, { id: integer() });
export const b = sqliteTable("b", { ...cols, x: makeColumn() });
"#,
    )]);
    let all = s.notes.join("\n");
    assert!(all.contains("./nowhere"), "{all}");
    assert!(all.contains("the name of table `a`"), "{all}");
    assert!(all.contains("spreads `cols`"), "{all}");
    assert!(
        all.contains("`rels` is drizzle 1.x's defineRelations"),
        "{all}"
    );
    assert!(all.contains("`b.x` is built by `makeColumn(..)`"), "{all}");
}

#[test]
fn app_defaults_and_units_become_settings_or_warnings() {
    let (_d, s) = read(&[(
        "schema.ts",
        r#"
import { sqliteTable, integer, text } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";
import { nanoid } from "nanoid";
export const t = sqliteTable("t", {
  id: text().primaryKey().$defaultFn(() => nanoid()),
  created: integer({ mode: "timestamp" }).default(sql`(unixepoch() * 1000)`),
  updated: integer({ mode: "timestamp" }).$onUpdate(() => new Date()),
  seen: integer({ mode: "timestamp" }).$defaultFn(() => Date.now()),
  count: integer().$defaultFn(() => Date.now()),
});
"#,
    )]);
    let mut conn = crate::migrate::replay::open();
    crate::migrate::replay::run_sql(
        &mut conn,
        "CREATE TABLE t (id text PRIMARY KEY, created integer DEFAULT (unixepoch() * 1000), updated integer, seen integer, count integer);",
    )
    .unwrap();
    let a = analyse(&s, Casing::Preserve, &conn).unwrap();
    let w = a.warnings.join("\n");
    assert!(
        w.contains("`t.id` is not carried over: mizzle has no function like `() => nanoid()`"),
        "{w}"
    );
    assert!(
        w.contains("`t.created` holds seconds, but its default"),
        "{w}"
    );
    assert!(w.contains("year 58902"), "{w}");
    assert!(
        w.contains("`() => Date.now()` gives milliseconds but the column holds seconds"),
        "{w}"
    );
    assert!(w.contains("`t.count` is not carried over"), "{w}");
    let key = ("t".to_owned(), "updated".to_owned());
    assert_eq!(
        a.hints.on_update_fns.get(&key).map(String::as_str),
        Some("now")
    );
    let render = a.render();
    let line = render
        .lines()
        .find(|l| l.trim_start().starts_with("updated"))
        .unwrap();
    assert!(
        line.contains("integer({ mode: \"timestamp\" }).$onUpdate(..)")
            && line.ends_with("→ timestamp, on_update_fn = \"now\""),
        "{render}"
    );
}

#[test]
fn both_layouts_are_read_in_drizzle_kits_order() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (f, sql) in [
        (
            "20250102000000_second/migration.sql",
            "ALTER TABLE a ADD b integer;",
        ),
        (
            "20250101000000_init/migration.sql",
            "CREATE TABLE a (id integer);",
        ),
    ] {
        std::fs::create_dir_all(d.join(f).parent().unwrap()).unwrap();
        std::fs::write(d.join(f), sql).unwrap();
        std::fs::write(d.join(f).with_file_name("snapshot.json"), r#"{"version":"7","ddl":[{"name":"a","entityType":"tables"},{"table":"a","name":"id","entityType":"columns"}]}"#).unwrap();
    }
    let f = read_migrations(d).unwrap();
    assert_eq!(f.layout, Layout::PerFolder);
    let names: Vec<&str> = f.migrations.iter().map(|m| m.file_name.as_str()).collect();
    assert_eq!(names, ["0000_init.sql", "0001_second.sql"]);
    assert_eq!(
        f.migrations[1].source,
        "20250102000000_second/migration.sql"
    );
    let snap = snapshot_columns(d, Layout::PerFolder).unwrap();
    assert_eq!(snap.get("a").unwrap(), &vec!["id".to_owned()]);
    // A folder with neither layout says which it looked for.
    let empty = tempfile::tempdir().unwrap();
    let err = read_migrations(empty.path()).unwrap_err();
    assert!(err.contains("neither drizzle-kit layout"), "{err}");
}

#[test]
fn drizzle_re_exported_by_a_helper_module_is_still_drizzle() {
    let (_d, s) = read(&[
        (
            "schema.ts",
            r#"
import { sqliteTable, integer } from "./db-utils";
export const flags = sqliteTable("flags", { on: integer({ mode: "boolean" }) });
"#,
        ),
        (
            "db-utils.ts",
            r#"export { sqliteTable, integer } from "drizzle-orm/sqlite-core";"#,
        ),
    ]);
    assert!(s.notes.is_empty(), "{:?}", s.notes);
    assert_eq!(col(&s, "flags", "on").mode.as_deref(), Some("boolean"));
    assert_eq!(col(&s, "flags", "on").builder, "integer");
}

#[test]
fn a_glob_takes_script_files_only() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("schema")).unwrap();
    for f in ["a.ts", "b.js", "README.md", "types.d.ts"] {
        std::fs::write(dir.path().join("schema").join(f), "").unwrap();
    }
    let (files, notes) = config::expand(dir.path(), &["./schema/*".to_owned()]);
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["a.ts", "b.js"]);
    assert!(notes.is_empty(), "{notes:?}");
}
