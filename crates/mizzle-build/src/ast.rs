//! The schema files as written: every value keeps its span for error messages.
//! Produced by [`crate::parse`], checked and lowered by [`crate::lower`].

use crate::diag::{Sp, Span};

/// A literal `default`.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// Integer.
    Int(i64),
    /// Float.
    Float(f64),
    /// String.
    Str(String),
    /// Boolean.
    Bool(bool),
}

impl Literal {
    /// The TOML type's name, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Literal::Int(_) => "an integer",
            Literal::Float(_) => "a float",
            Literal::Str(_) => "a string",
            Literal::Bool(_) => "a boolean",
        }
    }
}

/// One `schema/<table>.toml` file.
#[derive(Debug, Clone)]
pub struct TableFile {
    /// The file's stem.
    pub stem: String,
    /// Span of the whole file (for errors about the table as a whole).
    pub span: Span,
    /// `table = "..."`.
    pub table: Option<Sp<String>>,
    /// `struct = "..."`.
    pub struct_name: Option<Sp<String>>,
    /// `serde_rename_all = "..."`: this table's JSON field naming.
    pub serde_rename_all: Option<Sp<String>>,
    /// `doc = "..."`.
    pub doc: Option<Sp<String>>,
    /// `renamed_from = "..."`.
    pub renamed_from: Option<Sp<String>>,
    /// `primary_key = [..]`.
    pub primary_key: Option<Sp<Vec<Sp<String>>>>,
    /// `without_rowid = true`.
    pub without_rowid: Option<Sp<bool>>,
    /// `client_input = true`: generate the input structs a client's JSON is read into,
    /// keys and server-filled columns left out by default.
    pub client_input: Option<Sp<bool>>,
    /// `[columns]`, in file order.
    pub columns: Vec<ColumnDef>,
    /// Span of the `columns` key (or the file when absent).
    pub columns_span: Span,
    /// `[indexes]`.
    pub indexes: Vec<IndexDef>,
    /// `[checks]`: name → SQL.
    pub checks: Vec<(Sp<String>, Sp<String>)>,
    /// `[relations]`.
    pub relations: Vec<RelationDef>,
}

/// One column.
#[derive(Debug, Clone)]
pub struct ColumnDef {
    /// Column name (the key).
    pub name: Sp<String>,
    /// `type`.
    pub ty: Sp<String>,
    /// `nullable`.
    pub nullable: Option<Sp<bool>>,
    /// `primary_key`.
    pub primary_key: Option<Sp<bool>>,
    /// `auto_increment`.
    pub auto_increment: Option<Sp<bool>>,
    /// `unique`.
    pub unique: Option<Sp<bool>>,
    /// `default`.
    pub default: Option<Sp<Literal>>,
    /// `default_sql`.
    pub default_sql: Option<Sp<String>>,
    /// `default_fn`.
    pub default_fn: Option<Sp<String>>,
    /// `on_update_fn`.
    pub on_update_fn: Option<Sp<String>>,
    /// `references`.
    pub references: Option<Sp<String>>,
    /// `on_delete`.
    pub on_delete: Option<Sp<String>>,
    /// `on_update`.
    pub on_update: Option<Sp<String>>,
    /// `check`.
    pub check: Option<Sp<String>>,
    /// `values`.
    pub values: Option<Sp<Vec<Sp<String>>>>,
    /// `rust`.
    pub rust: Option<Sp<String>>,
    /// `rust_name`.
    pub rust_name: Option<Sp<String>>,
    /// `renamed_from`.
    pub renamed_from: Option<Sp<String>>,
    /// `doc`.
    pub doc: Option<Sp<String>>,
    /// `enum_name`.
    pub enum_name: Option<Sp<String>>,
    /// `allow_destructive`.
    pub allow_destructive: Option<Sp<bool>>,
    /// `db_check` (boolean and enum columns).
    pub db_check: Option<Sp<bool>>,
    /// `input`: whether a client's JSON may set the column.
    pub input: Option<Sp<bool>>,
}

/// One index.
#[derive(Debug, Clone)]
pub struct IndexDef {
    /// Index name (the key).
    pub name: Sp<String>,
    /// `columns`.
    pub columns: Sp<Vec<Sp<String>>>,
    /// `unique`.
    pub unique: Option<Sp<bool>>,
    /// `where` (partial index).
    pub where_sql: Option<Sp<String>>,
}

/// The kind of a relation and its target table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationKind {
    /// `belongs_to`.
    BelongsTo,
    /// `has_one`.
    HasOne,
    /// `has_many`.
    HasMany,
    /// `many_to_many`.
    ManyToMany,
}

/// One relation.
#[derive(Debug, Clone)]
pub struct RelationDef {
    /// Relation name (the key).
    pub name: Sp<String>,
    /// Kind.
    pub kind: RelationKind,
    /// Target table.
    pub target: Sp<String>,
    /// `key` (belongs_to).
    pub key: Option<Sp<String>>,
    /// `foreign_key` (has_one / has_many).
    pub foreign_key: Option<Sp<String>>,
    /// `through` (many_to_many).
    pub through: Option<Sp<String>>,
}

/// `schema/mizzle.toml`.
#[derive(Debug, Clone, Default)]
pub struct SettingsFile {
    /// `migrations_dir`.
    pub migrations_dir: Option<Sp<String>>,
    /// `wrangler`.
    pub wrangler: Option<Sp<String>>,
    /// `binding`.
    pub binding: Option<Sp<String>>,
    /// `allow_drop`.
    pub allow_drop: Vec<Sp<String>>,
    /// `serde_rename_all`: the JSON field naming of every generated struct.
    pub serde_rename_all: Option<Sp<String>>,
    /// `target`: `d1`, `durable_object` or `both`.
    pub target: Option<Sp<String>>,
    /// `durable_object`: the Durable Object class whose storage holds the schema.
    pub durable_object: Option<Sp<String>>,
    /// `durable_object_binding`: that class's binding in wrangler's config.
    pub durable_object_binding: Option<Sp<String>>,
    /// `unindexed_lookups`: `"warn"` (the default), `"error"` or `"allow"`.
    pub unindexed_lookups: Option<Sp<String>>,
    /// `allow_scans`: `"table: why"`, tables the plan check lets a full scan of.
    pub allow_scans: Vec<Sp<String>>,
    /// `databases`: the D1 bindings that share the schema (`mizzle migrate --all`).
    pub databases: Vec<Sp<String>>,
}
