//! The first migration of a pulled project: the database's own DDL, `IF NOT EXISTS`.

use super::*;

/// The database's own DDL as a first migration for a project that has none: every table,
/// index, view and trigger, in creation order, each `IF NOT EXISTS`. Applied to the database
/// it came from it changes nothing (and wrangler records it as applied); on a new database it
/// makes the same shape, including what schema/ cannot say.
pub fn baseline_sql(conn: &Connection) -> rusqlite::Result<String> {
    let kinds = table_kinds(conn)?;
    let mut st = conn.prepare(
        "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY rowid",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = String::from(
        "-- The database as `mizzle pull` found it. Every statement is IF NOT EXISTS: applied to\n\
         -- that database it changes nothing (wrangler records it as applied); on a new database\n\
         -- it makes the same tables. Kept as written; later migrations are generated from schema/.\n\n",
    );
    for row in rows {
        let (kind, name, table, sql) = row?;
        let shadow = kinds.get(&name).is_some_and(|(k, _)| k == "shadow");
        if shadow
            || crate::lower::reserved_sql_name(&table).is_some()
            || tool_ledger(&table).is_some()
        {
            continue;
        }
        let keyword = match kind.as_str() {
            "table" => "TABLE",
            "index" => "INDEX",
            "view" => "VIEW",
            "trigger" => "TRIGGER",
            _ => continue,
        };
        out.push_str(&if_not_exists(&sql, keyword));
        out.push_str(";\n");
    }
    Ok(out)
}

/// `CREATE [UNIQUE|VIRTUAL|TEMP] <keyword> name ..` with `IF NOT EXISTS` after the keyword.
pub(super) fn if_not_exists(sql: &str, keyword: &str) -> String {
    let upper = sql.to_ascii_uppercase();
    let Some(at) = upper.find(keyword) else {
        return sql.to_owned();
    };
    let after = at + keyword.len();
    if upper[after..].trim_start().starts_with("IF NOT EXISTS") {
        return sql.to_owned();
    }
    format!("{} IF NOT EXISTS{}", &sql[..after], &sql[after..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_baseline_makes_the_same_database_and_changes_nothing_on_it() {
        let sql = "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, n NUMERIC);
             CREATE TABLE IF NOT EXISTS b (x INTEGER REFERENCES a (id));
             CREATE UNIQUE INDEX b_x ON b (x);
             CREATE VIEW v AS SELECT * FROM b;
             CREATE TRIGGER t AFTER INSERT ON a BEGIN INSERT INTO b VALUES (new.id); END;";
        let conn = replay::open();
        conn.execute_batch(sql).unwrap();
        let base = baseline_sql(&conn).unwrap();
        assert!(!base.contains("sqlite_sequence"), "{base}");
        conn.execute_batch(&base).unwrap();
        let fresh = replay::open();
        fresh.execute_batch(&base).unwrap();
        let all = |c: &Connection| -> Vec<(String, String)> {
            c.prepare("SELECT type, name FROM sqlite_schema ORDER BY name")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        assert_eq!(all(&conn), all(&fresh));
        assert_eq!(
            replay::introspect(&conn).unwrap(),
            replay::introspect(&fresh).unwrap()
        );
    }
}
