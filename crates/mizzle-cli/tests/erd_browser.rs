//! `mizzle erd --format svg` rendered by a real browser (Debian's headless Chromium, which
//! scripts/test.sh installs): every table's name is drawn (it has a size on the page), every
//! text lies inside the picture and inside its table's box (the box widths are estimates
//! from the font; this is where a wrong estimate would show), no text runs into the next
//! one, and no two boxes overlap.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::workspace;

fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

fn erd_svg(project: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_mizzle"))
        .arg("--project")
        .arg(project)
        .args(["erd", "--format", "svg"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// What the browser measured, as JSON.
const MEASURE: &str = r#"
<script>
const svg = document.querySelector('svg');
const vb = svg.viewBox.baseVal;
const inside = (b, r) => b.x >= r.x - 0.5 && b.y >= r.y - 0.5 && b.x + b.width <= r.x + r.width + 0.5 && b.y + b.height <= r.y + r.height + 0.5;
const tables = [...svg.querySelectorAll('g.table')].map(g => {
  const f = g.querySelector('rect.frame').getBBox();
  const name = g.querySelector('text.name');
  const texts = [...g.querySelectorAll('text')];
  return {
    table: g.dataset.table,
    name: name.textContent,
    nameWidth: name.getBBox().width,
    frame: { x: f.x, y: f.y, width: f.width, height: f.height },
    outside: texts.filter(t => !inside(t.getBBox(), f)).map(t => t.textContent),
    offPicture: texts.filter(t => !inside(t.getBBox(), vb)).map(t => t.textContent),
    // Texts of one row running into each other.
    collisions: texts.flatMap((a, i) => texts.slice(i + 1).filter(b => {
      const p = a.getBBox(), q = b.getBBox();
      return p.x < q.x + q.width - 0.5 && q.x < p.x + p.width - 0.5 && p.y < q.y + q.height - 0.5 && q.y < p.y + p.height - 0.5;
    }).map(b => [a.textContent, b.textContent])),
  };
});
const overlaps = [];
for (let i = 0; i < tables.length; i++) for (let j = i + 1; j < tables.length; j++) {
  const a = tables[i].frame, b = tables[j].frame;
  if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) overlaps.push([tables[i].table, tables[j].table]);
}
document.getElementById('out').textContent = JSON.stringify({ tables, overlaps, edges: svg.querySelectorAll('g.edge').length });
</script>"#;

fn measure(svg: &str, dir: &Path) -> serde_json::Value {
    let chromium = chromium().expect(
        "Chromium is not installed: scripts/test.sh installs Debian's `chromium` (apt-get install chromium)",
    );
    let page = dir.join("erd.html");
    std::fs::write(
        &page,
        format!("<!doctype html><html><body>{svg}<pre id=\"out\"></pre>{MEASURE}</body></html>"),
    )
    .unwrap();
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=3000",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.find("<pre id=\"out\">").expect("the page rendered") + "<pre id=\"out\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    let json = dom[start..end]
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    serde_json::from_str(&json)
        .unwrap_or_else(|e| panic!("{e}: {json}\n{}", String::from_utf8_lossy(&out.stderr)))
}

fn check(m: &serde_json::Value, tables: &[&str], edges: usize) {
    let drawn: Vec<&str> = m["tables"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["nameWidth"].as_f64().unwrap() > 0.0)
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    for t in tables {
        assert!(drawn.contains(t), "table `{t}` is not drawn: {drawn:?}");
    }
    assert_eq!(drawn.len(), tables.len());
    for t in m["tables"].as_array().unwrap() {
        assert_eq!(
            t["outside"],
            serde_json::json!([]),
            "text outside its box in {t}"
        );
        assert_eq!(
            t["offPicture"],
            serde_json::json!([]),
            "text off the picture in {t}"
        );
    }
    assert_eq!(m["overlaps"], serde_json::json!([]), "boxes overlap");
    assert_eq!(m["edges"].as_u64().unwrap() as usize, edges);
}

#[test]
fn the_example_schema_renders_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let svg = erd_svg(&workspace());
    let m = measure(&svg, tmp.path());
    let tables: Vec<String> = std::fs::read_dir(workspace().join("schema"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml") && !p.ends_with("mizzle.toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let names: Vec<&str> = tables.iter().map(String::as_str).collect();
    // posts.author_id; comments.post_id, author_id, parent_id; post_tags.post_id, tag_id
    check(&m, &names, 6);
}

#[test]
fn a_schema_with_cycles_self_references_and_long_names_renders_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let schema = tmp.path().join("schema");
    std::fs::create_dir_all(&schema).unwrap();
    let n = 14;
    for i in 0..n {
        let prev = (i + n - 1) % n;
        let long = "a_rather_long_column_name_to_measure_".repeat(1 + i % 2);
        std::fs::write(
            schema.join(format!("t{i:02}_{}.toml", "x".repeat(i % 5))),
            format!(
                "[columns]\nid = {{ type = \"integer\", primary_key = true }}\n\
                 prev_id = {{ type = \"integer\", nullable = true, references = \"t{prev:02}_{}.id\" }}\n\
                 self_id = {{ type = \"integer\", nullable = true, unique = true, references = \"t{i:02}_{}.id\" }}\n\
                 {long}{i} = {{ type = \"timestamp_ms\", nullable = true }}\n\
                 \"quoted <&> name\" = {{ type = \"text\", nullable = true }}\n",
                "x".repeat(prev % 5),
                "x".repeat(i % 5)
            ),
        )
        .unwrap();
    }
    let svg = erd_svg(tmp.path());
    let m = measure(&svg, tmp.path());
    let names: Vec<String> = (0..n)
        .map(|i| format!("t{i:02}_{}", "x".repeat(i % 5)))
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    check(&m, &names, 2 * n);
}
