//! The edit-to-served time of `mizzle dev`'s watch loop, on a fresh `mizzle new` project
//! served on local D1: a one-line Rust change (saved until the Worker serves the rebuild)
//! and a new column (saved until the served JSON has it: migration written, applied to the
//! local D1, Worker rebuilt and reloaded), alternately, `rounds` times each; medians.
//!
//! `cargo run -p mizzle-bench --bin dev-loop -- [rounds=3]`
//! (tools from this checkout's `target/tools`, as `scripts/setup.sh` installs them; the wasm
//! compiles in `target/scaffold`, as the CLI's tests do).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// `GET path`'s body, if the server answers.
fn get(port: u16, path: &str) -> Option<String> {
    use std::io::Write;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    Some(read_response(&mut s))
}

fn post(port: u16, path: &str, body: &str) {
    use std::io::Write;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let out = read_response(&mut s);
    assert!(out.contains(" 201 "), "{out}");
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

/// Waits until `done`, failing after ten minutes with the log.
fn until(log: &Path, mut done: impl FnMut() -> bool) -> f64 {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(600),
            "{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    start.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3);
    let ws = workspace();
    let status = Command::new(env!("CARGO"))
        .args(["build", "-q", "-p", "mizzle-cli"])
        .current_dir(&ws)
        .status()
        .unwrap();
    assert!(status.success());
    let mizzle = ws.join("target/debug/mizzle");
    let tmp = std::env::temp_dir().join(format!("mizzle-dev-loop-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let made = Command::new(&mizzle)
        .args(["new", "looped"])
        .current_dir(&tmp)
        .env("MIZZLE_PATH", ws.join("crates"))
        .env("MIZZLE_WRANGLER", ws.join("node_modules/.bin/wrangler"))
        .status()
        .unwrap();
    assert!(made.success());
    let dir = tmp.join("looped");
    let log = tmp.join("dev.log");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(&mizzle)
        .args(["dev", "--port", &port.to_string()])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", ws.join("target/scaffold"))
        .env("MIZZLE_TOOLS_DIR", ws.join("target/tools"))
        .env("MIZZLE_WRANGLER", ws.join("node_modules/.bin/wrangler"))
        .env("WRANGLER_SEND_METRICS", "false")
        .env_remove("MIZZLE_CHECK")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    until(&log, || get(port, "/users/1").is_some());
    post(
        port,
        "/users",
        r#"{"email":"ann@example.com","name":"Ann"}"#,
    );
    post(port, "/tasks", r#"{"userId":1,"title":"write"}"#);
    let lib = dir.join("src/lib.rs");
    let tasks = dir.join("schema/tasks.toml");
    let rebuilt = || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .matches("rebuilt in")
            .count()
    };
    let (mut rust, mut column) = (Vec::new(), Vec::new());
    for i in 0..rounds {
        let before = rebuilt();
        let text = std::fs::read_to_string(&lib).unwrap();
        std::fs::write(&lib, format!("{text}\n// edit {i}\n")).unwrap();
        rust.push(until(&log, || {
            rebuilt() > before && get(port, "/users/1").is_some_and(|b| b.contains(" 200 "))
        }));
        let name = format!("extra_{i}");
        let text = std::fs::read_to_string(&tasks).unwrap().replace(
            "created_at = ",
            &format!("{name} = {{ type = \"integer\", default = {i} }}\ncreated_at = "),
        );
        std::fs::write(&tasks, text).unwrap();
        let field = format!("\"extra{i}\":{i}");
        column.push(until(&log, || {
            get(port, "/users/1").is_some_and(|b| b.contains(&field))
        }));
        eprintln!(
            "round {}: one-line Rust change {:.1} s, new column {:.1} s",
            i + 1,
            rust[i],
            column[i]
        );
    }
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    // What mizzle dev said of each round (its own timing excludes wrangler's reload).
    for line in std::fs::read_to_string(&log).unwrap_or_default().lines() {
        if line.starts_with("[mizzle]") && (line.contains("rebuilt in") || line.contains("changed"))
        {
            eprintln!("  {line}");
        }
    }
    let _ = std::fs::remove_dir_all(&tmp);
    println!("| change | edit to served, median of {rounds} (s) |");
    println!("|---|---:|");
    println!("| one-line Rust change | {:.1} |", median(rust));
    println!(
        "| new column (migration written and applied, Worker rebuilt) | {:.1} |",
        median(column)
    );
}
