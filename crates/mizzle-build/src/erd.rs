//! The schema as an entity-relationship diagram in Mermaid's `erDiagram` syntax (GitHub and
//! most Markdown renderers draw it): each table with its columns, types and keys, its
//! constraints (unique ones over several columns, CHECKs as short notes), its indexes on
//! request, the docs from the TOML, and one edge per foreign key with its cardinality.

use std::fmt::Write;

use crate::ir::{Column, ColumnType, Schema, Table};

/// What a diagram shows besides tables, columns, keys and constraints.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Every index (unique indexes are always shown: they are constraints).
    pub indexes: bool,
}

/// The diagram of `schema`.
pub fn mermaid(schema: &Schema) -> String {
    mermaid_with(schema, Options::default())
}

/// At most `n` characters of `text`'s first line, `…` when cut.
fn short(text: &str, n: usize) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    if line.chars().count() <= n {
        line.to_owned()
    } else {
        let cut: String = line.chars().take(n - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// A table's rows after its columns: `(kind, name, what)` for each unique index, CHECK and
/// (with `opts.indexes`) other index.
fn constraint_rows(t: &Table, opts: Options) -> Vec<(&'static str, String, String)> {
    let mut rows = Vec::new();
    for i in &t.indexes {
        if !i.unique && !opts.indexes {
            continue;
        }
        let mut what = format!("({})", i.columns.join(", "));
        if let Some(w) = &i.where_sql {
            what.push_str(" WHERE ");
            what.push_str(w);
        }
        rows.push((
            if i.unique { "unique" } else { "index" },
            i.name.clone(),
            short(&what, 48),
        ));
    }
    for (name, sql) in &t.checks {
        rows.push(("check", name.clone(), short(sql, 48)));
    }
    rows
}

/// The diagram of `schema`, showing what `opts` asks for.
pub fn mermaid_with(schema: &Schema, opts: Options) -> String {
    let mut out = String::from("erDiagram\n");
    let type_name = |ty: ColumnType| {
        ColumnType::ALL
            .iter()
            .find(|(_, t)| *t == ty)
            .map_or("text", |(name, _)| name)
    };
    for t in &schema.tables {
        if let Some(doc) = &t.doc {
            // Mermaid draws no note on an entity: the doc is kept for the reader of the source.
            let _ = writeln!(out, "    %% {}: {}", t.name, short(doc, 100));
        }
        let _ = writeln!(out, "    {} {{", entity(&t.name));
        for c in &t.columns {
            let keys = keys(t, c);
            let mut line = format!("        {} {}", type_name(c.ty), entity(&c.name));
            if !keys.is_empty() {
                line.push(' ');
                line.push_str(&keys.join(", "));
            }
            let mut notes = Vec::new();
            if let Some(doc) = &c.doc {
                notes.push(short(doc, 60));
            }
            if c.nullable {
                notes.push("nullable".to_owned());
            }
            if let Some(e) = &c.enum_def {
                notes.push(e.values.join(" | "));
            }
            if let Some(check) = &c.check {
                notes.push(format!("check: {}", short(check, 40)));
            }
            if !notes.is_empty() {
                let _ = write!(line, " \"{}\"", notes.join("; ").replace('"', "'"));
            }
            out.push_str(&line);
            out.push('\n');
        }
        for (kind, name, what) in constraint_rows(t, opts) {
            let _ = writeln!(
                out,
                "        {kind} {} \"{}\"",
                entity(&name),
                what.replace('"', "'")
            );
        }
        out.push_str("    }\n");
    }
    // One edge per foreign key: the referenced table has zero or more referencing rows
    // (at most one when the key is unique); a referencing row has exactly one referenced
    // row, or zero or one when the key is nullable.
    for t in &schema.tables {
        for c in &t.columns {
            let Some(fk) = &c.references else { continue };
            let parent_side = if c.nullable { "|o" } else { "||" };
            let child_side = if c.unique { "o|" } else { "o{" };
            let _ = writeln!(
                out,
                "    {} {parent_side}--{child_side} {} : \"{}.{}\"",
                entity(&fk.table),
                entity(&t.name),
                t.name,
                c.name
            );
        }
    }
    out
}

/// A column's keys as the diagrams mark them: `PK`, `FK`, `UK`.
fn keys(t: &Table, c: &Column) -> Vec<&'static str> {
    [
        (t.primary_key.contains(&c.name), "PK"),
        (c.references.is_some(), "FK"),
        (c.unique, "UK"),
    ]
    .into_iter()
    .filter_map(|(on, k)| on.then_some(k))
    .collect()
}

/// A name Mermaid accepts as an entity or attribute: kept when it is a plain identifier,
/// else quoted with its `"` made `'`.
fn entity(name: &str) -> String {
    if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
    {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace('"', "'"))
    }
}

