//! A drizzle schema read from its TypeScript, through a real parser (`oxc_parser`) and the
//! module graph: every file the schema files import or re-export (relative paths, `.js`
//! written for `.ts`, folders through `index.ts`) is read, and names are followed across
//! files, so a table built in `auth-schema.ts` and re-exported with `export *`, or made by a
//! `sqliteTableCreator` imported from a helper, is found like any other.
//!
//! Nothing is run: what is read is the part of TypeScript that drizzle schemas are written
//! in (calls, object and array literals, string templates, arrow functions that return
//! them, `as const`, spreads of a shared column object). What cannot be read this way is
//! said by name in [`TsSchema::notes`], never guessed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use oxc_allocator::Allocator;
use oxc_ast::ast::*;
use oxc_parser::Parser;
use oxc_span::{GetSpan, SourceType};

/// How drizzle turns a column's key into its name when the builder is given none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Casing {
    /// The key as written (drizzle's default).
    #[default]
    Preserve,
    /// `casing: "snake_case"`.
    SnakeCase,
    /// `casing: "camelCase"`.
    CamelCase,
}

/// What an app-side default (`$defaultFn`, `$default`, `$onUpdate`) does, as far as mizzle
/// has the same function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppFnKind {
    /// `() => new Date()`.
    Now,
    /// `() => Date.now()` (milliseconds as a number).
    NowMillis,
    /// `crypto.randomUUID()`, `uuidv4()`, `v4()`.
    Uuid,
    /// `createId` of `@paralleldrive/cuid2`.
    Cuid2,
    /// Anything else.
    Other,
}

/// An app-side default of a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppFn {
    /// `$defaultFn`, `$default`, `$onUpdate` or `$onUpdateFn`.
    pub method: String,
    /// Its argument as written.
    pub source: String,
    /// What it does.
    pub kind: AppFnKind,
}

/// A column of a TypeScript table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsColumn {
    /// The property key (`createdAt`).
    pub key: String,
    /// The name given to the builder (`integer("created_at")`), if any.
    pub name: Option<String>,
    /// The builder (`integer`, `text`, `blob`, `real`, `numeric`, or a custom one).
    pub builder: String,
    /// `{ mode: ".." }`.
    pub mode: Option<String>,
    /// `{ enum: [..] }`: the values, or `Err(what was written)` when they are not literals.
    pub enum_values: Option<Result<Vec<String>, String>>,
    /// `.default(..)` as written.
    pub default: Option<String>,
    /// `$defaultFn(..)` / `$default(..)`.
    pub app_default: Option<AppFn>,
    /// `$onUpdate(..)` / `$onUpdateFn(..)`.
    pub app_on_update: Option<AppFn>,
}

impl TsColumn {
    /// The database name of the column under `casing`.
    pub fn db_name(&self, casing: Casing) -> String {
        if let Some(n) = &self.name {
            return n.clone();
        }
        match casing {
            Casing::Preserve => self.key.clone(),
            Casing::SnakeCase => to_snake(&self.key),
            Casing::CamelCase => to_camel(&self.key),
        }
    }
}

/// drizzle's own snake case (`createdAt` → `created_at`, `userID` → `user_id`).
fn to_snake(key: &str) -> String {
    heck::ToSnakeCase::to_snake_case(key)
}

fn to_camel(key: &str) -> String {
    heck::ToLowerCamelCase::to_lower_camel_case(key)
}

/// A table of the TypeScript schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsTable {
    /// The variable it is bound to (`users`).
    pub var: String,
    /// Its SQL name (after a `sqliteTableCreator` prefix).
    pub name: String,
    /// The file it is written in, as shown to the user.
    pub file: String,
    /// Its columns, in order.
    pub columns: Vec<TsColumn>,
    /// Names of the indexes and unique constraints its extra config declares.
    pub indexes: Vec<String>,
}

/// `one(..)` or `many(..)` of a `relations(..)` declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TsRelation {
    /// The table (variable) the relations are declared on.
    pub table_var: String,
    /// The relation's name (the property key).
    pub name: String,
    /// `many(..)`.
    pub many: bool,
    /// The target table (variable).
    pub target_var: String,
    /// `fields: [posts.authorId]`: column keys of `table_var`.
    pub fields: Vec<String>,
    /// `references: [users.id]`: column keys of `target_var`.
    pub references: Vec<String>,
}

/// What was read.
#[derive(Debug, Clone, Default)]
pub struct TsSchema {
    /// The tables, in the order they were found.
    pub tables: Vec<TsTable>,
    /// The relations.
    pub relations: Vec<TsRelation>,
    /// Every file read, as shown.
    pub files: Vec<String>,
    /// What could not be read, by name.
    pub notes: Vec<String>,
}

/// Reads the schema files `entries` and every file they import or re-export.
pub fn read_schema(entries: &[PathBuf], base: &Path) -> TsSchema {
    let alloc = Allocator::default();
    let mut graph = Graph {
        alloc: &alloc,
        modules: Vec::new(),
        by_path: HashMap::new(),
        notes: Vec::new(),
        base: base.to_path_buf(),
    };
    for e in entries {
        graph.load(e, None);
    }
    let mut out = TsSchema {
        files: graph.modules.iter().map(|m| m.shown.clone()).collect(),
        ..TsSchema::default()
    };
    let mut reader = Reader {
        graph: &graph,
        out: &mut out,
    };
    for m in 0..graph.modules.len() {
        reader.module(m);
    }
    let mut notes = std::mem::take(&mut graph.notes);
    notes.append(&mut out.notes);
    out.notes = notes;
    out
}

