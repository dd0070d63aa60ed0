//! `mizzle studio` driven in headless Chromium through WebDriver (Debian's `chromium` and
//! `chromium-driver`, which scripts/test.sh installs), as a person would use it: browse,
//! sort, filter, page, follow a relation both ways, edit a cell and see a CHECK failure at
//! its field, insert a row, delete one after reading its cascade count, and the console
//! refusing a write.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{free_port, studio_database as database, workspace};
use serde_json::{Value, json};

struct Killed(Child);
impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A W3C WebDriver call: (method, path, body) → the response's `value`.
fn wd(port: u16, method: &str, path: &str, body: Option<Value>) -> Value {
    match try_wd(port, method, path, body) {
        Ok(v) => v,
        Err(e) => panic!("webdriver {method} {path}: {e}"),
    }
}

/// [`wd`], its error as a value (an element the page replaced meanwhile is `stale`).
fn try_wd(port: u16, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    // chromedriver keeps the connection open: read the headers, then Content-Length bytes.
    let mut reader = BufReader::new(s);
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':')
            && k.eq_ignore_ascii_case("content-length")
        {
            length = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if let Some(e) = v["value"]["error"].as_str() {
        return Err(format!("{e}: {}", v["value"]["message"]));
    }
    Ok(v["value"].clone())
}

struct Browser {
    port: u16,
    session: String,
    _driver: Killed,
}

