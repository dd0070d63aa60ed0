//! `schema/seed.toml`: how seed data is refined (rows per table, children per parent,
//! per-column generators, NULL ratios), read with spans and checked against the schema; and
//! the spec the runtime's `mizzle::seed` reads (JSON), made from the schema and those
//! refinements. `mizzle seed` and the generated `seed()` use the same spec, so they make
//! the same rows.

use std::borrow::Cow;

use serde_json::{Value as Json, json};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diag::{Diagnostic, FileId, Span};
use crate::ir::{ColumnType, Schema, SeedConfig, SeedTable, Table};
use crate::naming::did_you_mean;

/// The generators a column may name by a string (`email = "email"`).
pub const NAMED: &[&str] = &[
    "name",
    "first_name",
    "last_name",
    "email",
    "word",
    "paragraph",
    "url",
    "slug",
    "uuid",
    "default",
];
/// The generators written as a table (`rating = { range = [1, 5] }`), and `null`.
pub const KEYED: &[&str] = &["sentence", "range", "one_of", "weighted", "value", "null"];
/// The keys of a table's section.
pub const TABLE_KEYS: &[&str] = &["rows", "per_parent", "columns"];

struct Reader<'a> {
    file: FileId,
    errs: &'a mut Vec<Diagnostic>,
}

impl Reader<'_> {
    fn err(&mut self, at: std::ops::Range<usize>, msg: String, label: &str) -> Diagnostic {
        Diagnostic::error(msg, &Span::new(self.file, at), label)
    }

    fn push(&mut self, d: Diagnostic) {
        self.errs.push(d);
    }

    fn count(&mut self, key: &str, v: &Spanned<DeValue<'_>>) -> Option<usize> {
        let n = match v.get_ref() {
            DeValue::Integer(i) => i.as_str().parse::<usize>().ok(),
            _ => None,
        };
        if n.is_none() {
            let d = self.err(
                v.span(),
                format!("`{key}` must be a count (0 or more)"),
                "not a count",
            );
            self.push(d);
        }
        n
    }

    fn ratio(&mut self, key: &str, v: &Spanned<DeValue<'_>>) -> Option<f64> {
        let n = number(v.get_ref());
        match n {
            Some(r) if (0.0..=1.0).contains(&r) => Some(r),
            _ => {
                let d = self.err(
                    v.span(),
                    format!("`{key}` must be a share of rows from 0 to 1 (0.25 is a quarter NULL)"),
                    "not a share",
                );
                self.push(d);
                None
            }
        }
    }
}

fn number(v: &DeValue<'_>) -> Option<f64> {
    match v {
        DeValue::Integer(i) => i.as_str().parse::<f64>().ok(),
        DeValue::Float(f) => f.as_str().parse::<f64>().ok(),
        _ => None,
    }
}

/// A TOML value as JSON (strings, numbers, booleans, arrays, tables).
fn to_json(v: &DeValue<'_>) -> Json {
    match v {
        DeValue::String(s) => json!(s),
        DeValue::Integer(i) => i
            .as_str()
            .parse::<i64>()
            .map(|n| json!(n))
            .unwrap_or_else(|_| json!(i.as_str())),
        DeValue::Float(f) => json!(f.as_str().parse::<f64>().unwrap_or(0.0)),
        DeValue::Boolean(b) => json!(b),
        DeValue::Datetime(d) => json!(d.to_string()),
        DeValue::Array(a) => Json::Array(a.iter().map(|x| to_json(x.get_ref())).collect()),
        DeValue::Table(t) => Json::Object(
            t.iter()
                .map(|(k, x)| (k.get_ref().to_string(), to_json(x.get_ref())))
                .collect(),
        ),
    }
}

