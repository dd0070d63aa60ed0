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
