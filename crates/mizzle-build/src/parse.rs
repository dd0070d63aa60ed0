//! TOML → [`ast`](crate::ast), keeping spans. Unknown keys and wrongly typed values are
//! errors here; meaning is checked in [`crate::lower`].

use std::borrow::Cow;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::ast::*;
use crate::diag::{Diagnostic, FileId, Sp, Span};
use crate::naming::did_you_mean;

/// Column keys, as SCHEMA.md lists them.
pub const COLUMN_KEYS: &[&str] = &[
    "type",
    "nullable",
    "primary_key",
    "auto_increment",
    "unique",
    "default",
    "default_sql",
    "default_fn",
    "on_update_fn",
    "references",
    "on_delete",
    "on_update",
    "check",
    "values",
    "rust",
    "rust_name",
    "renamed_from",
    "doc",
    "enum_name",
    "allow_destructive",
    "db_check",
    "input",
];
/// The keys a table file accepts.
pub const TABLE_KEYS: &[&str] = &[
    "table",
    "struct",
    "serde_rename_all",
    "doc",
    "renamed_from",
    "primary_key",
    "without_rowid",
    "client_input",
    "columns",
    "indexes",
    "checks",
    "relations",
];
/// The keys an index accepts.
pub const INDEX_KEYS: &[&str] = &["columns", "unique", "where"];
/// The kinds of relation.
pub const RELATION_KINDS: &[&str] = &["belongs_to", "has_one", "has_many", "many_to_many"];
/// The keys a relation accepts.
pub const RELATION_KEYS: &[&str] = &[
    "belongs_to",
    "has_one",
    "has_many",
    "many_to_many",
    "key",
    "foreign_key",
    "through",
];
/// The keys `schema/mizzle.toml` accepts.
pub const SETTINGS_KEYS: &[&str] = &[
    "migrations_dir",
    "wrangler",
    "binding",
    "allow_drop",
    "serde_rename_all",
    "target",
    "durable_object",
    "durable_object_binding",
    "unindexed_lookups",
    "allow_scans",
    "databases",
];

type DeEntry<'i> = (Spanned<Cow<'i, str>>, Spanned<DeValue<'i>>);

/// The keys of one TOML table, taken one by one; what is left over is unknown.
struct Fields<'i> {
    file: FileId,
    entries: Vec<DeEntry<'i>>,
    span: Span,
}

impl<'i> Fields<'i> {
    fn new(file: FileId, table: DeTable<'i>, span: Span) -> Self {
        Fields {
            file,
            entries: table.into_iter().collect(),
            span,
        }
    }

    fn span(&self, s: std::ops::Range<usize>) -> Span {
        Span::new(self.file, s)
    }

    fn take(&mut self, key: &str) -> Option<DeEntry<'i>> {
        let i = self.entries.iter().position(|(k, _)| k.get_ref() == key)?;
        Some(self.entries.remove(i))
    }

    fn type_error(&self, key: &str, want: &str, v: &Spanned<DeValue<'_>>) -> Diagnostic {
        Diagnostic::error(
            format!("`{key}` must be {want}, found {}", describe(v.get_ref())),
            &self.span(v.span()),
            format!("expected {want}"),
        )
    }

    fn string(&mut self, key: &str, errs: &mut Vec<Diagnostic>) -> Option<Sp<String>> {
        let (_, v) = self.take(key)?;
        match v.get_ref() {
            DeValue::String(s) => Some(Sp::new(s.to_string(), self.span(v.span()))),
            _ => {
                errs.push(self.type_error(key, "a string", &v));
                None
            }
        }
    }

    fn boolean(&mut self, key: &str, errs: &mut Vec<Diagnostic>) -> Option<Sp<bool>> {
        let (_, v) = self.take(key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(Sp::new(*b, self.span(v.span()))),
            _ => {
                errs.push(self.type_error(key, "`true` or `false`", &v));
                None
            }
        }
    }

    fn strings(&mut self, key: &str, errs: &mut Vec<Diagnostic>) -> Option<Sp<Vec<Sp<String>>>> {
        let (_, v) = self.take(key)?;
        let span = self.span(v.span());
        match v.get_ref() {
            DeValue::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    match item.get_ref() {
                        DeValue::String(s) => {
                            out.push(Sp::new(s.to_string(), self.span(item.span())))
                        }
                        _ => errs.push(self.type_error(key, "an array of strings", item)),
                    }
                }
                Some(Sp::new(out, span))
            }
            _ => {
                errs.push(self.type_error(key, "an array of strings", &v));
                None
            }
        }
    }

    fn table(&mut self, key: &str, errs: &mut Vec<Diagnostic>) -> Option<(Span, Vec<DeEntry<'i>>)> {
        let (k, v) = self.take(key)?;
        let span = self.span(k.span());
        let vspan = v.span();
        match v.into_inner() {
            DeValue::Table(t) => Some((span, t.into_iter().collect())),
            other => {
                errs.push(Diagnostic::error(
                    format!("`{key}` must be a table, found {}", describe(&other)),
                    &self.span(vspan),
                    "expected a table",
                ));
                None
            }
        }
    }

    /// Reports every key not taken, suggesting the closest known one.
    fn finish(self, what: &str, known: &[&str], errs: &mut Vec<Diagnostic>) {
        for (k, _) in self.entries {
            let key = k.get_ref().as_ref();
            let mut d = Diagnostic::error(
                format!("unknown key `{key}` in {what}"),
                &Span::new(self.file, k.span()),
                "unknown key",
            );
            d = match did_you_mean(key, known.iter().copied()) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help(format!("the keys of {what} are: {}", known.join(", "))),
            };
            errs.push(d);
        }
    }
}

