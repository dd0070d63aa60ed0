//! `mizzle studio`: a local web page over the local database, through the schema.
//!
//! Served on 127.0.0.1 only. Every request needs the random access token the URL carries
//! (`?token=`, or the page's `x-studio-token` header), and a `Host` (and, when sent, an
//! `Origin`) naming the loopback address served: another site's page cannot reach it, and a
//! DNS name rebound to 127.0.0.1 is refused. A POST also needs the page's CSRF token. The page
//! is embedded in the binary (no network).

mod data;
mod edit;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use mizzle_build::ir::Schema;
use serde_json::{Value as Json, json};

const PAGE_HTML: &str = include_str!("page.html");

struct Studio {
    file: PathBuf,
    schema: Schema,
    token: String,
    csrf: String,
    /// The `Host` values accepted: `127.0.0.1:PORT` and `localhost:PORT`.
    hosts: Vec<String>,
}

/// A random token from the OS, as hex.
fn token() -> Result<String, String> {
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes).map_err(|e| format!("error: no random token: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Runs the studio until Ctrl-C. `sqlite`: a database file instead of the local D1;
/// `open`: open the page in the system's browser.
pub fn run(root: &Path, port: u16, sqlite: Option<PathBuf>, open: bool) -> Result<(), String> {
    let schema = mizzle_build::Config::new()
        .manifest_dir(root)
        .cargo_directives(false)
        .load()
        .map_err(|r| r.to_string())?
        .schema;
    let file = match sqlite {
        Some(f) => f,
        None => data::local_d1(root)?,
    };
    // Fail now on a file that is not a database, not on the first page.
    data::open(&file, true)?
        .query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))
        .map_err(|e| format!("error: {} is not a SQLite database: {e}", file.display()))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .map_err(|e| format!("error: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))
            .await
            .map_err(|e| format!("error: cannot listen on 127.0.0.1:{port}: {e}"))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let studio = Arc::new(Studio {
            file,
            schema,
            token: token()?,
            csrf: token()?,
            hosts: vec![format!("127.0.0.1:{port}"), format!("localhost:{port}")],
        });
        let url = format!("http://127.0.0.1:{port}/?token={}", studio.token);
        println!(
            "mizzle studio on {} (Ctrl-C stops it)\n{url}",
            studio.file.display()
        );
        if open {
            let opener = if cfg!(target_os = "macos") {
                "open"
            } else {
                "xdg-open"
            };
            if let Err(e) = std::process::Command::new(opener).arg(&url).spawn() {
                eprintln!("[mizzle] could not open a browser ({opener}: {e}); open the URL above");
            }
        }
        let app = Router::new()
            .route("/", get(page))
            .route("/api/tables", get(tables))
            .route("/api/erd", get(erd))
            .route("/api/rows", get(rows))
            .route("/api/row", get(row))
            .route("/api/blob", get(blob))
            .route("/api/sql", post(sql))
            .route("/api/update", post(update))
            .route("/api/insert", post(insert))
            .route("/api/delete", post(delete))
            // A blob of D1's largest value (2 MB) as base64 in JSON: over axum's 2 MiB default.
            .layer(axum::extract::DefaultBodyLimit::max(4 << 20))
            .with_state(studio);
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| format!("error: {e}"))
    })
}

/// Why a request is refused, if it is: a foreign `Host` or `Origin`, no token.
fn refused(s: &Studio, headers: &HeaderMap, query_token: Option<&str>) -> Option<Response> {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !s.hosts.iter().any(|h| h == host) {
        return Some(
            (
                StatusCode::FORBIDDEN,
                "mizzle studio answers only to http://127.0.0.1 on its own port",
            )
                .into_response(),
        );
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok())
        && !s.hosts.iter().any(|h| origin == format!("http://{h}"))
    {
        return Some((StatusCode::FORBIDDEN, "cross-origin requests are refused").into_response());
    }
    let sent = query_token.or_else(|| headers.get("x-studio-token").and_then(|t| t.to_str().ok()));
    if sent != Some(s.token.as_str()) {
        return Some(
            (
                StatusCode::UNAUTHORIZED,
                "open the URL mizzle studio printed: it carries the access token",
            )
                .into_response(),
        );
    }
    None
}