/// Reads seed.toml (file `file`), checking it against `schema`.
pub fn read(file: FileId, source: &str, schema: &Schema, errs: &mut Vec<Diagnostic>) -> SeedConfig {
    let root = match DeTable::parse(source) {
        Ok(t) => t.into_inner(),
        Err(e) => {
            errs.push(Diagnostic::error(
                format!("invalid TOML: {}", e.message().trim()),
                &Span::new(file, e.span().unwrap_or(0..0)),
                "here",
            ));
            return SeedConfig::default();
        }
    };
    let mut r = Reader { file, errs };
    let mut out = SeedConfig::default();
    for (k, v) in root {
        let key = k.get_ref().as_ref();
        match key {
            "rows" => out.rows = r.count("rows", &v),
            "null" => out.null = r.ratio("null", &v),
            name => {
                let Some(t) = schema.table(name) else {
                    let mut d = r.err(
                        k.span(),
                        format!("seed.toml names `{name}`, which is no table of the schema"),
                        "no such table",
                    );
                    let names = schema.tables.iter().map(|t| t.name.as_str());
                    if let Some(s) = did_you_mean(name, names) {
                        d = d.help(format!("did you mean `{s}`?"));
                    } else {
                        d = d.help(
                            "seed.toml's keys are `rows`, `null` and a section per table ([users])",
                        );
                    }
                    r.push(d);
                    continue;
                };
                if let Some(st) = table(&mut r, t, v) {
                    out.tables.push(st);
                }
            }
        }
    }
    out
}

fn table(r: &mut Reader<'_>, t: &Table, v: Spanned<DeValue<'_>>) -> Option<SeedTable> {
    let span = v.span();
    let DeValue::Table(entries) = v.into_inner() else {
        let d = r.err(
            span,
            format!("`{}` must be a table ([{}])", t.name, t.name),
            "expected a table",
        );
        r.push(d);
        return None;
    };
    let mut out = SeedTable {
        table: t.name.clone(),
        ..SeedTable::default()
    };
    for (k, v) in entries {
        match k.get_ref().as_ref() {
            "rows" => out.rows = r.count("rows", &v),
            "per_parent" => out.per_parent = per_parent(r, t, v),
            "columns" => {
                let span = v.span();
                match v.into_inner() {
                    DeValue::Table(cols) => {
                        for (ck, cv) in cols {
                            if let Some(c) = column(r, t, ck, cv) {
                                out.columns.push(c);
                            }
                        }
                    }
                    _ => {
                        let d = r.err(span, "`columns` must be a table".into(), "expected a table");
                        r.push(d);
                    }
                }
            }
            other => {
                let mut d = r.err(
                    k.span(),
                    format!("unknown key `{other}` in [{}]", t.name),
                    "unknown key",
                );
                d = d.help(format!(
                    "the keys of a table's section are: {}",
                    TABLE_KEYS.join(", ")
                ));
                r.push(d);
            }
        }
    }
    Some(out)
}

/// `per_parent = { author_id = [0, 5] }`: one foreign key column, a range of children.
fn per_parent(
    r: &mut Reader<'_>,
    t: &Table,
    v: Spanned<DeValue<'_>>,
) -> Option<(String, usize, usize)> {
    let span = v.span();
    let bad = |r: &mut Reader<'_>| {
        let d = r
            .err(span.clone(), "`per_parent` is one foreign key column and a range of children per parent row".into(), "here")
            .help("e.g. per_parent = { author_id = [0, 5] }: 0 to 5 rows for each row `author_id` references");
        r.push(d);
        None
    };
    let DeValue::Table(entries) = v.get_ref() else {
        return bad(r);
    };
    if entries.len() != 1 {
        return bad(r);
    }
    let (k, range) = entries.iter().next()?;
    let name = k.get_ref().as_ref();
    let Some(c) = t.column(name).filter(|c| c.references.is_some()) else {
        let d = r.err(
            k.span(),
            format!(
                "`per_parent` names `{name}`, which is no foreign key column of `{}`",
                t.name
            ),
            "not a foreign key",
        );
        r.push(d);
        return None;
    };
    match range.get_ref() {
        DeValue::Array(a) if a.len() == 2 => {
            let lo = number(a[0].get_ref()).filter(|x| *x >= 0.0);
            let hi = number(a[1].get_ref()).filter(|x| *x >= 0.0);
            match (lo, hi) {
                (Some(lo), Some(hi)) if lo <= hi => {
                    Some((c.name.clone(), lo as usize, hi as usize))
                }
                _ => bad(r),
            }
        }
        _ => bad(r),
    }
}

/// What kind of values a column takes, for checking a generator against it.
fn is_text(ty: ColumnType) -> bool {
    matches!(ty, ColumnType::Text | ColumnType::Json | ColumnType::Enum)
}

