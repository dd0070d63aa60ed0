//! Checks the wrangler config against the schema settings: the D1 binding mizzle's code
//! uses must be declared there, and its `migrations_dir` must be the folder mizzle writes.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::ir::Settings;

/// The config files wrangler reads, in its order of preference.
const CANDIDATES: &[&str] = &["wrangler.jsonc", "wrangler.json", "wrangler.toml"];

/// What the wrangler config says about the D1 binding.
#[derive(Debug, Clone, PartialEq)]
pub struct D1Binding {
    /// `binding`.
    pub binding: String,
    /// `database_name`.
    pub database_name: Option<String>,
    /// `migrations_dir` (wrangler's default: `migrations`).
    pub migrations_dir: String,
}

/// Finds and checks the wrangler config. Returns the config file's name and the checked
/// binding, `None` when the project has no wrangler config (not a Worker), or errors.
pub fn check(
    manifest_dir: &Path,
    settings: &Settings,
) -> Result<Option<(String, D1Binding)>, Vec<Diagnostic>> {
    let Some(file) = config_file(manifest_dir, settings)? else {
        return Ok(None);
    };
    let config = read_config(manifest_dir, &file).map_err(|e| vec![Diagnostic::bare(e)])?;
    if let Some(object) = &settings.durable_object {
        check_durable_object(&file, &config, settings, object)?;
    }
    if !settings.target.d1() {
        return Ok(None);
    }
    let bindings = d1_bindings(&config);
    let Some(b) = bindings.iter().find(|b| b.binding == settings.binding) else {
        let declared: Vec<&str> = bindings.iter().map(|b| b.binding.as_str()).collect();
        let d = settings.origins.binding.error(
            format!(
                "{file} declares no D1 binding named `{}` (the binding mizzle's generated code uses)",
                settings.binding
            ),
            format!("not in {file}"),
        );
        return Err(vec![match declared.as_slice() {
            [] => d.help(format!(
                "add to {file}: \"d1_databases\": [{{ \"binding\": \"{}\", \"database_name\": \"<name>\", \"database_id\": \"<id>\", \"migrations_dir\": \"{}\" }}]",
                settings.binding, settings.migrations_dir
            )),
            [only] => d.help(format!(
                "{file} binds D1 as `{only}`: rename it to \"{}\" there, or set `binding = \"{only}\"` in {}",
                settings.binding, settings.file
            )),
            many => d.help(format!(
                "{file} binds D1 as {}: set `binding = \"...\"` in {} to the one mizzle should use",
                many.join(", "), settings.file
            )),
        }]);
    };
    if normalise(&b.migrations_dir) != normalise(&settings.migrations_dir) {
        return Err(vec![settings.origins.migrations_dir.error(format!(
            "{file} applies migrations from \"{}\" for `{}`, but mizzle writes them to \"{}\"",
            b.migrations_dir, b.binding, settings.migrations_dir
        ), format!("{file} says \"{}\"", b.migrations_dir))
        .help(format!(
            "set \"migrations_dir\": \"{}\" on that binding in {file}, or `migrations_dir = \"{}\"` in {}",
            settings.migrations_dir, b.migrations_dir, settings.file
        ))]);
    }
    // Every database that shares the schema (`databases`) is a D1 binding applying the
    // same migrations folder.
    let mut errs = Vec::new();
    for (name, origin) in settings.databases.iter().zip(&settings.database_origins) {
        match bindings.iter().find(|x| &x.binding == name) {
            None => errs.push(
                origin
                    .error(
                        format!("{file} declares no D1 binding named `{name}` (listed in `databases`)"),
                        format!("not in {file}"),
                    )
                    .help(format!(
                        "add it to \"d1_databases\" in {file}, with \"migrations_dir\": \"{}\"",
                        settings.migrations_dir
                    )),
            ),
            Some(x) if normalise(&x.migrations_dir) != normalise(&settings.migrations_dir) => errs
                .push(origin.error(
                    format!(
                        "{file} applies migrations from \"{}\" for `{name}`, but the schema's are in \"{}\"",
                        x.migrations_dir, settings.migrations_dir
                    ),
                    "a different migrations folder",
                )),
            Some(_) => {}
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(Some((file, b.clone())))
}

/// The wrangler config files a build depends on: the one the settings name and those of
/// wrangler.jsonc / .json / .toml that exist. Only existing files: cargo reruns a build script
/// on every build while a `rerun-if-changed` path is missing, which would recompile the crate
/// each time in a project without (one of) these files.
pub fn watched_configs(manifest_dir: &Path, settings: &Settings) -> Vec<PathBuf> {
    settings
        .wrangler
        .iter()
        .map(String::as_str)
        .chain(CANDIDATES.iter().copied())
        .map(|f| manifest_dir.join(f))
        .filter(|p| p.is_file())
        .collect()
}

/// The wrangler config file to check: the one the settings name, else the one of
/// wrangler.jsonc / .json / .toml that exists (`None`: no config, not a Worker project).
pub fn config_file(
    manifest_dir: &Path,
    settings: &Settings,
) -> Result<Option<String>, Vec<Diagnostic>> {
    Ok(Some(match &settings.wrangler {
        Some(explicit) => {
            if !manifest_dir.join(explicit).is_file() {
                return Err(vec![settings.origins.wrangler.error(format!(
                    "{} says `wrangler = \"{explicit}\"`, but there is no such file",
                    settings.file
                ), "no such file")
                .help("fix the path (it is relative to the directory of Cargo.toml), or remove the setting")]);
            }
            explicit.clone()
        }
        None => {
            let present: Vec<&str> = CANDIDATES
                .iter()
                .copied()
                .filter(|c| manifest_dir.join(c).is_file())
                .collect();
            match present.as_slice() {
                [] => return Ok(None),
                [one] => (*one).to_owned(),
                several => {
                    return Err(vec![Diagnostic::bare(format!(
                        "found more than one wrangler config: {}",
                        several.join(" and ")
                    ))
                    .help(format!(
                        "wrangler reads only {}; delete the others, or name the one to check with `wrangler = \"...\"` in {}",
                        several[0], settings.file
                    ))]);
                }
            }
        }
    }))
}

/// The Durable Object class must be bound under `durable_objects.bindings` with the
/// settings' binding name, and created SQLite-backed (`new_sqlite_classes` in a migration).
fn check_durable_object(
    file: &str,
    config: &serde_json::Value,
    settings: &Settings,
    object: &crate::ir::DurableObject,
) -> Result<(), Vec<Diagnostic>> {
    let strs = |v: Option<&serde_json::Value>| -> Vec<String> {
        v.and_then(|a| a.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let bindings: Vec<(String, String)> = config
        .pointer("/durable_objects/bindings")
        .and_then(|b| b.as_array())
        .map(|arr| {
            arr.iter()
                .filter_map(|b| {
                    Some((
                        b.get("name")?.as_str()?.to_owned(),
                        b.get("class_name")?.as_str()?.to_owned(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let binding_json = format!(
        "\"durable_objects\": {{ \"bindings\": [{{ \"name\": \"{}\", \"class_name\": \"{}\" }}] }}",
        object.binding, object.class
    );
    match bindings.iter().find(|(name, _)| *name == object.binding) {
        None => {
            return Err(vec![
                object
                    .origin
                    .error(
                        format!(
                            "{file} binds no Durable Object as `{}` (the binding of `{}` in {})",
                            object.binding, object.class, settings.file
                        ),
                        format!("not in {file}"),
                    )
                    .help(format!("add to {file}: {binding_json}")),
            ]);
        }
        Some((_, class)) if *class != object.class => {
            return Err(vec![object
                .origin
                .error(
                    format!(
                        "{file} binds `{}` to the class `{class}`, not `{}`",
                        object.binding, object.class
                    ),
                    format!("{file} says `{class}`"),
                )
                .help(format!(
                    "make them agree: `durable_object = \"{class}\"` in {}, or \"class_name\": \"{}\" in {file}",
                    settings.file, object.class
                ))]);
        }
        Some(_) => {}
    }
    let migrations = config
        .get("migrations")
        .and_then(|m| m.as_array())
        .cloned()
        .unwrap_or_default();
    let sqlite = migrations
        .iter()
        .any(|m| strs(m.get("new_sqlite_classes")).contains(&object.class));
    if !sqlite {
        let kv = migrations
            .iter()
            .any(|m| strs(m.get("new_classes")).contains(&object.class));
        let d = object.origin.error(
            format!(
                "{file} does not create `{}` as a SQLite-backed Durable Object",
                object.class
            ),
            "its storage must be SQLite",
        );
        return Err(vec![if kv {
            d.help(format!(
                "`{}` is under \"new_classes\" (key-value storage), which has no SQL; a class's \
                 storage cannot change after it is deployed, so create a new SQLite-backed class \
                 under \"new_sqlite_classes\" in a new migration in {file}",
                object.class
            ))
        } else {
            d.help(format!(
                "add to {file}: \"migrations\": [{{ \"tag\": \"v1\", \"new_sqlite_classes\": [\"{}\"] }}]",
                object.class
            ))
        }]);
    }
    Ok(())
}

/// Reads a wrangler config (`.jsonc` with comments and trailing commas, `.json`, `.toml`)
/// into JSON.
pub fn read_config(manifest_dir: &Path, file: &str) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(manifest_dir.join(file))
        .map_err(|e| format!("cannot read {file}: {e}"))?;
    if file.ends_with(".toml") {
        toml::from_str::<toml::Value>(&text)
            .map_err(|e| e.to_string())
            .and_then(|v| serde_json::to_value(v).map_err(|e| e.to_string()))
    } else {
        jsonc_parser::parse_to_serde_value::<Option<serde_json::Value>>(&text, &Default::default())
            .map(|v| v.unwrap_or(serde_json::Value::Null))
            .map_err(|e| e.to_string())
    }
    .map_err(|e| format!("{file} is not valid: {e}"))
}

/// The D1 databases a wrangler config (read by [`read_config`]) declares, with wrangler's
/// default `migrations_dir`.
pub fn d1_bindings(config: &serde_json::Value) -> Vec<D1Binding> {
    config
        .get("d1_databases")
        .and_then(|d| d.as_array())
        .map(|arr| {
            arr.iter()
                .filter_map(|d| {
                    Some(D1Binding {
                        binding: d.get("binding")?.as_str()?.to_owned(),
                        database_name: d
                            .get("database_name")
                            .and_then(|n| n.as_str())
                            .map(str::to_owned),
                        migrations_dir: d
                            .get("migrations_dir")
                            .and_then(|m| m.as_str())
                            .unwrap_or("migrations")
                            .to_owned(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A folder path as wrangler's config and mizzle's settings may both spell it, for
/// comparing: no `./` in front, no `/` behind.
pub fn normalise(p: &str) -> String {
    let p = p.trim().trim_end_matches('/');
    p.strip_prefix("./").unwrap_or(p).to_owned()
}
