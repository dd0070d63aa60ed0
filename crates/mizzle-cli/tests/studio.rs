//! `mizzle studio` over HTTP, on a SQLite file made from the example's migrations and seed
//! rows: who it answers (the token, the Host, the Origin, the CSRF token), and what it shows
//! (row counts, keyset pages without gaps or repeats, typed filters, sorting by indexed
//! columns only, a row's relations, a read-only console with the query plan).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

mod common;
use common::{studio_database as database, workspace};

struct Studio {
    child: Child,
    port: u16,
    token: String,
}

impl Drop for Studio {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(file: &std::path::Path) -> Studio {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mizzle"))
        .args(["studio", "--port", "0", "--sqlite"])
        .arg(file)
        .current_dir(workspace())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = loop {
        let line = lines.next().expect("studio printed its URL").unwrap();
        if let Some(url) = line.strip_prefix("http://127.0.0.1:") {
            break url.to_owned();
        }
    };
    let (port, token) = url.split_once("/?token=").unwrap();
    Studio {
        child,
        port: port.parse().unwrap(),
        token: token.to_owned(),
    }
}

/// A request with exactly these headers; (status, body).
fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out[9..12].parse().unwrap();
    let body = out.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    // Chunked bodies (axum streams JSON that way): take the chunks' text.
    let body = if out
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        let mut text = String::new();
        let mut rest = body;
        while let Some((size, after)) = rest.split_once("\r\n") {
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 {
                break;
            }
            text.push_str(&after[..n]);
            rest = &after[n + 2..];
        }
        text
    } else {
        body.to_owned()
    };
    (status, body)
}

impl Studio {
    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn get(&self, path: &str) -> (u16, serde_json::Value) {
        let host = self.host();
        let (s, b) = request(
            self.port,
            "GET",
            path,
            &[("Host", &host), ("x-studio-token", &self.token)],
            "",
        );
        (
            s,
            serde_json::from_str(&b).unwrap_or(serde_json::Value::String(b)),
        )
    }
}

