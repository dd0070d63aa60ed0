//! How long mizzle-build takes for the example schema, stage by stage: load (parse +
//! validate + lower), the migration stage (replay every migration into SQLite, introspect,
//! diff, prove convergence), and Rust generation. Medians of N runs, in one process.
//!
//! Then the whole stage (`Config::compile`: load, migrations from scratch, write, generate)
//! on synthetic schemas of 10, 100 and 500 tables with relations between them.
//!
//! `cargo run --release -p mizzle-bench --bin build-stage -- [runs=50]`

use std::path::PathBuf;
use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Median ms of the whole build-script stage on `n` synthetic tables, from scratch (no
/// migrations yet) and up to date (the second build).
fn whole_stage(n: usize, runs: usize) -> (f64, f64) {
    let (mut scratch, mut up_to_date) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let dir = tempfile::tempdir().unwrap();
        mizzle_bench::synthetic_schema(dir.path(), n);
        let config = || {
            mizzle_build::Config::new()
                .manifest_dir(dir.path())
                .out_dir(dir.path().join("out"))
                .check(false)
                .cargo_directives(false)
        };
        let t = Instant::now();
        config().compile().expect("synthetic schema builds");
        scratch.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        config().compile().expect("up to date");
        up_to_date.push(t.elapsed().as_secs_f64() * 1e3);
    }
    (median(scratch), median(up_to_date))
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let config = mizzle_build::Config::new()
        .manifest_dir(&root)
        .check(true)
        .cargo_directives(false);
    let (mut load, mut migrate, mut rust, mut fresh) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let empty = std::env::temp_dir().join(format!("mizzle-bench-empty-{}", std::process::id()));
    for _ in 0..runs {
        let t = Instant::now();
        let loaded = config.load().expect("example schema loads");
        load.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let plan = mizzle_build::migrate::plan(
            &loaded.schema,
            &root.join("migrations"),
            "migrations",
            &Default::default(),
            None,
        )
        .expect("plan");
        migrate.push(t.elapsed().as_secs_f64() * 1e3);
        assert!(plan.is_up_to_date());
        let t = Instant::now();
        let init = mizzle_build::migrate::plan(
            &loaded.schema,
            &empty,
            "migrations",
            &Default::default(),
            None,
        )
        .expect("plan");
        fresh.push(t.elapsed().as_secs_f64() * 1e3);
        assert!(init.new_file.is_some());
        let t = Instant::now();
        let migrations: Vec<(String, String)> = plan
            .existing
            .iter()
            .map(|m| (m.file_name.clone(), m.sql.clone()))
            .collect();
        let code = config.generate(&loaded.schema, &migrations);
        rust.push(t.elapsed().as_secs_f64() * 1e3);
        assert!(!code.is_empty());
    }
    println!("example schema (5 tables), {runs} runs, median ms:");
    println!("| stage | ms |");
    println!("|---|---|");
    println!("| load (parse, validate, lower) | {:.2} |", median(load));
    println!(
        "| migrations (replay, introspect, diff, convergence) | {:.2} |",
        median(migrate)
    );
    println!(
        "| migrations from scratch (write 0001_init, replay it, prove convergence) | {:.2} |",
        median(fresh)
    );
    println!(
        "| Rust generation (quote + prettyplease) | {:.2} |",
        median(rust)
    );
    println!();
    println!("the whole build-script stage (Config::compile), synthetic schemas, median ms:");
    println!("| tables | from scratch (writes 0001_init) | up to date |");
    println!("|---:|---:|---:|");
    for (n, r) in [(10, runs.min(9)), (100, runs.min(5)), (500, runs.min(3))] {
        let (scratch, up) = whole_stage(n, r.max(1));
        println!("| {n} | {scratch:.0} | {up:.0} |");
    }
}
