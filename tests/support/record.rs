//! An executor that records every statement it is given (then runs it on SQLite), and the
//! golden files of those statements in crates/mizzle/tests/sql/: the SQL text and the bound
//! parameters mizzle renders, so a change in rendering is a reviewed diff
//! (`MIZZLE_BLESS=1` rewrites them).

#![allow(dead_code)]

use std::cell::RefCell;
use std::path::Path;

use mizzle::sqlite::SqliteExecutor;
use mizzle::{ExecMeta, Executor, FromRow, Output, Result, Row, RowReader, Statement, Value};

/// SQLite, with every statement kept. With a `golden` name, the statements are compared
/// with (or, under `MIZZLE_BLESS`, written to) that golden file when the recorder is dropped
/// at the end of a test that has not failed otherwise.
pub struct Recorder {
    inner: SqliteExecutor,
    log: RefCell<Vec<Statement>>,
    golden: Option<String>,
}

impl std::ops::Deref for Recorder {
    type Target = SqliteExecutor;
    fn deref(&self) -> &SqliteExecutor {
        &self.inner
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        if let Some(name) = self.golden.take()
            && !std::thread::panicking()
        {
            golden(&name, &self.rendered());
        }
    }
}

impl Recorder {
    /// An in-memory database with `migrations` applied (not recorded).
    pub fn open(migrations: &[(&str, &str)]) -> Recorder {
        let inner = SqliteExecutor::open_in_memory().unwrap();
        inner.apply_migrations(migrations).unwrap();
        Recorder {
            inner,
            log: RefCell::new(Vec::new()),
            golden: None,
        }
    }

    /// As [`open`](Self::open), its statements golden in `<group>/<test>.sql`, the test
    /// being the running test's name (libtest names each test's thread after it).
    pub fn for_test(group: &str, migrations: &[(&str, &str)]) -> Recorder {
        let test = std::thread::current()
            .name()
            .unwrap_or("main")
            .replace("::", "__");
        // A test with several databases: `<test>.sql`, `<test>.2.sql`, .. in the order made.
        thread_local!(static MADE: std::cell::Cell<u32> = const { std::cell::Cell::new(0) });
        let n = MADE.with(|m| {
            m.set(m.get() + 1);
            m.get()
        });
        let mut r = Recorder::open(migrations);
        r.golden = Some(if n == 1 {
            format!("{group}/{test}.sql")
        } else {
            format!("{group}/{test}.{n}.sql")
        });
        r
    }

    /// The statements so far, rendered one after another: SQL, then its parameters.
    /// Parameters near the current time (seconds or milliseconds: `default_fn = "now"`) are
    /// shown as `<now>`, so the file does not change with the clock.
    pub fn rendered(&self) -> String {
        let now_s = now_secs();
        let near = |i: i64| (i - now_s).abs() < 86_400 || (i - now_s * 1000).abs() < 86_400_000;
        let mut out = String::new();
        for (n, st) in self.log.borrow().iter().enumerate() {
            out.push_str(&format!("-- {}\n{}\n", n + 1, st.sql));
            let params: Vec<String> = st
                .params
                .iter()
                .map(|v| match v {
                    Value::Integer(i) if near(*i) => "<now>".to_owned(),
                    other => format!("{other:?}"),
                })
                .collect();
            out.push_str(&format!("-- params: [{}]\n\n", params.join(", ")));
        }
        out
    }

    fn keep(&self, st: &Statement) {
        self.log.borrow_mut().push(st.clone());
    }
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl Executor for Recorder {
    async fn query(&self, stmt: Statement) -> Result<Vec<Row>> {
        self.keep(&stmt);
        self.inner.query(stmt).await
    }

    async fn execute(&self, stmt: Statement) -> Result<ExecMeta> {
        self.keep(&stmt);
        self.inner.execute(stmt).await
    }

    async fn batch(&self, stmts: Vec<Statement>) -> Result<Vec<Output>> {
        for st in &stmts {
            self.keep(st);
        }
        self.inner.batch(stmts).await
    }

    // SQLite's own fast paths, so the recorded tests still run them.
    async fn query_as<T: FromRow>(&self, stmt: Statement) -> Result<Vec<T>> {
        self.keep(&stmt);
        self.inner.query_as(stmt).await
    }

    async fn query_first_as<T: FromRow>(&self, stmt: Statement) -> Result<Option<T>> {
        self.keep(&stmt);
        self.inner.query_first_as(stmt).await
    }

    async fn query_positional<T>(
        &self,
        stmt: Statement,
        decode: fn(&mut RowReader<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.keep(&stmt);
        self.inner.query_positional(stmt, decode).await
    }

    async fn batch_each<F>(&self, stmts: Vec<Statement>, each: F) -> Result<()>
    where
        F: FnMut(usize, &mut RowReader<'_>) -> Result<()>,
    {
        for st in &stmts {
            self.keep(st);
        }
        self.inner.batch_each(stmts, each).await
    }
}

/// Compares `got` with crates/mizzle/tests/sql/`name` (or writes it, with `MIZZLE_BLESS`).
pub fn golden(name: &str, got: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/mizzle/tests/sql")
        .join(name);
    if std::env::var_os("MIZZLE_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        want == got,
        "the statements differ from {} (MIZZLE_BLESS=1 to accept, then review the diff):\n{got}",
        path.display()
    );
}
