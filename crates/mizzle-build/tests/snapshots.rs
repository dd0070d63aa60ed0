//! Snapshots of what mizzle generates for the example schema: a change in generated code
//! or SQL shows up as a reviewed diff (`cargo insta review`).

mod common;

#[test]
fn example_schema_generated_rust() {
    let root = common::workspace();
    let loaded = mizzle_build::Config::new()
        .manifest_dir(&root)
        .load()
        .unwrap();
    // Migrations are embedded verbatim; leave them out so this snapshot is about code.
    let rust = mizzle_build::Config::new().generate(&loaded.schema, &[]);
    insta::assert_snapshot!("example_rust", rust);
}

#[test]
fn example_schema_sql() {
    let root = common::workspace();
    let loaded = mizzle_build::Config::new()
        .manifest_dir(&root)
        .load()
        .unwrap();
    insta::assert_snapshot!("example_sql", mizzle_build::schema_sql(&loaded.schema));
}

#[test]
fn example_migrations_are_up_to_date() {
    let root = common::workspace();
    let loaded = mizzle_build::Config::new()
        .manifest_dir(&root)
        .load()
        .unwrap();
    let plan = mizzle_build::migrate::plan(
        &loaded.schema,
        &root.join("migrations"),
        "migrations",
        &Default::default(),
        None,
    )
    .unwrap();
    assert_eq!(
        plan.new_file, None,
        "migrations/ is behind schema/: run cargo build and commit"
    );
}

#[test]
fn example_schema_erd() {
    let root = common::workspace();
    let loaded = mizzle_build::Config::new()
        .manifest_dir(&root)
        .load()
        .unwrap();
    insta::assert_snapshot!("example_erd", mizzle_build::erd::mermaid(&loaded.schema));
}

/// docs/erd.svg (shown in the README) is the example's diagram as `mizzle erd --format svg`
/// draws it today.
#[test]
fn svg_diagram_is_current() {
    let root = common::workspace();
    let loaded = mizzle_build::Config::new()
        .manifest_dir(&root)
        .load()
        .unwrap();
    let svg = std::fs::read_to_string(root.join("docs/erd.svg")).unwrap();
    assert!(
        svg == mizzle_build::erd::svg(&loaded.schema),
        "docs/erd.svg is stale: `mizzle erd --format svg > docs/erd.svg`"
    );
}

/// The README shows the example's diagram as `mizzle erd` draws it today.
#[test]
fn readme_diagram_is_current() {
    let root = common::workspace();
    let loaded = mizzle_build::Config::new()
        .manifest_dir(&root)
        .load()
        .unwrap();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let block = format!(
        "```mermaid\n{}```",
        mizzle_build::erd::mermaid(&loaded.schema)
    );
    assert!(
        readme.contains(&block),
        "README.md's diagram is stale: replace its mermaid block with the output of `mizzle erd`"
    );
}

/// The diagram shows what the schema says beyond columns: unique constraints over several
/// columns, CHECKs (table and column), docs, and every index on request.
#[test]
fn erd_shows_constraints_checks_docs_and_indexes_on_request() {
    let files = vec![(
        std::path::PathBuf::from("schema/memberships.toml"),
        r#"doc = "Who belongs to which team."

[columns]
id      = { type = "integer", primary_key = true }
team    = { type = "text", doc = "The team's slug." }
member  = { type = "text", check = "length(member) > 0" }
role    = { type = "text" }

[indexes]
memberships_team_member = { columns = ["team", "member"], unique = true }
memberships_role_idx    = { columns = ["role"], where = "role <> 'guest'" }

[checks]
role_known = "role IN ('owner', 'member', 'guest')"
"#
        .to_owned(),
    )];
    let loaded = mizzle_build::Config::new()
        .manifest_dir(common::workspace())
        .load_files(files)
        .unwrap();
    let plain = mizzle_build::erd::mermaid(&loaded.schema);
    for want in [
        "%% memberships: Who belongs to which team.",
        r#"text team "The team's slug.""#,
        r#"text member "check: length(member) > 0""#,
        r#"unique memberships_team_member "(team, member)""#,
        r#"check role_known "role IN ('owner', 'member', 'guest')""#,
    ] {
        assert!(plain.contains(want), "{want} missing from:\n{plain}");
    }
    assert!(!plain.contains("memberships_role_idx"), "{plain}");
    let all = mizzle_build::erd::mermaid_with(
        &loaded.schema,
        mizzle_build::erd::Options { indexes: true },
    );
    assert!(
        all.contains(r#"index memberships_role_idx "(role) WHERE role <> 'guest'""#),
        "{all}"
    );
    let svg = mizzle_build::erd::svg(&loaded.schema);
    assert!(
        svg.contains("<title>Who belongs to which team.</title>"),
        "{svg}"
    );
    assert!(svg.contains(">(team, member)<"), "{svg}");
}