struct Module<'a> {
    path: PathBuf,
    shown: String,
    program: Program<'a>,
}

struct Graph<'a> {
    alloc: &'a Allocator,
    modules: Vec<Module<'a>>,
    by_path: HashMap<PathBuf, usize>,
    notes: Vec<String>,
    base: PathBuf,
}

impl<'a> Graph<'a> {
    fn shown(&self, p: &Path) -> String {
        p.strip_prefix(&self.base)
            .unwrap_or(p)
            .display()
            .to_string()
    }

    /// Parses `path` (and, recursively, what it imports); its index.
    fn load(&mut self, path: &Path, from: Option<&str>) -> Option<usize> {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if let Some(&i) = self.by_path.get(&path) {
            return Some(i);
        }
        let shown = self.shown(&path);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                self.notes.push(match from {
                    Some(f) => format!("{f} imports {shown}, which cannot be read ({e})"),
                    None => format!("cannot read {shown}: {e}"),
                });
                return None;
            }
        };
        let source_type = SourceType::from_path(&path).unwrap_or_else(|_| SourceType::ts());
        let text: &'a str = self.alloc.alloc_str(&text);
        let parsed = Parser::new(self.alloc, text, source_type).parse();
        if parsed.panicked || !parsed.diagnostics.is_empty() {
            let first = parsed
                .diagnostics
                .first()
                .map(|d| d.to_string())
                .unwrap_or_else(|| "it does not parse".into());
            self.notes.push(format!(
                "{shown} is not valid TypeScript ({first}); its tables were not read"
            ));
            if parsed.panicked {
                return None;
            }
        }
        let index = self.modules.len();
        self.by_path.insert(path.clone(), index);
        let mut sources = Vec::new();
        for st in &parsed.program.body {
            match st {
                Statement::ImportDeclaration(d) if d.import_kind.is_value() => {
                    sources.push(d.source.value.as_str())
                }
                Statement::ExportAllDeclaration(d) if d.export_kind.is_value() => {
                    sources.push(d.source.value.as_str())
                }
                Statement::ExportFromDeclaration(d) if d.export_kind.is_value() => {
                    sources.push(d.source.value.as_str())
                }
                _ => {}
            }
        }
        self.modules.push(Module {
            path: path.clone(),
            shown: shown.clone(),
            program: parsed.program,
        });
        for s in sources {
            if let Some(target) = resolve(&path, s) {
                self.load(&target, Some(&shown));
            } else if s.starts_with('.') {
                self.notes.push(format!(
                    "{shown} imports \"{s}\", which is not a file here; tables there were not read"
                ));
            }
        }
        Some(index)
    }

    fn module_of(&self, from: usize, source: &str) -> Option<usize> {
        let target = resolve(&self.modules[from].path, source)?;
        let target = std::fs::canonicalize(&target).unwrap_or(target);
        self.by_path.get(&target).copied()
    }
}

/// The file a relative import names: as written, with a TypeScript extension for `.js`
/// (TypeScript's ESM convention), with an extension added, or a folder's `index`.
fn resolve(from: &Path, source: &str) -> Option<PathBuf> {
    if !source.starts_with('.') {
        return None;
    }
    let dir = from.parent()?;
    let base = dir.join(source);
    let mut tries = vec![base.clone()];
    let s = base.to_string_lossy().into_owned();
    for (js, ts) in [
        (".js", ".ts"),
        (".mjs", ".mts"),
        (".cjs", ".cts"),
        (".jsx", ".tsx"),
    ] {
        if let Some(stem) = s.strip_suffix(js) {
            tries.push(PathBuf::from(format!("{stem}{ts}")));
        }
    }
    for ext in ["ts", "mts", "cts", "tsx", "js", "mjs", "cjs"] {
        tries.push(PathBuf::from(format!("{s}.{ext}")));
    }
    for ext in ["ts", "mts", "js", "mjs"] {
        tries.push(base.join(format!("index.{ext}")));
    }
    tries.into_iter().find(|p| p.is_file())
}

/// A name as one module sees it.
#[derive(Clone, Copy)]
enum Binding<'b, 'a> {
    /// `const x = <expr>` of module `m`.
    Const(usize, &'b Expression<'a>),
    /// `function x(..) {..}` of module `m`.
    Function(usize, &'b Function<'a>),
    /// An import from a package: (package, the name it exports).
    Package(&'b str, &'b str),
    /// `import * as x from "./m"`.
    Namespace(usize),
}

struct Reader<'g, 'a, 'o> {
    graph: &'g Graph<'a>,
    out: &'o mut TsSchema,
}

/// A value the reader understands.
#[derive(Clone)]
enum Value<'b, 'a> {
    Str(String),
    Strs(Vec<String>),
    /// A table builder: `sqliteTable` (no prefix function) or a `sqliteTableCreator(fn)`.
    TableFn(Option<(usize, &'b Expression<'a>)>),
    /// Anything else.
    Other,
}

