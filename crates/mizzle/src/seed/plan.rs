//! Rows from a [`Spec`] and a seed, before any database is touched: tables ordered so a
//! parent is filled before its children, foreign keys drawn from the parent rows made,
//! unique sets kept unique, and a reference cycle broken at a nullable column (NULL on
//! insert, set by an update once both tables exist).

use std::collections::HashSet;

use crate::error::{Error, Result};
use crate::seed::spec::{ColumnSpec, Generate, Spec, TableSpec};
use crate::seed::values::{self, Rng};
use crate::sql::value::Value;

/// Tries at a unique value before giving up.
const UNIQUE_TRIES: usize = 100;

/// A table's rows being made.
pub(crate) struct Rows {
    /// Index into the spec's tables.
    pub(crate) spec: usize,
    pub(crate) rng: Rng,
    /// Indexes of the columns written (a `default` column is not).
    pub(crate) written: Vec<usize>,
    /// Rows, a value per column of the spec (unwritten ones NULL).
    pub(crate) rows: Vec<Vec<Value>>,
    /// Per unique set: its column indexes and the tuples taken.
    unique: Vec<(Vec<usize>, HashSet<String>)>,
    /// Each row's depth in its self-reference tree (0: a root).
    depth: Vec<usize>,
    /// Rows a new row may name as its parent: those less than [`MAX_DEPTH`] deep.
    shallow: Vec<usize>,
    /// The depth of the row being made.
    next_depth: usize,
    /// Per column referencing another table: that table's keys, read once (reading them
    /// per row made a seed of 100,000 rows quadratic).
    parent_keys: Vec<Vec<Value>>,
}

/// How deep a self-reference tree grows (a reply to a reply to …): D1 stops an `ON DELETE`
/// cascade after about ten levels ("too many levels of trigger recursion", measured on local
/// D1 with wrangler 4.86: a chain of 10 rows is deleted, one of 11 is not), so seeded trees
/// stay well inside it, as real threads mostly do.
const MAX_DEPTH: usize = 4;

/// A foreign key left NULL on insert because of a cycle, set afterwards.
pub(crate) struct Deferred {
    pub(crate) table: usize,
    pub(crate) column: usize,
}

/// Every table's rows.
pub(crate) struct Plan<'s> {
    pub(crate) spec: &'s Spec,
    pub(crate) seed: u64,
    /// In insert order.
    pub(crate) tables: Vec<Rows>,
    pub(crate) deferred: Vec<Deferred>,
    /// What the user should know (rows not made, and why).
    pub(crate) notes: Vec<String>,
}

fn col(t: &TableSpec, name: &str) -> Option<usize> {
    t.columns.iter().position(|c| c.name == name)
}

/// The insert order: parents first. A cycle is broken at a nullable foreign key (deferred);
/// one of NOT NULL columns only cannot be seeded and is reported.
fn order(spec: &Spec) -> Result<(Vec<usize>, Vec<Deferred>)> {
    let n = spec.tables.len();
    let index = |name: &str| spec.tables.iter().position(|t| t.name == name);
    // edges[t] = (column, parent) for each foreign key of t to another table.
    let edges: Vec<Vec<(usize, usize)>> = spec
        .tables
        .iter()
        .enumerate()
        .map(|(ti, t)| {
            t.columns
                .iter()
                .enumerate()
                .filter_map(|(ci, c)| {
                    let p = index(&c.references.as_ref()?.table)?;
                    (p != ti).then_some((ci, p))
                })
                .collect()
        })
        .collect();
    let mut done = vec![false; n];
    let mut cut: Vec<Deferred> = Vec::new();
    let mut out = Vec::new();
    while out.len() < n {
        let ready = (0..n).find(|&t| {
            !done[t]
                && edges[t]
                    .iter()
                    .all(|&(c, p)| done[p] || cut.iter().any(|d| d.table == t && d.column == c))
        });
        if let Some(t) = ready {
            done[t] = true;
            out.push(t);
            continue;
        }
        // A cycle among the rest: defer a nullable foreign key into it.
        let nullable = (0..n).filter(|&t| !done[t]).find_map(|t| {
            edges[t].iter().find_map(|&(c, p)| {
                let ok = !done[p]
                    && spec.tables[t].columns[c].nullable
                    && !cut.iter().any(|d| d.table == t && d.column == c);
                ok.then_some(Deferred {
                    table: t,
                    column: c,
                })
            })
        });
        match nullable {
            Some(d) => cut.push(d),
            None => {
                let rest: Vec<&str> = (0..n)
                    .filter(|&t| !done[t])
                    .map(|t| spec.tables[t].name.as_str())
                    .collect();
                return Err(Error::Other(format!(
                    "seed: the tables {} reference each other through NOT NULL columns only, so no order inserts them; make one of those foreign keys nullable, or give one of these tables `rows = 0` in schema/seed.toml",
                    rest.join(", ")
                )));
            }
        }
    }
    Ok((out, cut))
}