type Params = Query<Vec<(String, String)>>;

fn param<'a>(q: &'a [(String, String)], name: &str) -> Option<&'a str> {
    q.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn answer(r: Result<Json, String>) -> Response {
    match r {
        Ok(j) => axum::Json(j).into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, axum::Json(json!({"error": e}))).into_response(),
    }
}

async fn page(State(s): State<Arc<Studio>>, headers: HeaderMap, Query(q): Params) -> Response {
    if let Some(r) = refused(&s, &headers, param(&q, "token")) {
        return r;
    }
    let html = PAGE_HTML
        .replace("{{token}}", &s.token)
        .replace("{{csrf}}", &s.csrf);
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        html,
    )
        .into_response()
}

async fn tables(State(s): State<Arc<Studio>>, headers: HeaderMap) -> Response {
    if let Some(r) = refused(&s, &headers, None) {
        return r;
    }
    answer(data::open(&s.file, true).and_then(|c| data::tables(&c, &s.schema)))
}

/// The schema's ER diagram (`mizzle erd --format svg`), whose tables the page links.
async fn erd(State(s): State<Arc<Studio>>, headers: HeaderMap) -> Response {
    if let Some(r) = refused(&s, &headers, None) {
        return r;
    }
    (
        [(header::CONTENT_TYPE, "image/svg+xml")],
        mizzle_build::erd::svg(&s.schema),
    )
        .into_response()
}

fn table<'a>(s: &'a Studio, name: Option<&str>) -> Result<&'a mizzle_build::ir::Table, String> {
    let name = name.ok_or("which table? (?table=…)")?;
    s.schema
        .tables
        .iter()
        .find(|t| t.name == name)
        .ok_or_else(|| format!("the schema has no table `{name}`"))
}

async fn rows(State(s): State<Arc<Studio>>, headers: HeaderMap, Query(q): Params) -> Response {
    if let Some(r) = refused(&s, &headers, None) {
        return r;
    }
    answer((|| {
        let t = table(&s, param(&q, "table"))?;
        let after = match param(&q, "after") {
            Some(a) => {
                let v: Json = serde_json::from_str(a).map_err(|e| format!("after: {e}"))?;
                match v {
                    Json::Array(mut pair) if pair.len() == 2 => {
                        let k = pair.pop().unwrap_or(Json::Null);
                        Some((pair.pop().unwrap_or(Json::Null), k))
                    }
                    _ => return Err("after: [sort value, key]".into()),
                }
            }
            None => None,
        };
        let filters: Vec<data::Filter> = q
            .iter()
            .filter(|(k, _)| k == "f")
            .map(|(_, v)| {
                let mut parts = v.splitn(3, ':');
                data::Filter {
                    column: parts.next().unwrap_or("").to_owned(),
                    op: parts.next().unwrap_or("").to_owned(),
                    value: parts.next().unwrap_or("").to_owned(),
                }
            })
            .collect();
        let conn = data::open(&s.file, true)?;
        data::page(
            &conn,
            &s.schema,
            t,
            param(&q, "order"),
            param(&q, "desc") == Some("1"),
            after,
            &filters,
        )
    })())
}

async fn row(State(s): State<Arc<Studio>>, headers: HeaderMap, Query(q): Params) -> Response {
    if let Some(r) = refused(&s, &headers, None) {
        return r;
    }
    answer((|| {
        let t = table(&s, param(&q, "table"))?;
        let key: Json = serde_json::from_str(param(&q, "key").ok_or("which row? (?key=…)")?)
            .map_err(|e| format!("key: {e}"))?;
        let conn = data::open(&s.file, true)?;
        data::row(&conn, t, &key)
    })())
}