/// One column's generator: a name, or a table with one generator key (and `null`).
fn column(
    r: &mut Reader<'_>,
    t: &Table,
    k: Spanned<Cow<'_, str>>,
    v: Spanned<DeValue<'_>>,
) -> Option<(String, Json, Option<f64>)> {
    let name = k.get_ref().as_ref();
    let Some(c) = t.column(name) else {
        let mut d = r.err(
            k.span(),
            format!("`{}` has no column `{name}`", t.name),
            "no such column",
        );
        if let Some(s) = did_you_mean(name, t.columns.iter().map(|c| c.name.as_str())) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        r.push(d);
        return None;
    };
    match v.get_ref() {
        DeValue::String(g) => {
            if !NAMED.contains(&g.as_ref()) {
                let mut d = r.err(
                    v.span(),
                    format!("unknown generator `{g}`"),
                    "unknown generator",
                );
                d = match did_you_mean(g, NAMED.iter().copied()) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!(
                        "generators: {}; or a table: {}",
                        NAMED.join(", "),
                        KEYED.join(", ")
                    )),
                };
                r.push(d);
                return None;
            }
            if g != "default" && !is_text(c.ty) {
                text_only(r, g, t, c, v.span());
                return None;
            }
            if g == "default"
                && c.default.is_none()
                && c.default_fn.is_none()
                && !c.nullable
                && !t.is_rowid_alias(c)
            {
                let d = r.err(
                    v.span(),
                    format!(
                        "`{}`.`{name}` has no default and is NOT NULL: it must be written",
                        t.name
                    ),
                    "no default to fall back on",
                );
                r.push(d);
                return None;
            }
            Some((c.name.clone(), json!({ "kind": g.as_ref() }), None))
        }
        DeValue::Table(entries) => keyed(r, t, c, entries, v.span()),
        _ => {
            let d = r.err(v.span(), format!("`{name}` takes a generator: a name (\"email\") or a table ({{ range = [1, 5] }})"), "here");
            r.push(d);
            None
        }
    }
}

fn keyed(
    r: &mut Reader<'_>,
    t: &Table,
    c: &crate::ir::Column,
    entries: &DeTable<'_>,
    span: std::ops::Range<usize>,
) -> Option<(String, Json, Option<f64>)> {
    let mut null = None;
    let mut g: Option<Json> = None;
    for (k, v) in entries {
        let key = k.get_ref().as_ref();
        let made = match key {
            "null" => {
                if !c.nullable {
                    let d = r.err(
                        v.span(),
                        format!("`{}`.`{}` is NOT NULL", t.name, c.name),
                        "cannot be NULL",
                    );
                    r.push(d);
                }
                null = r.ratio("null", v);
                continue;
            }
            "sentence" => match v.get_ref() {
                DeValue::Array(a) if a.len() == 2 && is_text(c.ty) => {
                    let (lo, hi) = (number(a[0].get_ref()), number(a[1].get_ref()));
                    match (lo, hi) {
                        (Some(lo), Some(hi)) if lo >= 1.0 && lo <= hi => Some(
                            json!({"kind": "sentence", "min": lo as usize, "max": hi as usize}),
                        ),
                        _ => None,
                    }
                }
                _ if !is_text(c.ty) => {
                    text_only(r, "sentence", t, c, v.span());
                    return None;
                }
                _ => None,
            },
            "range" => match v.get_ref() {
                DeValue::Array(a) if a.len() == 2 && !is_text(c.ty) => {
                    match (number(a[0].get_ref()), number(a[1].get_ref())) {
                        (Some(lo), Some(hi)) if lo <= hi => {
                            Some(json!({"kind": "range", "min": lo, "max": hi}))
                        }
                        _ => None,
                    }
                }
                _ => None,
            },
            "one_of" => match v.get_ref() {
                DeValue::Array(a) if !a.is_empty() => {
                    let values: Vec<Json> = a.iter().map(|x| to_json(x.get_ref())).collect();
                    enum_fit(r, c, &values, v.span())?;
                    Some(json!({"kind": "one_of", "values": values}))
                }
                _ => None,
            },
            "weighted" => match v.get_ref() {
                DeValue::Table(w) if !w.is_empty() => {
                    let mut pairs = Vec::new();
                    for (wk, wv) in w {
                        match number(wv.get_ref()).filter(|x| *x >= 0.0) {
                            Some(weight) => pairs.push(json!([wk.get_ref().as_ref(), weight])),
                            None => {
                                let d = r.err(
                                    wv.span(),
                                    "a weight is a number, 0 or more".into(),
                                    "not a weight",
                                );
                                r.push(d);
                                return None;
                            }
                        }
                    }
                    let values: Vec<Json> = pairs.iter().map(|p| p[0].clone()).collect();
                    enum_fit(r, c, &values, v.span())?;
                    Some(json!({"kind": "weighted", "values": pairs}))
                }
                _ => None,
            },
            "value" => {
                let value = to_json(v.get_ref());
                enum_fit(r, c, std::slice::from_ref(&value), v.span())?;
                Some(json!({"kind": "value", "value": value}))
            }
            other => {
                let mut d = r.err(
                    k.span(),
                    format!("unknown generator `{other}`"),
                    "unknown generator",
                );
                if let Some(s) = did_you_mean(other, KEYED.iter().copied()) {
                    d = d.help(format!("did you mean `{s}`?"));
                } else {
                    d = d.help(format!(
                        "a column's table takes one of: {}",
                        KEYED.join(", ")
                    ));
                }
                r.push(d);
                return None;
            }
        };
        match made {
            Some(j) if g.is_none() => g = Some(j),
            Some(_) => {
                let d = r.err(
                    k.span(),
                    format!("`{}`: one generator per column", c.name),
                    "a second generator",
                );
                r.push(d);
                return None;
            }
            None => {
                let want = match key {
                    "sentence" => "[fewest, most] words, 1 or more",
                    "range" => "[lowest, highest] (a number column's)",
                    "one_of" => "a non-empty array",
                    _ => "a table of value = weight",
                };
                let d = r.err(v.span(), format!("`{key}` takes {want}"), "here");
                r.push(d);
                return None;
            }
        }
    }
    let g = g.or_else(|| null.map(|_| Json::Null));
    match g {
        Some(Json::Null) => Some((c.name.clone(), Json::Null, null)),
        Some(g) => Some((c.name.clone(), g, null)),
        None => {
            let d = r.err(
                span,
                format!("`{}`: say how its values are made", c.name),
                "empty",
            );
            r.push(d);
            None
        }
    }
}

