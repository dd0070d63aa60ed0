//! mizzle's own cost natively: the six routes of issue 14, each with mizzle and by hand
//! with rusqlite on the same connection, the same structs, serialized the same way.
//!
//! `cargo bench -p mizzle-bench --bench routes` (add `-- --quick` for one fast pass).
//!
//! Criterion measures each contender in turn, mizzle then hand-written, route by route;
//! afterwards this prints each route's ratio of the two medians. `native-queries` measures
//! the same routes with the contenders interleaved round by round, as a cross-check.

use std::path::PathBuf;
use std::time::Duration;

use criterion::{BatchSize, Criterion};
use mizzle_bench::{Route, routes, seeded};

fn output_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/criterion")
}

fn bench_route(c: &mut Criterion, db: &mizzle::Db<mizzle::sqlite::SqliteExecutor>, r: &Route) {
    let mut group = c.benchmark_group(r.name);
    if r.weight > 100 {
        group.sample_size(10);
    }
    for (who, f) in [("mizzle", r.mizzle), ("hand", r.hand)] {
        let mut n = 0usize;
        group.bench_function(who, |b| {
            b.iter_batched(
                || {
                    n += 1;
                    n
                },
                |n| f(db, n),
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

/// The median of one contender, in ns, from criterion's saved estimates.
fn median_ns(group: &str, who: &str) -> Option<f64> {
    let path = output_dir()
        .join(group)
        .join(who)
        .join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v["median"]["point_estimate"].as_f64()
}

fn main() {
    let mut c = Criterion::default()
        .output_directory(&output_dir())
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    let db = seeded();
    let all = routes();
    for r in &all {
        bench_route(&mut c, &db, r);
    }
    c.final_summary();
    println!("\nroute | mizzle µs | hand-written µs | mizzle ÷ hand");
    for r in &all {
        if let (Some(m), Some(h)) = (median_ns(r.name, "mizzle"), median_ns(r.name, "hand")) {
            println!(
                "ratio {} | {:.2} | {:.2} | {:.2}",
                r.name,
                m / 1e3,
                h / 1e3,
                m / h
            );
        }
    }
}