/// Character advance of the diagram's monospace font (12px), with a margin: box widths are
/// computed from it, and the browser test checks every text stays inside its box.
const CHAR_W: f64 = 7.6;
const ROW_H: f64 = 20.0;
const HEAD_H: f64 = 28.0;
const PAD: f64 = 10.0;
const GAP_X: f64 = 80.0;
const GAP_Y: f64 = 70.0;
const MARGIN: f64 = 30.0;

/// A table's box: its rows and size.
#[derive(Debug, Clone)]
struct TableBox {
    name: String,
    /// The table's doc, shown as the box's tooltip.
    doc: Option<String>,
    /// (column, type, keys) per row.
    rows: Vec<(String, String, String)>,
    w: f64,
    h: f64,
    /// Column widths in characters: name, type.
    cols: (usize, usize),
}

/// A foreign key edge: child table and row, parent table and row.
#[derive(Debug, Clone)]
struct Edge {
    child: usize,
    child_row: usize,
    parent: usize,
    parent_row: usize,
    nullable: bool,
    unique: bool,
    label: String,
}

/// The diagram of `schema` as a standalone SVG: one box per table (columns, types, keys),
/// laid out in layers (referenced tables above the tables that reference them, ordered to
/// shorten edges), and one edge per foreign key from the key's row to the referenced row,
/// with crow's-foot cardinality (zero or more, zero or one for a unique key; exactly one, or
/// zero or one for a nullable key). No external program is involved.
pub fn svg(schema: &Schema) -> String {
    svg_with(schema, Options::default())
}

/// The SVG diagram, showing what `opts` asks for: constraint and index rows under each
/// table's columns, and each table's and column's doc as its tooltip.
pub fn svg_with(schema: &Schema, opts: Options) -> String {
    let (boxes, edges) = graph(schema, opts);
    let pos = layout(&boxes, &edges);
    render_svg(&boxes, &edges, &pos)
}

fn graph(schema: &Schema, opts: Options) -> (Vec<TableBox>, Vec<Edge>) {
    let boxes: Vec<TableBox> = schema
        .tables
        .iter()
        .map(|t| {
            let mut rows: Vec<(String, String, String)> = t
                .columns
                .iter()
                .map(|c| {
                    let keys = keys(t, c);
                    let ty = format!("{}{}", c.ty.name(), if c.nullable { "?" } else { "" });
                    (c.name.clone(), ty, keys.join(" "))
                })
                .collect();
            // Constraint rows: the kind where a column's name stands, what it covers where
            // its type does (edges attach to column rows, which come first).
            rows.extend(
                constraint_rows(t, opts)
                    .into_iter()
                    .map(|(kind, _, what)| (kind.to_owned(), what, String::new())),
            );
            let name_w = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
            let type_w = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
            let keys_w = rows.iter().map(|r| r.2.chars().count()).max().unwrap_or(0);
            let body = name_w + 2 + type_w + if keys_w > 0 { 2 + keys_w } else { 0 };
            let chars = body.max(t.name.chars().count() + 2);
            TableBox {
                name: t.name.clone(),
                doc: t.doc.clone(),
                w: (chars as f64 * CHAR_W + 2.0 * PAD).ceil(),
                h: HEAD_H + rows.len().max(1) as f64 * ROW_H + 6.0,
                rows,
                cols: (name_w, type_w),
            }
        })
        .collect();
    let mut edges = Vec::new();
    for (ci, t) in schema.tables.iter().enumerate() {
        for (ri, c) in t.columns.iter().enumerate() {
            let Some(fk) = &c.references else { continue };
            let Some(pi) = schema.tables.iter().position(|p| p.name == fk.table) else {
                continue;
            };
            let parent_row = schema.tables[pi]
                .columns
                .iter()
                .position(|pc| pc.name == fk.column)
                .unwrap_or(0);
            edges.push(Edge {
                child: ci,
                child_row: ri,
                parent: pi,
                parent_row,
                nullable: c.nullable,
                unique: c.unique,
                label: format!("{}.{} → {}.{}", t.name, c.name, fk.table, fk.column),
            });
        }
    }
    (boxes, edges)
}

