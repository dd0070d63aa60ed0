//! The checked schema: plain data, no spans, no TOML. What the emitters and the migration
//! differ work from.

/// The logical type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnType {
    /// `integer` → INTEGER, `i64`.
    Integer,
    /// `real` → REAL, `f64`.
    Real,
    /// `text` → TEXT, `String`.
    Text,
    /// `blob` → BLOB, `Vec<u8>`.
    Blob,
    /// `boolean` → INTEGER 0/1, `bool`.
    Boolean,
    /// `timestamp` → INTEGER seconds, `DateTime<Utc>`.
    Timestamp,
    /// `timestamp_ms` → INTEGER milliseconds, `DateTime<Utc>`.
    TimestampMs,
    /// `json` → TEXT, a serde type.
    Json,
    /// `enum` → TEXT with a CHECK, a generated enum.
    Enum,
}

impl ColumnType {
    /// Every type, as written in schema files.
    pub const ALL: [(&'static str, ColumnType); 9] = [
        ("integer", ColumnType::Integer),
        ("real", ColumnType::Real),
        ("text", ColumnType::Text),
        ("blob", ColumnType::Blob),
        ("boolean", ColumnType::Boolean),
        ("timestamp", ColumnType::Timestamp),
        ("timestamp_ms", ColumnType::TimestampMs),
        ("json", ColumnType::Json),
        ("enum", ColumnType::Enum),
    ];

    /// The type written as `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
    }

    /// The name as written in schema files.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, t)| *t == self)
            .map(|(n, _)| *n)
            .expect("listed")
    }

    /// The SQLite declared type.
    pub fn sql_type(self) -> &'static str {
        match self {
            ColumnType::Integer
            | ColumnType::Boolean
            | ColumnType::Timestamp
            | ColumnType::TimestampMs => "INTEGER",
            ColumnType::Real => "REAL",
            ColumnType::Text | ColumnType::Json | ColumnType::Enum => "TEXT",
            ColumnType::Blob => "BLOB",
        }
    }
}

/// A column default.
#[derive(Debug, Clone, PartialEq)]
pub enum Default {
    /// A literal, already rendered as SQL (`0`, `'draft'`).
    Literal(String),
    /// An SQL expression, rendered in parentheses.
    Sql(String),
}

/// A function generated code calls to fill a value in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultFn {
    /// The current time.
    Now,
    /// A UUID v4 string.
    UuidV4,
    /// A CUID2 string.
    Cuid2,
}

impl DefaultFn {
    /// Every function, as written in schema files.
    pub const ALL: [(&'static str, DefaultFn); 3] = [
        ("now", DefaultFn::Now),
        ("uuid_v4", DefaultFn::UuidV4),
        ("cuid2", DefaultFn::Cuid2),
    ];
}

/// A foreign key action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FkAction {
    /// `CASCADE`.
    Cascade,
    /// `SET NULL`.
    SetNull,
    /// `RESTRICT`.
    Restrict,
    /// `NO ACTION`.
    NoAction,
    /// `SET DEFAULT`.
    SetDefault,
}

impl FkAction {
    /// Every action, as written in schema files.
    pub const ALL: [(&'static str, FkAction); 5] = [
        ("cascade", FkAction::Cascade),
        ("set null", FkAction::SetNull),
        ("restrict", FkAction::Restrict),
        ("no action", FkAction::NoAction),
        ("set default", FkAction::SetDefault),
    ];

    /// As written in schema files (`"set null"`).
    pub fn spelling(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, a)| *a == self)
            .map_or("no action", |(s, _)| s)
    }

    /// SQL spelling.
    pub fn sql(self) -> &'static str {
        match self {
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::Restrict => "RESTRICT",
            FkAction::NoAction => "NO ACTION",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

/// `REFERENCES table(column)`.
#[derive(Debug, Clone, PartialEq)]
pub struct ForeignKey {
    /// Parent table.
    pub table: String,
    /// Parent column.
    pub column: String,
    /// `ON DELETE`.
    pub on_delete: Option<FkAction>,
    /// `ON UPDATE`.
    pub on_update: Option<FkAction>,
}

/// A generated Rust enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    /// Rust name (`PostStatus`).
    pub name: String,
    /// Stored values, in order.
    pub values: Vec<String>,
}