fn describe(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a datetime",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

fn parse_toml<'i>(
    file: FileId,
    source: &'i str,
    errs: &mut Vec<Diagnostic>,
) -> Option<DeTable<'i>> {
    match DeTable::parse(source) {
        Ok(t) => Some(t.into_inner()),
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            errs.push(Diagnostic::error(
                format!("invalid TOML: {}", e.message().trim()),
                &Span::new(file, span),
                "here",
            ));
            None
        }
    }
}

/// Parses one table file. Problems are pushed to `errs`; what could be read is returned.
pub fn table_file(
    file: FileId,
    stem: &str,
    source: &str,
    errs: &mut Vec<Diagnostic>,
) -> Option<TableFile> {
    let root = parse_toml(file, source, errs)?;
    let whole = Span::new(
        file,
        0..source.len().min(source.find('\n').unwrap_or(source.len())),
    );
    let mut f = Fields::new(file, root, whole.clone());
    let mut t = TableFile {
        stem: stem.to_owned(),
        span: whole.clone(),
        table: f.string("table", errs),
        struct_name: f.string("struct", errs),
        serde_rename_all: f.string("serde_rename_all", errs),
        doc: f.string("doc", errs),
        renamed_from: f.string("renamed_from", errs),
        primary_key: f.strings("primary_key", errs),
        without_rowid: f.boolean("without_rowid", errs),
        client_input: f.boolean("client_input", errs),
        columns: Vec::new(),
        columns_span: whole,
        indexes: Vec::new(),
        checks: Vec::new(),
        relations: Vec::new(),
    };
    if let Some((span, entries)) = f.table("columns", errs) {
        t.columns_span = span;
        for (k, v) in entries {
            if let Some(c) = column(file, k, v, errs) {
                t.columns.push(c);
            }
        }
    }
    if let Some((_, entries)) = f.table("indexes", errs) {
        for (k, v) in entries {
            let name = Sp::new(k.get_ref().to_string(), Span::new(file, k.span()));
            let Some(mut g) = sub_table(file, &name, "an index", v, errs) else {
                continue;
            };
            let columns = g.strings("columns", errs);
            let unique = g.boolean("unique", errs);
            let where_sql = g.string("where", errs);
            g.finish(&format!("index `{}`", name.value), INDEX_KEYS, errs);
            match columns {
                Some(columns) => t.indexes.push(IndexDef {
                    name,
                    columns,
                    unique,
                    where_sql,
                }),
                None => errs.push(
                    Diagnostic::error(
                        format!("index `{}` has no `columns`", name.value),
                        &name.span,
                        "needs columns",
                    )
                    .help("write `columns = [\"a\", \"b\"]`"),
                ),
            }
        }
    }
    if let Some((_, entries)) = f.table("checks", errs) {
        for (k, v) in entries {
            let name = Sp::new(k.get_ref().to_string(), Span::new(file, k.span()));
            match v.get_ref() {
                DeValue::String(s) => t
                    .checks
                    .push((name, Sp::new(s.to_string(), Span::new(file, v.span())))),
                other => errs.push(Diagnostic::error(
                    format!(
                        "check `{}` must be an SQL expression string, found {}",
                        name.value,
                        describe(other)
                    ),
                    &Span::new(file, v.span()),
                    "expected a string",
                )),
            }
        }
    }
    if let Some((_, entries)) = f.table("relations", errs) {
        for (k, v) in entries {
            let name = Sp::new(k.get_ref().to_string(), Span::new(file, k.span()));
            if let Some(r) = relation(file, name, v, errs) {
                t.relations.push(r);
            }
        }
    }
    f.finish("a table file", TABLE_KEYS, errs);
    Some(t)
}

