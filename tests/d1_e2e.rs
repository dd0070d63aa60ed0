//! The example Worker on real local D1 (workerd via `wrangler dev`): build to wasm, apply
//! the migrations with `wrangler d1 migrations apply --local`, drive the routes over HTTP,
//! and read the stored rows back with `wrangler d1 execute --local`.
//!
//! Needs the tools `scripts/setup.sh` installs (scripts/test.sh runs it first).

#[path = "support/wrangler.rs"]
mod wrangler;

#[path = "support/edge.rs"]
mod edge;

#[path = "support/plans.rs"]
mod plans;

use std::process::Command;

use serde_json::{Value, json};
use wrangler::{Http, d1_query, root, start, wrangler_cmd, write_config};

#[test]
fn example_worker_on_local_d1() {
    // 1. Build the Worker for wasm32 with the pinned tools.
    let built = Command::new("bash")
        .arg(root().join("scripts/build-worker.sh"))
        .status()
        .unwrap();
    assert!(built.success(), "worker build failed");

    // 2. Apply the migrations to a fresh local D1.
    let state = tempfile::tempdir().unwrap();
    write_config(state.path());
    let apply = wrangler_cmd(state.path())
        .args(["d1", "migrations", "apply", "DB", "--local", "--persist-to"])
        .arg(state.path())
        .output()
        .unwrap();
    let apply_out = String::from_utf8_lossy(&apply.stdout);
    assert!(
        apply.status.success(),
        "migrations apply failed: {apply_out}{}",
        String::from_utf8_lossy(&apply.stderr)
    );
    let applied = d1_query(state.path(), "SELECT name FROM d1_migrations ORDER BY id");
    let files: Vec<String> = std::fs::read_dir(root().join("migrations"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    assert_eq!(
        applied.len(),
        files.len(),
        "every migration applied: {applied:?}"
    );

    // 3. Serve it and drive the routes.
    let log = state.path().join("wrangler-dev.log");
    let server = start(state.path(), &log);
    let http = Http::new(&server.base);

    let (s, ann) = http.send(
        "POST",
        "/users",
        Some(json!({"email": "ann@example.com", "name": "Ann"})),
    );
    assert_eq!(s, 201, "{ann}");
    assert_eq!(ann["role"], "reader", "SQL default applied");
    assert!(ann["created_at"].is_string(), "default_fn now: {ann}");
    let ann_id = ann["id"].as_i64().unwrap();
    // Mass assignment: request bodies are read into the client input structs, which have
    // no key and no clock columns (users.toml and posts.toml say `client_input = true`).
    for (method, path, body) in [
        (
            "POST",
            "/users".to_owned(),
            json!({"email": "eve@example.com", "name": "Eve", "id": 100}),
        ),
        (
            "POST",
            "/users".to_owned(),
            json!({"email": "eve@example.com", "name": "Eve", "created_at": "2020-01-01T00:00:00Z"}),
        ),
        ("PATCH", format!("/users/{ann_id}"), json!({"id": 7})),
    ] {
        let (s, err) = http.send(method, &path, Some(body));
        assert_eq!(s, 400, "{method} {path}: {err}");
        assert!(
            err["error"].as_str().unwrap().contains("unknown field"),
            "{err}"
        );
    }

    let (s, body) = http.send(
        "POST",
        "/users",
        Some(json!({"email": "ann@example.com", "name": "Ann"})),
    );
    assert_eq!(s, 409, "unique violation: {body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .contains("UNIQUE constraint failed"),
        "{body}"
    );
    let (s, body) = http.send(
        "POST",
        "/users",
        Some(json!({"email": "no-at", "name": "X"})),
    );
    assert_eq!(s, 422, "check violation: {body}");

    let (s, got) = http.send("GET", &format!("/users/{ann_id}"), None);
    assert_eq!((s, &got), (200, &ann));
    let (s, _) = http.send("GET", "/users/999999", None);
    assert_eq!(s, 404);

    let meta = json!({"tags": ["intro"], "views": 0});
    let (s, post) = http.send(
        "POST",
        "/posts",
        Some(json!({"author_id": ann_id, "title": "Hello", "slug": "hello", "meta": meta, "published": true, "rating": 4.5})),
    );
    assert_eq!(s, 201, "{post}");
    assert_eq!(post["published"], true, "booleans decode from D1's 0/1");
    assert_eq!(post["status"], "draft");
    assert_eq!(post["meta"], meta);
    assert_eq!(post["rating"], 4.5);
    let post_id = post["id"].as_i64().unwrap();
    let (s, body) = http.send(
        "POST",
        "/posts",
        Some(json!({"author_id": 424242, "title": "x", "slug": "x"})),
    );
    assert_eq!(s, 422, "foreign key violation: {body}");
    // D1 says only `FOREIGN KEY constraint failed`; the message names the reference.
    assert!(
        body["error"].as_str().is_some_and(|m| m.contains(
            "FOREIGN KEY constraint failed: posts.author_id: no `users` row has id = 424242"
        )),
        "{body}"
    );

    let (s, list) = http.send("GET", &format!("/posts?author_id={ann_id}"), None);
    assert_eq!(s, 200);
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");

    let (s, patched) = http.send(
        "PATCH",
        &format!("/posts/{post_id}"),
        Some(json!({"title": "Hello again", "body": "text", "status": "published"})),
    );
    assert_eq!(s, 200, "{patched}");
    assert_eq!(patched["title"], "Hello again");
    assert_eq!(patched["status"], "published");
    let (s, cleared) = http.send(
        "PATCH",
        &format!("/posts/{post_id}"),
        Some(json!({"body": null})),
    );
    assert_eq!(s, 200);
    assert_eq!(cleared["body"], Value::Null, "JSON null sets NULL");
    let (s, u) = http.send(
        "PATCH",
        &format!("/users/{ann_id}"),
        Some(json!({"bio": "hi", "role": "admin"})),
    );
    assert_eq!(
        (s, &u["bio"], &u["role"]),
        (200, &json!("hi"), &json!("admin"))
    );
    let (s, n) = http.send("GET", &format!("/users/{ann_id}/post-count"), None);
    assert_eq!((s, n), (200, json!(1)));

    // 4. The rows as D1 stores them.
    let rows = d1_query(
        state.path(),
        &format!(
            "SELECT published, status, typeof(created_at) AS t, meta, updated_at >= created_at AS ok FROM posts WHERE id = {post_id}"
        ),
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["published"], 1);
    assert_eq!(rows[0]["status"], "published");
    assert_eq!(rows[0]["t"], "integer");
    assert_eq!(
        serde_json::from_str::<Value>(rows[0]["meta"].as_str().unwrap()).unwrap(),
        meta
    );
    assert_eq!(rows[0]["ok"], 1);

    // 5. Relations: the whole tree in one round trip, equal to the N+1 answer.
    let (s, bob) = http.send(
        "POST",
        "/users",
        Some(json!({"email": "bob@example.com", "name": "Bob"})),
    );
    assert_eq!(s, 201, "{bob}");
    for i in 0..3 {
        let (s, p) = http.send(
            "POST",
            "/posts-with-tags",
            Some(json!({"post": {"author_id": ann_id, "title": format!("T{i}"), "slug": format!("t{i}")}, "tags": ["rust", format!("tag{i}")]})),
        );
        assert_eq!(s, 201, "{p}");
        let pid = p["id"].as_i64().unwrap();
        for j in 0..2 {
            let sql = format!(
                "INSERT INTO comments (post_id, author_id, body, created_at) VALUES ({pid}, {}, 'c{j}', {j})",
                bob["id"]
            );
            d1_query(state.path(), &sql);
        }
    }
    let (tree_status, tree, tree_trips) = http.send_with_header(
        "GET",
        &format!("/users/{ann_id}/tree"),
        "x-mizzle-round-trips",
    );
    let (naive_status, naive, naive_trips) = http.send_with_header(
        "GET",
        &format!("/users/{ann_id}/tree-naive"),
        "x-mizzle-round-trips",
    );
    assert_eq!((tree_status, naive_status), (200, 200), "{tree} {naive}");
    assert_eq!(tree, naive, "one-batch tree and N+1 give the same JSON");
    assert_eq!(tree["posts"].as_array().unwrap().len(), 4);
    assert_eq!(tree["posts"][0]["comments"][0]["author"]["name"], "Bob");
    assert_eq!(tree["posts"][0]["tags"].as_array().unwrap().len(), 2);
    assert_eq!(tree_trips, "1", "the tree is one D1 round trip");
    let (s, json_tree, json_trips) = http.send_with_header(
        "GET",
        &format!("/users/{ann_id}/tree-json"),
        "x-mizzle-round-trips",
    );
    assert_eq!((s, json_trips.as_str()), (200, "1"), "{json_tree}");
    assert_eq!(
        json_tree["posts"].as_array().map(Vec::len),
        Some(4),
        "{json_tree}"
    );
    assert_eq!(
        json_tree["posts"][0]["comments"][0]["author"]["name"],
        "Bob"
    );

    // 5b. A tree bigger than D1's 2 MB limit on one value: 300 posts of 10 KB. The batched
    // loader returns it; the single JSON statement (drizzle's shape) cannot.
    let (s, big) = http.send(
        "POST",
        "/users",
        Some(json!({"email": "big@example.com", "name": "Big"})),
    );
    assert_eq!(s, 201, "{big}");
    let big_id = big["id"].as_i64().unwrap();
    d1_query(
        state.path(),
        &format!(
            "INSERT INTO posts (author_id, title, slug, body, created_at, updated_at) \
             SELECT {big_id}, 'big ' || i, 'big-' || i, hex(zeroblob(5000)), i, i FROM \
             (WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 300) SELECT i FROM r)"
        ),
    );
    let (s, big_tree, trips) = http.send_with_header(
        "GET",
        &format!("/users/{big_id}/tree"),
        "x-mizzle-round-trips",
    );
    assert_eq!(
        (s, trips.as_str()),
        (200, "1"),
        "the batched loader handles a 3 MB tree"
    );
    assert_eq!(big_tree["posts"].as_array().map(Vec::len), Some(300));
    let (s, err) = http.send("GET", &format!("/users/{big_id}/tree-json"), None);
    assert_eq!(
        s, 500,
        "the one-statement JSON tree exceeds D1's 2 MB value limit: {err}"
    );
    assert!(
        err.to_string().contains("TOOBIG") || err.to_string().contains("too big"),
        "{err}"
    );
    assert!(
        naive_trips.parse::<usize>().unwrap() > 10,
        "N+1 took {naive_trips}"
    );

    // 6. A failing statement in a batch leaves no partial writes on D1.
    let (s, body) = http.send(
        "POST",
        "/posts-with-tags",
        Some(json!({"post": {"author_id": ann_id, "title": "dup", "slug": "t0"}, "tags": ["only-in-failed-batch"]})),
    );
    assert_eq!(s, 409, "{body}");
    let leftover = d1_query(
        state.path(),
        "SELECT count(*) AS n FROM tags WHERE name = 'only-in-failed-batch'",
    );
    assert_eq!(leftover[0]["n"], 0, "batch rolled back on D1");

    // 6b. A batch whose third statement fails: the first two left nothing.
    let (s, error) = http.send("POST", "/debug/failing-batch", Some(json!({})));
    assert_eq!(s, 200, "{error}");
    assert!(
        error.as_str().unwrap().contains("UNIQUE constraint failed"),
        "{error}"
    );
    let leftover = d1_query(
        state.path(),
        "SELECT count(*) AS n FROM tags WHERE name LIKE 'rollback-%'",
    );
    assert_eq!(leftover[0]["n"], 0, "statements 1 and 2 rolled back on D1");
    // D1 does not say which statement failed; mizzle finds it (by bisection, rolled back).
    assert!(
        error.as_str().unwrap().contains("statement 3 of the batch"),
        "{error}"
    );
    let leftover = d1_query(
        state.path(),
        "SELECT count(*) AS n FROM tags WHERE name LIKE 'rollback-%'",
    );
    assert_eq!(leftover[0]["n"], 0, "the probes rolled back too");

    // 6c. Edge values through the Worker: each round-trips exactly (typeof checked in D1)
    // or is refused before it is sent.
    let mut wrong = Vec::new();
    for case in mizzle_example::api::EDGE_CASES {
        let (s, body) = http.send("POST", &format!("/samples/edge/{case}"), Some(json!({})));
        assert_eq!(s, 200, "{case}: {body}");
        let outcome: mizzle_example::api::EdgeOutcome = serde_json::from_value(body).unwrap();
        if let Some(w) = edge::check(&outcome) {
            wrong.push(w);
        }
    }
    assert!(wrong.is_empty(), "on local D1:\n{}", wrong.join("\n"));

    // 7. 10 000 rows of six columns: one call, one round trip, all present.
    let (s, n, trips) = http.send_with_header(
        "POST",
        "/users/bulk?n=10000&prefix=bulk",
        "x-mizzle-round-trips",
    );
    assert_eq!((s, &n), (201, &json!(10_000)), "{n}");
    assert_eq!(trips, "1");
    let counted = d1_query(
        state.path(),
        "SELECT count(*) AS n FROM users WHERE email LIKE 'bulk%'",
    );
    assert_eq!(counted[0]["n"], 10_000);

    // 7b. D1's limits on every path: 10 000 ids in one `in_list`, a relation load over
    // 5 000 parents, 500 OR terms.
    let (s, report) = http.send("GET", "/limits?n=10000&or=500", None);
    assert_eq!(s, 200, "{report}");
    assert!(report["in_list"].as_i64().unwrap() >= 10_000, "{report}");
    assert_eq!(
        report["updated_by_key_list"], report["in_list"],
        "an update by 10 000 keys: {report}"
    );
    let (s, report) = http.send("GET", "/limits?n=5000&or=500", None);
    assert_eq!(s, 200, "{report}");
    assert_eq!(report["relation_parents"], 5_000, "{report}");
    assert_eq!(report["or_terms"], 500);

    // 7c. Sessions: the bookmark round-trips, and a read continuing from a write's bookmark
    // sees the write.
    let (s, created, bookmark) = http.request(
        "POST",
        "/users",
        Some(json!({"email": "session@example.com", "name": "S"})),
        Some("x-d1-bookmark"),
    );
    assert_eq!(s, 201, "{created}");
    assert!(!bookmark.is_empty(), "a write returns a bookmark");
    let path = format!("/users/{}", created["id"]);
    let (s, read, next) = http.request_with(
        "GET",
        &path,
        None,
        Some("x-d1-bookmark"),
        Some(("x-d1-bookmark", &bookmark)),
    );
    assert_eq!(
        (s, &read["email"]),
        (200, &json!("session@example.com")),
        "read after the write's bookmark"
    );
    assert!(
        !next.is_empty(),
        "the continued session returns a bookmark too"
    );

    // 7c'. A prepared template (a static shared by every request) on D1, twice.
    for _ in 0..2 {
        let (s, u) = http.send("GET", "/users/by-email/session@example.com", None);
        assert_eq!((s, &u["name"]), (200, &json!("S")), "{u}");
    }
    let (s, _) = http.send("GET", "/users/by-email/nobody@example.com", None);
    assert_eq!(s, 404);

    // 7d. A binding the config does not provide: the error names it and the config file.
    let (s, message) = http.send("GET", "/debug/missing-binding", None);
    assert_eq!(s, 200);
    let message = message.as_str().unwrap_or_default().to_owned();
    assert!(
        message.contains("NOT_BOUND") && message.contains("wrangler.jsonc"),
        "{message}"
    );

    // 8. Integers beyond 2^53 are refused on D1, never silently rounded.
    let (s, p) = http.send("GET", "/precision", None);
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["read_as_text"], json!(9_007_199_254_740_993_i64));
    assert!(
        p["read_as_number"].as_str().unwrap().contains("2^53"),
        "{p}"
    );
    assert!(p["bind"].as_str().unwrap().contains("2^53"), "{p}");

    // 8a. Queries across tables, over HTTP on D1: a left join, a projection, a grouped
    // aggregate, a filter through a relation, an increment, and a post linked to its tags
    // by its new id in one batch (rolled back whole when a link fails).
    let mut qids = Vec::new();
    for (email, name) in [
        ("q-ann@x.io", "QAnn"),
        ("q-bob@x.io", "QBob"),
        ("q-cid@x.io", "QCid"),
    ] {
        let (s, u) = http.send(
            "POST",
            "/users",
            Some(json!({ "email": email, "name": name })),
        );
        assert_eq!(s, 201, "{u}");
        qids.push(u["id"].as_i64().unwrap());
    }
    let mut qposts = Vec::new();
    for (author, slug, published) in [
        (qids[0], "q-a1", true),
        (qids[0], "q-a2", false),
        (qids[1], "q-b1", false),
    ] {
        let (s, p) = http.send(
            "POST",
            "/posts",
            Some(
                json!({ "author_id": author, "title": slug, "slug": slug, "published": published }),
            ),
        );
        assert_eq!(s, 201, "{p}");
        qposts.push(p["id"].as_i64().unwrap());
    }
    let (s, rows) = http.send("GET", "/queries/users-with-posts?prefix=q-", None);
    assert_eq!(s, 200, "{rows}");
    let shape: Vec<(String, Value)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["user"]["name"].as_str().unwrap().to_owned(),
                r["post"]["slug"].clone(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        [
            ("QAnn".to_owned(), json!("q-a1")),
            ("QAnn".to_owned(), json!("q-a2")),
            ("QBob".to_owned(), json!("q-b1")),
            ("QCid".to_owned(), Value::Null),
        ],
        "left join on D1: {rows}"
    );
    let (s, titles) = http.send("GET", &format!("/queries/post-titles/{}", qids[0]), None);
    assert_eq!(s, 200, "{titles}");
    assert_eq!(titles, json!([[qposts[0], "q-a1"], [qposts[1], "q-a2"]]));
    for expected in 1..=3 {
        let (s, n) = http.send(
            "POST",
            &format!("/posts/{}/view", qposts[0]),
            Some(json!({})),
        );
        assert_eq!((s, n), (200, json!(expected)), "views = views + 1 on D1");
    }
    let (s, stats) = http.send("GET", "/queries/author-stats?prefix=q-", None);
    assert_eq!(s, 200, "{stats}");
    assert_eq!(
        stats,
        json!([["QAnn", 2, 1, 3], ["QBob", 1, 0, 0], ["QCid", 0, 0, null]]),
        "grouped aggregate on D1"
    );
    let (s, with) = http.send("GET", "/queries/with-published?prefix=q-", None);
    assert_eq!(
        (s, &with),
        (200, &json!(["q-ann@x.io"])),
        "EXISTS through a relation on D1"
    );
    let (s, tags) = http.send(
        "POST",
        "/posts-with-tags",
        Some(json!({ "post": { "author_id": qids[2], "title": "T", "slug": "q-tags" }, "tags": ["q-x", "q-y"] })),
    );
    assert_eq!(s, 201, "{tags}");
    let tag_ids: Vec<i64> = d1_query(
        state.path(),
        "SELECT id FROM tags WHERE name IN ('q-x', 'q-y') ORDER BY id",
    )
    .iter()
    .map(|r| r["id"].as_i64().unwrap())
    .collect();
    let (s, post) = http.send(
        "POST",
        "/posts-with-tag-ids",
        Some(json!({ "post": { "author_id": qids[2], "title": "Linked", "slug": "q-linked" }, "tag_ids": tag_ids })),
    );
    assert_eq!(s, 201, "{post}");
    let links = d1_query(
        state.path(),
        &format!(
            "SELECT count(*) AS n FROM post_tags WHERE post_id = {}",
            post["id"]
        ),
    );
    assert_eq!(
        links[0]["n"],
        json!(2),
        "links name the new post's id on D1"
    );
    let (s, err) = http.send(
        "POST",
        "/posts-with-tag-ids",
        Some(json!({ "post": { "author_id": qids[2], "title": "Doomed", "slug": "q-doomed" }, "tag_ids": [tag_ids[0], 999_999] })),
    );
    assert_eq!(s, 422, "{err}");
    // In a batch too (the post it inserted first, rolled back, is not what it blames).
    assert!(
        err["error"].as_str().is_some_and(|m| m
            .contains("FOREIGN KEY constraint failed: post_tags.tag_id: no `tags` row has id = 999999 (row 2 of 2)")),
        "{err}"
    );
    let doomed = d1_query(
        state.path(),
        "SELECT count(*) AS n FROM posts WHERE slug = 'q-doomed'",
    );
    assert_eq!(
        doomed[0]["n"],
        json!(0),
        "the parent rolled back with its failing link on D1"
    );

    // 8b. Load: 8 concurrent clients × 1,000 writes, each fourth followed by a read of what
    // it wrote, over loopback. No 5xx; afterwards every acknowledged write is in D1.
    let (acked, latencies, secs) = load(&server.base, 8, 1000);
    let in_db = d1_query(
        state.path(),
        "SELECT count(*) AS n FROM users WHERE email LIKE 'load-%'",
    );
    assert_eq!(
        in_db[0]["n"],
        json!(acked.len()),
        "every acknowledged write is in D1"
    );
    let ids = d1_query(
        state.path(),
        "SELECT id FROM users WHERE email LIKE 'load-%' ORDER BY id",
    );
    let stored: std::collections::BTreeSet<i64> =
        ids.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert!(
        acked.iter().all(|id| stored.contains(id)),
        "an acknowledged id is missing"
    );
    assert_eq!(acked.len(), 8000);
    let p = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    println!(
        "load on local D1: 8 clients x 1000 writes (+250 reads each) in {secs:.1} s: {:.0} writes/s, write latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        8000.0 / secs,
        p(0.5),
        p(0.99),
        latencies[latencies.len() - 1]
    );

    // 8d. Cost: the rows each statement shape reads and writes as D1 reports them (every
    // response carries them in headers), and SQLite's estimate of the same statements on a
    // copy of the same database.
    let (s, _, read) = http.request("GET", "/users?limit=1", None, Some("x-d1-rows-read"));
    assert_eq!(s, 200);
    assert!(read.parse::<u64>().is_ok(), "x-d1-rows-read: {read:?}");
    let users_n = d1_query(state.path(), "SELECT count(*) AS n FROM users")[0]["n"]
        .as_u64()
        .unwrap();
    let cases = [
        "get_by_key",
        "list_indexed",
        "list_scan",
        "join",
        "tree",
        "insert",
    ];
    let mut on_d1 = Vec::new();
    for case in cases {
        let (s, cost) = http.send("GET", &format!("/debug/cost/{case}?user={ann_id}"), None);
        assert_eq!(s, 200, "{case}: {cost}");
        on_d1.push(serde_json::from_value::<mizzle_example::api::Cost>(cost).unwrap());
    }
    let native = native_costs(state.path(), ann_id, &cases);
    println!("cost (rows read / written), {users_n} users: case | D1 | native estimate");
    for ((case, d1), n) in cases.iter().zip(&on_d1).zip(&native) {
        println!(
            "  {case} | {} / {} | {} / {}",
            d1.rows_read, d1.rows_written, n.rows_read, n.rows_written
        );
    }
    check_costs(&cases, &on_d1, &native, users_n);

    // 10. Durable Objects: notebooks, each a SQLite-backed object with its own database,
    // queried with the same generated types; each migrated itself on first touch.
    let migration_names: Vec<&str> = mizzle_example::schema::MIGRATIONS
        .iter()
        .map(|(n, _)| *n)
        .collect();
    for (name, titles) in [("alpha", &["a1", "a2"][..]), ("beta", &["b1"][..])] {
        for t in titles {
            let (s, note) = http.send(
                "POST",
                &format!("/notebooks/{name}/notes"),
                Some(json!({ "title": t, "body": format!("in {name}") })),
            );
            assert_eq!(s, 200, "{note}");
            assert_eq!(note["title"], *t);
            assert_eq!(
                note["pinned"], false,
                "default applied in the object: {note}"
            );
        }
    }
    let titles = wrangler::notebook_titles;
    assert_eq!(titles(&http, "alpha"), ["a1", "a2"], "isolation");
    assert_eq!(titles(&http, "beta"), ["b1"], "isolation");
    assert!(
        titles(&http, "gamma").is_empty(),
        "a new object starts empty"
    );
    let (_, info) = http.send("GET", "/notebooks/gamma/info", None);
    assert_eq!(info["migrations"], json!(migration_names), "{info}");
    // The object counts what each request read and wrote (its cursors' rowsRead and
    // rowsWritten), in headers the Worker passes on.
    let (s, _, written) = http.request(
        "POST",
        "/notebooks/epsilon/notes",
        Some(json!({ "title": "e1" })),
        Some("x-do-rows-written"),
    );
    assert_eq!(s, 200);
    assert!(
        written.parse::<u64>().is_ok_and(|n| n >= 1),
        "an insert writes its row: x-do-rows-written {written:?}"
    );
    let (s, _, read) = http.request(
        "GET",
        "/notebooks/epsilon/notes",
        None,
        Some("x-do-rows-read"),
    );
    assert_eq!(s, 200);
    assert!(
        read.parse::<u64>().is_ok_and(|n| n >= 1),
        "a list reads its row: x-do-rows-read {read:?}"
    );
    // Seed data inside an object: the runtime's generator on the object's SQLite (its CHECK
    // probes and its one batch included), the rows of `mizzle seed --seed 1 --rows 10`.
    let (s, seeded) = http.send("POST", "/notebooks/seeded/seed", Some(json!({})));
    assert_eq!(s, 200, "{seeded}");
    assert_eq!(seeded.as_array().map(Vec::len), Some(7), "{seeded}");
    assert!(
        seeded.as_array().unwrap().iter().all(|t| t[1] == 10),
        "{seeded}"
    );
    assert_eq!(titles(&http, "seeded").len(), 10);
    let (s, again) = http.send("POST", "/notebooks/seeded/seed", Some(json!({})));
    assert!(
        s >= 400 && again.to_string().contains("already have rows"),
        "a seeded notebook refuses a second seed: {s} {again}"
    );
    // Eight requests touch a new object at once: it migrates once, and all of them land.
    let base = server.base.clone();
    let writers: Vec<_> = (0..8)
        .map(|i| {
            let http = Http::new(&base);
            std::thread::spawn(move || {
                http.send(
                    "POST",
                    "/notebooks/delta/notes",
                    Some(json!({ "title": format!("d{i}") })),
                )
            })
        })
        .collect();
    for w in writers {
        let (s, body) = w.join().unwrap();
        assert_eq!(s, 200, "{body}");
    }
    assert_eq!(titles(&http, "delta").len(), 8);
    let (_, info) = http.send("GET", "/notebooks/delta/info", None);
    assert_eq!(
        info["migrations"],
        json!(migration_names),
        "each file once: {info}"
    );
    // An atomic batch inside an object: the failing second statement leaves nothing.
    let (s, failed) = http.send(
        "POST",
        "/notebooks/alpha/notes/failing-batch",
        Some(json!({})),
    );
    assert_eq!(s, 200, "{failed}");
    assert_eq!(failed["statement"], 1, "{failed}");
    assert!(
        failed["error"]
            .as_str()
            .unwrap()
            .contains("CHECK constraint"),
        "{failed}"
    );
    assert_eq!(
        titles(&http, "alpha"),
        ["a1", "a2"],
        "the batch rolled back"
    );
    // A relation tree loaded inside an object (one batch, one transactionSync).
    let (s, tree) = http.send("POST", "/notebooks/alpha/tree", Some(json!({})));
    assert_eq!(s, 200, "{tree}");
    assert_eq!(tree["posts"][0]["title"], "In an object", "{tree}");
    let bodies: Vec<&str> = tree["posts"][0]["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["first", "second"], "{tree}");
    // Integers and booleans are INTEGER whatever the column's affinity.
    let (s, cells) = http.send("POST", "/notebooks/alpha/affinity", Some(json!({})));
    assert_eq!(s, 200, "{cells}");
    assert_eq!(
        cells,
        json!(["integer", 42, "text", "42", "integer", 1]),
        "no 42.0, no \"true\""
    );
    // Every edge value round-trips exactly in an object, or is refused (typeof checked).
    let mut wrong = Vec::new();
    for case in mizzle_example::api::EDGE_CASES {
        let (s, body) = http.send(
            "POST",
            &format!("/notebooks/edge-probe/samples/edge/{case}"),
            Some(json!({})),
        );
        assert_eq!(s, 200, "{case}: {body}");
        let outcome: mizzle_example::api::EdgeOutcome = serde_json::from_value(body).unwrap();
        if let Some(w) = edge::check(&outcome) {
            wrong.push(w);
        }
    }
    assert!(
        wrong.is_empty(),
        "in a Durable Object:\n{}",
        wrong.join("\n")
    );
    // The objects' data survives a restart of the dev server.
    drop(server);
    let server = start(state.path(), &log);
    let http = Http::new(&server.base);
    assert_eq!(titles(&http, "alpha"), ["a1", "a2"], "after a restart");
    assert_eq!(titles(&http, "beta"), ["b1"], "after a restart");
    // A later deploy with another migration: each object applies it on its next touch,
    // once, keeping its rows; objects not touched stay as they were.
    let v2 = json!([[
        "9001_add_notes_mood",
        "ALTER TABLE \"notes\" ADD COLUMN \"mood\" TEXT;\nUPDATE \"notes\" SET \"mood\" = 'kept';"
    ]]);
    for name in ["alpha", "beta"] {
        let (s, applied) = http.send(
            "POST",
            &format!("/notebooks/{name}/migrate"),
            Some(v2.clone()),
        );
        assert_eq!(
            (s, applied.clone()),
            (200, json!(["9001_add_notes_mood"])),
            "{name}"
        );
        let (s, again) = http.send(
            "POST",
            &format!("/notebooks/{name}/migrate"),
            Some(v2.clone()),
        );
        assert_eq!((s, again), (200, json!([])), "{name}: applied once");
    }
    assert_eq!(
        titles(&http, "alpha"),
        ["a1", "a2"],
        "rows kept by the migration"
    );
    let (_, info) = http.send("GET", "/notebooks/beta/info", None);
    assert_eq!(info["notes"], 1, "{info}");
    assert_eq!(
        info["migrations"].as_array().unwrap().last().unwrap(),
        "9001_add_notes_mood"
    );
    let (_, info) = http.send("GET", "/notebooks/gamma/info", None);
    assert_eq!(
        info["migrations"],
        json!(migration_names),
        "gamma not touched by v2"
    );
    // A deploy whose code lacks a migration the object applied (9001, shipped, then
    // rewritten or removed): refused by name, nothing applied.
    let (s, err) = http.send("POST", "/notebooks/alpha/migrate", Some(json!([])));
    assert_eq!(s, 500, "{err}");
    assert!(
        err["error"]
            .as_str()
            .unwrap()
            .contains("applied migration(s) the code no longer has: 9001_add_notes_mood"),
        "{err}"
    );
    // A migration that fails leaves the object as it was.
    let bad = json!([
        v2[0],
        [
            "9002_broken",
            "ALTER TABLE \"notes\" ADD COLUMN \"x\" TEXT;\nINSERT INTO nowhere VALUES (1);"
        ]
    ]);
    let (s, err) = http.send("POST", "/notebooks/alpha/migrate", Some(bad));
    assert_eq!(s, 500, "{err}");
    assert!(
        err["error"]
            .as_str()
            .unwrap()
            .contains("9002_broken failed at statement 2 of 2"),
        "{err}"
    );
    let (_, info) = http.send("GET", "/notebooks/alpha/info", None);
    assert_eq!(
        info["migrations"].as_array().unwrap().len(),
        migration_names.len() + 1
    );

    // An upsert by email renames the existing row (DO UPDATE with a patch), then back.
    // Late in the test: an upsert spends an AUTOINCREMENT id even when it updates, and
    // step 7b counts the ids from 1.
    for name in ["Ann B", "Ann"] {
        let (s, up) = http.send(
            "PUT",
            "/users",
            Some(json!({"email": "ann@example.com", "name": name})),
        );
        assert_eq!(s, 200, "{up}");
        assert_eq!(
            (up["id"].as_i64(), up["name"].as_str()),
            (Some(ann_id), Some(name))
        );
    }

    // 8c. A database behind the code (a migration the code was built with, not applied):
    // every kind of statement answers 503 naming the cause, never a column's name read as
    // its value. `users.bio` and `posts.meta` are dropped by hand, then put back.
    for sql in [
        "ALTER TABLE users DROP COLUMN bio",
        "ALTER TABLE posts DROP COLUMN meta",
    ] {
        d1_query(state.path(), sql);
    }
    let user = format!("/users/{ann_id}");
    let behind = [
        ("GET", "/users".to_owned(), None),
        ("GET", user.clone(), None),
        (
            "POST",
            "/users".to_owned(),
            Some(json!({"email": "behind@example.com", "name": "Behind"})),
        ),
        (
            "PUT",
            "/users".to_owned(),
            Some(json!({"email": "ann@example.com", "name": "Ann"})),
        ),
        ("PATCH", user.clone(), Some(json!({"name": "Ann"}))),
        ("DELETE", "/users/999999".to_owned(), None),
        ("GET", format!("{user}/tree"), None),
        ("GET", "/posts".to_owned(), None),
        ("GET", "/queries/users-with-posts?prefix=a".to_owned(), None),
        (
            "POST",
            "/posts".to_owned(),
            Some(json!({"author_id": ann_id, "title": "Behind", "slug": "behind"})),
        ),
    ];
    for (method, path, body) in behind {
        let (s, err) = http.send(method, &path, body);
        let text = err["error"].as_str().unwrap_or_default();
        assert!(
            s == 503 && text.contains("behind the code") && text.contains("mizzle migrate"),
            "{method} {path} on a database behind the code: {s} {err}"
        );
    }
    // A statement that reads nothing missing still works.
    let (s, n) = http.send("GET", &format!("{user}/post-count"), None);
    assert_eq!(s, 200, "{n}");
    // The same on a Durable Object: its own SQLite, one migration "behind" by hand.
    let (s, _) = http.send("GET", "/notebooks/behind/notes", None);
    assert_eq!(s, 200);
    let (s, out) = http.send(
        "POST",
        "/notebooks/behind/debug/sql",
        Some(json!([
            "ALTER TABLE notes DROP COLUMN body",
            "ALTER TABLE users DROP COLUMN bio"
        ])),
    );
    assert_eq!(s, 200, "{out}");
    for (method, path, body) in [
        ("GET", "/notebooks/behind/notes", None),
        (
            "POST",
            "/notebooks/behind/notes",
            Some(json!({"title": "t"})),
        ),
        ("POST", "/notebooks/behind/tree", Some(json!({}))),
    ] {
        let (s, err) = http.send(method, path, body);
        let text = err["error"].as_str().unwrap_or_default();
        assert!(
            s == 503 && text.contains("behind the code"),
            "{method} {path} on a Durable Object behind the code: {s} {err}"
        );
    }
    let (s, info) = http.send("GET", "/notebooks/behind/info", None);
    assert_eq!((s, &info["notes"]), (200, &json!(0)), "{info}");

    // The ledger check names what the database lacks.
    let last = files
        .iter()
        .max()
        .unwrap()
        .trim_end_matches(".sql")
        .to_owned();
    let last_file = files.iter().max().unwrap().clone();
    d1_query(
        state.path(),
        &format!("DELETE FROM d1_migrations WHERE name = '{last_file}'"),
    );
    let (s, err) = http.send("GET", "/debug/verify-migrations", None);
    assert_eq!(s, 503, "{err}");
    assert!(
        err["error"].as_str().unwrap().contains(&last),
        "names the missing migration: {err}"
    );
    d1_query(
        state.path(),
        &format!("INSERT INTO d1_migrations (name) VALUES ('{last_file}')"),
    );
    for sql in [
        "ALTER TABLE users ADD COLUMN bio TEXT",
        "ALTER TABLE posts ADD COLUMN meta TEXT",
    ] {
        d1_query(state.path(), sql);
    }
    let (s, n) = http.send("GET", "/debug/verify-migrations", None);
    assert_eq!((s, n), (200, json!(files.len())));
    let (s, got) = http.send("GET", &user, None);
    assert_eq!(s, 200, "{got}");

    // 8f. `views = views + 1` past 2^53 − 1: refused by the database (400), nothing stored,
    // the row still reads; on D1 and in a Durable Object.
    let (s, counted) = http.send(
        "POST",
        "/posts",
        Some(json!({"author_id": ann_id, "title": "Counted", "slug": "counted"})),
    );
    assert_eq!(s, 201, "{counted}");
    let counted_id = counted["id"].as_i64().unwrap();
    d1_query(
        state.path(),
        &format!("UPDATE posts SET views = 9007199254740990 WHERE id = {counted_id}"),
    );
    let view = format!("/posts/{counted_id}/view");
    let (s, v) = http.send("POST", &view, Some(json!({})));
    assert_eq!((s, v), (200, json!(9007199254740991_i64)));
    let (s, err) = http.send("POST", &view, Some(json!({})));
    assert_eq!(s, 400, "{err}");
    assert!(
        err["error"]
            .as_str()
            .unwrap()
            .contains("beyond ±(2^53 − 1)"),
        "{err}"
    );
    let (s, p) = http.send("GET", &format!("/posts/{counted_id}"), None);
    assert_eq!((s, &p["views"]), (200, &json!(9007199254740991_i64)), "{p}");
    let (s, out) = http.send("POST", "/notebooks/counter/views-overflow", Some(json!({})));
    assert_eq!(s, 200, "{out}");
    assert_eq!(out["first"], json!(9007199254740991_i64), "{out}");
    assert_eq!(out["second"][0], 400, "{out}");
    assert!(
        out["second"][1]
            .as_str()
            .unwrap()
            .contains("beyond ±(2^53 − 1)"),
        "{out}"
    );
    assert_eq!(out["read_back"], json!(9007199254740991_i64), "{out}");

    // 8e. A relation level whose order, filter and root filter each bind a value: every
    // value reaches its placeholder (with a limit, the order stands first, in the window).
    let (s, sf) = http.send(
        "POST",
        "/users",
        Some(json!({"email": "slug-first@example.com", "name": "SlugFirst"})),
    );
    assert_eq!(s, 201, "{sf}");
    for i in 0..3 {
        let (s, p) = http.send(
            "POST",
            "/posts",
            Some(json!({"author_id": sf["id"], "title": format!("sf {i}"), "slug": format!("sf{i}")})),
        );
        assert_eq!(s, 201, "{p}");
    }
    for (query, want) in [
        ("skip_title=sf%201&first=sf2&limit=2", json!(["sf2", "sf0"])),
        ("skip_title=sf%200&first=sf1", json!(["sf1", "sf2"])),
    ] {
        let (s, got) = http.send(
            "GET",
            &format!("/queries/posts-slug-first?skip_email=nobody%40x.io&{query}"),
            None,
        );
        assert_eq!(s, 200, "{got}");
        let mine = got
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u[0] == "SlugFirst")
            .unwrap_or_else(|| panic!("{got}"));
        assert_eq!(mine[1], want, "{query}: {got}");
    }
    d1_query(
        state.path(),
        "DELETE FROM users WHERE email = 'slug-first@example.com'",
    );

    // 8d. Dependent inserts on D1: a sample of the random plans tests/dependent_batches.rs
    // checks on SQLite (users → posts → comments, depth first and breadth first): each is
    // refused before sending, or every child row names the row it must.
    let mut seed: u64 = 0x5eed;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    for case in 0..8 {
        let tree = plans::tree(1 + case % 3, &mut next);
        let mut dfs = Vec::new();
        plans::depth_first(&tree, &mut dfs);
        for (order, plan, must_accept) in [
            ("dfs", dfs, true),
            ("bfs", plans::breadth_first(&tree), false),
        ] {
            let prefix = format!("plan{case}{order}");
            let (s, outcome) = http.send(
                "POST",
                &format!("/debug/dependent-batch?prefix={prefix}"),
                Some(serde_json::to_value(&plan).unwrap()),
            );
            assert_eq!(s, 200, "{plan:?}: {outcome}");
            let outcome: mizzle_example::api::PlanOutcome =
                serde_json::from_value(outcome).unwrap();
            let counted = d1_query(
                state.path(),
                &format!(
                    "SELECT (SELECT count(*) FROM users WHERE name LIKE '{prefix}-%') + \
                     (SELECT count(*) FROM posts WHERE title LIKE '{prefix}-%') + \
                     (SELECT count(*) FROM comments WHERE body LIKE '{prefix}-%') AS n"
                ),
            );
            let written = counted[0]["n"].as_u64().unwrap() as usize;
            plans::check(&prefix, &plan, &outcome, written, must_accept);
        }
    }
    d1_query(state.path(), "DELETE FROM users WHERE name LIKE 'plan%'");

    // 9. Delete cascades to the user's posts.
    d1_query(
        state.path(),
        "DELETE FROM users WHERE email LIKE 'bulk%' OR email LIKE 'load-%' OR email LIKE 'q-%' OR email IN ('bob@example.com', 'session@example.com', 'big@example.com')",
    );
    let (s, deleted) = http.send("DELETE", &format!("/users/{ann_id}"), None);
    assert_eq!(s, 200);
    assert_eq!(deleted["id"], ann_id);
    let (s, _) = http.send("DELETE", &format!("/users/{ann_id}"), None);
    assert_eq!(s, 404);
    drop(server);
    let left = d1_query(
        state.path(),
        "SELECT (SELECT count(*) FROM users) AS u, (SELECT count(*) FROM posts) AS p",
    );
    assert_eq!(
        (&left[0]["u"], &left[0]["p"]),
        (&json!(0), &json!(0)),
        "ON DELETE CASCADE on D1"
    );
}

/// Runs `clients` threads of `writes` user inserts each (every fourth followed by a read of
/// the row). Returns the acknowledged ids, the sorted write latencies in ms, and the wall
/// time. Panics on any status other than 201/200.
fn load(base: &str, clients: usize, writes: usize) -> (Vec<i64>, Vec<f64>, f64) {
    let start = std::time::Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let base = base.to_owned();
            std::thread::spawn(move || {
                let http = Http::new(&base);
                let mut ids = Vec::with_capacity(writes);
                let mut lat = Vec::with_capacity(writes);
                for i in 0..writes {
                    let t = std::time::Instant::now();
                    let (s, u) = http.send(
                        "POST",
                        "/users",
                        Some(json!({ "email": format!("load-{c}-{i}@x.io"), "name": "Load" })),
                    );
                    lat.push(t.elapsed().as_secs_f64() * 1000.0);
                    assert_eq!(s, 201, "client {c} write {i}: {u}");
                    let id = u["id"].as_i64().unwrap();
                    ids.push(id);
                    if i % 4 == 0 {
                        let (s, r) = http.send("GET", &format!("/users/{id}"), None);
                        assert_eq!(s, 200, "client {c} read {i}: {r}");
                    }
                }
                (ids, lat)
            })
        })
        .collect();
    let mut ids = Vec::new();
    let mut lat = Vec::new();
    for h in handles {
        let (i, l) = h.join().expect("load client");
        ids.extend(i);
        lat.extend(l);
    }
    lat.sort_by(f64::total_cmp);
    (ids, lat, start.elapsed().as_secs_f64())
}

