//! A foreign key failure names its reference (native SQLite; the example's tests/d1_e2e.rs
//! proves the same on local D1). SQLite says only `FOREIGN KEY constraint failed`; an RSVP
//! to an unknown event and one from an unknown person must not read the same, and a delete
//! blocked by rows still pointing at it says which.
//!
//! The tables are written out as mizzle-build generates them (the parts these writes use):
//! `events`, `people`, and `rsvps` referencing both, the event with `on_delete = "restrict"`.

use mizzle::sqlite::SqliteExecutor;
use mizzle::{
    Column, Db, DbErrorKind, Error, ForeignKey, Insertable, Patch, Row, SetValues, Value,
};

const RSVP_EVENT: ForeignKey = ForeignKey {
    table: "rsvps",
    column: "event_id",
    parent: "events",
    parent_column: "id",
    on_delete: "restrict",
};
const RSVP_PERSON: ForeignKey = ForeignKey {
    table: "rsvps",
    column: "person_id",
    parent: "people",
    parent_column: "id",
    on_delete: "cascade",
};

macro_rules! table {
    ($t:ident, $name:literal, [$($c:literal),*], $sql:literal, $fks:expr, $refs:expr) => {
        #[derive(Clone, Copy)]
        struct $t;
        impl mizzle::Table for $t {
            type Row = Row;
            type Insert = Values<$t>;
            type Patch = Set<$t>;
            const NAME: &'static str = $name;
            const COLUMNS: &'static [&'static str] = &[$($c),*];
            const COLUMNS_SQL: &'static str = $sql;
            const COLUMNS_QUOTED: &'static [&'static str] = &[$(concat!("\"", $c, "\"")),*];
            const NAME_SQL: &'static str = concat!("\"", $name, "\"");
            const PRIMARY_KEY: &'static [&'static str] = &["id"];
            const FOREIGN_KEYS: &'static [ForeignKey] = $fks;
            const REFERENCED_BY: &'static [ForeignKey] = $refs;
            fn default_handle() -> Self {
                $t
            }
        }
    };
}

