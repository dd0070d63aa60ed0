//! Names for what pull writes: Rust names that build, relation names without collisions,
//! file names; and the relations inferred from the foreign keys.

use super::*;

/// Rust names: a `rust_name` for a column whose snake case is not an identifier or is taken,
/// a `struct` for a table whose default struct name another table already makes.
pub(super) fn name_things(tables: &mut [PTable]) {
    let mut structs = BTreeSet::new();
    for t in tables.iter_mut() {
        // A field's name, its setters (`x`, and `x_null` for a nullable one) and the
        // generated constructor `new` and handle `table` must not meet.
        let mut taken: BTreeSet<String> = ["new", "table", "Table", "rel"]
            .into_iter()
            .map(str::to_owned)
            .collect();
        for (i, c) in t.columns.iter_mut().enumerate() {
            let default = naming::field_name(&c.name);
            let mut name = default.clone();
            if !naming::is_valid_ident(&name) {
                name = sanitise(&default, &format!("column_{}", i + 1));
            }
            if !naming::is_valid_ident(&name) {
                name = format!("{name}_col");
            }
            let free = |n: &String| !taken.contains(n) && !taken.contains(&format!("{n}_null"));
            if !free(&name) {
                name = format!("{name}_col");
            }
            while !free(&name) {
                name = unique_name(&name, &taken);
                if !free(&name) {
                    name.push('_');
                }
            }
            taken.insert(name.clone());
            taken.insert(format!("{name}_null"));
            if name != default {
                c.rust_name = Some(name);
            }
        }
        let default = naming::struct_name(&t.name);
        let mut name = default.clone();
        if crate::lower::bad_type_name(&name).is_some() {
            name = format!("{}Row", sanitise(&default, "Table").to_upper_camel_case());
        }
        let name = unique_name(&name, &structs);
        structs.insert(name.clone());
        if name != default {
            t.struct_name = Some(name);
        }
    }
}

/// `name` with characters an identifier cannot have replaced, or `fallback`.
pub(super) fn sanitise(name: &str, fallback: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let s = s.trim_matches('_').to_owned();
    if s.is_empty() {
        fallback.to_owned()
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{}_{s}", fallback.split('_').next().unwrap_or("c"))
    } else {
        s
    }
}

/// `name`, or `name_2`, `name_3`.. when taken.
pub(super) fn unique_name(name: &str, taken: &BTreeSet<String>) -> String {
    if !taken.contains(name) {
        return name.to_owned();
    }
    (2..)
        .map(|n| format!("{name}_{n}"))
        .find(|n| !taken.contains(n))
        .expect("some number is free")
}

