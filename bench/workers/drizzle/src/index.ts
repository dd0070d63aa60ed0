// The benchmark routes written with drizzle-orm on D1 (see bench/workers/README.md): the
// same routes as bench/workers/hand and bench/workers/mizzle.
import { asc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

interface Env {
  DB: D1Database;
}

const json = (v: unknown, status = 200) =>
  new Response(JSON.stringify(v), { status, headers: { "content-type": "application/json" } });

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    const db = drizzle(env.DB, { schema });
    const url = new URL(req.url);
    const parts = url.pathname.split("/").filter(Boolean);
    if (req.method === "GET" && parts[0] === "users" && parts.length === 2) {
      const user = await db.query.users.findFirst({ where: eq(schema.users.id, Number(parts[1])) });
      return user ? json(user) : json("not found", 404);
    }
    if (req.method === "GET" && parts[0] === "users" && parts[2] === "tree") {
      const tree = await db.query.users.findFirst({
        where: eq(schema.users.id, Number(parts[1])),
        with: {
          posts: {
            orderBy: [asc(schema.posts.id)],
            with: { comments: { orderBy: [asc(schema.comments.id)] } },
          },
        },
      });
      return tree ? json(tree) : json("not found", 404);
    }
    if (req.method === "GET" && url.pathname === "/posts") {
      const rows = await db
        .select()
        .from(schema.posts)
        .where(eq(schema.posts.published, true))
        .orderBy(asc(schema.posts.id))
        .limit(50);
      return json(rows);
    }
    if (req.method === "POST" && url.pathname === "/tags") {
      const body = (await req.json()) as { name: string };
      const rows = await db
        .insert(schema.tags)
        .values({ name: body.name })
        .onConflictDoNothing({ target: schema.tags.name })
        .returning();
      return json(rows[0] ?? null);
    }
    if (req.method === "POST" && url.pathname === "/samples/bulk") {
      const n = Number(url.searchParams.get("n") ?? 1000);
      // D1 binds at most 100 parameters: 50 rows of 2 per statement, all in one batch.
      const inserts = [];
      for (let start = 0; start < n; start += 50) {
        const rows = [];
        for (let i = start; i < Math.min(start + 50, n); i++) rows.push({ label: `s${i}`, int_v: i });
        inserts.push(db.insert(schema.samples).values(rows));
      }
      const results = await db.batch(inserts as [any, ...any[]]);
      const changed = results.reduce((sum: number, r: any) => sum + (r.meta?.changes ?? 0), 0);
      return json({ changed });
    }
    return json("not found", 404);
  },
};
