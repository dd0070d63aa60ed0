//! mizzle's own cost on native SQLite (in memory, release build): the existing query paths
//! (get by key, a filtered list, a three-level tree) and, with the `cross_table` feature,
//! the cross-table ones (a join, a projection, a grouped aggregate) next to the same SQL
//! written by hand with rusqlite and decoded into the same structs.
//!
//! `cargo run --release -p mizzle-bench --bin native-queries -- [rounds=9] [ops=2000]`
//!
//! Prints one line per measurement: `name µs/op` (median of the rounds), and for each of
//! the six routes of `mizzle_bench::routes()` a `paired:<route> <median> <q1> <q3>` line: the
//! ratio mizzle ÷ hand-written of rounds that time the two back to back, in alternating
//! order (issue 14's goals are judged by its median). Built without the
//! feature it compiles against the API before cross-table queries existed, which is how
//! bench/README.md's before/after is measured (the same file built at both commits).

use std::time::Instant;

use mizzle::Db;
use mizzle::sqlite::SqliteExecutor;
use mizzle_bench::{block_on, seeded};
use mizzle_example::schema::*;

/// A named contender: called with the op's index.
type Case<'a> = (&'static str, Box<dyn FnMut(usize) + 'a>);

/// Median µs per op over `rounds` rounds of `ops` calls of each contender, interleaved.
fn measure(rounds: usize, ops: usize, cases: &mut [Case<'_>]) {
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); cases.len()];
    for _ in 0..rounds {
        for (i, (_, f)) in cases.iter_mut().enumerate() {
            let t = Instant::now();
            for n in 0..ops {
                f(n);
            }
            samples[i].push(t.elapsed().as_secs_f64() * 1e6 / ops as f64);
        }
    }
    for (i, (name, _)) in cases.iter().enumerate() {
        let s = &mut samples[i];
        s.sort_by(f64::total_cmp);
        println!("{name} {:.2}", s[s.len() / 2]);
    }
}

fn main() {
    let (rounds, ops) = mizzle_bench::rounds_and_ops(9, 2000);
    let db = seeded();
    let mut sink = 0usize;
    {
        let mut cases: Vec<Case<'_>> = vec![(
            "get_by_key",
            Box::new(|n| {
                let u = block_on(
                    db.select(users::table)
                        .filter(users::id.eq((n % 50 + 1) as i64))
                        .get(),
                )
                .unwrap();
                sink += u.map_or(0, |u| u.name.len());
            }),
        )];
        measure(rounds, ops, &mut cases);
    }
    let mut cases: Vec<Case<'_>> = vec![
        (
            "list_50_users",
            Box::new(|_| {
                let rows =
                    block_on(db.select(users::table).order_by(users::id).limit(50).all()).unwrap();
                assert_eq!(rows.len(), 50);
            }),
        ),
        (
            "list_50_filtered",
            Box::new(|_| {
                let rows = block_on(
                    db.select(posts::table)
                        .filter(posts::published.eq(true))
                        .order_by(posts::id)
                        .limit(50)
                        .all(),
                )
                .unwrap();
                assert_eq!(rows.len(), 50);
            }),
        ),
        (
            "tree_user_posts_comments",
            Box::new(|n| {
                let t = block_on(
                    db.select(users::table)
                        .filter(users::id.eq((n % 50 + 1) as i64))
                        .with(users::posts.with(posts::comments))
                        .get(),
                )
                .unwrap();
                assert!(t.is_some());
            }),
        ),
    ];
    measure(rounds, ops / 4, &mut cases);
    #[cfg(feature = "cross_table")]
    cross_table::run(&db, rounds, ops / 4);
    std::hint::black_box(sink);
}

#[cfg(feature = "cross_table")]
mod cross_table {
    use super::*;
    use mizzle::count;

    fn ts(s: i64) -> mizzle::chrono::DateTime<mizzle::chrono::Utc> {
        mizzle::chrono::DateTime::from_timestamp(s, 0).unwrap()
    }

    const USER_COLS: &str = "u.id, u.email, u.name, u.bio, u.avatar, u.role, u.created_at";
    const POST_COLS: &str = "p.id, p.author_id, p.title, p.slug, p.body, p.status, p.meta, p.published, p.rating, p.views, p.created_at, p.updated_at";

    /// A `User` from 7 cells starting at `at`, as hand-written code would read it.
    fn hand_user(r: &rusqlite::Row, at: usize) -> rusqlite::Result<User> {
        let role: String = r.get(at + 5)?;
        Ok(User {
            id: r.get(at)?,
            email: r.get(at + 1)?,
            name: r.get(at + 2)?,
            bio: r.get(at + 3)?,
            avatar: r.get(at + 4)?,
            role: mizzle::sql::SqlEnum::from_db_str(&role).unwrap(),
            created_at: ts(r.get(at + 6)?),
        })
    }