/// A column.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// SQL name.
    pub name: String,
    /// Rust field name.
    pub rust_name: String,
    /// Logical type.
    pub ty: ColumnType,
    /// `NULL` allowed.
    pub nullable: bool,
    /// `AUTOINCREMENT` (integer primary key only).
    pub auto_increment: bool,
    /// Single-column `UNIQUE`.
    pub unique: bool,
    /// SQL default.
    pub default: Option<Default>,
    /// Filled by generated code at insert.
    pub default_fn: Option<DefaultFn>,
    /// Filled by generated code at every update.
    pub on_update_fn: Option<DefaultFn>,
    /// Foreign key.
    pub references: Option<ForeignKey>,
    /// Column CHECK.
    pub check: Option<String>,
    /// Enum (type `enum`).
    pub enum_def: Option<EnumDef>,
    /// Rust type of a `json` column.
    pub json_rust: Option<String>,
    /// Doc comment.
    pub doc: Option<String>,
    /// Previous name.
    pub renamed_from: Option<String>,
    /// Lossy changes allowed.
    pub allow_destructive: bool,
    /// Whether the database enforces a boolean's 0/1 or an enum's values with a CHECK
    /// (`db_check = false` for a database made without one, e.g. by drizzle-kit).
    pub db_check: bool,
    /// Whether a client's JSON may set it (`input`; see [`Table::client_input`]).
    pub input: bool,
    /// Where the column's name is written.
    pub origin: crate::diag::Origin,
}

/// An index.
#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    /// Name (global in SQLite).
    pub name: String,
    /// Columns.
    pub columns: Vec<String>,
    /// `UNIQUE`.
    pub unique: bool,
    /// Partial index condition.
    pub where_sql: Option<String>,
    /// Where the index's name is written.
    pub origin: crate::diag::Origin,
}

/// A relation (checked against the foreign keys).
#[derive(Debug, Clone, PartialEq)]
pub enum Relation {
    /// This table's `key` references `target`'s primary key.
    BelongsTo {
        /// Name.
        name: String,
        /// Target table.
        target: String,
        /// Column on this table.
        key: String,
        /// Referenced column on target.
        target_key: String,
        /// Whether the key is nullable (the related row is optional).
        optional: bool,
        /// Where the relation is written.
        origin: crate::diag::Origin,
    },
    /// `target.foreign_key` references this table (one or many rows).
    Has {
        /// Name.
        name: String,
        /// Target table.
        target: String,
        /// Column on target.
        foreign_key: String,
        /// Referenced column on this table.
        key: String,
        /// `has_many` (true) or `has_one`.
        many: bool,
        /// Where the relation is written.
        origin: crate::diag::Origin,
    },
    /// Through a join table with one foreign key to each side.
    ManyToMany {
        /// Name.
        name: String,
        /// Target table.
        target: String,
        /// Join table.
        through: String,
        /// Join column referencing this table.
        source_fk: String,
        /// Join column referencing target.
        target_fk: String,
        /// Column of this table referenced.
        key: String,
        /// Column of target referenced.
        target_key: String,
        /// Where the relation is written.
        origin: crate::diag::Origin,
    },
}

/// A table.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// SQL name.
    pub name: String,
    /// Row struct name.
    pub struct_name: String,
    /// Doc comment.
    pub doc: Option<String>,
    /// Previous name.
    pub renamed_from: Option<String>,
    /// Columns in order.
    pub columns: Vec<Column>,
    /// Primary key columns (empty: rowid only).
    pub primary_key: Vec<String>,
    /// `WITHOUT ROWID`.
    pub without_rowid: bool,
    /// Indexes.
    pub indexes: Vec<Index>,
    /// Named table CHECKs.
    pub checks: Vec<(String, String)>,
    /// Relations.
    pub relations: Vec<Relation>,
    /// serde's `rename_all` for the generated structs (the table's, else the settings').
    pub serde_rename_all: Option<String>,
    /// Whether the input structs (`New<Struct>Input`, `<Struct>PatchInput`) are generated:
    /// `client_input = true`, or a column with `input = false`.
    pub client_input: bool,
    /// Where the table's name is written.
    pub origin: crate::diag::Origin,
}

impl Table {
    /// The column called `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Whether `column` is the table's single-column INTEGER PRIMARY KEY (a rowid alias,
    /// which SQLite fills in when it is not given).
    pub fn is_rowid_alias(&self, column: &Column) -> bool {
        !self.without_rowid
            && self.primary_key.len() == 1
            && self.primary_key[0] == column.name
            && column.ty == ColumnType::Integer
    }

    /// Whether an insert must give `column` a value: NOT NULL and no default of any kind.
    pub fn is_required(&self, column: &Column) -> bool {
        !column.nullable
            && column.default.is_none()
            && column.default_fn.is_none()
            && !self.is_rowid_alias(column)
    }
}