/// The cost cases of `api::cost` natively, on a copy of the local D1 database (its SQLite
/// file and WAL), so both run the same statements over the same rows.
fn native_costs(
    state: &std::path::Path,
    user: i64,
    cases: &[&str],
) -> Vec<mizzle_example::api::Cost> {
    fn find(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                find(&p, out);
            } else if p.extension().is_some_and(|x| x == "sqlite")
                && p.to_string_lossy().contains("D1DatabaseObject")
                && !p.ends_with("metadata.sqlite")
            {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    find(state, &mut files);
    assert_eq!(files.len(), 1, "one local D1 database: {files:?}");
    let copy = tempfile::tempdir().unwrap();
    let db_file = copy.path().join("d1.sqlite");
    std::fs::copy(&files[0], &db_file).unwrap();
    for ext in ["sqlite-wal", "sqlite-shm"] {
        let side = files[0].with_extension(ext);
        if side.is_file() {
            std::fs::copy(&side, db_file.with_extension(ext)).unwrap();
        }
    }
    let exec =
        mizzle::sqlite::SqliteExecutor::new(rusqlite::Connection::open(&db_file).unwrap()).unwrap();
    let db = mizzle::Db::new(exec).track_usage();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    cases
        .iter()
        .map(|case| {
            rt.block_on(mizzle_example::api::cost(&db, case, user, "cost-native"))
                .unwrap()
                .unwrap()
        })
        .collect()
}

/// What the figures must say: a scan reads every row, a lookup a handful, an insert writes
/// its row and index entries; and SQLite's estimate is near D1's (docs/cost.md).
fn check_costs(
    cases: &[&str],
    d1: &[mizzle_example::api::Cost],
    native: &[mizzle_example::api::Cost],
    users: u64,
) {
    let at = |case: &str| cases.iter().position(|c| *c == case).unwrap();
    for figures in [d1, native] {
        assert!(figures[at("list_scan")].rows_read >= users, "{figures:?}");
        assert!(figures[at("get_by_key")].rows_read <= 3, "{figures:?}");
        assert!(
            figures[at("list_indexed")].rows_read < users / 10,
            "{figures:?}"
        );
        assert!(figures[at("insert")].rows_written >= 1, "{figures:?}");
    }
    // Reads by one statement agree (within 1 %, at least 2 rows); a relation tree's index
    // steps and a write's index entries are D1's alone (docs/cost.md).
    for case in ["get_by_key", "list_indexed", "list_scan", "join"] {
        let (a, b) = (d1[at(case)].rows_read, native[at(case)].rows_read);
        assert!(
            a.abs_diff(b) <= (a / 100).max(2),
            "{case}: D1 read {a} rows, the native estimate {b}"
        );
    }
    // A write's rows: the row, its index entries and its AUTOINCREMENT sequence row.
    assert_eq!(
        d1[at("insert")].rows_written,
        native[at("insert")].rows_written
    );
}