#[test]
fn studio_refuses_strangers_and_browses_through_the_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let file = database(tmp.path());
    let studio = start(&file);
    let host = studio.host();
    let port = studio.port;

    // Who it answers.
    let (s, _) = request(port, "GET", "/?token=wrong", &[("Host", &host)], "");
    assert_eq!(s, 401, "a wrong token");
    let (s, _) = request(port, "GET", "/api/tables", &[("Host", &host)], "");
    assert_eq!(s, 401, "no token");
    let (s, _) = request(port, "GET", "/api/erd", &[("Host", &host)], "");
    assert_eq!(s, 401, "no token for the diagram either");
    let good = format!("/?token={}", studio.token);
    let (s, page) = request(port, "GET", &good, &[("Host", &host)], "");
    assert_eq!(s, 200);
    assert!(page.contains("mizzle studio"));
    let (s, _) = request(
        port,
        "GET",
        &good,
        &[("Host", &format!("evil.example:{port}"))],
        "",
    );
    assert_eq!(s, 403, "a DNS-rebound Host");
    let (s, _) = request(
        port,
        "GET",
        "/api/tables",
        &[
            ("Host", &host),
            ("x-studio-token", &studio.token),
            ("Origin", "http://evil.example"),
        ],
        "",
    );
    assert_eq!(s, 403, "another site's page");
    let (s, _) = request(
        port,
        "POST",
        "/api/sql",
        &[("Host", &host), ("x-studio-token", &studio.token)],
        "SELECT 1",
    );
    assert_eq!(s, 403, "a POST without the CSRF token");

    // Tables, with row counts and the schema's types.
    let (s, tables) = studio.get("/api/tables");
    assert_eq!(s, 200, "{tables}");
    let users = tables
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "users")
        .unwrap();
    assert_eq!(users["rows"], 120);
    assert!(
        users["sortable"]
            .as_array()
            .unwrap()
            .contains(&"created_at".into())
    );
    let role = users["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "role")
        .unwrap();
    assert_eq!(
        role["values"],
        serde_json::json!(["reader", "author", "admin"])
    );

    // Keyset pages: 50 + 50 + 20, every user once.
    let mut seen = Vec::new();
    let mut after: Option<serde_json::Value> = None;
    loop {
        let path = match &after {
            None => "/api/rows?table=users".to_owned(),
            Some(a) => format!("/api/rows?table=users&after={}", urlencode(&a.to_string())),
        };
        let (s, page) = studio.get(&path);
        assert_eq!(s, 200, "{page}");
        let rows = page["rows"].as_array().unwrap();
        seen.extend(rows.iter().map(|r| r["key"].as_i64().unwrap()));
        if page["more"] != true {
            break;
        }
        after = Some(rows.last().unwrap()["after"].clone());
    }
    assert_eq!(seen, (1..=120).collect::<Vec<i64>>());

    // Sorting: by an indexed column, newest first; not by a column without an index.
    let (s, page) = studio.get("/api/rows?table=users&order=created_at&desc=1");
    assert_eq!(s, 200, "{page}");
    assert_eq!(page["rows"][0]["key"], 120);
    assert_eq!(
        page["rows"][0]["cells"][6]["time"],
        "2023-11-14T22:15:20+00:00"
    );
    let (s, e) = studio.get("/api/rows?table=users&order=name");
    assert_eq!(s, 400);
    assert!(
        e["error"]
            .as_str()
            .unwrap()
            .contains("sort by an indexed column"),
        "{e}"
    );

    // Typed filters, ANDed.
    let (s, page) = studio.get("/api/rows?table=users&f=name:contains:User%2011&f=id:lte:111");
    assert_eq!(s, 200, "{page}");
    assert_eq!(page["matching"], 3, "User 11, 110, 111: {page}");
    let (s, page) = studio.get("/api/rows?table=users&f=created_at:gte:2023-11-14T22:15:00Z");
    assert_eq!(s, 200, "{page}");
    assert_eq!(page["matching"], 21, "{page}");
    let (s, e) = studio.get("/api/rows?table=users&f=id:eq:seven");
    assert_eq!(s, 400);
    assert!(
        e["error"].as_str().unwrap().contains("not an integer"),
        "{e}"
    );

    // A row's relations, both ways.
    let (s, row) = studio.get("/api/row?table=users&key=1");
    assert_eq!(s, 200, "{row}");
    let rel = |name: &str| {
        row["relations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(rel("posts")["count"], 3);
    assert_eq!(rel("comments")["count"], 2);
    let (s, post) = studio.get("/api/row?table=posts&key=1");
    assert_eq!(s, 200, "{post}");
    let author = post["relations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "author")
        .unwrap();
    assert_eq!(
        author["filter"],
        serde_json::json!({"column": "id", "value": 1})
    );

    // A many-to-many link opens the target's rows linked through the join table.
    let tags = post["relations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "tags")
        .unwrap()
        .clone();
    assert_eq!(tags["count"], 2, "{tags}");
    assert_eq!(tags["table"], "tags");
    let f = &tags["filter"];
    assert_eq!(
        (&f["column"], &f["op"]),
        (&"id".into(), &"via".into()),
        "{f}"
    );
    let via = |spec: &str| {
        studio.get(&format!(
            "/api/rows?table=tags&f={}",
            urlencode(&format!("id:via:{spec}"))
        ))
    };
    let (s, page) = via(f["value"].as_str().unwrap());
    assert_eq!(s, 200, "{page}");
    let keys: Vec<_> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].clone())
        .collect();
    assert_eq!(keys, [1, 3], "post 1's tags, not post_tags' rows: {page}");
    assert_eq!(page["rows"][0]["cells"][1], "rust");
    // The other way: tag 2's posts.
    let (_, tag2) = studio.get("/api/row?table=tags&key=2");
    let posts = tag2["relations"][0].clone();
    let (s, page) = studio.get(&format!(
        "/api/rows?table=posts&f={}",
        urlencode(&format!(
            "id:via:{}",
            posts["filter"]["value"].as_str().unwrap()
        ))
    ));
    assert_eq!((s, &page["matching"]), (200, &1.into()), "{page}");
    assert_eq!(page["rows"][0]["key"], 2);
    // Names in a `via` filter must be the schema's join table and columns.
    for bad in [
        r#"{"through":"users","from":"id","to":"id","value":1}"#,
        r#"{"through":"post_tags","from":"post_id","to":"post_id","value":1}"#,
        r#"{"through":"post_tags\"; DROP TABLE tags; --","from":"post_id","to":"tag_id","value":1}"#,
    ] {
        let (s, e) = via(bad);
        assert_eq!(s, 400, "{bad}: {e}");
    }

    // The console reads, with the plan, and cannot write.
    let sql = |text: &str| {
        let (s, b) = request(
            port,
            "POST",
            "/api/sql",
            &[
                ("Host", &host),
                ("x-studio-token", &studio.token),
                ("x-csrf-token", &csrf(&page_html(&studio))),
            ],
            text,
        );
        (s, serde_json::from_str::<serde_json::Value>(&b).unwrap())
    };
    let (s, r) = sql("SELECT id FROM users WHERE email = 'u7@x.io'");
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["rows"], serde_json::json!([[7]]));
    assert!(
        r["plan"][0].as_str().unwrap().contains("SEARCH users"),
        "{r}"
    );
    let (s, r) = sql("DELETE FROM users");
    assert_eq!(s, 400, "{r}");
    assert!(r["error"].as_str().unwrap().contains("readonly"), "{r}");
    let (_, tables) = studio.get("/api/tables");
    let users = tables
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "users")
        .unwrap();
    assert_eq!(users["rows"], 120, "nothing was deleted");

    edits(&studio);
}

