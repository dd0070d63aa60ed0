//! Loading a user → posts → (comments → author, tags) tree on local D1: mizzle's one-batch
//! loader (`/users/:id/tree`) against the naive one-query-per-row way
//! (`/users/:id/tree-naive`), through the example Worker under `wrangler dev`.
//!
//! Both run in the same process against the same seeded database, interleaved request by
//! request, so machine noise hits both alike; the report gives medians and their ratio.
//!
//! `cargo run --release -p mizzle-bench --bin tree-vs-naive -- [rounds] [posts] [comments]`
//! (after `scripts/setup.sh` and `scripts/build-worker.sh`).

#[path = "../../tests/support/wrangler.rs"]
mod wrangler;

use std::time::Instant;

use serde_json::json;
use wrangler::{Http, d1_query, start, wrangler_cmd, write_config};

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let rounds = args.first().copied().unwrap_or(30);
    let posts = args.get(1).copied().unwrap_or(10);
    let comments = args.get(2).copied().unwrap_or(5);

    let state = tempfile::tempdir().expect("temp dir");
    write_config(state.path());
    let apply = wrangler_cmd(state.path())
        .args(["d1", "migrations", "apply", "DB", "--local", "--persist-to"])
        .arg(state.path())
        .output()
        .expect("wrangler");
    assert!(
        apply.status.success(),
        "{}",
        String::from_utf8_lossy(&apply.stderr)
    );
    let server = start(state.path(), &state.path().join("wrangler-dev.log"));
    let http = Http::new(&server.base);

    // Seed: one author, `posts` posts with two tags each, `comments` comments per post by
    // distinct commenters.
    let (_, author) = http.send(
        "POST",
        "/users",
        Some(json!({"email": "author@bench.io", "name": "Author"})),
    );
    let author_id = author["id"].as_i64().expect("author id");
    http.send("POST", "/users/bulk?n=20&prefix=commenter", Some(json!({})));
    for p in 0..posts {
        let (s, post) = http.send(
            "POST",
            "/posts-with-tags",
            Some(json!({"post": {"author_id": author_id, "title": format!("Post {p}"), "slug": format!("p{p}"), "body": "text"}, "tags": ["bench", format!("t{}", p % 3)]})),
        );
        assert_eq!(s, 201, "{post}");
        let values: Vec<String> = (0..comments)
            .map(|c| format!("({}, (SELECT id FROM users WHERE email = 'commenter{}@bulk.example'), 'comment {c}', {c})", post["id"], c % 20))
            .collect();
        d1_query(
            state.path(),
            &format!(
                "INSERT INTO comments (post_id, author_id, body, created_at) VALUES {}",
                values.join(", ")
            ),
        );
    }

    let tree_path = format!("/users/{author_id}/tree");
    let naive_path = format!("/users/{author_id}/tree-naive");
    let json_path = format!("/users/{author_id}/tree-json");
    // Warm up both, and check they agree.
    let (_, a, trips_tree) = http.send_with_header("GET", &tree_path, "x-mizzle-round-trips");
    let (_, b, trips_naive) = http.send_with_header("GET", &naive_path, "x-mizzle-round-trips");
    assert_eq!(a, b, "tree and naive answers differ");
    let (_, c, trips_json) = http.send_with_header("GET", &json_path, "x-mizzle-round-trips");
    assert_eq!(
        c["posts"].as_array().map(Vec::len),
        a["posts"].as_array().map(Vec::len),
        "the JSON-functions tree has the same posts"
    );

    let paths = [&tree_path, &json_path, &naive_path];
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); 3];
    for round in 0..rounds {
        // Rotate which goes first, so none always follows another.
        for k in 0..3 {
            let i = (round + k) % 3;
            let t = Instant::now();
            let (s, _) = http.send("GET", paths[i], None);
            assert_eq!(s, 200);
            times[i].push(t.elapsed().as_secs_f64() * 1e3);
        }
    }
    let (mt, mj, mn) = (
        median(&mut times[0]),
        median(&mut times[1]),
        median(&mut times[2]),
    );
    println!(
        "tree: {posts} posts x {comments} comments (+ authors, 2 tags each), {rounds} interleaved rounds on local D1"
    );
    println!("| loader | round trips | median ms |");
    println!("|---|---|---|");
    println!("| mizzle `.with(..)` (one batch) | {trips_tree} | {mt:.1} |");
    println!("| one statement with JSON functions (drizzle's shape) | {trips_json} | {mj:.1} |");
    println!("| naive N+1 | {trips_naive} | {mn:.1} |");
    println!(
        "naive / batched wall time: {:.2}x; JSON statement / batched: {:.2}x",
        mn / mt,
        mj / mt
    );
    drop(server);
}
