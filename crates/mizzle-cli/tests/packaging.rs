//! The four crates as crates.io would have them.
//!
//! `what_each_package_holds_is_reviewed`: `cargo package --list` of mizzle-macros, mizzle,
//! mizzle-build and mizzle-cli equals tests/packaging/<crate>.list (`MIZZLE_BLESS=1` rewrites them, for review
//! as a diff): sources, templates, README and licenses, no tests, fixtures or benchmarks.
//!
//! `the_packaged_crates_install_and_build_a_new_project`: `cargo package` (verified: each
//! packaged crate builds on its own, against the others as packaged), the .crate files
//! unpacked outside the checkout and patched in for crates.io's `mizzle` and `mizzle-build`;
//! `cargo install` of the packaged mizzle-cli; `mizzle new` run from there, with no checkout
//! in sight; and that project's own tests and its Worker code (wasm32), built on the
//! packaged crates only (no path into the checkout in its Cargo.toml or Cargo.lock): the
//! generated surface the scaffold's code names, checked against the packages as shipped.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{output_text, workspace};

const CRATES: [&str; 4] = ["mizzle-macros", "mizzle", "mizzle-build", "mizzle-cli"];

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}",
        output_text(&out)
    );
    output_text(&out)
}

/// Removes cargo's unpacked copies of earlier runs' packages, and their builds. `cargo package` verifies each
/// crate against the others through a local registry, and cargo unpacks a registry crate
/// once per version: with the version unchanged, mizzle-cli would be verified against the
/// mizzle-build of an earlier run (stale: failing on a new API, or passing on an old one).
/// Those copies live in `$CARGO_HOME/registry/src/-<hash>/` (a local registry's folder;
/// crates.io's is `index.crates.io-*`).
///
/// The builds of those copies in `target` are cargo's too (a registry crate's build is
/// fresh as long as its version is): they go with them.
fn forget_unpacked_packages(version: &str, target: &Path) {
    for dir in ["debug/.fingerprint", "debug/deps", "debug/build"] {
        let Ok(entries) = std::fs::read_dir(target.join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("mizzle") || name.starts_with("libmizzle") {
                let _ = std::fs::remove_dir_all(e.path());
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap();
    for kind in ["src", "cache"] {
        let Ok(registries) = std::fs::read_dir(home.join("registry").join(kind)) else {
            continue;
        };
        for reg in registries.flatten() {
            if !reg.file_name().to_string_lossy().starts_with('-') {
                continue;
            }
            for c in CRATES {
                let dir = reg.path().join(format!("{c}-{version}"));
                let _ = std::fs::remove_dir_all(&dir);
                let _ = std::fs::remove_file(reg.path().join(format!("{c}-{version}.crate")));
            }
        }
    }
}

#[test]
fn what_each_package_holds_is_reviewed() {
    let ws = workspace();
    let bless = std::env::var_os("MIZZLE_BLESS").is_some();
    let mut failures = Vec::new();
    for krate in CRATES {
        let out = Command::new(env!("CARGO"))
            .args(["package", "--list", "--allow-dirty", "-p", krate])
            .current_dir(&ws)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", output_text(&out));
        let list: String = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| *l != ".cargo_vcs_info.json")
            .map(|l| format!("{l}\n"))
            .collect();
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/packaging")
            .join(format!("{krate}.list"));
        if bless {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, &list).unwrap();
        } else if std::fs::read_to_string(&file).ok().as_deref() != Some(list.as_str()) {
            failures.push(format!(
                "{krate}: `cargo package --list` is not {} (MIZZLE_BLESS=1 to accept):\n{list}",
                file.display()
            ));
        }
        for l in list.lines() {
            if l.starts_with("tests/") || l.starts_with("benches/") || l.contains("fixtures") {
                failures.push(format!("{krate} packages {l}"));
            }
        }
        for want in ["README.md", "LICENSE-MIT", "LICENSE-APACHE", "Cargo.toml"] {
            if !list.lines().any(|l| l == want) {
                failures.push(format!("{krate} does not package {want}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Unpacks `file` (a .crate, gzipped tar) into `into`; the crate's folder.
fn unpack(file: &Path, into: &Path) -> PathBuf {
    run(Command::new("tar").arg("xzf").arg(file).arg("-C").arg(into));
    into.join(file.file_stem().unwrap())
}

#[test]
fn the_packaged_crates_install_and_build_a_new_project() {
    let ws = workspace();
    let version = env!("CARGO_PKG_VERSION");
    // Its own target dir, kept between runs (the verification builds are cached there).
    let target = ws.join("target/packaging");
    forget_unpacked_packages(version, &target);
    let mut package = Command::new(env!("CARGO"));
    package
        .args(["package", "--allow-dirty", "--locked", "--target-dir"])
        .arg(&target)
        .current_dir(&ws);
    for c in CRATES {
        package.args(["-p", c]);
    }
    run(&mut package);

    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path();
    let registry = home.join("packaged");
    std::fs::create_dir_all(&registry).unwrap();
    let mut dirs = Vec::new();
    for c in CRATES {
        let file = target.join("package").join(format!("{c}-{version}.crate"));
        dirs.push((c, unpack(&file, &registry)));
    }
    // crates.io's mizzle, mizzle-macros and mizzle-build are the packaged ones, for
    // everything under `home`.
    let mut patch = String::from("[patch.crates-io]\n");
    for (c, d) in &dirs {
        if *c != "mizzle-cli" {
            patch.push_str(&format!(
                "{c} = {{ path = {:?} }}\n",
                d.display().to_string()
            ));
        }
    }
    std::fs::create_dir_all(home.join(".cargo")).unwrap();
    std::fs::write(home.join(".cargo/config.toml"), &patch).unwrap();

    // `cargo install` of the packaged mizzle-cli (debug: this proves it builds and runs,
    // not how fast it is), with its packaged Cargo.lock.
    let cli_dir = &dirs.iter().find(|(c, _)| *c == "mizzle-cli").unwrap().1;
    let root = home.join("installed");
    run(Command::new(env!("CARGO"))
        .args(["install", "--debug", "--locked", "--path"])
        .arg(cli_dir)
        .arg("--root")
        .arg(&root)
        .current_dir(home)
        .env("CARGO_TARGET_DIR", &target));
    let mizzle = root.join("bin/mizzle");
    assert!(mizzle.is_file());

    // `mizzle new`, from the installed binary, no checkout anywhere.
    let out = run(Command::new(&mizzle)
        .args(["new", "shipped"])
        .current_dir(home)
        .env_remove("MIZZLE_PATH"));
    let project = home.join("shipped");
    let manifest = std::fs::read_to_string(project.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains(&format!("mizzle = \"{version}\""))
            && manifest.contains(&format!("mizzle-build = \"{version}\"")),
        "{manifest}\n{out}"
    );
    assert!(out.contains("git repository"), "{out}");

    // Its own tests, on the packaged crates only (the first build writes its first
    // migration, as on a user's machine).
    run(Command::new(env!("CARGO"))
        .arg("test")
        .current_dir(&project)
        .env("CARGO_TARGET_DIR", ws.join("target/scaffold"))
        .env("MIZZLE_CHECK", "0"));
    assert!(project.join("migrations/0001_init.sql").is_file());
    // And its Worker code (what names `schema::d1_verified`, the input structs, the error's
    // HTTP status) for wasm32: the generated surface the scaffold uses, on the packages.
    run(Command::new(env!("CARGO"))
        .args(["check", "--target", "wasm32-unknown-unknown"])
        .current_dir(&project)
        .env("CARGO_TARGET_DIR", ws.join("target/scaffold"))
        .env("MIZZLE_CHECK", "1"));
    let checkout = ws.display().to_string();
    for f in ["Cargo.toml", "Cargo.lock"] {
        let text = std::fs::read_to_string(project.join(f)).unwrap();
        assert!(!text.contains(&checkout), "{f} names the checkout:\n{text}");
    }
    let lock = std::fs::read_to_string(project.join("Cargo.lock")).unwrap();
    assert!(
        lock.contains(&format!("name = \"mizzle\"\nversion = \"{version}\"")),
        "{lock}"
    );
}