impl<'g, 'a, 'o> Reader<'g, 'a, 'o>
where
    'a: 'g,
{
    fn text(&self, m: usize, span: oxc_span::Span) -> String {
        let src = self.graph.modules[m].program.source_text;
        src.get(span.start as usize..span.end as usize)
            .unwrap_or("")
            .to_owned()
    }

    fn shown(&self, m: usize) -> &str {
        &self.graph.modules[m].shown
    }

    /// What `name` is bound to at the top level of module `m`.
    fn lookup(&self, m: usize, name: &str, depth: u32) -> Option<Binding<'g, 'a>> {
        if depth > 32 {
            return None;
        }
        let program = &self.graph.modules[m].program;
        for st in &program.body {
            if let Some(b) = declared(m, st, name) {
                return Some(b);
            }
            if let Statement::ImportDeclaration(d) = st {
                for s in d.specifiers.iter().flatten() {
                    match s {
                        ImportDeclarationSpecifier::ImportSpecifier(s) if s.local.name == name => {
                            let imported = s.imported.name();
                            return match self.graph.module_of(m, &d.source.value) {
                                Some(t) => self.export(t, imported.as_str(), depth + 1),
                                None => Some(Binding::Package(
                                    d.source.value.as_str(),
                                    s.imported.name().as_str(),
                                )),
                            };
                        }
                        ImportDeclarationSpecifier::ImportDefaultSpecifier(s)
                            if s.local.name == name =>
                        {
                            return match self.graph.module_of(m, &d.source.value) {
                                Some(t) => self.export(t, "default", depth + 1),
                                None => Some(Binding::Package(d.source.value.as_str(), "default")),
                            };
                        }
                        ImportDeclarationSpecifier::ImportNamespaceSpecifier(s)
                            if s.local.name == name =>
                        {
                            return match self.graph.module_of(m, &d.source.value) {
                                Some(t) => Some(Binding::Namespace(t)),
                                None => Some(Binding::Package(d.source.value.as_str(), "*")),
                            };
                        }
                        _ => {}
                    }
                }
            }
        }
        None
    }

    /// What module `m` exports as `name` (following re-exports).
    fn export(&self, m: usize, name: &str, depth: u32) -> Option<Binding<'g, 'a>> {
        if depth > 32 {
            return None;
        }
        let program = &self.graph.modules[m].program;
        for st in &program.body {
            match st {
                Statement::ExportDeclaration(_) => {
                    if let Some(b) = declared(m, st, name) {
                        return Some(b);
                    }
                }
                Statement::ExportNamedDeclaration(e) => {
                    for s in &e.specifiers {
                        if s.exported.name() == name {
                            return self.lookup(m, &s.local.name(), depth + 1);
                        }
                    }
                }
                Statement::ExportFromDeclaration(e) => {
                    for s in &e.specifiers {
                        if s.exported.name() == name {
                            // `export { sqliteTable } from "drizzle-orm/sqlite-core"` in a
                            // helper module: the package's own.
                            return match self.graph.module_of(m, &e.source.value) {
                                Some(t) => self.export(t, &s.local.name(), depth + 1),
                                None => Some(Binding::Package(
                                    e.source.value.as_str(),
                                    s.local.name().as_str(),
                                )),
                            };
                        }
                    }
                }
                Statement::ExportDefaultDeclaration(e) if name == "default" => {
                    if let Some(x) = e.declaration.as_expression() {
                        if let Expression::Identifier(i) = x {
                            return self.lookup(m, &i.name, depth + 1);
                        }
                        return Some(Binding::Const(m, x));
                    }
                }
                _ => {}
            }
        }
        for st in &program.body {
            if let Statement::ExportAllDeclaration(e) = st
                && e.exported.is_none()
                && let Some(t) = self.graph.module_of(m, &e.source.value)
                && let Some(b) = self.export(t, name, depth + 1)
            {
                return Some(b);
            }
        }
        None
    }

    /// The value of `e` in module `m`, with `params` bound (an arrow function's arguments).
    fn eval(
        &self,
        m: usize,
        e: &'g Expression<'a>,
        params: &HashMap<String, String>,
        depth: u32,
    ) -> Option<Value<'g, 'a>> {
        if depth > 32 {
            return None;
        }
        let e = e.get_inner_expression();
        match e {
            Expression::StringLiteral(s) => Some(Value::Str(s.value.to_string())),
            Expression::TemplateLiteral(t) => {
                let mut out = String::new();
                for (i, q) in t.quasis.iter().enumerate() {
                    out.push_str(q.value.cooked.as_ref()?.as_str());
                    if let Some(x) = t.expressions.get(i) {
                        match self.eval(m, x, params, depth + 1)? {
                            Value::Str(s) => out.push_str(&s),
                            _ => return None,
                        }
                    }
                }
                Some(Value::Str(out))
            }
            Expression::BinaryExpression(b) if b.operator == BinaryOperator::Addition => {
                match (
                    self.eval(m, &b.left, params, depth + 1)?,
                    self.eval(m, &b.right, params, depth + 1)?,
                ) {
                    (Value::Str(l), Value::Str(r)) => Some(Value::Str(l + &r)),
                    _ => None,
                }
            }
            Expression::ArrayExpression(a) => {
                let mut out = Vec::new();
                for el in &a.elements {
                    match el {
                        ArrayExpressionElement::SpreadElement(s) => {
                            match self.eval(m, &s.argument, params, depth + 1)? {
                                Value::Strs(v) => out.extend(v),
                                _ => return None,
                            }
                        }
                        ArrayExpressionElement::Elision(_) => return None,
                        other => match self.eval(m, other.as_expression()?, params, depth + 1)? {
                            Value::Str(s) => out.push(s),
                            _ => return None,
                        },
                    }
                }
                Some(Value::Strs(out))
            }
            Expression::Identifier(i) => {
                if let Some(v) = params.get(i.name.as_str()) {
                    return Some(Value::Str(v.clone()));
                }
                match self.lookup(m, &i.name, depth + 1)? {
                    Binding::Const(t, x) => self.eval(t, x, &HashMap::new(), depth + 1),
                    Binding::Package(p, n) if is_drizzle(p) && n == "sqliteTable" => {
                        Some(Value::TableFn(None))
                    }
                    _ => None,
                }
            }
            Expression::StaticMemberExpression(s) => {
                // `core.sqliteTable` of `import * as core from "drizzle-orm/sqlite-core"`,
                // or a member of an imported module's namespace.
                if let Expression::Identifier(obj) = &s.object {
                    match self.lookup(m, &obj.name, depth + 1)? {
                        Binding::Package(p, "*")
                            if is_drizzle(p) && s.property.name == "sqliteTable" =>
                        {
                            return Some(Value::TableFn(None));
                        }
                        Binding::Namespace(t) => {
                            return match self.export(t, &s.property.name, depth + 1)? {
                                Binding::Const(t, x) => self.eval(t, x, &HashMap::new(), depth + 1),
                                _ => None,
                            };
                        }
                        Binding::Const(t, x) => {
                            // `Roles.admin` of a `const Roles = { admin: "admin" } as const`.
                            if let Expression::ObjectExpression(o) = x.get_inner_expression() {
                                for p in &o.properties {
                                    if let ObjectPropertyKind::ObjectProperty(p) = p
                                        && p.key.static_name().as_deref()
                                            == Some(s.property.name.as_str())
                                    {
                                        return self.eval(t, &p.value, &HashMap::new(), depth + 1);
                                    }
                                }
                            }
                            return None;
                        }
                        _ => return None,
                    }
                }
                None
            }
            Expression::CallExpression(c) => {
                // `Object.values(Roles)` of a `const Roles = { .. } as const`.
                if let Expression::StaticMemberExpression(callee) = &c.callee
                    && matches!(&callee.object, Expression::Identifier(o) if o.name == "Object")
                    && callee.property.name == "values"
                    && let Some(Argument::Identifier(arg)) = c.arguments.first()
                    && let Some(Binding::Const(t, x)) = self.lookup(m, &arg.name, depth + 1)
                    && let Expression::ObjectExpression(o) = x.get_inner_expression()
                {
                    let mut out = Vec::new();
                    for p in &o.properties {
                        let ObjectPropertyKind::ObjectProperty(p) = p else {
                            return None;
                        };
                        match self.eval(t, &p.value, &HashMap::new(), depth + 1)? {
                            Value::Str(s) => out.push(s),
                            _ => return None,
                        }
                    }
                    return Some(Value::Strs(out));
                }
                // `sqliteTableCreator((name) => ..)`.
                if self.callee_is(m, &c.callee, "sqliteTableCreator", depth) {
                    let f = c.arguments.first()?.as_expression()?;
                    return Some(Value::TableFn(Some((m, f))));
                }
                Some(Value::Other)
            }
            _ => Some(Value::Other),
        }
    }

    /// Whether `callee` is drizzle's function `name` (imported under any local name, or
    /// through a namespace import).
    fn callee_is(&self, m: usize, callee: &'g Expression<'a>, name: &str, depth: u32) -> bool {
        match callee.get_inner_expression() {
            Expression::Identifier(i) => match self.lookup(m, &i.name, depth + 1) {
                Some(Binding::Package(p, n)) => is_drizzle(p) && n == name,
                // Not imported (a global in a test, or a re-export we cannot follow):
                // the name itself.
                None => i.name == name,
                _ => false,
            },
            Expression::StaticMemberExpression(s) => {
                s.property.name == name
                    && matches!(&s.object, Expression::Identifier(o)
                        if matches!(self.lookup(m, &o.name, depth + 1), Some(Binding::Package(p, "*")) if is_drizzle(p)))
            }
            _ => false,
        }
    }

    /// Applies a table-name function (`(name) => \`app_${name}\``) to `name`.
    fn apply_prefix(&self, m: usize, f: &'g Expression<'a>, name: &str) -> Option<String> {
        let (params, body) = match f.get_inner_expression() {
            Expression::ArrowFunctionExpression(a) => (&a.params, arrow_result(a)?),
            Expression::FunctionExpression(f) => (&f.params, function_result(f.body.as_ref()?)?),
            _ => return None,
        };
        let param = params.items.first()?.pattern.get_identifier_name()?;
        let mut bound = HashMap::new();
        bound.insert(param.to_string(), name.to_owned());
        match self.eval(m, body, &bound, 0)? {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Reads module `m`'s tables and relations.
    fn module(&mut self, m: usize) {
        let graph = self.graph;
        let program = &graph.modules[m].program;
        for st in &program.body {
            for d in var_decl(st).into_iter().flat_map(|v| v.declarations.iter()) {
                let (Some(var), Some(init)) = (d.id.get_identifier_name(), &d.init) else {
                    continue;
                };
                let Expression::CallExpression(call) = init.get_inner_expression() else {
                    continue;
                };
                if self.callee_is(m, &call.callee, "relations", 0) {
                    self.relations(m, call);
                    continue;
                }
                if self.callee_is(m, &call.callee, "defineRelations", 0) {
                    self.out.notes.push(format!(
                        "{}: `{var}` is drizzle 1.x's defineRelations(..), whose relation names this reader does not take: mizzle names the relations from the foreign keys (rename them in schema/ if you like)",
                        self.shown(m)
                    ));
                    continue;
                }
                let Some(Value::TableFn(prefix)) = self.eval(m, &call.callee, &HashMap::new(), 0)
                else {
                    continue;
                };
                self.table(m, var.as_str(), call, prefix);
            }
        }
    }

    fn table(
        &mut self,
        m: usize,
        var: &str,
        call: &'g CallExpression<'a>,
        prefix: Option<(usize, &'g Expression<'a>)>,
    ) {
        let file = self.shown(m).to_owned();
        let name_arg = call.arguments.first().and_then(|a| a.as_expression());
        let Some(Value::Str(base)) = name_arg.and_then(|a| self.eval(m, a, &HashMap::new(), 0))
        else {
            self.out.notes.push(format!(
                "{file}: the name of table `{var}` is not a string this reader can work out; its columns' modes were not read"
            ));
            return;
        };
        let name = match prefix {
            None => base,
            Some((pm, f)) => match self.apply_prefix(pm, f, &base) {
                Some(n) => n,
                None => {
                    self.out.notes.push(format!(
                        "{file}: table `{var}` (\"{base}\") is made by a sqliteTableCreator whose name function ({}) this reader cannot apply; its columns' modes were not read",
                        self.text(pm, f.span())
                    ));
                    return;
                }
            },
        };
        let mut table = TsTable {
            var: var.to_owned(),
            name,
            file: file.clone(),
            columns: Vec::new(),
            indexes: Vec::new(),
        };
        // The columns: an object, or `(t) => ({ .. })` of drizzle's column-builder callback.
        let Some(cols) = call.arguments.get(1).and_then(|a| a.as_expression()) else {
            self.out.notes.push(format!(
                "{file}: table `{}` has no columns argument",
                table.name
            ));
            return;
        };
        let (cm, cols) = match cols.get_inner_expression() {
            Expression::ArrowFunctionExpression(a) => match arrow_result(a) {
                Some(r) => (m, r),
                None => (m, cols),
            },
            Expression::Identifier(i) => match self.lookup(m, &i.name, 0) {
                Some(Binding::Const(t, x)) => (t, x),
                _ => (m, cols),
            },
            _ => (m, cols),
        };
        self.columns(cm, &table.name.clone(), cols, &mut table.columns, 0);
        if let Some(extra) = call.arguments.get(2).and_then(|a| a.as_expression()) {
            self.extra_config(m, extra, &mut table);
        }
        self.out.tables.push(table);
    }

    fn columns(
        &mut self,
        m: usize,
        table: &str,
        obj: &'g Expression<'a>,
        out: &mut Vec<TsColumn>,
        depth: u32,
    ) {
        let file = self.shown(m).to_owned();
        let Expression::ObjectExpression(o) = obj.get_inner_expression() else {
            self.out.notes.push(format!(
                "{file}: the columns of `{table}` are not an object literal ({}); their modes were not read",
                short(&self.text(m, obj.span()))
            ));
            return;
        };
        for p in &o.properties {
            match p {
                ObjectPropertyKind::SpreadProperty(s) => {
                    // `...timestamps` of a shared `const timestamps = { .. }`, here or imported.
                    let resolved = match s.argument.get_inner_expression() {
                        Expression::Identifier(i) => match self.lookup(m, &i.name, 0) {
                            Some(Binding::Const(t, x)) => Some((t, x)),
                            _ => None,
                        },
                        Expression::CallExpression(c) => match c.callee.get_inner_expression() {
                            // `...timestamps()` of a function returning the object.
                            Expression::Identifier(i) => match self.lookup(m, &i.name, 0) {
                                Some(Binding::Const(t, x)) => match x.get_inner_expression() {
                                    Expression::ArrowFunctionExpression(a)
                                        if a.params.items.is_empty() =>
                                    {
                                        arrow_result(a).map(|r| (t, r))
                                    }
                                    _ => None,
                                },
                                Some(Binding::Function(t, f)) if f.params.items.is_empty() => f
                                    .body
                                    .as_ref()
                                    .and_then(|b| function_result(b))
                                    .map(|r| (t, r)),
                                _ => None,
                            },
                            _ => None,
                        },
                        _ => None,
                    };
                    match resolved {
                        Some((t, x)) if depth < 8 => self.columns(t, table, x, out, depth + 1),
                        _ => self.out.notes.push(format!(
                            "{file}: `{table}` spreads `{}`, which this reader cannot follow; the modes of those columns were not read",
                            self.text(m, s.argument.span())
                        )),
                    }
                }
                ObjectPropertyKind::ObjectProperty(p) => {
                    let Some(key) = p.key.static_name() else {
                        self.out.notes.push(format!(
                            "{file}: a column of `{table}` has a computed key; its mode was not read"
                        ));
                        continue;
                    };
                    if let Some(c) = self.column(m, table, &key, &p.value) {
                        out.push(c);
                    }
                }
            }
        }
    }

    fn column(
        &mut self,
        m: usize,
        table: &str,
        key: &str,
        e: &'g Expression<'a>,
    ) -> Option<TsColumn> {
        let file = self.shown(m).to_owned();
        // Walk the chain from its end: `builder(..).m1(..).m2(..)`.
        let mut methods: Vec<(&str, &'g CallExpression<'a>)> = Vec::new();
        let mut cur = e.get_inner_expression();
        let base = loop {
            let Expression::CallExpression(c) = cur else {
                self.out.notes.push(format!(
                    "{file}: column `{table}.{key}` is not a builder call ({}); its mode was not read",
                    short(&self.text(m, e.span()))
                ));
                return None;
            };
            match c.callee.get_inner_expression() {
                Expression::StaticMemberExpression(s)
                    if matches!(
                        s.object.get_inner_expression(),
                        Expression::CallExpression(_)
                    ) =>
                {
                    methods.push((s.property.name.as_str(), c));
                    cur = s.object.get_inner_expression();
                }
                _ => break c,
            }
        };
        let builder = match base.callee.get_inner_expression() {
            Expression::Identifier(i) => match self.lookup(m, &i.name, 0) {
                Some(Binding::Package(p, n)) if is_drizzle(p) => n.to_owned(),
                Some(Binding::Package(..)) => i.name.to_string(),
                None => {
                    self.out.notes.push(format!(
                        "{file}: column `{table}.{key}` is built by `{}(..)`, which is neither imported nor declared in this file; its mode was not read",
                        i.name
                    ));
                    return None;
                }
                Some(_) => {
                    // A helper of the app's own (`const timestamp = (name) => integer(..)`).
                    return self.helper_column(m, table, key, base, &i.name, methods);
                }
            },
            // `t.integer()` of the builder callback, or `core.integer()`.
            Expression::StaticMemberExpression(s) => s.property.name.to_string(),
            _ => {
                self.out.notes.push(format!(
                    "{file}: column `{table}.{key}` is built by `{}`; its mode was not read",
                    short(&self.text(m, base.callee.span()))
                ));
                return None;
            }
        };
        let mut col = TsColumn {
            key: key.to_owned(),
            name: None,
            builder,
            mode: None,
            enum_values: None,
            default: None,
            app_default: None,
            app_on_update: None,
        };
        self.builder_args(m, base, &mut col);
        self.methods(m, methods, &mut col);
        Some(col)
    }

    /// A column built by the app's own function: its body is read with the call's
    /// arguments bound, when it is one builder chain.
    fn helper_column(
        &mut self,
        m: usize,
        table: &str,
        key: &str,
        call: &'g CallExpression<'a>,
        helper: &str,
        methods: Vec<(&str, &'g CallExpression<'a>)>,
    ) -> Option<TsColumn> {
        let file = self.shown(m).to_owned();
        let found = match self.lookup(m, helper, 0) {
            Some(Binding::Const(t, x)) => match x.get_inner_expression() {
                Expression::ArrowFunctionExpression(a) => {
                    arrow_result(a).map(|r| (t, &a.params, r))
                }
                _ => None,
            },
            Some(Binding::Function(t, f)) => f
                .body
                .as_ref()
                .and_then(|b| function_result(b))
                .map(|r| (t, &f.params, r)),
            _ => None,
        };
        let Some((t, params, body)) = found else {
            self.out.notes.push(format!(
                "{file}: column `{table}.{key}` is built by `{helper}(..)`, which this reader cannot follow; its mode was not read"
            ));
            return None;
        };
        let mut inner = self.column(t, table, key, body)?;
        // A name passed to the helper and handed to the builder (`integer(name, ..)`).
        if inner.name.is_none() {
            let first = params
                .items
                .first()
                .and_then(|p| p.pattern.get_identifier_name());
            if let (Some(_), Some(Value::Str(n))) = (
                first,
                call.arguments
                    .first()
                    .and_then(|a| a.as_expression())
                    .and_then(|a| self.eval(m, a, &HashMap::new(), 0)),
            ) {
                inner.name = Some(n);
            }
        }
        self.methods(m, methods, &mut inner);
        Some(inner)
    }

    fn builder_args(&mut self, m: usize, call: &'g CallExpression<'a>, col: &mut TsColumn) {
        for a in &call.arguments {
            let Some(x) = a.as_expression() else { continue };
            match x.get_inner_expression() {
                Expression::ObjectExpression(o) => {
                    for p in &o.properties {
                        let ObjectPropertyKind::ObjectProperty(p) = p else {
                            continue;
                        };
                        match p.key.static_name().as_deref() {
                            Some("mode") => {
                                if let Some(Value::Str(s)) =
                                    self.eval(m, &p.value, &HashMap::new(), 0)
                                {
                                    col.mode = Some(s);
                                }
                            }
                            Some("enum") => {
                                col.enum_values =
                                    Some(match self.eval(m, &p.value, &HashMap::new(), 0) {
                                        Some(Value::Strs(v)) => Ok(v),
                                        _ => Err(self.text(m, p.value.span())),
                                    });
                            }
                            _ => {}
                        }
                    }
                }
                other => {
                    if let Some(Value::Str(s)) = self.eval(m, other, &HashMap::new(), 0) {
                        col.name = Some(s);
                    }
                }
            }
        }
    }

    fn methods(
        &mut self,
        m: usize,
        methods: Vec<(&str, &'g CallExpression<'a>)>,
        col: &mut TsColumn,
    ) {
        for (name, call) in methods.into_iter().rev() {
            let arg = call.arguments.first().and_then(|a| a.as_expression());
            match name {
                "default" => col.default = arg.map(|a| self.text(m, a.span())),
                "$defaultFn" | "$default" => col.app_default = arg.map(|a| self.app_fn(m, name, a)),
                "$onUpdateFn" | "$onUpdate" => {
                    col.app_on_update = arg.map(|a| self.app_fn(m, name, a))
                }
                _ => {}
            }
        }
    }

    fn app_fn(&self, m: usize, method: &str, e: &'g Expression<'a>) -> AppFn {
        let source = self.text(m, e.span());
        let body = match e.get_inner_expression() {
            Expression::ArrowFunctionExpression(a) => arrow_result(a),
            Expression::FunctionExpression(f) => f.body.as_ref().and_then(|b| function_result(b)),
            other => Some(other),
        };
        let kind = body.map_or(AppFnKind::Other, |b| self.app_fn_kind(m, b));
        AppFn {
            method: method.to_owned(),
            source,
            kind,
        }
    }

    fn app_fn_kind(&self, m: usize, e: &'g Expression<'a>) -> AppFnKind {
        let e = e.get_inner_expression();
        // A function reference (`$defaultFn(createId)`) or a call of one (`() => createId()`).
        let callee = match e {
            Expression::NewExpression(n) => {
                return if n.arguments.is_empty()
                    && matches!(&n.callee, Expression::Identifier(i) if i.name == "Date")
                {
                    AppFnKind::Now
                } else {
                    AppFnKind::Other
                };
            }
            Expression::CallExpression(c) if c.arguments.is_empty() => &c.callee,
            Expression::Identifier(_) | Expression::StaticMemberExpression(_) => e,
            _ => return AppFnKind::Other,
        };
        let (object, name) = match callee.get_inner_expression() {
            Expression::Identifier(i) => (None, i.name.as_str()),
            Expression::StaticMemberExpression(s) => (
                match &s.object {
                    Expression::Identifier(o) => Some(o.name.as_str()),
                    _ => return AppFnKind::Other,
                },
                s.property.name.as_str(),
            ),
            _ => return AppFnKind::Other,
        };
        // Where the function comes from, when imported.
        let package = match self.lookup(m, object.unwrap_or(name), 0) {
            Some(Binding::Package(p, imported)) => Some((p, imported)),
            _ => None,
        };
        match (object, name, package) {
            (Some("Date"), "now", _) => AppFnKind::NowMillis,
            (Some("crypto"), "randomUUID", _) | (None, "randomUUID", _) => AppFnKind::Uuid,
            (_, _, Some((p, imported))) if p == "uuid" && matches!(imported, "v4" | "*") => {
                AppFnKind::Uuid
            }
            (_, _, Some((p, imported)))
                if (p == "@paralleldrive/cuid2" || p == "cuid2")
                    && matches!(imported, "createId" | "*") =>
            {
                AppFnKind::Cuid2
            }
            (None, "uuidv4" | "uuidV4", None) => AppFnKind::Uuid,
            (None, "createId" | "cuid2", None) => AppFnKind::Cuid2,
            _ => AppFnKind::Other,
        }
    }

    /// The index and constraint names of the extra-config argument, in both its forms:
    /// `(t) => ({ byEmail: index("..").on(t.email) })` and `(t) => [index("..").on(..)]`.
    fn extra_config(&mut self, m: usize, e: &'g Expression<'a>, table: &mut TsTable) {
        let Expression::ArrowFunctionExpression(a) = e.get_inner_expression() else {
            return;
        };
        let Some(body) = arrow_result(a) else { return };
        let items: Vec<&'g Expression<'a>> = match body.get_inner_expression() {
            Expression::ObjectExpression(o) => o
                .properties
                .iter()
                .filter_map(|p| match p {
                    ObjectPropertyKind::ObjectProperty(p) => Some(&p.value),
                    _ => None,
                })
                .collect(),
            Expression::ArrayExpression(a) => a
                .elements
                .iter()
                .filter_map(|e| e.as_expression())
                .collect(),
            _ => return,
        };
        for item in items {
            // `index("name").on(..).where(..)`: the innermost call names it.
            let mut cur = item.get_inner_expression();
            while let Expression::CallExpression(c) = cur {
                let callee = match c.callee.get_inner_expression() {
                    Expression::StaticMemberExpression(s)
                        if matches!(
                            s.object.get_inner_expression(),
                            Expression::CallExpression(_)
                        ) =>
                    {
                        cur = s.object.get_inner_expression();
                        continue;
                    }
                    // `core.index(..)` of a namespace import.
                    Expression::StaticMemberExpression(s) => Some(s.property.name.as_str()),
                    Expression::Identifier(i) => Some(i.name.as_str()),
                    _ => None,
                };
                match callee {
                    Some(callee) => {
                        if matches!(callee, "index" | "uniqueIndex" | "unique")
                            && let Some(Value::Str(n)) = c
                                .arguments
                                .first()
                                .and_then(|a| a.as_expression())
                                .and_then(|a| self.eval(m, a, &HashMap::new(), 0))
                        {
                            table.indexes.push(n);
                        }
                        break;
                    }
                    _ => break,
                }
            }
        }
    }

    /// `relations(users, ({ one, many }) => ({ posts: many(posts), .. }))`.
    fn relations(&mut self, m: usize, call: &'g CallExpression<'a>) {
        let file = self.shown(m).to_owned();
        let Some(Expression::Identifier(table)) = call
            .arguments
            .first()
            .and_then(|a| a.as_expression())
            .map(|e| e.get_inner_expression())
        else {
            return;
        };
        let Some(Expression::ArrowFunctionExpression(f)) = call
            .arguments
            .get(1)
            .and_then(|a| a.as_expression())
            .map(|e| e.get_inner_expression())
        else {
            return;
        };
        let Some(Expression::ObjectExpression(o)) =
            arrow_result(f).map(|e| e.get_inner_expression())
        else {
            self.out.notes.push(format!(
                "{file}: the relations of `{}` are not an object literal; their names were not read",
                table.name
            ));
            return;
        };
        for p in &o.properties {
            let ObjectPropertyKind::ObjectProperty(p) = p else {
                continue;
            };
            let Some(name) = p.key.static_name() else {
                continue;
            };
            let Expression::CallExpression(c) = p.value.get_inner_expression() else {
                continue;
            };
            let many = match c.callee.get_inner_expression() {
                Expression::Identifier(i) if i.name == "many" => true,
                Expression::Identifier(i) if i.name == "one" => false,
                _ => continue,
            };
            let Some(Expression::Identifier(target)) = c
                .arguments
                .first()
                .and_then(|a| a.as_expression())
                .map(|e| e.get_inner_expression())
            else {
                continue;
            };
            let mut rel = TsRelation {
                table_var: table.name.to_string(),
                name: name.to_string(),
                many,
                target_var: target.name.to_string(),
                fields: Vec::new(),
                references: Vec::new(),
            };
            if let Some(Expression::ObjectExpression(opts)) = c
                .arguments
                .get(1)
                .and_then(|a| a.as_expression())
                .map(|e| e.get_inner_expression())
            {
                for op in &opts.properties {
                    let ObjectPropertyKind::ObjectProperty(op) = op else {
                        continue;
                    };
                    let list = match op.key.static_name().as_deref() {
                        Some("fields") => &mut rel.fields,
                        Some("references") => &mut rel.references,
                        _ => continue,
                    };
                    if let Expression::ArrayExpression(a) = op.value.get_inner_expression() {
                        for el in &a.elements {
                            if let Some(Expression::StaticMemberExpression(s)) = el.as_expression()
                            {
                                list.push(s.property.name.to_string());
                            }
                        }
                    }
                }
            }
            self.out.relations.push(rel);
        }
    }
}

/// The variable declaration of a top-level statement (`const x = ..`, exported or not).
pub(super) fn var_decl<'b, 'a>(st: &'b Statement<'a>) -> Option<&'b VariableDeclaration<'a>> {
    match st {
        Statement::VariableDeclaration(v) => Some(v),
        Statement::ExportDeclaration(e) => match &e.declaration {
            Declaration::VariableDeclaration(v) => Some(v),
            _ => None,
        },
        _ => None,
    }
}

/// What a top-level statement of module `m` binds `name` to, if it declares it (a `const`
/// with a value, or a function; exported or not).
fn declared<'b, 'a>(m: usize, st: &'b Statement<'a>, name: &str) -> Option<Binding<'b, 'a>> {
    let function = match st {
        Statement::FunctionDeclaration(f) => Some(f),
        Statement::ExportDeclaration(e) => match &e.declaration {
            Declaration::FunctionDeclaration(f) => Some(f),
            _ => None,
        },
        _ => None,
    };
    if let Some(f) = function.filter(|f| f.id.as_ref().is_some_and(|i| i.name == name)) {
        return Some(Binding::Function(m, f));
    }
    var_decl(st)?.declarations.iter().find_map(|d| {
        d.id.get_identifier_name()
            .is_some_and(|n| n == name)
            .then_some(d.init.as_ref())
            .flatten()
            .map(|init| Binding::Const(m, init))
    })
}

fn is_drizzle(package: &str) -> bool {
    package.starts_with("drizzle-orm")
}

/// What an arrow function returns: its expression body, or the `return` of a block body
/// that is only a return.
fn arrow_result<'b, 'a>(a: &'b ArrowFunctionExpression<'a>) -> Option<&'b Expression<'a>> {
    if let Some(e) = a.get_expression() {
        return Some(e);
    }
    function_result(a.get_function_body()?)
}

fn function_result<'b, 'a>(body: &'b FunctionBody<'a>) -> Option<&'b Expression<'a>> {
    body.statements.iter().find_map(|s| match s {
        Statement::ReturnStatement(r) => r.argument.as_ref(),
        _ => None,
    })
}

/// Source text cut to one short line, for a message.
fn short(s: &str) -> String {
    let line = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 60 {
        format!("{}…", line.chars().take(60).collect::<String>())
    } else {
        line
    }
}
