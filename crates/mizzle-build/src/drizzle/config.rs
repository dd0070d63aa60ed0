//! `drizzle.config.{ts,mts,js,mjs,cjs,json}`: where the schema is, the `out` folder, the
//! `casing`, the dialect. Read with the same parser as the schema: `export default
//! defineConfig({ .. })`, `export default { .. } satisfies Config`, a `const` exported by
//! name, or `module.exports = { .. }`.

use std::path::{Path, PathBuf};

use oxc_allocator::Allocator;
use oxc_ast::ast::*;
use oxc_parser::Parser;
use oxc_span::SourceType;

use super::ts::Casing;

/// The file names drizzle-kit looks for, in its order.
pub const CONFIG_NAMES: [&str; 6] = [
    "drizzle.config.ts",
    "drizzle.config.mts",
    "drizzle.config.js",
    "drizzle.config.mjs",
    "drizzle.config.cjs",
    "drizzle.config.json",
];

/// What a drizzle config says that the import uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DrizzleConfig {
    /// The config file.
    pub file: PathBuf,
    /// `schema`: paths, folders or globs, as written.
    pub schema: Vec<String>,
    /// `out`, as written.
    pub out: Option<String>,
    /// `casing`.
    pub casing: Casing,
    /// `dialect`.
    pub dialect: Option<String>,
}

impl DrizzleConfig {
    /// The schema files: each `schema` entry resolved against the config's folder, a
    /// folder giving its own `.ts`/`.js` files (as drizzle-kit: not its subfolders), a glob its matches.
    pub fn schema_files(&self) -> (Vec<PathBuf>, Vec<String>) {
        let base = self.file.parent().unwrap_or(Path::new("."));
        expand(base, &self.schema)
    }
}

/// Files for `entries` (files, folders or globs) relative to `base`, and notes for
/// entries that match nothing.
pub fn expand(base: &Path, entries: &[String]) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut notes = Vec::new();
    for e in entries {
        let before = files.len();
        let path = base.join(e);
        if e.contains(['*', '?', '[', '{']) {
            let pattern = path.to_string_lossy().into_owned();
            match glob::glob(&pattern) {
                Ok(paths) => {
                    // As drizzle-kit: script files only (`schema/*` also matches a README).
                    let mut found: Vec<PathBuf> = paths
                        .flatten()
                        .filter(|p| p.is_file() && is_script(p))
                        .collect();
                    found.sort();
                    files.extend(found);
                }
                Err(err) => notes.push(format!("the schema glob `{e}` is not a glob: {err}")),
            }
        } else if path.is_dir() {
            walk(&path, &mut files);
        } else if path.is_file() {
            files.push(path);
        }
        if files.len() == before {
            notes.push(format!(
                "the drizzle config's schema entry `{e}` matches no file"
            ));
        }
    }
    files.dedup();
    (files, notes)
}

fn is_script(p: &Path) -> bool {
    p.extension().is_some_and(|x| {
        matches!(
            x.to_str(),
            Some("ts" | "mts" | "cts" | "js" | "mjs" | "cjs")
        )
    }) && !p.to_string_lossy().ends_with(".d.ts")
}

/// A folder's own script files, as drizzle-kit takes them (not its subfolders: drizzle-kit
/// reads a folder's direct files; a table in a subfolder is found when a file imports it).
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut inner: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    inner.sort();
    for p in inner {
        if p.is_file()
            && p.extension().is_some_and(|x| {
                matches!(
                    x.to_str(),
                    Some("ts" | "mts" | "cts" | "js" | "mjs" | "cjs")
                )
            })
            && !p.to_string_lossy().ends_with(".d.ts")
        {
            out.push(p);
        }
    }
}

/// The drizzle config in `dir`, if there is one.
pub fn find_in(dir: &Path) -> Option<PathBuf> {
    CONFIG_NAMES
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
}

/// Reads a drizzle config. Errors say what could not be read.
pub fn read(file: &Path) -> Result<DrizzleConfig, String> {
    let shown = file.display();
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read {shown}: {e}"))?;
    let mut config = DrizzleConfig {
        file: file.to_path_buf(),
        ..DrizzleConfig::default()
    };
    if file.extension().is_some_and(|x| x == "json") {
        let v: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{shown} is not JSON: {e}"))?;
        config.schema = match v.get("schema") {
            Some(serde_json::Value::String(s)) => vec![s.clone()],
            Some(serde_json::Value::Array(a)) => a
                .iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        };
        config.out = v.get("out").and_then(|s| s.as_str()).map(str::to_owned);
        config.dialect = v.get("dialect").and_then(|s| s.as_str()).map(str::to_owned);
        config.casing = casing(v.get("casing").and_then(|s| s.as_str()));
        return Ok(config);
    }
    let alloc = Allocator::default();
    let source_type = SourceType::from_path(file).unwrap_or_else(|_| SourceType::ts());
    let parsed = Parser::new(&alloc, &text, source_type).parse();
    if parsed.panicked {
        return Err(format!("{shown} does not parse as TypeScript"));
    }
    let program = &parsed.program;
    let Some(object) = config_object(program) else {
        return Err(format!(
            "{shown}: its default export is not an object literal (or `defineConfig({{ .. }})`) this reader can follow"
        ));
    };
    for p in &object.properties {
        let ObjectPropertyKind::ObjectProperty(p) = p else {
            continue;
        };
        let value = p.value.get_inner_expression();
        match p.key.static_name().as_deref() {
            Some("schema") => {
                config.schema = match value {
                    Expression::StringLiteral(s) => vec![s.value.to_string()],
                    Expression::ArrayExpression(a) => a
                        .elements
                        .iter()
                        .filter_map(|e| match e.as_expression()?.get_inner_expression() {
                            Expression::StringLiteral(s) => Some(s.value.to_string()),
                            _ => None,
                        })
                        .collect(),
                    _ => {
                        return Err(format!(
                            "{shown}: `schema` is not a string or a list of strings; pass the schema files with `--schema`"
                        ));
                    }
                }
            }
            Some("out") => config.out = literal(value),
            Some("dialect") => config.dialect = literal(value),
            Some("casing") => config.casing = casing(literal(value).as_deref()),
            _ => {}
        }
    }
    Ok(config)
}