/// The error for text generator `g` on a column of another type.
fn text_only(
    r: &mut Reader<'_>,
    g: &str,
    t: &Table,
    c: &crate::ir::Column,
    at: std::ops::Range<usize>,
) {
    let d = r
        .err(
            at,
            format!(
                "`{g}` makes text, and `{}`.`{}` is not a text column",
                t.name, c.name
            ),
            "wrong kind of values",
        )
        .help("for numbers use { range = [lo, hi] }; for fixed values { one_of = [...] }");
    r.push(d);
}

/// An enum column's fixed values must be among its values.
fn enum_fit(
    r: &mut Reader<'_>,
    c: &crate::ir::Column,
    values: &[Json],
    at: std::ops::Range<usize>,
) -> Option<()> {
    let Some(e) = &c.enum_def else {
        return Some(());
    };
    for v in values {
        if !v.as_str().is_some_and(|s| e.values.iter().any(|x| x == s)) {
            let d = r
                .err(
                    at.clone(),
                    format!("{v} is not a value of the enum `{}`", c.name),
                    "not one of its values",
                )
                .help(format!("its values: {}", e.values.join(", ")));
            r.push(d);
            return None;
        }
    }
    Some(())
}

fn type_name(t: ColumnType) -> &'static str {
    ColumnType::ALL
        .iter()
        .find(|(_, c)| *c == t)
        .map_or("text", |(n, _)| n)
}