    /// A `Post` from 12 cells starting at `at`.
    fn hand_post(r: &rusqlite::Row, at: usize) -> rusqlite::Result<Post> {
        let status: String = r.get(at + 5)?;
        Ok(Post {
            id: r.get(at)?,
            author_id: r.get(at + 1)?,
            title: r.get(at + 2)?,
            slug: r.get(at + 3)?,
            body: r.get(at + 4)?,
            status: mizzle::sql::SqlEnum::from_db_str(&status).unwrap(),
            meta: r
                .get::<_, Option<String>>(at + 6)?
                .map(|m| mizzle::serde_json::from_str(&m).unwrap()),
            published: r.get::<_, i64>(at + 7)? != 0,
            rating: r.get(at + 8)?,
            views: r.get(at + 9)?,
            created_at: ts(r.get(at + 10)?),
            updated_at: ts(r.get(at + 11)?),
        })
    }

    /// A hand-written join: the same SQL, rusqlite, the same structs.
    fn hand_join(conn: &rusqlite::Connection) -> Vec<(User, Post)> {
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {USER_COLS}, {POST_COLS} FROM users u INNER JOIN posts p ON p.author_id = u.id WHERE p.published = 1 ORDER BY p.id LIMIT 50"
            ))
            .unwrap();
        stmt.query_map([], |r| Ok((hand_user(r, 0)?, hand_post(r, 7)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// mizzle next to the same work written by hand with rusqlite on the same connection,
    /// results built into the same structs and serialized to JSON: the routes of
    /// `mizzle_bench::routes()` (the criterion benchmark's), interleaved round by round.
    ///
    /// Each round times mizzle and the hand-written twin back to back (in alternating
    /// order), so a round's ratio is taken under the same machine conditions; besides each
    /// contender's median it prints `paired:<route> <median of the rounds' ratios> <first
    /// quartile> <third quartile>`, the ratio issue 14's goals are judged by.
    fn versus_hand_written(db: &Db<SqliteExecutor>, rounds: usize, ops: usize) {
        for route in mizzle_bench::routes() {
            let ops = (2 * ops / route.weight).max(4);
            let (mut m, mut h) = (Vec::new(), Vec::new());
            let time = |f: fn(&Db<SqliteExecutor>, usize) -> usize| {
                let t = Instant::now();
                for n in 0..ops {
                    std::hint::black_box(f(db, n));
                }
                t.elapsed().as_secs_f64() * 1e6 / ops as f64
            };
            // One untimed round first: caches, statement cache, allocator.
            time(route.mizzle);
            time(route.hand);
            for round in 0..rounds * 3 {
                if round % 2 == 0 {
                    m.push(time(route.mizzle));
                    h.push(time(route.hand));
                } else {
                    h.push(time(route.hand));
                    m.push(time(route.mizzle));
                }
            }
            let mut ratios: Vec<f64> = m.iter().zip(&h).map(|(m, h)| m / h).collect();
            let median = |v: &mut Vec<f64>| {
                v.sort_by(f64::total_cmp);
                v[v.len() / 2]
            };
            println!("vs:{}_mizzle {:.2}", route.name, median(&mut m));
            println!("vs:{}_hand {:.2}", route.name, median(&mut h));
            ratios.sort_by(f64::total_cmp);
            let q = |f: f64| ratios[((ratios.len() - 1) as f64 * f).round() as usize];
            println!(
                "paired:{} {:.3} {:.3} {:.3}",
                route.name,
                q(0.5),
                q(0.25),
                q(0.75)
            );
        }
    }

    pub fn run(db: &Db<SqliteExecutor>, rounds: usize, ops: usize) {
        versus_hand_written(db, rounds, ops);
        let mut cases: Vec<Case<'_>> = vec![
            (
                "join_50_mizzle",
                Box::new(|_| {
                    let rows: Vec<(User, Post)> = block_on(
                        db.select(users::table)
                            .inner_join(posts::table, posts::author_id.eq_col(users::id))
                            .filter(posts::published.eq(true))
                            .order_by(posts::id)
                            .limit(50)
                            .all(),
                    )
                    .unwrap();
                    assert_eq!(rows.len(), 50);
                }),
            ),
            (
                "join_50_hand_written",
                Box::new(|_| {
                    // The same rows, on the same connection.
                    assert_eq!(hand_join(&db.executor().lock()).len(), 50);
                }),
            ),
            (
                "projection_50",
                Box::new(|_| {
                    let rows: Vec<(i64, String)> = block_on(
                        db.select(posts::table)
                            .columns((posts::id, posts::title))
                            .order_by(posts::id)
                            .limit(50)
                            .all(),
                    )
                    .unwrap();
                    assert_eq!(rows.len(), 50);
                }),
            ),
            (
                "group_by_author",
                Box::new(|_| {
                    let rows: Vec<(i64, i64)> = block_on(
                        db.select(posts::table)
                            .columns((posts::author_id, count(posts::id)))
                            .group_by(posts::author_id)
                            .all(),
                    )
                    .unwrap();
                    assert_eq!(rows.len(), 50);
                }),
            ),
        ];
        measure(rounds, ops, &mut cases);
    }
}