/// Edits: typed, checked as the runtime checks values, failures naming their column; a
/// delete says first what its cascades remove, and needs the confirmation.
fn edits(studio: &Studio) {
    let (host, port) = (studio.host(), studio.port);
    let csrf = csrf(&page_html(studio));
    let post = |path: &str, body: serde_json::Value| {
        let (s, b) = request(
            port,
            "POST",
            path,
            &[
                ("Host", &host),
                ("x-studio-token", &studio.token),
                ("x-csrf-token", &csrf),
            ],
            &body.to_string(),
        );
        (
            s,
            serde_json::from_str::<serde_json::Value>(&b).unwrap_or(serde_json::Value::String(b)),
        )
    };
    let set = |column: &str, value: serde_json::Value| {
        post(
            "/api/update",
            serde_json::json!({"table": "users", "key": 2, "column": column, "value": value}),
        )
    };
    let (s, r) = set("name", "Bea".into());
    assert_eq!((s, &r["changed"]), (200, &serde_json::json!(1)), "{r}");
    let (s, r) = set("name", "".into());
    assert_eq!(s, 400, "{r}");
    assert!(
        r["error"]
            .as_str()
            .unwrap()
            .contains("CHECK constraint failed"),
        "{r}"
    );
    let (s, r) = set("email", "u3@x.io".into());
    assert_eq!(
        (s, &r["column"]),
        (400, &serde_json::json!("email")),
        "UNIQUE names its column: {r}"
    );
    let (s, r) = set("role", "owner".into());
    assert_eq!((s, &r["column"]), (400, &serde_json::json!("role")), "{r}");
    let (s, r) = set("bio", "x".repeat(2_000_001).into());
    assert_eq!(s, 400, "over D1's value limit");
    assert!(
        r["error"]
            .as_str()
            .unwrap()
            .contains("over the limit of 2000000 per value"),
        "{r}"
    );
    // A blob: uploaded as base64, downloaded as its bytes, checked against D1's limit.
    use base64::Engine;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let bytes = b"\x00\x01mizzle\x7f";
    let (s, r) = set("avatar", serde_json::json!({ "base64": b64(bytes) }));
    assert_eq!(s, 200, "{r}");
    let (_, row2) = studio.get("/api/row?table=users&key=2");
    let avatar = row2["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c.get("blob").is_some())
        .unwrap()
        .clone();
    assert_eq!(avatar, serde_json::json!({"blob": bytes.len()}));
    let download = "/api/blob?table=users&key=2&column=avatar";
    let (s, body) = request(
        port,
        "GET",
        download,
        &[("Host", &host), ("x-studio-token", &studio.token)],
        "",
    );
    assert_eq!(
        (s, body.as_bytes()),
        (200, &bytes[..]),
        "the bytes come back"
    );
    let (s, _) = request(port, "GET", download, &[("Host", &host)], "");
    assert_eq!(s, 401, "a download needs the token too");
    let (s, r) = set("avatar", serde_json::json!({ "base64": "not base64!" }));
    assert_eq!((s, &r["column"]), (400, &"avatar".into()), "{r}");
    let (s, r) = set("avatar", "plain text".into());
    assert_eq!((s, &r["column"]), (400, &"avatar".into()), "{r}");
    let (s, r) = set(
        "avatar",
        serde_json::json!({ "base64": b64(&vec![7u8; 2_000_001]) }),
    );
    assert_eq!(s, 400, "over D1's value limit: {r}");
    assert!(
        r["error"].as_str().unwrap().contains("2000001 bytes"),
        "{r}"
    );
    let (s, r) = set("bio", serde_json::Value::Null);
    assert_eq!(s, 200, "NULL is a choice: {r}");
    let (s, r) = set("created_at", "2026-12-07T10:00:00Z".into());
    assert_eq!(s, 200, "{r}");
    let (_, row2) = studio.get("/api/row?table=users&key=2");
    assert_eq!(row2["cells"][2], "Bea");
    assert_eq!(row2["cells"][6]["time"], "2026-12-07T10:00:00+00:00");
    let (s, r) = post(
        "/api/update",
        serde_json::json!({"table": "posts", "key": 1, "column": "views", "value": "9007199254740993"}),
    );
    assert_eq!(s, 400, "an integer D1 would round: {r}");
    let (s, r) = post(
        "/api/insert",
        serde_json::json!({"table": "users", "values": {"email": "new@x.io", "name": "New"}}),
    );
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["key"], 121);
    let (s, r) = post(
        "/api/insert",
        serde_json::json!({"table": "posts", "values": {"author_id": "999", "title": "t", "slug": "s"}}),
    );
    assert_eq!(s, 400, "a missing parent: {r}");
    assert!(r["error"].as_str().unwrap().contains("FOREIGN KEY"), "{r}");

    let (s, r) = post(
        "/api/delete",
        serde_json::json!({"table": "users", "key": 1}),
    );
    assert_eq!(s, 200, "{r}");
    assert_eq!(
        r["cascades"],
        serde_json::json!([
            {"table": "posts", "rows": 3, "through": "author_id"},
            {"table": "comments", "rows": 2, "through": "post_id"},
            {"table": "post_tags", "rows": 3, "through": "post_id"}
        ]),
        "{r}"
    );
    let (_, row1) = studio.get("/api/row?table=users&key=1");
    assert!(row1["cells"].is_array(), "the preview deleted nothing");
    let (s, r) = post(
        "/api/delete",
        serde_json::json!({"table": "users", "key": 1, "confirm": true}),
    );
    assert_eq!((s, &r["deleted"]), (200, &serde_json::json!(1)), "{r}");
    let (_, tables) = studio.get("/api/tables");
    let count = |name: &str| {
        tables
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap()["rows"]
            .clone()
    };
    assert_eq!(
        (count("users"), count("posts"), count("comments")),
        (120.into(), 0.into(), 0.into())
    );
}