impl Browser {
    fn start() -> Browser {
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver: scripts/test.sh installs Debian's chromium-driver");
        let driver = Killed(driver);
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let v = wd(
            port,
            "POST",
            "/session",
            Some(
                json!({"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
                    "binary": "/usr/bin/chromium",
                    "args": ["--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,900"]
                }}}}),
            ),
        );
        Browser {
            port,
            session: v["sessionId"].as_str().unwrap().to_owned(),
            _driver: driver,
        }
    }

    fn go(&self, url: &str) {
        wd(
            self.port,
            "POST",
            &format!("/session/{}/url", self.session),
            Some(json!({"url": url})),
        );
    }

    /// Runs `script` in the page (with `arguments`), returning its value.
    fn js(&self, script: &str) -> Value {
        wd(
            self.port,
            "POST",
            &format!("/session/{}/execute/sync", self.session),
            Some(json!({"script": script, "args": []})),
        )
    }

    /// Waits until `script` returns something truthy (or fails naming `what`).
    fn wait(&self, what: &str, script: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let v = self.js(script);
            if !(v.is_null() || v == false || v == 0 || v == "") {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "{what}: waited in vain for `{script}`; page: {}",
                self.js("return document.body.innerText")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn element(&self, css: &str) -> String {
        let v = wd(
            self.port,
            "POST",
            &format!("/session/{}/element", self.session),
            Some(json!({"using": "css selector", "value": css})),
        );
        v.as_object()
            .unwrap()
            .values()
            .next()
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    }

    fn click(&self, css: &str) {
        let e = self.element(css);
        wd(
            self.port,
            "POST",
            &format!("/session/{}/element/{e}/click", self.session),
            Some(json!({})),
        );
    }

    /// Chooses `file` in the file input `css` (WebDriver sends a file input its path).
    fn upload(&self, css: &str, file: &std::path::Path) {
        let e = self.element(css);
        wd(
            self.port,
            "POST",
            &format!("/session/{}/element/{e}/value", self.session),
            Some(json!({"text": file.to_str().unwrap()})),
        );
    }

    fn type_in(&self, css: &str, text: &str) {
        let e = self.element(css);
        wd(
            self.port,
            "POST",
            &format!("/session/{}/element/{e}/clear", self.session),
            Some(json!({})),
        );
        wd(
            self.port,
            "POST",
            &format!("/session/{}/element/{e}/value", self.session),
            Some(json!({"text": text})),
        );
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = TcpStream::connect(("127.0.0.1", self.port)).map(|_| {
            wd(
                self.port,
                "DELETE",
                &format!("/session/{}", self.session),
                None,
            );
        });
    }
}

#[test]
fn a_person_browses_and_edits_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let file = database(tmp.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_mizzle"))
        .args(["studio", "--port", "0", "--sqlite"])
        .arg(&file)
        .current_dir(workspace())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = loop {
        let line = lines.next().unwrap().unwrap();
        if line.starts_with("http://127.0.0.1:") {
            break line;
        }
    };
    let _studio = Killed(child);
    let b = Browser::start();
    let rows =
        "return [...document.querySelectorAll('tbody tr')].map(r => r.dataset.key).join(',')";

    // Browse a table; sort by an indexed column, newest first.
    b.go(&format!("{url}#users"));
    b.wait(
        "the first page",
        "return document.querySelectorAll('tbody tr').length === 50",
    );
    b.click("th[data-c='created_at']");
    b.wait(
        "sorted",
        "return document.querySelector(\"th[data-c='created_at']\").textContent.includes('↑')",
    );
    b.click("th[data-c='created_at']");
    b.wait(
        "newest first",
        "return document.querySelector('tbody tr')?.dataset.key === '120'",
    );

    // Page on, then filter.
    b.click("th[data-c='id']");
    b.wait(
        "by key",
        "return document.querySelector('tbody tr')?.dataset.key === '1'",
    );
    b.click("#next");
    b.wait(
        "page 2",
        "return document.querySelector('tbody tr')?.dataset.key === '51'",
    );
    b.js("document.querySelector('#fcol').value = 'name'");
    b.type_in("#fval", "User 11");
    b.click("#fadd");
    b.wait(
        "11 matching",
        "return document.body.innerText.includes('11 matching rows')",
    );
    assert_eq!(b.js(rows), "11,110,111,112,113,114,115,116,117,118,119");

    // A row's relations, both ways.
    b.go(&format!("{url}#users/row/1"));
    b.wait(
        "relations",
        "return document.body.innerText.includes('posts (3)')",
    );
    b.js("[...document.querySelectorAll('#detail a')].find(a => a.textContent.startsWith('posts')).click()");
    b.wait(
        "the user's posts",
        "return document.body.innerText.includes('3 matching rows')",
    );
    b.click("tbody tr");
    b.wait("a post", "return !!document.querySelector('#detail h2')");
    b.js("[...document.querySelectorAll('#detail a')].find(a => a.textContent.startsWith('author')).click()");
    b.wait(
        "its author",
        "return document.body.innerText.includes('1 matching rows')",
    );
    assert_eq!(b.js(rows), "1");

    // Many-to-many: post 1's tags are the tags it carries (not the join table's rows).
    b.go(&format!("{url}#posts/row/1"));
    b.wait(
        "post 1's relations",
        "return document.body.innerText.includes('tags (2)')",
    );
    b.js("[...document.querySelectorAll('#detail a')].find(a => a.textContent.startsWith('tags')).click()");
    b.wait(
        "its tags",
        "return document.querySelector('[data-t=tags]').getAttribute('aria-current') === 'true' && document.body.innerText.includes('2 matching rows')",
    );
    assert_eq!(b.js(rows), "1,3");

    // A blob: upload a file, then it offers its bytes for download.
    let picture = tmp.path().join("avatar.png");
    std::fs::write(&picture, [0x89, b'P', b'N', b'G', 0, 1, 2, 3]).unwrap();
    b.go(&format!("{url}#users/row/3"));
    b.wait(
        "user 3",
        "return document.querySelector('#detail h2')?.textContent === 'users 3'",
    );
    b.upload("input[type=file][aria-label^='avatar']", &picture);
    b.js("document.querySelector(\"input[type=file][aria-label^='avatar']\").closest('dd').querySelector('[data-save]').click()");
    b.wait(
        "the upload saved",
        "return document.querySelector('[data-download=avatar]')?.textContent === 'download 8 bytes'",
    );

    // Edit a cell: a CHECK failure shows at its field; a good value is saved.
    b.go(&format!("{url}#users/row/2"));
    b.wait(
        "user 2",
        "return document.querySelector('#detail h2')?.textContent === 'users 2'",
    );
    b.type_in("#e-2", "");
    b.click("[data-save='2']");
    b.wait(
        "the CHECK failure at the name field",
        "return document.querySelector('#err-2').textContent.includes('CHECK constraint failed')",
    );
    b.type_in("#e-2", "Bea");
    b.click("[data-save='2']");
    b.wait(
        "saved",
        "return document.querySelector('tbody').innerText.includes('Bea')",
    );

    // Insert a row.
    b.click("#new");
    b.wait("the form", "return !!document.querySelector('#create')");
    for (i, v) in [(1, "new@x.io"), (2, "New")] {
        b.click(&format!("#n-{i}-skip"));
        b.type_in(&format!("#n-{i}"), v);
    }
    b.click("#create");
    b.wait(
        "inserted",
        "return document.querySelector('#detail h2')?.textContent === 'users 121'",
    );

    // Delete, after reading what the cascades remove.
    b.go(&format!("{url}#users/row/1"));
    b.wait("user 1", "return !!document.querySelector('#delete')");
    b.js("window.asked = ''; window.confirm = (m) => { window.asked = m; return true; }");
    b.click("#delete");
    let asked = b.wait("the confirmation", "return window.asked");
    assert!(
        asked.as_str().unwrap().contains("3 posts, 2 comments"),
        "{asked}"
    );
    b.wait(
        "the counts after",
        "return document.querySelector('[data-t=posts] .count')?.textContent === '0'",
    );

    // The console refuses a write.
    b.click("#tab-sql");
    b.wait("the console", "return !!document.querySelector('#sql')");
    b.js("document.querySelector('#sql').value = 'DELETE FROM users'");
    b.click("#run");
    b.wait(
        "refused",
        "return document.querySelector('#out .error')?.textContent.includes('readonly')",
    );
}