fn sub_table<'i>(
    file: FileId,
    name: &Sp<String>,
    what: &str,
    v: Spanned<DeValue<'i>>,
    errs: &mut Vec<Diagnostic>,
) -> Option<Fields<'i>> {
    let span = Span::new(file, v.span());
    match v.into_inner() {
        DeValue::Table(t) => Some(Fields::new(file, t, span)),
        other => {
            errs.push(Diagnostic::error(
                format!(
                    "`{}` must be {what} table, found {}",
                    name.value,
                    describe(&other)
                ),
                &span,
                "expected a table",
            ));
            None
        }
    }
}

fn column(
    file: FileId,
    k: Spanned<Cow<'_, str>>,
    v: Spanned<DeValue<'_>>,
    errs: &mut Vec<Diagnostic>,
) -> Option<ColumnDef> {
    let name = Sp::new(k.get_ref().to_string(), Span::new(file, k.span()));
    let span = Span::new(file, v.span());
    // Shorthand: `name = "text"` is `name = { type = "text" }`.
    if let DeValue::String(s) = v.get_ref() {
        let ty = Sp::new(s.to_string(), span.clone());
        return Some(ColumnDef::of_type(name, ty));
    }
    let mut f = sub_table(file, &name, "a column", v, errs)?;
    let ty = f.string("type", errs);
    let mut c = ColumnDef::of_type(name.clone(), Sp::new(String::new(), span.clone()));
    c.nullable = f.boolean("nullable", errs);
    c.primary_key = f.boolean("primary_key", errs);
    c.auto_increment = f.boolean("auto_increment", errs);
    c.unique = f.boolean("unique", errs);
    c.default = f.take("default").and_then(|(_, v)| literal(file, v, errs));
    c.default_sql = f.string("default_sql", errs);
    c.default_fn = f.string("default_fn", errs);
    c.on_update_fn = f.string("on_update_fn", errs);
    c.references = f.string("references", errs);
    c.on_delete = f.string("on_delete", errs);
    c.on_update = f.string("on_update", errs);
    c.check = f.string("check", errs);
    c.values = f.strings("values", errs);
    c.rust = f.string("rust", errs);
    c.rust_name = f.string("rust_name", errs);
    c.renamed_from = f.string("renamed_from", errs);
    c.doc = f.string("doc", errs);
    c.enum_name = f.string("enum_name", errs);
    c.allow_destructive = f.boolean("allow_destructive", errs);
    c.db_check = f.boolean("db_check", errs);
    c.input = f.boolean("input", errs);
    f.finish(&format!("column `{}`", name.value), COLUMN_KEYS, errs);
    match ty {
        Some(ty) => {
            c.ty = ty;
            Some(c)
        }
        None => {
            errs.push(
                Diagnostic::error(format!("column `{}` has no `type`", name.value), &name.span, "needs a type")
                    .help("add `type = \"...\"`: one of integer, real, text, blob, boolean, timestamp, timestamp_ms, json, enum"),
            );
            None
        }
    }
}

impl ColumnDef {
    fn of_type(name: Sp<String>, ty: Sp<String>) -> Self {
        ColumnDef {
            name,
            ty,
            nullable: None,
            primary_key: None,
            auto_increment: None,
            unique: None,
            default: None,
            default_sql: None,
            default_fn: None,
            on_update_fn: None,
            references: None,
            on_delete: None,
            on_update: None,
            check: None,
            values: None,
            rust: None,
            rust_name: None,
            renamed_from: None,
            doc: None,
            enum_name: None,
            allow_destructive: None,
            db_check: None,
            input: None,
        }
    }
}

fn literal(
    file: FileId,
    v: Spanned<DeValue<'_>>,
    errs: &mut Vec<Diagnostic>,
) -> Option<Sp<Literal>> {
    let span = Span::new(file, v.span());
    let lit = match v.get_ref() {
        DeValue::String(s) => Literal::Str(s.to_string()),
        DeValue::Boolean(b) => Literal::Bool(*b),
        DeValue::Integer(i) => match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
            Ok(n) => Literal::Int(n),
            Err(_) => {
                errs.push(Diagnostic::error(
                    "integer default does not fit in 64 bits",
                    &span,
                    "too large",
                ));
                return None;
            }
        },
        DeValue::Float(x) => match x.as_str().replace('_', "").parse::<f64>() {
            Ok(n) if n.is_finite() => Literal::Float(n),
            _ => {
                errs.push(Diagnostic::error(
                    "a float default must be finite",
                    &span,
                    "not a finite number",
                ));
                return None;
            }
        },
        other => {
            errs.push(
                Diagnostic::error(
                    format!(
                        "`default` must be a literal (integer, float, string or boolean), found {}",
                        describe(other)
                    ),
                    &span,
                    "not a literal",
                )
                .help("for an SQL expression use `default_sql = \"(...)\"`"),
            );
            return None;
        }
    };
    Some(Sp::new(lit, span))
}