fn page_html(studio: &Studio) -> String {
    let host = studio.host();
    request(
        studio.port,
        "GET",
        &format!("/?token={}", studio.token),
        &[("Host", &host)],
        "",
    )
    .1
}

/// The CSRF token the page carries.
fn csrf(html: &str) -> String {
    let at = html.find("CSRF = \"").unwrap() + 8;
    html[at..at + 48].to_owned()
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn chromium() -> std::path::PathBuf {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .map(std::path::PathBuf::from)
        .find(|p| p.exists())
        .expect("Chromium is not installed: scripts/test.sh installs Debian's `chromium`")
}

/// Chromium (headless) on `url`: the DOM once the page's scripts ran, and a screenshot.
fn render(url: &str, profile: &std::path::Path, shot: &std::path::Path) -> String {
    let common = |c: &mut Command| {
        c.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,800",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .stderr(Stdio::null());
    };
    let mut dom = Command::new(chromium());
    common(&mut dom);
    let out = dom.arg("--dump-dom").arg(url).output().unwrap();
    let mut shoot = Command::new(chromium());
    common(&mut shoot);
    let status = shoot
        .arg(format!("--screenshot={}", shot.display()))
        .arg(url)
        .status()
        .unwrap();
    assert!(status.success() && shot.is_file(), "no screenshot of {url}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The page in a real browser (Debian's headless Chromium): the table list with counts, a
/// table's rows, a row's relations, a table's schema. Screenshots of each go to
/// target/studio/ (and, with MIZZLE_BLESS=1, to docs/studio/, which the README shows).
#[test]
fn studio_pages_render_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let file = database(tmp.path());
    let studio = start(&file);
    let shots = workspace().join("target/studio");
    std::fs::create_dir_all(&shots).unwrap();
    let base = format!("http://127.0.0.1:{}/?token={}", studio.port, studio.token);
    let pages = [
        ("rows", "#users", vec!["User 50", ">120<", "sortable"]),
        (
            "row",
            "#users/row/1",
            vec!["Relations", "posts (3)", "comments (2)"],
        ),
        (
            "schema",
            "#posts/schema",
            vec!["Indexes", "posts_author_idx", "draft, published"],
        ),
        (
            "erd",
            "#erd",
            vec!["data-table=\"post_tags\"", "Click a table"],
        ),
    ];
    for (name, hash, wants) in pages {
        let shot = shots.join(format!("{name}.png"));
        let dom = render(&format!("{base}{hash}"), &tmp.path().join(name), &shot);
        for want in wants {
            assert!(dom.contains(want), "{name} ({hash}) lacks {want:?}:\n{dom}");
        }
        if std::env::var_os("MIZZLE_BLESS").is_some() {
            let docs = workspace().join("docs/studio");
            std::fs::create_dir_all(&docs).unwrap();
            std::fs::copy(&shot, docs.join(format!("{name}.png"))).unwrap();
        }
    }
}
