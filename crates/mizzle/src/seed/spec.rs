//! What seeding knows of a schema: written by the build (`mizzle-build`'s `seed` module,
//! from `schema/*.toml` and `schema/seed.toml`) as JSON into the generated module
//! (`SEED_SPEC`), and by `mizzle seed` from the same files. Plain data.

use serde::Deserialize;

/// A schema, as seeding reads it.
#[derive(Debug, Clone, Deserialize)]
pub struct Spec {
    /// Rows per table unless the table says (`rows` at the top of seed.toml; 20).
    #[serde(default = "default_rows")]
    pub rows: usize,
    /// The share of NULLs in a nullable column unless the column says (`null`; 0.1).
    #[serde(default = "default_null", rename = "null")]
    pub null_ratio: f64,
    /// The tables, in the schema's order.
    pub tables: Vec<TableSpec>,
}

fn default_rows() -> usize {
    20
}

fn default_null() -> f64 {
    0.1
}

/// One table.
#[derive(Debug, Clone, Deserialize)]
pub struct TableSpec {
    /// Its SQL name.
    pub name: String,
    /// Rows to write (seed.toml's `rows`), else the spec's.
    #[serde(default)]
    pub rows: Option<usize>,
    /// Its primary key's columns.
    #[serde(default)]
    pub primary_key: Vec<String>,
    /// The integer primary key that is the rowid, numbered 1, 2, 3, … (not drawn).
    #[serde(default)]
    pub rowid_key: Option<String>,
    /// Sets of columns that must be unique together (unique columns, unique indexes, the
    /// primary key).
    #[serde(default)]
    pub unique: Vec<Vec<String>>,
    /// CHECK constraints, each row must pass.
    #[serde(default)]
    pub checks: Vec<CheckSpec>,
    /// Children per parent row (seed.toml's `per_parent`): rows are made for each row of
    /// the table this foreign key column references, a number in `min..=max` each.
    #[serde(default)]
    pub per_parent: Option<PerParent>,
    /// The columns, in order.
    pub columns: Vec<ColumnSpec>,
}

/// A CHECK constraint.
#[derive(Debug, Clone, Deserialize)]
pub struct CheckSpec {
    /// How the schema names it (`users.name`, or a table check's name).
    pub name: String,
    /// Its SQL expression.
    pub expr: String,
}

/// Children per parent row.
#[derive(Debug, Clone, Deserialize)]
pub struct PerParent {
    /// The foreign key column naming the parent.
    pub column: String,
    /// Fewest children per parent.
    pub min: usize,
    /// Most children per parent.
    pub max: usize,
}

/// One column.
#[derive(Debug, Clone, Deserialize)]
pub struct ColumnSpec {
    /// Its SQL name.
    pub name: String,
    /// Its schema type: `integer`, `real`, `text`, `blob`, `boolean`, `timestamp`,
    /// `timestamp_ms`, `json`, `enum`.
    #[serde(rename = "type")]
    pub ty: String,
    /// Whether it may be NULL.
    #[serde(default)]
    pub nullable: bool,
    /// The share of NULLs (seed.toml's `null`), else the spec's.
    #[serde(default, rename = "null")]
    pub null_ratio: Option<f64>,
    /// An enum's values.
    #[serde(default)]
    pub values: Option<Vec<String>>,
    /// The column it references.
    #[serde(default)]
    pub references: Option<Reference>,
    /// `now`, `uuid_v4` or `cuid2`: drawn from the seed as the function's shape.
    #[serde(default)]
    pub default_fn: Option<String>,
    /// The generator seed.toml chose; else one by type and name.
    #[serde(default)]
    pub generate: Option<Generate>,
}

/// A referenced column.
#[derive(Debug, Clone, Deserialize)]
pub struct Reference {
    /// Its table.
    pub table: String,
    /// Its column.
    pub column: String,
}

/// How a column's values are made (seed.toml's per-column generators).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Generate {
    /// A full name (`Ada Okafor`).
    Name,
    /// A first name.
    FirstName,
    /// A last name.
    LastName,
    /// An address unique in its table (`ada.okafor.7@example.com`).
    Email,
    /// One word.
    Word,
    /// `min..=max` words, capitalized, with a period.
    Sentence {
        /// Fewest words.
        min: usize,
        /// Most words.
        max: usize,
    },
    /// A few sentences.
    Paragraph,
    /// A URL unique in its table.
    Url,
    /// Words joined by `-`, unique in its table.
    Slug,
    /// A version-4 UUID.
    Uuid,
    /// A number in `min..=max` (an integer for integer, boolean and timestamp columns).
    Range {
        /// Lowest.
        min: f64,
        /// Highest.
        max: f64,
    },
    /// One of these, equally likely.
    OneOf {
        /// The choices (as TOML/JSON values).
        values: Vec<serde_json::Value>,
    },
    /// One of these, by weight.
    Weighted {
        /// `[value, weight]` pairs.
        values: Vec<(serde_json::Value, f64)>,
    },
    /// Always this value.
    Value {
        /// The value.
        value: serde_json::Value,
    },
    /// Not written: the column's SQL default applies.
    Default,
}