/// Relations from the foreign keys: `belongs_to` on the child, `has_many` (`has_one` for a
/// unique key) on the parent, and `many_to_many` on both sides of a join table whose primary
/// key (or a unique constraint or index) is its two foreign keys.
pub(super) fn infer_relations(
    tables: &mut [PTable],
    shape: &DbState,
    known: &BTreeMap<(String, String, String), String>,
) {
    // A name the app already uses for the relation comes first.
    let known_name = |on: &str, child: &str, col: &str| {
        known
            .get(&(on.to_owned(), child.to_owned(), col.to_owned()))
            .cloned()
    };
    // (child, column, parent, parent column)
    let mut fks = Vec::new();
    for t in tables.iter() {
        for c in &t.columns {
            if let Some((parent, pcol, ..)) = &c.references
                && tables.iter().any(|p| &p.name == parent)
            {
                fks.push((t.name.clone(), c.name.clone(), parent.clone(), pcol.clone()));
            }
        }
    }
    let mut taken: BTreeMap<String, BTreeSet<String>> = tables
        .iter()
        .map(|t| {
            let cols = t
                .columns
                .iter()
                .map(|c| {
                    c.rust_name
                        .clone()
                        .unwrap_or_else(|| naming::field_name(&c.name))
                })
                .collect();
            (t.name.clone(), cols)
        })
        .collect();
    let mut add = |tables: &mut [PTable],
                   on: &str,
                   candidates: Vec<String>,
                   make: &dyn Fn(String) -> PRelation| {
        let taken = taken.entry(on.to_owned()).or_default();
        let camel: BTreeSet<String> = taken.iter().map(|n| n.to_upper_camel_case()).collect();
        let ok = |n: &String| {
            naming::is_valid_ident(n)
                && !naming::is_keyword(n)
                && !naming::is_keyword(&n.to_upper_camel_case())
                && !matches!(n.as_str(), "table" | "rel")
                && !taken.contains(n)
                && !camel.contains(&n.to_upper_camel_case())
        };
        let first = candidates.iter().find(|n| ok(n)).cloned();
        let name = first.unwrap_or_else(|| {
            let base = candidates
                .last()
                .cloned()
                .unwrap_or_else(|| "related".into());
            (2..)
                .map(|i| format!("{base}_{i}"))
                .find(|n| ok(n))
                .expect("some number is free")
        });
        taken.insert(name.clone());
        if let Some(t) = tables.iter_mut().find(|t| t.name == on) {
            t.relations.push(make(name));
        }
    };
    for (child, col, parent, _) in &fks {
        let stem = key_stem(col);
        let parent_one = naming::struct_name(parent).to_snake_case();
        let candidates = known_name(child, child, col)
            .into_iter()
            .chain([
                stem.clone(),
                parent_one.clone(),
                format!("{stem}_{parent_one}"),
            ])
            .collect();
        let key = col.clone();
        let target = parent.clone();
        add(tables, child, candidates, &move |name| {
            PRelation::BelongsTo {
                name,
                target: target.clone(),
                key: key.clone(),
            }
        });
    }
    for (child, col, parent, _) in &fks {
        let child_t = tables.iter().find(|t| &t.name == child).expect("listed");
        let unique = child_t
            .column(col)
            .is_some_and(|c| c.unique || c.primary_key)
            || child_t
                .indexes
                .iter()
                .any(|i| i.unique && i.where_sql.is_none() && i.columns == [col.clone()]);
        let many = !unique;
        let several = fks
            .iter()
            .filter(|(c, _, p, _)| c == child && p == parent)
            .count()
            > 1;
        let base = if many {
            plural(child)
        } else {
            naming::struct_name(child).to_snake_case()
        };
        let stem = key_stem(col);
        let candidates = known_name(parent, child, col)
            .into_iter()
            .chain(if several || child == parent {
                vec![
                    format!("{base}_as_{stem}"),
                    format!("{base}_by_{}", col.to_snake_case()),
                ]
            } else {
                vec![base.clone(), format!("{base}_by_{}", col.to_snake_case())]
            })
            .collect();
        let target = child.clone();
        let fk = col.clone();
        add(tables, parent, candidates, &move |name| PRelation::Has {
            name,
            target: target.clone(),
            foreign_key: fk.clone(),
            many,
        });
    }
    // Join tables.
    let joins: Vec<(String, String, String)> = tables
        .iter()
        .filter_map(|j| {
            let mine: Vec<_> = fks.iter().filter(|(c, ..)| c == &j.name).collect();
            let [a, b] = mine.as_slice() else { return None };
            if a.2 == b.2 {
                return None;
            }
            let pair: BTreeSet<&String> = [&a.1, &b.1].into_iter().collect();
            let db = shape.tables.get(&j.name)?;
            let pk: BTreeSet<&String> = db
                .columns
                .iter()
                .filter(|c| c.pk > 0)
                .map(|c| &c.name)
                .collect();
            let keyed = pk == pair
                || db
                    .uniques
                    .iter()
                    .any(|u| u.iter().collect::<BTreeSet<_>>() == pair)
                || j.indexes.iter().any(|i| {
                    i.unique
                        && i.where_sql.is_none()
                        && i.columns.iter().collect::<BTreeSet<_>>() == pair
                });
            keyed.then(|| (j.name.clone(), a.2.clone(), b.2.clone()))
        })
        .collect();
    for (join, a, b) in joins {
        for (from, to) in [(&a, &b), (&b, &a)] {
            let candidates = vec![
                plural(to),
                format!("{}_via_{}", plural(to), join.to_snake_case()),
            ];
            let target = to.clone();
            let through = join.clone();
            add(tables, from, candidates, &move |name| {
                PRelation::ManyToMany {
                    name,
                    target: target.clone(),
                    through: through.clone(),
                }
            });
        }
    }
}

/// `author_id` → `author`, `authorId` → `author`, `owner` → `owner`.
pub(super) fn key_stem(col: &str) -> String {
    let snake = col.to_snake_case();
    match snake.strip_suffix("_id") {
        Some(s) if !s.is_empty() => s.to_owned(),
        _ => snake,
    }
}

/// One file name per table: the table's name where it makes a plain file name, else a
/// cleaned one (the table name then goes in `table = ".."`).
pub(super) fn file_names(tables: &[PTable]) -> Vec<String> {
    let mut taken = BTreeSet::new();
    tables
        .iter()
        .map(|t| {
            // `mizzle.toml` and `seed.toml` are not tables: a table of either name gets
            // another file, naming it with `table = ".."`.
            let plain = !t.name.is_empty()
                && t.name != "mizzle"
                && t.name != "seed"
                && !t.name.starts_with('.')
                && t.name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'));
            let stem = if plain {
                t.name.clone()
            } else {
                sanitise(&t.name.to_snake_case(), "table")
            };
            let stem = if stem == "mizzle" || stem == "seed" {
                format!("{stem}_table")
            } else {
                stem
            };
            let lower: BTreeSet<String> = taken.iter().map(|s: &String| s.to_lowercase()).collect();
            let mut name = stem.clone();
            let mut n = 2;
            while lower.contains(&name.to_lowercase()) {
                name = format!("{stem}_{n}");
                n += 1;
            }
            taken.insert(name.clone());
            format!("{name}.toml")
        })
        .collect()
}

/// A has-many name for table `table`: its snake case, plural (`Post` → `posts`, `posts` →
/// `posts`, `_CategoryToPost` → `category_to_posts`).
fn plural(table: &str) -> String {
    let snake = table.to_snake_case();
    match snake.rsplit_once('_') {
        Some((head, last)) => format!("{head}_{}", pluralizer::pluralize(last, 2, false)),
        None => pluralizer::pluralize(&snake, 2, false),
    }
}