/// An insert's values (the generated `NewRsvp`, reduced to its column list).
struct Values<T>(Vec<(&'static str, Value)>, std::marker::PhantomData<T>);
impl<T: mizzle::Table> Insertable for Values<T> {
    type Table = T;
    fn into_values(self) -> Vec<(&'static str, Value)> {
        self.0
    }
}
fn values<T>(v: &[(&'static str, i64)]) -> Values<T> {
    Values(
        v.iter().map(|(c, n)| (*c, Value::Integer(*n))).collect(),
        std::marker::PhantomData,
    )
}

/// A patch (the generated `RsvpPatch`, reduced to its set values).
struct Set<T>(SetValues, std::marker::PhantomData<T>);
impl<T: mizzle::Table> Patch for Set<T> {
    type Table = T;
    fn into_set(self) -> SetValues {
        self.0
    }
}

table!(
    Events,
    "events",
    ["id"],
    "\"events\".\"id\"",
    &[],
    &[RSVP_EVENT]
);
table!(
    People,
    "people",
    ["id"],
    "\"people\".\"id\"",
    &[],
    &[RSVP_PERSON]
);
table!(
    Rsvps,
    "rsvps",
    ["id", "event_id", "person_id"],
    "\"rsvps\".\"id\", \"rsvps\".\"event_id\", \"rsvps\".\"person_id\"",
    &[RSVP_EVENT, RSVP_PERSON],
    &[]
);

const EVENT_ID: Column<Events, mizzle::sql::Integer> = Column::new("id");

fn db() -> Db<SqliteExecutor> {
    let db = Db::new(SqliteExecutor::open_in_memory().unwrap());
    db.executor()
        .apply_migrations(&[(
            "0001_init.sql",
            "CREATE TABLE events (id INTEGER PRIMARY KEY);\n\
             CREATE TABLE people (id INTEGER PRIMARY KEY);\n\
             CREATE TABLE rsvps (id INTEGER PRIMARY KEY, \
               event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE RESTRICT, \
               person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE);\n\
             INSERT INTO events (id) VALUES (1), (2);\n\
             INSERT INTO people (id) VALUES (10);\n\
             INSERT INTO rsvps (event_id, person_id) VALUES (1, 10);",
        )])
        .unwrap();
    db
}

fn fk_message(e: Error) -> String {
    match &e {
        Error::Database {
            kind: DbErrorKind::ForeignKeyViolation,
            message,
            ..
        } => message.clone(),
        other => panic!("expected a foreign key failure, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unknown_event_and_an_unknown_person_read_differently() {
    let db = db();
    let e = db
        .insert(Rsvps)
        .values(values(&[("event_id", 99), ("person_id", 10)]))
        .run()
        .await
        .unwrap_err();
    assert_eq!(
        fk_message(e),
        "FOREIGN KEY constraint failed: rsvps.event_id: no `events` row has id = 99"
    );
    let e = db
        .insert(Rsvps)
        .values(values(&[("event_id", 1), ("person_id", 77)]))
        .returning()
        .one()
        .await
        .unwrap_err();
    assert_eq!(e.constraint_column(), Some("rsvps.person_id"));
    assert_eq!(
        fk_message(e),
        "FOREIGN KEY constraint failed: rsvps.person_id: no `people` row has id = 77"
    );
    assert_eq!(
        db.select(Rsvps).count().await.unwrap(),
        1,
        "nothing was written"
    );
}

#[tokio::test]
async fn the_row_of_a_bulk_insert_is_named() {
    let db = db();
    let e = db
        .insert(Rsvps)
        .values_many([
            values(&[("event_id", 1), ("person_id", 10)]),
            values(&[("event_id", 2), ("person_id", 10)]),
            values(&[("event_id", 2), ("person_id", 11)]),
        ])
        .run()
        .await
        .unwrap_err();
    assert_eq!(
        fk_message(e),
        "FOREIGN KEY constraint failed: rsvps.person_id: no `people` row has id = 11 (row 3 of 3)"
    );
}

#[tokio::test]
async fn an_update_to_a_missing_parent_is_named() {
    let db = db();
    let mut set = SetValues::with_capacity(1);
    set.push(1, Value::Integer(5));
    let e = db
        .update(Rsvps)
        .set(Set(set, std::marker::PhantomData))
        .run()
        .await
        .unwrap_err();
    assert_eq!(
        fk_message(e),
        "FOREIGN KEY constraint failed: rsvps.event_id: no `events` row has id = 5"
    );
}

#[tokio::test]
async fn a_delete_blocked_by_rows_pointing_at_it_names_them() {
    let db = db();
    let e = db
        .delete(Events)
        .filter(EVENT_ID.eq(1))
        .run()
        .await
        .unwrap_err();
    let m = fk_message(e);
    assert!(
        m.starts_with(
            "FOREIGN KEY constraint failed: rsvps.event_id: `rsvps` rows still reference the \
             `events` rows this deletes (on_delete = \"restrict\")"
        ),
        "{m}"
    );
    // The event without RSVPs goes; the cascade from people does not fail.
    db.delete(Events)
        .filter(EVENT_ID.eq(2))
        .run()
        .await
        .unwrap();
    db.delete(People).run().await.unwrap();
}

#[tokio::test]
async fn in_a_batch_a_parent_an_earlier_item_wrote_is_not_blamed() {
    let db = db();
    // Event 50 is inserted by the batch itself, then rolled back with it: the probe finds
    // it missing afterwards, but the failure was the unknown person.
    let e = db
        .batch((
            db.insert(Events).values(values(&[("id", 50)])),
            db.insert(Rsvps)
                .values(values(&[("event_id", 50), ("person_id", 12345)])),
        ))
        .await
        .unwrap_err();
    assert_eq!(e.batch_index(), Some(1));
    assert_eq!(
        fk_message(e),
        "FOREIGN KEY constraint failed: rsvps.person_id: no `people` row has id = 12345"
    );
    // When only the batch's own parent could be it, nothing is guessed: the references are
    // listed instead.
    let e = db
        .batch((
            db.insert(People).values(values(&[("id", 60)])),
            db.raw("DELETE FROM people WHERE id = 60", vec![]),
            db.insert(Rsvps)
                .values(values(&[("event_id", 1), ("person_id", 60)])),
        ))
        .await
        .unwrap_err();
    let m = fk_message(e);
    assert!(
        m.starts_with("FOREIGN KEY constraint failed (on `rsvps`; one of: rsvps.event_id → events.id, rsvps.person_id → people.id; "),
        "{m}"
    );
}
