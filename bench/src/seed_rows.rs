//! Seed data's speed (issue 31): rows per second of the example schema's seven tables,
//! side by side in one run, into
//! - SQLite through the runtime (`mizzle::seed::run`, as the generated `seed()` runs it:
//!   rows made, CHECKs tested, one batch), a file on disk;
//! - the same through `mizzle seed --sqlite` (the command: schema load, migrations, report);
//! - local D1 through `mizzle seed --local` (rows made and checked in SQLite, then one SQL
//!   file through `wrangler d1 execute --file` into workerd's D1).
//!
//! `cargo run --release -p mizzle-bench --bin seed-rows -- [total rows...]` (default 10000
//! 100000). The `mizzle` binary is target/release's (or debug's), wrangler the checkout's
//! node_modules'.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn mizzle_bin() -> PathBuf {
    let release = root().join("target/release/mizzle");
    if release.exists() {
        release
    } else {
        root().join("target/debug/mizzle")
    }
}

fn run(project: &Path, args: &[&str]) -> f64 {
    let t = Instant::now();
    let out = Command::new(mizzle_bin())
        .arg("--project")
        .arg(project)
        .args(args)
        .env("MIZZLE_WRANGLER", root().join("node_modules/.bin/wrangler"))
        .env("WRANGLER_SEND_METRICS", "false")
        .output()
        .expect("run mizzle");
    assert!(
        out.status.success(),
        "mizzle {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    t.elapsed().as_secs_f64()
}

fn spec() -> mizzle::seed::Spec {
    let loaded = mizzle_build::Config::new()
        .manifest_dir(root())
        .cargo_directives(false)
        .load()
        .expect("the example schema");
    mizzle::seed::parse_spec(&mizzle_build::seed::spec(&loaded.schema).to_string()).unwrap()
}

/// Seconds to seed `per_table` rows per table into a fresh SQLite file, in-process.
fn runtime_sqlite(dir: &Path, spec: &mizzle::seed::Spec, per_table: usize) -> f64 {
    let file = dir.join(format!("rt-{per_table}.db"));
    let exec =
        mizzle::sqlite::SqliteExecutor::new(rusqlite::Connection::open(&file).unwrap()).unwrap();
    exec.apply_migrations(mizzle_example::schema::MIGRATIONS)
        .unwrap();
    let db = mizzle::Db::new(exec);
    let t = Instant::now();
    let seed = mizzle::seed::Seed::new(1).rows(per_table);
    let fut = mizzle::seed::run(&db, spec, &seed);
    let mut fut = std::pin::pin!(fut);
    let report = match fut
        .as_mut()
        .poll(&mut std::task::Context::from_waker(std::task::Waker::noop()))
    {
        std::task::Poll::Ready(r) => r.unwrap(),
        std::task::Poll::Pending => panic!("SQLite's futures finish at once"),
    };
    let s = t.elapsed().as_secs_f64();
    assert_eq!(report.tables.len(), 7);
    s
}

fn main() {
    let totals: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a row count"))
        .collect();
    let totals = if totals.is_empty() {
        vec![10_000, 100_000]
    } else {
        totals
    };
    let spec = spec();
    let tables = spec.tables.len();
    let dir = tempfile::tempdir().unwrap();
    // A copy of the example project for the command (schema, migrations, wrangler config).
    let project = dir.path().join("project");
    std::fs::create_dir_all(project.join("schema")).unwrap();
    std::fs::create_dir_all(project.join("migrations")).unwrap();
    for sub in ["schema", "migrations"] {
        for e in std::fs::read_dir(root().join(sub)).unwrap().flatten() {
            std::fs::copy(e.path(), project.join(sub).join(e.file_name())).unwrap();
        }
    }
    std::fs::copy(
        root().join("wrangler.jsonc"),
        project.join("wrangler.jsonc"),
    )
    .unwrap();
    run(&project, &["migrate", "--local"]);

    println!(
        "| rows (7 tables) | runtime → SQLite file | `mizzle seed --sqlite` | `mizzle seed --local` (D1) | D1 / SQLite |"
    );
    println!("|---|---|---|---|---|");
    for total in totals {
        let per_table = total.div_ceil(tables);
        let rows = per_table * tables;
        let rt = runtime_sqlite(dir.path(), &spec, per_table);
        let file = dir.path().join(format!("cli-{per_table}.db"));
        let per = per_table.to_string();
        let cli = run(
            &project,
            &[
                "seed",
                "--sqlite",
                file.to_str().unwrap(),
                "--seed",
                "1",
                "--rows",
                &per,
            ],
        );
        let d1 = run(
            &project,
            &["seed", "--local", "--seed", "1", "--rows", &per],
        );
        run(&project, &["reset", "--local"]);
        let rate = |s: f64| format!("{:.0} rows/s ({s:.2} s)", rows as f64 / s);
        println!(
            "| {rows} | {} | {} | {} | {:.1}× the time |",
            rate(rt),
            rate(cli),
            rate(d1),
            d1 / cli
        );
    }
}
