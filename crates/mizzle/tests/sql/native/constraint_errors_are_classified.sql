-- 1
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?) RETURNING "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at"
-- params: [Text("a@x.io"), Text("Name"), <now>]

-- 2
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?)
-- params: [Text("a@x.io"), Text("x"), <now>]

-- 3
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?)
-- params: [Text("no-at-sign"), Text("x"), <now>]

-- 4
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?)
-- params: [Integer(999), Text("t"), Text("s"), <now>, <now>]

-- 5
SELECT "j"."value" FROM json_each(?) AS "j" WHERE NOT EXISTS (SELECT 1 FROM "users" WHERE "users"."id" = "j"."value") LIMIT 1
-- params: [Text("[999]")]