impl<'s> Plan<'s> {
    /// Makes every table's rows.
    pub(crate) fn make(spec: &'s Spec, seed: u64, rows: Option<usize>) -> Result<Plan<'s>> {
        let (order, deferred) = order(spec)?;
        let mut plan = Plan {
            spec,
            seed,
            tables: Vec::new(),
            deferred,
            notes: Vec::new(),
        };
        for ti in order {
            let rows = plan.make_table(ti, rows)?;
            plan.tables.push(rows);
        }
        Ok(plan)
    }

    /// The rows made for table `spec` (by spec index), if made yet.
    pub(crate) fn rows_of(&self, spec: usize) -> Option<&Rows> {
        self.tables.iter().find(|r| r.spec == spec)
    }

    /// The values of `column` in the rows made for `table` (a parent's keys).
    fn keys(&self, table: &str, column: &str) -> Vec<Value> {
        let Some(ti) = self.spec.tables.iter().position(|t| t.name == table) else {
            return Vec::new();
        };
        let Some(ci) = col(&self.spec.tables[ti], column) else {
            return Vec::new();
        };
        self.rows_of(ti)
            .map(|r| r.rows.iter().map(|row| row[ci].clone()).collect())
            .unwrap_or_default()
    }

    fn make_table(&mut self, ti: usize, rows_flag: Option<usize>) -> Result<Rows> {
        let spec = self.spec;
        let t = &spec.tables[ti];
        let written = (0..t.columns.len())
            .filter(|&c| t.columns[c].generate != Some(Generate::Default))
            .collect();
        let unique = t
            .unique
            .iter()
            .filter_map(|set| {
                let idx: Option<Vec<usize>> = set.iter().map(|c| col(t, c)).collect();
                Some((idx?, HashSet::new()))
            })
            .collect();
        let mut r = Rows {
            spec: ti,
            rng: Rng::new(self.seed, &t.name),
            written,
            rows: Vec::new(),
            unique,
            depth: Vec::new(),
            shallow: Vec::new(),
            next_depth: 0,
            parent_keys: t
                .columns
                .iter()
                .map(|c| match &c.references {
                    Some(f) if f.table != t.name => self.keys(&f.table, &f.column),
                    _ => Vec::new(),
                })
                .collect(),
        };
        // Each row's fixed parent (`per_parent`), or none.
        let parents: Vec<Option<Value>> = match &t.per_parent {
            Some(pp) => {
                let c = &t.columns[col(t, &pp.column).unwrap_or(0)];
                let reference = c.references.as_ref();
                let keys = reference.map_or_else(Vec::new, |f| self.keys(&f.table, &f.column));
                let mut out = Vec::new();
                for k in keys {
                    let n = r.rng.range(pp.min as i64, pp.max as i64);
                    out.extend((0..n).map(|_| Some(k.clone())));
                }
                out
            }
            None => vec![None; t.rows.or(rows_flag).unwrap_or(self.spec.rows)],
        };
        let mut skipped = 0;
        for fixed in parents {
            match self.make_row(t, ti, &mut r, fixed)? {
                Some(row) => {
                    if r.next_depth < MAX_DEPTH {
                        r.shallow.push(r.rows.len());
                    }
                    r.depth.push(r.next_depth);
                    r.rows.push(row);
                }
                None => skipped += 1,
            }
        }
        if skipped > 0 {
            self.notes.push(format!(
                "`{}`: {skipped} row(s) not made: every combination of its unique foreign keys was taken (fewer rows, or more parent rows, in schema/seed.toml)",
                t.name
            ));
        }
        Ok(r)
    }

    /// One row, unique where it must be; `None` when its foreign keys cannot make it unique.
    fn make_row(
        &mut self,
        t: &TableSpec,
        ti: usize,
        r: &mut Rows,
        fixed: Option<Value>,
    ) -> Result<Option<Vec<Value>>> {
        let n = r.rows.len();
        r.next_depth = 0;
        let mut row = vec![Value::Null; t.columns.len()];
        for (ci, cell) in row.iter_mut().enumerate() {
            if t.columns[ci].references.is_none() {
                *cell = self.value(t, ci, r, n);
            }
        }
        for ci in 0..t.columns.len() {
            if t.columns[ci].references.is_some() {
                row[ci] = self.foreign(t, ti, ci, r, &row, fixed.as_ref());
            }
        }
        for attempt in 0..UNIQUE_TRIES {
            let Some(clash) = taken(r, &row) else {
                for (set, seen) in &mut r.unique {
                    if let Some(k) = tuple(set, &row) {
                        seen.insert(k);
                    }
                }
                return Ok(Some(row));
            };
            let set = r.unique[clash].0.clone();
            let mut moved = false;
            for &ci in &set {
                let c = &t.columns[ci];
                if t.rowid_key.as_deref() == Some(c.name.as_str()) {
                    continue;
                }
                if c.references.is_some() {
                    if fixed.is_none() || !is_per_parent(t, ci) {
                        row[ci] = self.foreign(t, ti, ci, r, &row, fixed.as_ref());
                        moved = true;
                    }
                } else {
                    row[ci] = distinct(c, self.value(t, ci, r, n), n, attempt);
                    moved = true;
                }
            }
            if !moved {
                break;
            }
        }
        let set = &r.unique[taken(r, &row).unwrap_or(0)].0;
        if set.iter().any(|&c| t.columns[c].references.is_some()) {
            return Ok(None);
        }
        let names: Vec<&str> = set.iter().map(|&c| t.columns[c].name.as_str()).collect();
        Err(Error::Other(format!(
            "seed: no unique value for `{}`.({}) after {UNIQUE_TRIES} tries; choose a generator with more values in schema/seed.toml, e.g. [{}.columns] {} = \"slug\"",
            t.name,
            names.join(", "),
            t.name,
            names[0]
        )))
    }

    /// Draws the columns of row `i` that are neither keys nor foreign keys again (after it
    /// failed a CHECK), keeping its unique sets unique.
    pub(crate) fn redraw(&mut self, at: usize, i: usize) {
        let mut r = std::mem::replace(
            &mut self.tables[at],
            Rows {
                spec: 0,
                rng: Rng::new(0, ""),
                written: Vec::new(),
                rows: Vec::new(),
                unique: Vec::new(),
                depth: Vec::new(),
                shallow: Vec::new(),
                next_depth: 0,
                parent_keys: Vec::new(),
            },
        );
        let spec = self.spec;
        let t = &spec.tables[r.spec];
        let old = r.rows[i].clone();
        for (set, seen) in &mut r.unique {
            if let Some(k) = tuple(set, &old) {
                seen.remove(&k);
            }
        }
        for attempt in 0..UNIQUE_TRIES {
            let mut row = old.clone();
            for (ci, cell) in row.iter_mut().enumerate() {
                let c = &t.columns[ci];
                if c.references.is_none() && t.rowid_key.as_deref() != Some(c.name.as_str()) {
                    *cell = distinct(c, self.value(t, ci, &mut r, i), i, attempt);
                }
            }
            if taken(&r, &row).is_none() {
                r.rows[i] = row;
                break;
            }
        }
        let row = r.rows[i].clone();
        for (set, seen) in &mut r.unique {
            if let Some(k) = tuple(set, &row) {
                seen.insert(k);
            }
        }
        self.tables[at] = r;
    }

    /// A foreign key's value: the row's fixed parent, a deferred NULL, or a parent row's key.
    fn foreign(
        &self,
        t: &TableSpec,
        ti: usize,
        ci: usize,
        r: &mut Rows,
        row: &[Value],
        fixed: Option<&Value>,
    ) -> Value {
        let c = &t.columns[ci];
        let Some(f) = &c.references else {
            return Value::Null;
        };
        if let Some(v) = fixed.filter(|_| is_per_parent(t, ci)) {
            return v.clone();
        }
        if self
            .deferred
            .iter()
            .any(|d| d.table == ti && d.column == ci)
        {
            return Value::Null;
        }
        if c.nullable && r.rng.chance(c.null_ratio.unwrap_or(self.spec.null_ratio)) {
            return Value::Null;
        }
        if f.table == t.name {
            // A self-reference: an earlier row not too deep in its tree, or (none yet, NOT
            // NULL) the row itself.
            let Some(k) = col(t, &f.column) else {
                return Value::Null;
            };
            if r.shallow.is_empty() {
                r.next_depth = 0;
                return if c.nullable {
                    Value::Null
                } else {
                    row[k].clone()
                };
            }
            let p = r.shallow[r.rng.below(r.shallow.len() as u64) as usize];
            r.next_depth = r.depth[p] + 1;
            return r.rows[p][k].clone();
        }
        if r.parent_keys[ci].is_empty() {
            return Value::Null;
        }
        let i = r.rng.below(r.parent_keys[ci].len() as u64) as usize;
        r.parent_keys[ci][i].clone()
    }

    /// A value for a column that is no foreign key.
    fn value(&self, t: &TableSpec, ci: usize, r: &mut Rows, n: usize) -> Value {
        let c = &t.columns[ci];
        if t.rowid_key.as_deref() == Some(c.name.as_str()) {
            return Value::Integer(n as i64 + 1);
        }
        // A unique integer of its own (a WITHOUT ROWID key, a unique number): numbered too,
        // so thousands of rows never run out of values.
        if c.generate.is_none()
            && c.ty == "integer"
            && t.unique.iter().any(|u| u.len() == 1 && u[0] == c.name)
        {
            return Value::Integer(n as i64 + 1);
        }
        let is_key = t.primary_key.contains(&c.name);
        if c.nullable && !is_key && r.rng.chance(c.null_ratio.unwrap_or(self.spec.null_ratio)) {
            return Value::Null;
        }
        draw(c, &mut r.rng, n + 1)
    }
}

/// After a few clashes, a drawn text gets the row's number (`Ada Okafor-1432`): names and
/// words run out long before thousands of rows do. Not for fixed values (an enum, a list).
fn distinct(c: &ColumnSpec, v: Value, n: usize, attempt: usize) -> Value {
    let fixed = matches!(
        c.generate,
        Some(Generate::OneOf { .. } | Generate::Weighted { .. } | Generate::Value { .. })
    );
    match v {
        Value::Text(s) if attempt >= 3 && c.ty == "text" && !fixed => {
            Value::Text(format!("{s}-{}", n + 1))
        }
        v => v,
    }
}

fn is_per_parent(t: &TableSpec, ci: usize) -> bool {
    t.per_parent
        .as_ref()
        .is_some_and(|p| p.column == t.columns[ci].name)
}

/// The unique set `row` clashes with, if any.
fn taken(r: &Rows, row: &[Value]) -> Option<usize> {
    r.unique
        .iter()
        .position(|(set, seen)| tuple(set, row).is_some_and(|k| seen.contains(&k)))
}

/// A unique set's values in `row` as one key; `None` when one is NULL (NULLs never clash).
fn tuple(set: &[usize], row: &[Value]) -> Option<String> {
    let mut k = String::new();
    for &c in set {
        match &row[c] {
            Value::Null => return None,
            v => k.push_str(&format!("{v:?}\u{1f}")),
        }
    }
    Some(k)
}

/// A drawn value for column `c` of row number `n` (from 1).
pub(crate) fn draw(c: &ColumnSpec, r: &mut Rng, n: usize) -> Value {
    if let Some(g) = &c.generate {
        return generated(c, g, r, n);
    }
    match (c.default_fn.as_deref(), c.ty.as_str()) {
        (Some("uuid_v4"), _) => return Value::Text(values::uuid(r)),
        (Some("cuid2"), _) => return Value::Text(values::cuid(r)),
        _ => {}
    }
    match c.ty.as_str() {
        "integer" => Value::Integer(r.range(0, 1000)),
        "real" => Value::Real(r.range(0, 100_000) as f64 / 100.0),
        "boolean" => Value::Integer(r.range(0, 1)),
        "timestamp" => Value::Integer(values::timestamp(r)),
        "timestamp_ms" => Value::Integer(values::timestamp(r) * 1000 + r.range(0, 999)),
        "json" => Value::Text(format!(
            "{{\"n\":{},\"tag\":\"{}\"}}",
            r.range(0, 1000),
            values::word(r)
        )),
        "enum" => match &c.values {
            Some(v) if !v.is_empty() => Value::Text(r.pick(v).clone()),
            _ => Value::Null,
        },
        "blob" => values::blob(r),
        _ => Value::Text(text_by_name(&c.name, r, n)),
    }
}

/// Text that fits the column's name (`email`, `name`, `title`, `slug`, `url`, `body`, …).
fn text_by_name(name: &str, r: &mut Rng, n: usize) -> String {
    let l = name.to_ascii_lowercase();
    let has = |w: &str| l == w || l.ends_with(&format!("_{w}")) || l.starts_with(&format!("{w}_"));
    if l.contains("email") {
        values::email(r, n)
    } else if has("first_name") || l == "firstname" {
        values::first_name(r)
    } else if has("last_name") || l == "lastname" || l == "surname" {
        values::last_name(r)
    } else if has("name") || l == "author" || l == "username" {
        values::full_name(r)
    } else if has("slug") || has("handle") || has("key") || has("code") {
        values::slug(r, n)
    } else if l.contains("url") || has("link") || has("website") {
        values::url(r, n)
    } else if has("title") || has("subject") || has("label") || has("headline") {
        values::sentence(r, 2, 6, false)
    } else if [
        "body",
        "content",
        "description",
        "bio",
        "text",
        "summary",
        "note",
        "notes",
    ]
    .iter()
    .any(|w| has(w))
    {
        values::paragraph(r)
    } else {
        format!("{}-{n}", values::word(r))
    }
}

/// A value from a seed.toml generator, typed by the column.
fn generated(c: &ColumnSpec, g: &Generate, r: &mut Rng, n: usize) -> Value {
    let text = |s: String| Value::Text(s);
    match g {
        Generate::Name => text(values::full_name(r)),
        Generate::FirstName => text(values::first_name(r)),
        Generate::LastName => text(values::last_name(r)),
        Generate::Email => text(values::email(r, n)),
        Generate::Word => text(values::word(r).to_owned()),
        Generate::Sentence { min, max } => text(values::sentence(r, *min, *max, true)),
        Generate::Paragraph => text(values::paragraph(r)),
        Generate::Url => text(values::url(r, n)),
        Generate::Slug => text(values::slug(r, n)),
        Generate::Uuid => text(values::uuid(r)),
        Generate::Range { min, max } => match c.ty.as_str() {
            "real" => {
                let v = min + r.unit() * (max - min);
                Value::Real((v * 100.0).round() / 100.0)
            }
            _ => Value::Integer(r.range(min.ceil() as i64, max.floor() as i64)),
        },
        Generate::OneOf { values } if !values.is_empty() => typed(c, r.pick(values)),
        Generate::Weighted { values } if !values.is_empty() => {
            let total: f64 = values.iter().map(|(_, w)| w.max(0.0)).sum();
            let mut at = r.unit() * total;
            for (v, w) in values {
                if at < w.max(0.0) {
                    return typed(c, v);
                }
                at -= w.max(0.0);
            }
            typed(c, &values[values.len() - 1].0)
        }
        Generate::Value { value } => typed(c, value),
        Generate::OneOf { .. } | Generate::Weighted { .. } | Generate::Default => Value::Null,
    }
}

/// A TOML/JSON value as the column stores it.
pub(crate) fn typed(c: &ColumnSpec, v: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match (v, c.ty.as_str()) {
        (J::Null, _) => Value::Null,
        (J::Bool(b), _) => Value::Integer(i64::from(*b)),
        (J::String(s), "timestamp" | "timestamp_ms") => chrono::DateTime::parse_from_rfc3339(s)
            .map(|d| {
                Value::Integer(if c.ty == "timestamp" {
                    d.timestamp()
                } else {
                    d.timestamp_millis()
                })
            })
            .unwrap_or(Value::Text(s.clone())),
        (v, "json") => Value::Text(v.to_string()),
        (J::String(s), _) => Value::Text(s.clone()),
        (J::Number(x), "real") => Value::Real(x.as_f64().unwrap_or(0.0)),
        (J::Number(x), _) => x
            .as_i64()
            .map(Value::Integer)
            .unwrap_or_else(|| Value::Real(x.as_f64().unwrap_or(0.0))),
        (other, _) => Value::Text(other.to_string()),
    }
}
