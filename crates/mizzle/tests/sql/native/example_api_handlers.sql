-- 1
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?) RETURNING "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at"
-- params: [Text("a@x.io"), Text("A"), <now>]

-- 2
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE "users"."id" = ? LIMIT 1
-- params: [Integer(1)]

-- 3
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE "users"."id" = ? LIMIT 1
-- params: [Integer(99)]

-- 4
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?) RETURNING "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at"
-- params: [Text("a@x.io"), Text("A"), <now>]

-- 5
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?) RETURNING "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at"
-- params: [Text("bad"), Text("A"), <now>]

-- 6
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?) ON CONFLICT ("email") DO UPDATE SET "name" = ? RETURNING "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at"
-- params: [Text("a@x.io"), Text("A2"), <now>, Text("A2")]

-- 7
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?) RETURNING "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at"
-- params: [Integer(1), Text("T"), Text("t"), <now>, <now>]

-- 8
SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at" FROM "posts" WHERE "posts"."author_id" = ? ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT 10
-- params: [Integer(1)]

-- 9
SELECT count(*) FROM "posts" WHERE "posts"."author_id" = ?
-- params: [Integer(1)]

-- 10
UPDATE "posts" SET "status" = ?, "updated_at" = ? WHERE "posts"."id" = ? RETURNING "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at"
-- params: [Text("published"), <now>, Integer(1)]

-- 11
DELETE FROM "posts" WHERE "posts"."id" = ? RETURNING "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at"
-- params: [Integer(1)]

-- 12
DELETE FROM "posts" WHERE "posts"."id" = ? RETURNING "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at"
-- params: [Integer(1)]

-- 13
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" ORDER BY "users"."id" LIMIT 10 OFFSET 0
-- params: []