/// A blob cell's bytes, as a download (`?table=&key=&column=`).
async fn blob(State(s): State<Arc<Studio>>, headers: HeaderMap, Query(q): Params) -> Response {
    if let Some(r) = refused(&s, &headers, None) {
        return r;
    }
    let got = (|| {
        let t = table(&s, param(&q, "table"))?;
        let key: Json = serde_json::from_str(param(&q, "key").ok_or("which row? (?key=…)")?)
            .map_err(|e| format!("key: {e}"))?;
        let column = param(&q, "column").ok_or("which column? (?column=…)")?;
        let conn = data::open(&s.file, true)?;
        let bytes = data::blob(&conn, t, &key, column)?
            .ok_or_else(|| format!("`{}`.`{column}` of row {key} is NULL", t.name))?;
        // A file name of plain characters only: no header injection.
        let name: String = format!("{}-{key}-{column}.bin", t.name)
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        Ok::<_, String>((bytes, name))
    })();
    match got {
        Ok((bytes, name)) => (
            [
                (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => answer(Err(e)),
    }
}

/// Why a POST is refused, if it is: what [`refused`] checks, and the CSRF token.
fn refused_post(s: &Studio, headers: &HeaderMap) -> Option<Response> {
    if let Some(r) = refused(s, headers, None) {
        return Some(r);
    }
    if headers.get("x-csrf-token").and_then(|t| t.to_str().ok()) != Some(s.csrf.as_str()) {
        return Some((StatusCode::FORBIDDEN, "missing CSRF token").into_response());
    }
    None
}

/// A write's answer: the result, or the error (with the column it names) as a 400.
fn written(r: Result<Json, Json>) -> Response {
    match r {
        Ok(j) => axum::Json(j).into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, axum::Json(e)).into_response(),
    }
}

/// A connection for writing (the runtime's SQLite executor turns foreign keys on, as on D1).
fn writer(s: &Studio) -> Result<rusqlite::Connection, Json> {
    data::open(&s.file, false).map_err(|e| json!({ "error": e }))
}

/// The request's JSON body and its table.
fn body_table<'a>(s: &'a Studio, body: &[u8]) -> Result<(Json, &'a mizzle_build::ir::Table), Json> {
    let j: Json =
        serde_json::from_slice(body).map_err(|e| json!({ "error": format!("body: {e}") }))?;
    let t = table(s, j["table"].as_str()).map_err(|e| json!({ "error": e }))?;
    Ok((j, t))
}

async fn update(State(s): State<Arc<Studio>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(r) = refused_post(&s, &headers) {
        return r;
    }
    written((|| {
        let (j, t) = body_table(&s, &body)?;
        let column = j["column"].as_str().unwrap_or("");
        edit::update(writer(&s)?, t, &j["key"], column, &j["value"])
    })())
}

async fn insert(State(s): State<Arc<Studio>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(r) = refused_post(&s, &headers) {
        return r;
    }
    written((|| {
        let (j, t) = body_table(&s, &body)?;
        let values = j["values"].as_object().cloned().unwrap_or_default();
        edit::insert(writer(&s)?, t, &values)
    })())
}

/// `{"table", "key"}`: what the delete would also remove (`cascades`); with `"confirm":
/// true`, the delete.
async fn delete(State(s): State<Arc<Studio>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(r) = refused_post(&s, &headers) {
        return r;
    }
    written((|| {
        let (j, t) = body_table(&s, &body)?;
        let conn = writer(&s)?;
        if j["confirm"] == true {
            edit::delete(conn, t, &j["key"])
        } else {
            edit::cascades(&conn, &s.schema, t, &j["key"])
                .map(|c| json!({ "cascades": c }))
                .map_err(|e| json!({ "error": e }))
        }
    })())
}

async fn sql(State(s): State<Arc<Studio>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Some(r) = refused_post(&s, &headers) {
        return r;
    }
    let text = String::from_utf8_lossy(&body).into_owned();
    answer(data::console(&s.file, &text))
}