fn relation(
    file: FileId,
    name: Sp<String>,
    v: Spanned<DeValue<'_>>,
    errs: &mut Vec<Diagnostic>,
) -> Option<RelationDef> {
    let mut f = sub_table(file, &name, "a relation", v, errs)?;
    let mut kinds = Vec::new();
    for (kind, key) in [
        (RelationKind::BelongsTo, "belongs_to"),
        (RelationKind::HasOne, "has_one"),
        (RelationKind::HasMany, "has_many"),
        (RelationKind::ManyToMany, "many_to_many"),
    ] {
        if let Some(target) = f.string(key, errs) {
            kinds.push((kind, target));
        }
    }
    let key = f.string("key", errs);
    let foreign_key = f.string("foreign_key", errs);
    let through = f.string("through", errs);
    let span = f.span.clone();
    f.finish(&format!("relation `{}`", name.value), RELATION_KEYS, errs);
    let (kind, target) = match kinds.len() {
        1 => kinds.pop().expect("one kind"),
        0 => {
            errs.push(
                Diagnostic::error(
                    format!("relation `{}` does not say what it is", name.value),
                    &span,
                    "no relation kind",
                )
                .help(format!(
                    "add one of {} = \"<table>\"",
                    RELATION_KINDS.join(", ")
                )),
            );
            return None;
        }
        _ => {
            errs.push(
                Diagnostic::error(
                    format!("relation `{}` has more than one kind", name.value),
                    &kinds[1].1.span,
                    "second kind",
                )
                .also(&kinds[0].1.span, "first kind")
                .help("a relation is exactly one of belongs_to, has_one, has_many, many_to_many"),
            );
            return None;
        }
    };
    Some(RelationDef {
        name,
        kind,
        target,
        key,
        foreign_key,
        through,
    })
}

/// Parses `schema/mizzle.toml`.
pub fn settings_file(
    file: FileId,
    shown: &str,
    source: &str,
    errs: &mut Vec<Diagnostic>,
) -> SettingsFile {
    let Some(root) = parse_toml(file, source, errs) else {
        return SettingsFile::default();
    };
    let mut f = Fields::new(file, root, Span::new(file, 0..0));
    let s = SettingsFile {
        migrations_dir: f.string("migrations_dir", errs),
        wrangler: f.string("wrangler", errs),
        binding: f.string("binding", errs),
        allow_drop: f
            .strings("allow_drop", errs)
            .map(|s| s.value)
            .unwrap_or_default(),
        serde_rename_all: f.string("serde_rename_all", errs),
        target: f.string("target", errs),
        durable_object: f.string("durable_object", errs),
        durable_object_binding: f.string("durable_object_binding", errs),
        unindexed_lookups: f.string("unindexed_lookups", errs),
        allow_scans: f
            .strings("allow_scans", errs)
            .map(|s| s.value)
            .unwrap_or_default(),
        databases: f
            .strings("databases", errs)
            .map(|s| s.value)
            .unwrap_or_default(),
    };
    f.finish(shown, SETTINGS_KEYS, errs);
    s
}

#[cfg(test)]
mod docs_tests {
    use super::*;
    use crate::ir::{ColumnType, DefaultFn, FkAction};

    /// docs/schema.md is the user's reference: every key the parser accepts, every type,
    /// default function and foreign key action is in it.
    #[test]
    fn every_key_the_parser_accepts_is_documented() {
        let doc = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema.md"),
        )
        .unwrap();
        let mut missing = Vec::new();
        let lists: [&[&str]; 6] = [
            COLUMN_KEYS,
            TABLE_KEYS,
            INDEX_KEYS,
            RELATION_KINDS,
            RELATION_KEYS,
            SETTINGS_KEYS,
        ];
        for key in lists.iter().flat_map(|l| l.iter()) {
            let shown = if matches!(*key, "columns" | "indexes" | "checks" | "relations") {
                doc.contains(&format!("`{key}`")) || doc.contains(&format!("`[{key}]`"))
            } else {
                doc.contains(&format!("`{key}`"))
            };
            if !shown {
                missing.push(*key);
            }
        }
        for (name, _) in ColumnType::ALL {
            if !doc.contains(&format!("`{name}`")) {
                missing.push(name);
            }
        }
        for (name, _) in DefaultFn::ALL {
            if !doc.contains(&format!("\"{name}\"")) {
                missing.push(name);
            }
        }
        for (name, _) in FkAction::ALL {
            if !doc.contains(&format!("\"{name}\"")) {
                missing.push(name);
            }
        }
        assert!(
            missing.is_empty(),
            "docs/schema.md does not mention: {missing:?}"
        );
    }
}