/// The spec `mizzle::seed` reads, as JSON: the schema's tables with seed.toml's refinements.
pub fn spec(schema: &Schema) -> Json {
    let cfg = &schema.seed;
    let tables: Vec<Json> = schema
        .tables
        .iter()
        .map(|t| {
            let st = cfg.tables.iter().find(|s| s.table == t.name);
            let mut unique: Vec<Vec<String>> = Vec::new();
            if !t.primary_key.is_empty() {
                unique.push(t.primary_key.clone());
            }
            unique.extend(
                t.columns
                    .iter()
                    .filter(|c| c.unique)
                    .map(|c| vec![c.name.clone()]),
            );
            unique.extend(
                t.indexes
                    .iter()
                    .filter(|i| i.unique)
                    .map(|i| i.columns.clone()),
            );
            let mut checks: Vec<Json> = t
                .columns
                .iter()
                .filter_map(|c| {
                    c.check
                        .as_ref()
                        .map(|x| json!({"name": format!("{}.{}", t.name, c.name), "expr": x}))
                })
                .collect();
            checks.extend(t.checks.iter().map(|(n, x)| json!({"name": n, "expr": x})));
            let columns: Vec<Json> = t
                .columns
                .iter()
                .map(|c| {
                    let refined = st.and_then(|s| s.columns.iter().find(|x| x.0 == c.name));
                    let mut j = json!({
                        "name": c.name,
                        "type": type_name(c.ty),
                        "nullable": c.nullable,
                    });
                    if let Some(e) = &c.enum_def {
                        j["values"] = json!(e.values);
                    }
                    if let Some(f) = &c.references {
                        j["references"] = json!({"table": f.table, "column": f.column});
                    }
                    if let Some(f) = c.default_fn {
                        j["default_fn"] = json!(
                            crate::ir::DefaultFn::ALL
                                .iter()
                                .find(|(_, x)| *x == f)
                                .map_or("now", |(n, _)| n)
                        );
                    }
                    if let Some((_, g, null)) = refined {
                        if !g.is_null() {
                            j["generate"] = g.clone();
                        }
                        if let Some(n) = null {
                            j["null"] = json!(n);
                        }
                    }
                    j
                })
                .collect();
            let mut j = json!({
                "name": t.name,
                "primary_key": t.primary_key,
                "unique": unique,
                "checks": checks,
                "columns": columns,
            });
            if let Some(k) = t.columns.iter().find(|c| t.is_rowid_alias(c)) {
                j["rowid_key"] = json!(k.name);
            }
            if let Some(s) = st {
                if let Some(n) = s.rows {
                    j["rows"] = json!(n);
                }
                if let Some((c, lo, hi)) = &s.per_parent {
                    j["per_parent"] = json!({"column": c, "min": lo, "max": hi});
                }
            }
            j
        })
        .collect();
    let mut out = json!({ "tables": tables });
    if let Some(n) = cfg.rows {
        out["rows"] = json!(n);
    }
    if let Some(n) = cfg.null {
        out["null"] = json!(n);
    }
    out
}

/// [`spec`] as text for the generated module: a line per table and per column, so a change
/// to one column is a one-line diff.
pub fn spec_text(schema: &Schema) -> String {
    /// The array under `key`, taken out of object `v`.
    fn take(v: &mut Json, key: &str) -> Vec<Json> {
        match v.as_object_mut().and_then(|o| o.remove(key)) {
            Some(Json::Array(a)) => a,
            _ => Vec::new(),
        }
    }
    let mut spec = spec(schema);
    let tables = take(&mut spec, "tables");
    let head = spec.to_string();
    let mut out = format!("{}\"tables\": [\n", &head[..head.len() - 1]);
    if head.len() > 2 {
        out = format!("{}, \"tables\": [\n", &head[..head.len() - 1]);
    }
    for (i, mut t) in tables.into_iter().enumerate() {
        let columns = take(&mut t, "columns");
        let t = t.to_string();
        out.push_str(&format!("  {}, \"columns\": [\n", &t[..t.len() - 1]));
        for (j, c) in columns.iter().enumerate() {
            let comma = if j + 1 < columns.len() { "," } else { "" };
            out.push_str(&format!("    {c}{comma}\n"));
        }
        out.push_str(if i + 1 < schema.tables.len() {
            "  ]},\n"
        } else {
            "  ]}\n"
        });
    }
    out.push_str("]}");
    out
}

#[cfg(test)]
mod tests {
    /// docs/schema.md documents every key and generator seed.toml accepts.
    #[test]
    fn every_seed_key_is_documented() {
        let doc = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema.md"),
        )
        .unwrap();
        let section = doc.split("## Seed data").nth(1).unwrap();
        for g in super::NAMED {
            assert!(
                section.contains(&format!("`\"{g}\"`")),
                "`\"{g}\"` undocumented"
            );
        }
        for k in super::KEYED
            .iter()
            .chain(super::TABLE_KEYS)
            .chain(&["rows", "null"])
        {
            assert!(
                section.contains(&format!("{k} =")) || section.contains(&format!("`{k}`")),
                "`{k}` undocumented"
            );
        }
    }

    #[test]
    fn the_spec_text_is_the_spec() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut schema = crate::Config::new()
            .manifest_dir(&root)
            .cargo_directives(false)
            .load()
            .unwrap()
            .schema;
        let text = super::spec_text(&schema);
        assert!(text.ends_with("]}"), "{text}");
        schema.seed.rows = Some(5);
        let text = super::spec_text(&schema);
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed, super::spec(&schema), "{text}");
    }
}
