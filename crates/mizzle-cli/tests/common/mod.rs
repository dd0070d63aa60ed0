//! What the `mizzle` command's tests share: the checkout, and running the command.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The checkout this test runs in.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Runs `mizzle --project <project> <args>` with the checkout's wrangler (and `mizzle new`
/// on the checkout's crates): whether it succeeded, and its stdout then stderr.
pub fn mizzle(project: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mizzle"))
        .arg("--project")
        .arg(project)
        .args(args)
        .env(
            "MIZZLE_WRANGLER",
            workspace().join("node_modules/.bin/wrangler"),
        )
        .env("WRANGLER_SEND_METRICS", "false")
        // `mizzle new` on this checkout's crates (by path), not on crates.io's.
        .env("MIZZLE_PATH", workspace().join("crates"))
        .output()
        .unwrap();
    (out.status.success(), output_text(&out))
}

/// Runs `sql` on the local D1 `binding` of the project at `p` with the checkout's wrangler
/// (`d1 execute --local --json`): its rows (`[0].results`), or `Null` when it failed.
pub fn d1_local(p: &Path, binding: &str, sql: &str) -> serde_json::Value {
    let out = Command::new(workspace().join("node_modules/.bin/wrangler"))
        .args([
            "d1",
            "execute",
            binding,
            "--local",
            "--json",
            "--command",
            sql,
        ])
        .current_dir(p)
        .env("CI", "true")
        .output()
        .unwrap();
    serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .map(|v| v[0]["results"].clone())
        .unwrap_or(serde_json::Value::Null)
}

/// Builds the project at `p` as its build script would (migrations written), outside CI's
/// check mode.
pub fn build(p: &Path) {
    mizzle_build::Config::new()
        .manifest_dir(p)
        .check(false)
        .cargo_directives(false)
        .compile()
        .unwrap();
}

/// A finished command's stdout then stderr.
pub fn output_text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A `mizzle dev` in its own process group, ended with its wrangler and workerd on drop.
pub struct Server(pub std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.0.id())])
            .status();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits (bounded: the first run builds the Worker) until the server answers.
pub fn wait_for(base: &str, log: &Path) {
    for _ in 0..600 {
        if std::net::TcpStream::connect(base.trim_start_matches("http://")).is_ok() {
            std::thread::sleep(std::time::Duration::from_millis(500));
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    panic!(
        "mizzle dev did not serve: {}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

/// A small HTTP/1.1 request over loopback: (status, body).
pub fn http(method: &str, url: &str, body: &str) -> (u16, String) {
    use std::io::Write;
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_once('/').unwrap();
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(
        s,
        "{method} /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let resp = read_response(&mut s);
    let status = resp
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = resp.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    // A chunked body: keep the JSON lines only.
    let json: String = body
        .lines()
        .filter(|l| l.starts_with('{') || l.starts_with('['))
        .collect();
    (status, json)
}

/// Reads one HTTP/1.1 response from `s`: up to its `Content-Length`, or the end of a chunked
/// body, without waiting for the server to close the connection (wrangler's proxy keeps it
/// open for seconds after the response, whatever the request's `Connection`).
fn read_response(s: &mut std::net::TcpStream) -> String {
    use std::io::Read;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = match s.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf);
        let Some((head, body)) = text.split_once("\r\n\r\n") else {
            continue;
        };
        let head = head.to_ascii_lowercase();
        let length = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok());
        let done = match length {
            Some(len) => body.len() >= len,
            None if head.contains("transfer-encoding: chunked") => body.ends_with("0\r\n\r\n"),
            None => false,
        };
        if done {
            break;
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

/// `mizzle studio`'s test database: the example's migrations, 120 users (user 1 with 3 posts and 2 comments on the first).
pub fn studio_database(dir: &std::path::Path) -> std::path::PathBuf {
    let file = dir.join("studio.sqlite");
    let conn = rusqlite::Connection::open(&file).unwrap();
    let mut migrations: Vec<_> = std::fs::read_dir(workspace().join("migrations"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    migrations.sort();
    for m in migrations {
        conn.execute_batch(&std::fs::read_to_string(m).unwrap())
            .unwrap();
    }
    for i in 1..=120 {
        conn.execute(
            "INSERT INTO users (email, name, role, created_at) VALUES (?1, ?2, 'reader', ?3)",
            rusqlite::params![format!("u{i}@x.io"), format!("User {i}"), 1_700_000_000 + i],
        )
        .unwrap();
    }
    for p in 1..=3 {
        conn.execute(
            "INSERT INTO posts (author_id, title, slug, status, published, rating, views, created_at, updated_at) VALUES (1, ?1, ?2, 'draft', 0, 0, 0, 0, 0)",
            rusqlite::params![format!("Post {p}"), format!("p{p}")],
        )
        .unwrap();
    }
    for c in 1..=2 {
        conn.execute(
            "INSERT INTO comments (post_id, author_id, body, created_at) VALUES (1, 1, ?1, 0)",
            [format!("c{c}")],
        )
        .unwrap();
    }
    // Tags, many-to-many: post 1 carries rust and sql, post 2 carries d1.
    conn.execute_batch(
        "INSERT INTO tags (name) VALUES ('rust'), ('d1'), ('sql');
         INSERT INTO post_tags (post_id, tag_id) VALUES (1, 1), (1, 3), (2, 2);",
    )
    .unwrap();
    file
}