fn casing(s: Option<&str>) -> Casing {
    match s {
        Some("snake_case") => Casing::SnakeCase,
        Some("camelCase") => Casing::CamelCase,
        _ => Casing::Preserve,
    }
}

fn literal(e: &Expression) -> Option<String> {
    match e.get_inner_expression() {
        Expression::StringLiteral(s) => Some(s.value.to_string()),
        Expression::TemplateLiteral(t) if t.expressions.is_empty() => t
            .quasis
            .first()
            .and_then(|q| q.value.cooked.as_ref())
            .map(|c| c.to_string()),
        _ => None,
    }
}

/// The object a config file exports.
fn config_object<'b, 'a>(program: &'b Program<'a>) -> Option<&'b ObjectExpression<'a>> {
    let object_of = |e: &'b Expression<'a>| -> Option<&'b ObjectExpression<'a>> {
        match e.get_inner_expression() {
            Expression::ObjectExpression(o) => Some(o),
            Expression::CallExpression(c) => {
                match c.arguments.first()?.as_expression()?.get_inner_expression() {
                    Expression::ObjectExpression(o) => Some(o),
                    _ => None,
                }
            }
            _ => None,
        }
    };
    let const_named = |name: &str| -> Option<&'b Expression<'a>> {
        program.body.iter().find_map(|st| {
            super::ts::var_decl(st)?
                .declarations
                .iter()
                .find_map(|d| (d.id.get_identifier_name()? == name).then_some(d.init.as_ref()?))
        })
    };
    for st in &program.body {
        match st {
            Statement::ExportDefaultDeclaration(d) => {
                let e = d.declaration.as_expression()?;
                if let Expression::Identifier(i) = e.get_inner_expression() {
                    return object_of(const_named(&i.name)?);
                }
                return object_of(e);
            }
            // `module.exports = { .. }`
            Statement::ExpressionStatement(s) => {
                if let Expression::AssignmentExpression(a) = &s.expression
                    && let AssignmentTarget::StaticMemberExpression(m) = &a.left
                    && matches!(&m.object, Expression::Identifier(o) if o.name == "module")
                    && m.property.name == "exports"
                {
                    if let Expression::Identifier(i) = a.right.get_inner_expression() {
                        return object_of(const_named(&i.name)?);
                    }
                    return object_of(&a.right);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(name: &str, text: &str) -> DrizzleConfig {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(name);
        std::fs::write(&f, text).unwrap();
        read(&f).unwrap()
    }

    #[test]
    fn every_way_a_config_is_written() {
        let c = config(
            "drizzle.config.ts",
            "import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({\n  dialect: 'sqlite',\n  // schema: 'old.ts',\n  schema: './src/db/schema.ts',\n  out: './drizzle',\n  casing: 'snake_case',\n});",
        );
        assert_eq!(c.schema, ["./src/db/schema.ts"]);
        assert_eq!(c.out.as_deref(), Some("./drizzle"));
        assert_eq!(c.casing, Casing::SnakeCase);
        assert_eq!(c.dialect.as_deref(), Some("sqlite"));
        let c = config(
            "drizzle.config.mts",
            "import type { Config } from 'drizzle-kit';\nexport default { schema: [\"a.ts\", 'b/*.ts'], out: `x` } satisfies Config;",
        );
        assert_eq!(c.schema, ["a.ts", "b/*.ts"]);
        assert_eq!(c.out.as_deref(), Some("x"));
        let c = config(
            "drizzle.config.js",
            "/** @type { import('drizzle-kit').Config } */\nconst config = { schema: './schema', dialect: 'sqlite' };\nmodule.exports = config;",
        );
        assert_eq!(c.schema, ["./schema"]);
        let c = config(
            "drizzle.config.ts",
            "const config: Config = { schema: './s.ts' } as Config;\nexport default config;",
        );
        assert_eq!(c.schema, ["./s.ts"]);
    }
}
