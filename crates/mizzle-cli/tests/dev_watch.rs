//! `mizzle dev` as a developer lives in it: serving a new project on local D1, a schema edit
//! while it serves (the new migration applied and the new column served, wrangler never
//! restarted by hand), a broken edit (said once; the last good Worker keeps answering), and
//! `kill` on the `mizzle dev` process (wrangler, workerd and the port all let go).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{free_port, http, mizzle, wait_for, workspace};

/// Waits up to `secs` for `ok`, then fails with the dev log.
fn eventually(secs: u64, log: &Path, what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    panic!(
        "{what} did not happen in {secs} s; mizzle dev said:\n{}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

/// Whether any process of group `pgid` is still there.
fn group_alive(pgid: i32) -> bool {
    Command::new("kill")
        .args(["-0", "--", &format!("-{pgid}")])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The process group ids of `pid`'s children (wrangler's group, under `mizzle dev`).
fn child_groups(pid: u32) -> Vec<i32> {
    let out = Command::new("ps")
        .args(["-o", "pgid=", "--ppid", &pid.to_string()])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .filter_map(|g| g.parse().ok())
        .collect()
}

#[test]
fn dev_rebuilds_on_a_change_keeps_serving_through_a_broken_one_and_stops_with_its_children() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("watched");
    let (ok, out) = mizzle(tmp.path(), &["new", "watched"]);
    assert!(ok, "{out}");
    let ws = workspace();
    let log = tmp.path().join("dev.log");
    let port = free_port();
    let mut dev = Command::new(env!("CARGO_BIN_EXE_mizzle"));
    dev.args(["dev", "--port", &port.to_string()])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", ws.join("target/scaffold"))
        .env("MIZZLE_TOOLS_DIR", ws.join("target/tools"))
        .env("MIZZLE_WRANGLER", ws.join("node_modules/.bin/wrangler"))
        .env("WRANGLER_SEND_METRICS", "false")
        // A dev server writes migrations even when the test runs under CI.
        .env_remove("MIZZLE_CHECK")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap());
    let mut child = dev.spawn().unwrap();
    let pid = child.id();
    // Stopped at the end whatever happens (the test's own failure included).
    struct Stop(u32);
    impl Drop for Stop {
        fn drop(&mut self) {
            let _ = Command::new("kill")
                .args(["-TERM", &self.0.to_string()])
                .stderr(Stdio::null())
                .status();
        }
    }
    let _stop = Stop(pid);
    let base = format!("http://127.0.0.1:{port}");
    wait_for(&base, &log);
    let (s, user) = http(
        "POST",
        &format!("{base}/users"),
        r#"{"email":"ann@example.com","name":"Ann"}"#,
    );
    assert_eq!(s, 201, "{user}");
    let (s, task) = http(
        "POST",
        &format!("{base}/tasks"),
        r#"{"userId":1,"title":"write"}"#,
    );
    assert_eq!(s, 201, "{task}");
    let groups = child_groups(pid);
    assert!(!groups.is_empty(), "wrangler runs under mizzle dev");

    // 1. A new column while serving: written, applied to the local D1, served.
    let tasks = dir.join("schema/tasks.toml");
    let text = std::fs::read_to_string(&tasks).unwrap().replace(
        "created_at = ",
        "priority   = { type = \"integer\", default = 3 }\ncreated_at = ",
    );
    let edited = Instant::now();
    std::fs::write(&tasks, text).unwrap();
    eventually(300, &log, "the new column served", || {
        let (s, tree) = http("GET", &format!("{base}/users/1"), "");
        s == 200 && tree.contains(r#""priority":3"#)
    });
    let took = edited.elapsed();
    let said = std::fs::read_to_string(&log).unwrap();
    assert!(said.contains("wrote migrations/0002_"), "{said}");
    assert!(
        said.contains("schema/tasks.toml changed: rebuilding"),
        "{said}"
    );
    assert_eq!(
        child_groups(pid),
        groups,
        "wrangler was not restarted: {said}"
    );
    eprintln!("a new column, edit to served: {:.1} s", took.as_secs_f64());

    // 2. A broken edit: said once; the last good Worker still answers.
    let lib = dir.join("src/lib.rs");
    let good = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, format!("{good}\nfn broken( {{\n")).unwrap();
    eventually(300, &log, "the failed rebuild reported", || {
        std::fs::read_to_string(&log)
            .unwrap()
            .contains("the rebuild failed")
    });
    let said = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        said.matches("the rebuild failed").count(),
        1,
        "one report per failed round: {said}"
    );
    let (s, tree) = http("GET", &format!("{base}/users/1"), "");
    assert_eq!(s, 200, "the last good Worker keeps serving: {tree}");
    assert!(tree.contains(r#""priority":3"#), "{tree}");

    // 3. A one-line Rust fix: rebuilt and served again.
    let fixed = good.replace(
        "/// A user with their open tasks, in one round trip.",
        "/// A user with their open tasks, in one round trip (watched).",
    );
    let edited = Instant::now();
    std::fs::write(&lib, fixed).unwrap();
    eventually(300, &log, "the fixed build served", || {
        std::fs::read_to_string(&log)
            .unwrap()
            .matches("rebuilt in")
            .count()
            >= 2
    });
    eprintln!(
        "a one-line Rust change, edit to rebuilt: {:.1} s",
        edited.elapsed().as_secs_f64()
    );
    let (s, _) = http("GET", &format!("{base}/users/1"), "");
    assert_eq!(s, 200);

    // 4. `kill` on mizzle dev: it and every process it started are gone, the port free.
    let killed = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "mizzle dev did not stop");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(!status.success(), "stopped by a signal: {status}");
    for g in groups {
        assert!(!group_alive(g), "process group {g} outlived mizzle dev");
    }
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the port is still held"
    );
}
