//! Running the example Worker on local D1 with wrangler (shared by tests/d1_e2e.rs and
//! bench/): a config for the built bundle, `wrangler d1 execute`, `wrangler dev` on a free
//! loopback port, and a small HTTP client.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The repository root: the nearest directory above the compiling crate with wrangler.jsonc.
pub fn root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .find(|a| a.join("wrangler.jsonc").is_file())
        .map(Path::to_path_buf)
        .unwrap_or(here)
}

pub fn wrangler() -> PathBuf {
    let w = root().join("node_modules/.bin/wrangler");
    assert!(
        w.exists(),
        "wrangler is not installed: run scripts/setup.sh (scripts/test.sh does)"
    );
    w
}

/// A wrangler config in `state` for the Worker already built into build/: the same
/// binding and migrations as wrangler.jsonc, but no `build` command, so `wrangler dev`
/// serves exactly what the test built instead of rebuilding and watching src/. The Durable
/// Object binding and class are wrangler.jsonc's (and schema/mizzle.toml's).
pub fn write_config(state: &Path) {
    write_config_for(state, &root().join("build/worker/shim.mjs"));
}

/// [`write_config`] for the bundle `main` (another build of the example: the same Worker
/// name, so a later version finds the same local Durable Object storage).
pub fn write_config_for(state: &Path, main: &Path) {
    let root = root();
    let config = json!({
        "name": "mizzle-example-test",
        "main": main,
        "compatibility_date": "2025-09-01",
        "d1_databases": [{
            "binding": "DB",
            "database_name": "mizzle-example",
            "database_id": "00000000-0000-0000-0000-000000000000",
            "migrations_dir": root.join("migrations"),
        }],
        "durable_objects": { "bindings": [{ "name": "NOTEBOOKS", "class_name": "Notebook" }] },
        "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Notebook"] }],
    });
    std::fs::write(state.join("wrangler.json"), config.to_string()).unwrap();
}

pub fn wrangler_cmd(state: &Path) -> Command {
    let mut c = Command::new(wrangler());
    c.current_dir(state)
        .env("CI", "true")
        .env("WRANGLER_SEND_METRICS", "false")
        .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
        .arg("--config")
        .arg(state.join("wrangler.json"));
    c
}

/// Runs `wrangler d1 execute DB --local` and returns the result rows.
pub fn d1_query(state: &Path, sql: &str) -> Vec<Value> {
    let run = || {
        wrangler_cmd(state)
            .args(["d1", "execute", "DB", "--local", "--json", "--persist-to"])
            .arg(state)
            .args(["--command", sql])
            .output()
            .unwrap()
    };
    let mut out = run();
    if !out.status.success() {
        // wrangler has been seen to exit non-zero with no output once in many runs here;
        // say so, and try once more before failing.
        eprintln!(
            "wrangler d1 execute failed (exit {:?}), retrying once: {}{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out = run();
    }
    assert!(
        out.status.success(),
        "d1 execute failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "d1 execute output is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    v[0]["results"].as_array().cloned().unwrap_or_default()
}

/// `wrangler dev` in its own process group, killed with its workerd on drop.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let pgid = self.child.id();
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{pgid}")])
            .status();
        let _ = self.child.wait();
    }
}

pub fn start(state: &Path, log: &Path) -> Server {
    use std::os::unix::process::CommandExt;
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log_file = std::fs::File::create(log).unwrap();
    let child = wrangler_cmd(state)
        .args([
            "dev",
            "--ip",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--show-interactive-dev-session=false",
            "--persist-to",
        ])
        .arg(state)
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().unwrap())
        .stderr(log_file)
        .process_group(0)
        .spawn()
        .unwrap();
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        if ureq::get(&server.base).call().is_ok() {
            return server;
        }
        assert!(
            Instant::now() < deadline,
            "wrangler dev did not answer within 240 s; log:\n{}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

pub struct Http {
    pub agent: ureq::Agent,
    pub base: String,
}

impl Http {
    pub fn send(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let (status, json, _) = self.request(method, path, body, None);
        (status, json)
    }

    /// A request whose response header `header` is returned too.
    pub fn send_with_header(&self, method: &str, path: &str, header: &str) -> (u16, Value, String) {
        self.request(
            method,
            path,
            if method == "POST" {
                Some(json!({}))
            } else {
                None
            },
            Some(header),
        )
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        header: Option<&str>,
    ) -> (u16, Value, String) {
        self.request_with(method, path, body, header, None)
    }

    /// A request that also sends `send` as (header name, value).
    pub fn request_with(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        header: Option<&str>,
        send: Option<(&str, &str)>,
    ) -> (u16, Value, String) {
        let url = format!("{}{path}", self.base);
        let (name, value) = send.unwrap_or(("x-mizzle-test", "1"));
        let resp = match (method, body) {
            ("GET", _) => self.agent.get(&url).header(name, value).call(),
            ("DELETE", _) => self.agent.delete(&url).header(name, value).call(),
            ("POST", Some(b)) => self.agent.post(&url).header(name, value).send_json(b),
            ("PATCH", Some(b)) => self.agent.patch(&url).header(name, value).send_json(b),
            ("PUT", Some(b)) => self.agent.put(&url).header(name, value).send_json(b),
            other => panic!("unsupported request {other:?}"),
        };
        let mut resp = resp.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = resp.status().as_u16();
        let value = header
            .and_then(|h| resp.headers().get(h))
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let text = resp.body_mut().read_to_string().unwrap();
        let json = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, json, value)
    }
}

impl Http {
    /// A client with no status-as-error and a 60 s limit per request.
    pub fn new(base: &str) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        Http {
            agent,
            base: base.to_owned(),
        }
    }
}

/// The titles of the notes in the example's notebook `name` (a Durable Object), in order.
pub fn notebook_titles(http: &Http, name: &str) -> Vec<String> {
    let (s, notes) = http.send("GET", &format!("/notebooks/{name}/notes"), None);
    assert_eq!(s, 200, "{notes}");
    notes
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["title"].as_str().unwrap().to_owned())
        .collect()
}
