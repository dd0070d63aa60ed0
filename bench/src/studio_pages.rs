//! `mizzle studio`'s page latency on a 100,000-row table (issue 30's load check): the first
//! page, pages deep into the table by keyset (following each page's cursor), a page sorted
//! by an indexed column, newest first, and a filtered page. p50 and p99 per kind, over HTTP
//! on loopback, with the studio built in release (`cargo build --release -p mizzle-cli`; the
//! debug build is used when there is no release one).
//!
//! `cargo run --release -p mizzle-bench --bin studio-pages -- [rows=100000] [pages=200]`

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Instant;

fn get(port: u16, token: &str, path: &str) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nx-studio-token: {token}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(
        out.starts_with("HTTP/1.1 200"),
        "{path}: {}",
        &out[..out.len().min(300)]
    );
    out
}

/// The JSON of a chunked or plain body.
fn json(resp: &str) -> serde_json::Value {
    let body = resp.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    if let Ok(v) = serde_json::from_str(body) {
        return v;
    }
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
    serde_json::from_str(&text).unwrap()
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn report(name: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| ms[((ms.len() as f64 * q) as usize).min(ms.len() - 1)];
    println!(
        "{name}: {} pages, p50 {:.2} ms, p99 {:.2} ms",
        ms.len(),
        at(0.5),
        at(0.99)
    );
}

fn main() {
    let (rows, pages) = mizzle_bench::rounds_and_ops(100_000, 200);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("studio.sqlite");
    {
        let mut conn = rusqlite::Connection::open(&file).unwrap();
        let mut migrations: Vec<_> = std::fs::read_dir(root.join("migrations"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        migrations.sort();
        for m in migrations {
            conn.execute_batch(&std::fs::read_to_string(m).unwrap())
                .unwrap();
        }
        let tx = conn.transaction().unwrap();
        for i in 1..=rows {
            tx.execute(
                "INSERT INTO users (email, name, role, created_at) VALUES (?1, ?2, 'reader', ?3)",
                rusqlite::params![
                    format!("u{i}@x.io"),
                    format!("User {i}"),
                    1_700_000_000 + i as i64
                ],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    // The release build when there is one (the figures in bench/README.md are its), else the
    // debug one (scripts/test.sh's quick run, which only keeps the program from rotting).
    let bin = ["release", "debug"]
        .iter()
        .map(|p| root.join("target").join(p).join("mizzle"))
        .find(|b| b.is_file())
        .expect("build it first: cargo build --release -p mizzle-cli");
    let mut child = Command::new(&bin)
        .args(["studio", "--port", "0", "--sqlite"])
        .arg(&file)
        .current_dir(&root)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = loop {
        let line = lines.next().unwrap().unwrap();
        if let Some(u) = line.strip_prefix("http://127.0.0.1:") {
            break u.to_owned();
        }
    };
    let (port, token) = url.split_once("/?token=").unwrap();
    let port: u16 = port.parse().unwrap();
    let timed = |path: &str| {
        let t = Instant::now();
        let v = json(&get(port, token, path));
        (t.elapsed().as_secs_f64() * 1000.0, v)
    };
    // First pages, then following the cursor deep into the table.
    let mut first = Vec::new();
    for _ in 0..pages.min(50) {
        first.push(timed("/api/rows?table=users").0);
    }
    let mut deep = Vec::new();
    let mut after: Option<serde_json::Value> = None;
    for _ in 0..pages {
        let path = match &after {
            None => "/api/rows?table=users".to_owned(),
            Some(a) => format!("/api/rows?table=users&after={}", encode(&a.to_string())),
        };
        let (ms, v) = timed(&path);
        deep.push(ms);
        after = v["rows"]
            .as_array()
            .and_then(|r| r.last())
            .map(|r| r["after"].clone());
    }
    let mut sorted = Vec::new();
    for _ in 0..pages.min(50) {
        sorted.push(timed("/api/rows?table=users&order=created_at&desc=1").0);
    }
    let mut filtered = Vec::new();
    for _ in 0..pages.min(50) {
        filtered.push(timed("/api/rows?table=users&f=id:gt:50000").0);
    }
    println!("mizzle studio on {rows} users:");
    report("first page", first);
    report(&format!("pages 1..{pages} by keyset"), deep);
    report("sorted by created_at, newest first", sorted);
    report("filtered (id > 50000)", filtered);
    let _ = child.kill();
    let _ = child.wait();
}