/// Project settings (`schema/mizzle.toml`).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Where migrations live, relative to the manifest dir.
    pub migrations_dir: String,
    /// The wrangler config to check, relative to the manifest dir.
    pub wrangler: Option<String>,
    /// The D1 binding name.
    pub binding: String,
    /// Tables / `table.column`s migrations may drop.
    pub allow_drop: Vec<String>,
    /// serde's `rename_all` for every generated struct (a table may set its own).
    pub serde_rename_all: Option<String>,
    /// The settings file as shown in messages (`schema/mizzle.toml`, or wherever the schema
    /// folder is), whether or not it exists.
    pub file: String,
    /// Where the schema's database lives.
    pub target: Target,
    /// The Durable Object class holding the schema, when the target includes one.
    pub durable_object: Option<DurableObject>,
    /// Where `binding`, `migrations_dir` and `wrangler` are set, when they are.
    pub origins: SettingsOrigins,
    /// What the build does about a foreign key column no index starts with.
    pub unindexed_lookups: LintLevel,
    /// `(table, why)`: tables the plan check lets a full scan of (`allow_scans`).
    pub allow_scans: Vec<(String, String)>,
    /// The D1 bindings that share the schema (`databases`; empty: just `binding`), with
    /// where each is written.
    pub databases: Vec<String>,
    /// Where each of `databases` is written.
    pub database_origins: Vec<crate::diag::Origin>,
}

/// What the build does about a lint's finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, std::default::Default)]
pub enum LintLevel {
    /// A cargo warning (the default).
    #[default]
    Warn,
    /// A build error.
    Error,
    /// Nothing.
    Allow,
}

/// Where a schema's database lives (`target` in schema/mizzle.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Target {
    /// A D1 database (migrations applied by wrangler).
    #[default]
    D1,
    /// The SQLite storage of each object of a Durable Object class (migrations applied by
    /// the object itself).
    DurableObject,
    /// Both: the same tables in D1 and in every object.
    Both,
}

impl Target {
    /// Whether a D1 database holds the schema.
    pub fn d1(self) -> bool {
        matches!(self, Target::D1 | Target::Both)
    }
    /// Whether Durable Objects hold the schema.
    pub fn durable_object(self) -> bool {
        matches!(self, Target::DurableObject | Target::Both)
    }
}

/// The Durable Object class whose storage holds the schema.
#[derive(Debug, Clone, PartialEq)]
pub struct DurableObject {
    /// `durable_object`: the class name (`class_name` in wrangler's config).
    pub class: String,
    /// `durable_object_binding`: the binding name (`name` in wrangler's config).
    pub binding: String,
    /// Where they are written.
    pub origin: crate::diag::Origin,
}

/// Where the settings that the wrangler check compares are written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SettingsOrigins {
    /// `binding = ".."`.
    pub binding: crate::diag::Origin,
    /// `migrations_dir = ".."`.
    pub migrations_dir: crate::diag::Origin,
    /// `wrangler = ".."`.
    pub wrangler: crate::diag::Origin,
}

impl std::default::Default for Settings {
    fn default() -> Self {
        Settings {
            migrations_dir: "migrations".into(),
            wrangler: None,
            binding: "DB".into(),
            serde_rename_all: None,
            allow_drop: Vec::new(),
            target: Target::D1,
            durable_object: None,
            file: "schema/mizzle.toml".into(),
            origins: SettingsOrigins::default(),
            unindexed_lookups: LintLevel::Warn,
            allow_scans: Vec::new(),
            databases: Vec::new(),
            database_origins: Vec::new(),
        }
    }
}

/// The whole schema.
#[derive(Debug, Clone, PartialEq, std::default::Default)]
pub struct Schema {
    /// Tables, in file order.
    pub tables: Vec<Table>,
    /// Settings.
    pub settings: Settings,
    /// What the build decided for the user and says so (a cargo warning each): e.g. a
    /// struct name chosen because the default one would shadow a Rust prelude type.
    pub warnings: Vec<String>,
    /// `schema/seed.toml`: how seed data is refined (empty without the file).
    pub seed: SeedConfig,
}

/// `schema/seed.toml`, checked against the schema.
#[derive(Debug, Clone, PartialEq, std::default::Default)]
pub struct SeedConfig {
    /// Rows per table unless a table says (`rows`).
    pub rows: Option<usize>,
    /// The share of NULLs in nullable columns unless a column says (`null`).
    pub null: Option<f64>,
    /// Per table.
    pub tables: Vec<SeedTable>,
}

/// One table's section of seed.toml.
#[derive(Debug, Clone, PartialEq, std::default::Default)]
pub struct SeedTable {
    /// The table.
    pub table: String,
    /// Rows to make.
    pub rows: Option<usize>,
    /// Children per parent: the foreign key column, fewest, most.
    pub per_parent: Option<(String, usize, usize)>,
    /// Per column: its generator (the JSON `mizzle::seed::Generate` reads; null when only
    /// `null` is given) and its share of NULLs.
    pub columns: Vec<(String, serde_json::Value, Option<f64>)>,
}

impl Schema {
    /// The table called `name`.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }
}
