//! What the cost guard costs on native SQLite (release build): the same routes on three
//! databases in one run, interleaved: counting off (the default), usage counted
//! (`Db::track_usage`), and the plan check on (`PlanCheck::record`, each statement's plan
//! read once). Prints `route off_µs usage_µs plan_µs usage÷off plan÷off`.
//!
//! `cargo run --release -p mizzle-bench --bin cost-guard -- [rounds=9] [ops=2000]`

use std::time::Instant;

use mizzle::Db;
use mizzle::sqlite::{PlanCheck, SqliteExecutor};
use mizzle_bench::{block_on, rounds_and_ops, seeded_on};
use mizzle_example::schema::*;

type Route = fn(&Db<SqliteExecutor>, usize);

fn get_by_key(db: &Db<SqliteExecutor>, n: usize) {
    let u = block_on(
        db.select(users::table)
            .filter(users::id.eq((n % 50 + 1) as i64))
            .get(),
    )
    .unwrap();
    std::hint::black_box(u);
}

fn list_50(db: &Db<SqliteExecutor>, _: usize) {
    let rows = block_on(db.select(users::table).order_by(users::id).limit(50).all()).unwrap();
    std::hint::black_box(rows);
}

/// An insert into a table with a foreign key (the error path's probe takes the key's value);
/// `n` never repeats, so neither does the slug.
fn insert_post(db: &Db<SqliteExecutor>, n: usize) {
    block_on(
        db.insert(posts::table)
            .values(NewPost::new((n % 50 + 1) as i64, "t", format!("s{n}")))
            .run(),
    )
    .unwrap();
}

fn main() {
    let (rounds, ops) = rounds_and_ops(9, 2000);
    let off = seeded_on(SqliteExecutor::open_in_memory().unwrap());
    let usage = seeded_on(SqliteExecutor::open_in_memory().unwrap()).track_usage();
    let plan = seeded_on(
        SqliteExecutor::open_in_memory()
            .unwrap()
            .check_plans(PlanCheck::record()),
    );
    let dbs = [&off, &usage, &plan];
    let routes: [(&str, Route); 3] = [
        ("get_by_key", get_by_key),
        ("list_50_users", list_50),
        ("insert_post", insert_post),
    ];
    let mut next = 0usize;
    for (name, route) in routes {
        let mut samples = [Vec::new(), Vec::new(), Vec::new()];
        for round in 0..rounds {
            // Rotate which database goes first, so none always runs on a warm cache.
            for k in 0..3 {
                let i = (k + round) % 3;
                let t = Instant::now();
                for _ in 0..ops {
                    route(dbs[i], next);
                    next += 1;
                }
                samples[i].push(t.elapsed().as_secs_f64() * 1e6 / ops as f64);
            }
        }
        let median = |s: &mut Vec<f64>| {
            s.sort_by(f64::total_cmp);
            s[s.len() / 2]
        };
        let [a, b, c] = samples.map(|mut s| median(&mut s));
        println!("{name} {a:.2} {b:.2} {c:.2} {:.3} {:.3}", b / a, c / a);
    }
}
