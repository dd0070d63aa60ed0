-- 1
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?) ON CONFLICT ("email") DO UPDATE SET "name" = ? RETURNING "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at"
-- params: [Text("a@x.io"), Text("A"), <now>, Text("A")]

-- 2
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?) ON CONFLICT ("email") DO UPDATE SET "name" = ? RETURNING "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at"
-- params: [Text("b@x.io"), Text("B"), <now>, Text("B")]

-- 3
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?) ON CONFLICT ("email") DO UPDATE SET "name" = ? RETURNING "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at"
-- params: [Text("a@x.io"), Text("A2"), <now>, Text("A2")]

-- 4
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" ORDER BY "users"."id" LIMIT 10 OFFSET 0
-- params: []

