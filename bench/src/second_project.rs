//! How long a second `mizzle new` project takes to serve, once a first one has installed the
//! tools: `mizzle new` then `mizzle dev` until the Worker answers over HTTP, for two
//! projects in a row, sharing the tools folder (the per-user cache) and, as `mizzle dev`
//! does by default, one shared target folder for the wasm (here a fresh one, as on a new
//! machine); `--own-target` gives each project its own `target/`
//! (`MIZZLE_SHARED_TARGET=0`).
//!
//! `cargo run -p mizzle-bench --bin second-project -- [--own-target] [TOOLS_DIR]`
//! (TOOLS_DIR defaults to this checkout's `target/tools`, where `scripts/setup.sh` installs).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

fn answers(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    if s.write_all(b"GET /users/1 HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut buf = [0u8; 12];
    s.read(&mut buf)
        .is_ok_and(|n| n >= 12 && buf.starts_with(b"HTTP/1."))
}

/// `mizzle dev` in `dir` until it serves: the seconds it took.
fn dev(mizzle: &Path, dir: &Path, port: u16, tools: &Path, target: Option<&Path>) -> f64 {
    use std::os::unix::process::CommandExt;
    assert!(!answers(port), "port {port} is taken");
    let log = std::fs::File::create(dir.join("mizzle-dev.log")).unwrap();
    let mut cmd = Command::new(mizzle);
    // Its own process group: wrangler's workerd goes down with it.
    cmd.process_group(0);
    cmd.args(["dev", "--port", &port.to_string()])
        .current_dir(dir)
        .env("MIZZLE_TOOLS_DIR", tools)
        .env("WRANGLER_SEND_METRICS", "false")
        .env("CI", "true")
        .env("MIZZLE_CHECK", "0")
        .stdout(Stdio::null())
        .stderr(log);
    match target {
        Some(t) => cmd.env("MIZZLE_SHARED_TARGET", t),
        None => cmd.env("MIZZLE_SHARED_TARGET", "0"),
    };
    cmd.env_remove("CARGO_TARGET_DIR");
    let start = Instant::now();
    let mut child: Child = cmd.spawn().expect("mizzle dev");
    while !answers(port) {
        if let Ok(Some(status)) = child.try_wait() {
            let log = std::fs::read_to_string(dir.join("mizzle-dev.log")).unwrap_or_default();
            panic!("mizzle dev in {} exited: {status}\n{log}", dir.display());
        }
        assert!(
            start.elapsed() < Duration::from_secs(1800),
            "not serving after 30 min"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
    let took = start.elapsed().as_secs_f64();
    let _ = Command::new("kill")
        .arg("--")
        .arg(format!("-{}", child.id()))
        .status();
    let _ = child.wait();
    took
}

fn main() {
    let mut shared = true;
    let mut tools = workspace().join("target/tools");
    for a in std::env::args().skip(1) {
        if a == "--own-target" {
            shared = false;
        } else {
            tools = PathBuf::from(a);
        }
    }
    let ws = workspace();
    let status = Command::new(env!("CARGO"))
        .args(["build", "-q", "-p", "mizzle-cli"])
        .current_dir(&ws)
        .status()
        .unwrap();
    assert!(status.success());
    let mizzle = ws.join("target/debug/mizzle");
    let tmp = std::env::temp_dir().join(format!("mizzle-second-project-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let target = tmp.join("shared-target");
    let mut times = Vec::new();
    for (i, name) in ["first", "second"].iter().enumerate() {
        let status = Command::new(&mizzle)
            .args(["new", name, "--mizzle-path"])
            .arg(ws.join("crates"))
            .current_dir(&tmp)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        let t = dev(
            &mizzle,
            &tmp.join(name),
            18_900 + (std::process::id() % 500) as u16 * 2 + i as u16,
            &tools,
            shared.then_some(target.as_path()),
        );
        println!("{name} project: mizzle dev to serving in {t:.1} s");
        times.push(t);
    }
    println!(
        "second/first: {:.2} ({} target dir{})",
        times[1] / times[0],
        if shared { "one shared" } else { "each its own" },
        if shared { "" } else { "s" }
    );
    let _ = std::fs::remove_dir_all(&tmp);
}