/// Top-left corner of each box.
fn layout(boxes: &[TableBox], edges: &[Edge]) -> Vec<(f64, f64)> {
    let n = boxes.len();
    // Layers: a table sits one below the lowest table it references (self-references and
    // cycles ignored: relaxation stops after n rounds).
    let mut layer = vec![0usize; n];
    for _ in 0..n {
        let mut changed = false;
        for e in edges.iter().filter(|e| e.child != e.parent) {
            if layer[e.child] < layer[e.parent] + 1 && layer[e.parent] + 1 < n {
                layer[e.child] = layer[e.parent] + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let depth = layer.iter().max().map_or(0, |m| m + 1);
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for (i, l) in layer.iter().enumerate() {
        layers[*l].push(i);
    }
    // Order within layers by the mean position of neighbours, sweeping down and up.
    let neighbours = |i: usize| -> Vec<usize> {
        edges
            .iter()
            .filter_map(|e| {
                if e.child == i && e.parent != i {
                    Some(e.parent)
                } else if e.parent == i && e.child != i {
                    Some(e.child)
                } else {
                    None
                }
            })
            .collect()
    };
    let mut order = vec![0.0f64; n];
    for l in &layers {
        for (k, &i) in l.iter().enumerate() {
            order[i] = k as f64;
        }
    }
    for sweep in 0..6 {
        let range: Vec<usize> = if sweep % 2 == 0 {
            (0..depth).collect()
        } else {
            (0..depth).rev().collect()
        };
        for li in range {
            let mut keyed: Vec<(f64, usize)> = layers[li]
                .iter()
                .map(|&i| {
                    let nb = neighbours(i);
                    let key = if nb.is_empty() {
                        order[i]
                    } else {
                        nb.iter().map(|&j| order[j]).sum::<f64>() / nb.len() as f64
                    };
                    (key, i)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            layers[li] = keyed.iter().map(|(_, i)| *i).collect();
            for (k, &i) in layers[li].iter().enumerate() {
                order[i] = k as f64;
            }
        }
    }
    let widths: Vec<f64> = layers
        .iter()
        .map(|l| {
            l.iter().map(|&i| boxes[i].w).sum::<f64>() + GAP_X * l.len().saturating_sub(1) as f64
        })
        .collect();
    let total_w = widths.iter().cloned().fold(0.0, f64::max);
    let mut pos = vec![(0.0, 0.0); n];
    let mut y = MARGIN;
    for (li, l) in layers.iter().enumerate() {
        let mut x = MARGIN + (total_w - widths[li]) / 2.0;
        let mut tallest: f64 = 0.0;
        for &i in l {
            pos[i] = (x, y);
            x += boxes[i].w + GAP_X;
            tallest = tallest.max(boxes[i].h);
        }
        y += tallest + GAP_Y;
    }
    pos
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn render_svg(boxes: &[TableBox], edges: &[Edge], pos: &[(f64, f64)]) -> String {
    let width = boxes
        .iter()
        .zip(pos)
        .map(|(b, p)| p.0 + b.w)
        .fold(0.0, f64::max)
        + MARGIN
        + 60.0;
    let height = boxes
        .iter()
        .zip(pos)
        .map(|(b, p)| p.1 + b.h)
        .fold(0.0, f64::max)
        + MARGIN;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, 'DejaVu Sans Mono', monospace" font-size="12">"#
    );
    out.push_str("  <title>Entity-relationship diagram (mizzle erd)</title>\n");
    let _ = writeln!(
        out,
        r##"  <rect width="100%" height="100%" fill="#ffffff"/>"##
    );
    // Edges first, under the boxes.
    out.push_str("  <g class=\"edges\" fill=\"none\" stroke=\"#64748b\" stroke-width=\"1.3\">\n");
    for e in edges {
        let (c, p) = (&boxes[e.child], &boxes[e.parent]);
        let (cp, pp) = (pos[e.child], pos[e.parent]);
        let cy = cp.1 + HEAD_H + (e.child_row as f64 + 0.5) * ROW_H;
        let py = pp.1 + HEAD_H + (e.parent_row as f64 + 0.5) * ROW_H;
        let (cx, px, cdir, pdir) = if e.child == e.parent {
            (cp.0 + c.w, pp.0 + p.w, 1.0, 1.0)
        } else if pp.0 + p.w + 20.0 < cp.0 {
            (cp.0, pp.0 + p.w, -1.0, 1.0)
        } else if cp.0 + c.w + 20.0 < pp.0 {
            (cp.0 + c.w, pp.0, 1.0, -1.0)
        } else if cp.0 + c.w / 2.0 <= pp.0 + p.w / 2.0 {
            // Stacked: both ends on the same side, the curve outside both boxes.
            (cp.0, pp.0, -1.0, -1.0)
        } else {
            (cp.0 + c.w, pp.0 + p.w, 1.0, 1.0)
        };
        let bend = if e.child == e.parent { 45.0 } else { 60.0 };
        let (c1, c2) = if cdir == pdir {
            let out = if cdir < 0.0 { cx.min(px) } else { cx.max(px) } + cdir * bend;
            (out, out)
        } else {
            (cx + cdir * bend, px + pdir * bend)
        };
        let _ = writeln!(
            out,
            r#"    <g class="edge"><title>{}</title><path d="M{:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}"/>{}{}</g>"#,
            esc(&e.label),
            cx,
            cy,
            c1,
            cy,
            c2,
            py,
            px,
            py,
            child_end(cx, cy, cdir, e.unique),
            parent_end(px, py, pdir, e.nullable),
        );
    }
    out.push_str("  </g>\n");
    for (b, &(x, y)) in boxes.iter().zip(pos) {
        let _ = writeln!(out, r#"  <g class="table" data-table="{}">"#, esc(&b.name));
        if let Some(doc) = &b.doc {
            let _ = writeln!(out, "    <title>{}</title>", esc(doc));
        }
        let _ = writeln!(
            out,
            r##"    <rect class="frame" x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" rx="4" fill="#ffffff" stroke="#475569"/>"##,
            b.w, b.h
        );
        let _ = writeln!(
            out,
            r##"    <path d="M{x:.1},{:.1} v-{:.1} a4,4 0 0 1 4,-4 h{:.1} a4,4 0 0 1 4,4 v{:.1} z" fill="#1e293b"/>"##,
            y + HEAD_H,
            HEAD_H - 4.0,
            b.w - 8.0,
            HEAD_H - 4.0
        );
        let _ = writeln!(
            out,
            r##"    <text class="name" x="{:.1}" y="{:.1}" fill="#ffffff" font-weight="bold">{}</text>"##,
            x + PAD,
            y + HEAD_H - 9.0,
            esc(&b.name)
        );
        for (k, (name, ty, keys)) in b.rows.iter().enumerate() {
            let ry = y + HEAD_H + (k as f64 + 1.0) * ROW_H - 6.0;
            let _ = writeln!(
                out,
                r##"    <text x="{:.1}" y="{ry:.1}" fill="#0f172a">{}</text><text x="{:.1}" y="{ry:.1}" fill="#475569">{}</text>"##,
                x + PAD,
                esc(name),
                x + PAD + (b.cols.0 + 2) as f64 * CHAR_W,
                esc(ty)
            );
            if !keys.is_empty() {
                let _ = writeln!(
                    out,
                    r##"    <text x="{:.1}" y="{ry:.1}" fill="#b45309" font-weight="bold">{}</text>"##,
                    x + PAD + (b.cols.0 + 2 + b.cols.1 + 2) as f64 * CHAR_W,
                    esc(keys)
                );
            }
        }
        out.push_str("  </g>\n");
    }
    out.push_str("</svg>\n");
    out
}

/// The many (or zero-or-one, for a unique key) end at the referencing row: a crow's foot and
/// a circle, `dir` pointing away from the box.
fn child_end(x: f64, y: f64, dir: f64, unique: bool) -> String {
    let tip = x + dir * 12.0;
    let circle = format!(
        r##"<circle cx="{:.1}" cy="{y:.1}" r="4" fill="#ffffff"/>"##,
        x + dir * 19.0
    );
    if unique {
        format!(r#"<path d="M{tip:.1},{:.1} v10"/>{circle}"#, y - 5.0)
    } else {
        format!(
            r#"<path d="M{x:.1},{:.1} L{tip:.1},{y:.1} L{x:.1},{:.1} M{x:.1},{y:.1} H{tip:.1}"/>{circle}"#,
            y - 6.0,
            y + 6.0
        )
    }
}

/// The one end at the referenced row: two bars (exactly one) or a bar and a circle (zero or
/// one, for a nullable key).
fn parent_end(x: f64, y: f64, dir: f64, nullable: bool) -> String {
    let bar1 = x + dir * 8.0;
    if nullable {
        format!(
            r##"<path d="M{bar1:.1},{:.1} v10"/><circle cx="{:.1}" cy="{y:.1}" r="4" fill="#ffffff"/>"##,
            y - 5.0,
            x + dir * 16.0
        )
    } else {
        format!(
            r#"<path d="M{bar1:.1},{:.1} v10 M{:.1},{:.1} v10"/>"#,
            y - 5.0,
            x + dir * 13.0,
            y - 5.0
        )
    }
}
