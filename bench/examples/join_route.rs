//! The join of native-queries, N times, for callgrind: `join_route mizzle|hand N`.
use mizzle_example::schema::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args[2].parse().unwrap();
    let db = mizzle_bench::seeded();
    let mut total = 0;
    for _ in 0..n {
        if args[1] == "mizzle" {
            let rows: Vec<(User, Post)> = mizzle_bench::block_on(
                db.select(users::table)
                    .inner_join(posts::table, posts::author_id.eq_col(users::id))
                    .filter(posts::published.eq(true))
                    .order_by(posts::id)
                    .limit(50)
                    .all(),
            )
            .unwrap();
            total += rows.len();
        } else {
            let c = db.executor().lock();
            let mut st = c.prepare_cached("SELECT u.id, u.email, u.name, u.bio, u.avatar, u.role, u.created_at, p.id, p.author_id, p.title, p.slug, p.body, p.status, p.meta, p.published, p.rating, p.views, p.created_at, p.updated_at FROM users u INNER JOIN posts p ON p.author_id = u.id WHERE p.published = 1 ORDER BY p.id LIMIT 50").unwrap();
            let rows: Vec<(User, Post)> = st
                .query_map([], |r| {
                    Ok((mizzle_bench::hand_user(r)?, hand_post_at(r, 7)?))
                })
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            total += rows.len();
        }
    }
    println!("{total}");
}

fn hand_post_at(r: &rusqlite::Row, at: usize) -> rusqlite::Result<Post> {
    let status: String = r.get(at + 5)?;
    Ok(Post {
        id: r.get(at)?,
        author_id: r.get(at + 1)?,
        title: r.get(at + 2)?,
        slug: r.get(at + 3)?,
        body: r.get(at + 4)?,
        status: mizzle::sql::SqlEnum::from_db_str(&status).unwrap(),
        meta: r
            .get::<_, Option<String>>(at + 6)?
            .map(|m| mizzle::serde_json::from_str(&m).unwrap()),
        published: r.get::<_, i64>(at + 7)? != 0,
        rating: r.get(at + 8)?,
        views: r.get(at + 9)?,
        created_at: mizzle::chrono::DateTime::from_timestamp(r.get(at + 10)?, 0).unwrap(),
        updated_at: mizzle::chrono::DateTime::from_timestamp(r.get(at + 11)?, 0).unwrap(),
    })
}
