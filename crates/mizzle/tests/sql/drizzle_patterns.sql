-- 1
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?) RETURNING "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at"
-- params: [Text("ann@x.io"), Text("Ann"), <now>]

-- 2
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE "users"."id" = ? LIMIT 1
-- params: [Integer(1)]

-- 3
UPDATE "users" SET "name" = ? WHERE "users"."id" = ?
-- params: [Text("Ann B"), Integer(1)]

-- 4
DELETE FROM "users" WHERE "users"."id" = ? RETURNING "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at"
-- params: [Integer(1)]

-- 5
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?)
-- params: [Text("bob@x.io"), Text("Bob"), <now>]

-- 6
INSERT INTO "tags" ("name") VALUES (?), (?)
-- params: [Text("a"), Text("b")]

-- 7
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users"
-- params: []

-- 8
SELECT * FROM (SELECT c."id", c."author_id", c."title", c."slug", c."body", c."status", c."meta", c."published", c."rating", c."views", c."created_at", c."updated_at", c."author_id" AS __mizzle_key, ROW_NUMBER() OVER (PARTITION BY c."author_id" ORDER BY c."id") AS __mizzle_rn FROM (SELECT "id" FROM (SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users")) AS p JOIN (SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at" FROM "posts" WHERE "posts"."published" = 1) AS c ON c."author_id" = p."id") WHERE __mizzle_rn <= 5 ORDER BY __mizzle_key, __mizzle_rn
-- params: []

-- 9
SELECT "users"."id" AS "c0", "users"."email" AS "c1", "users"."name" AS "c2", "users"."bio" AS "c3", "users"."avatar" AS "c4", "users"."role" AS "c5", "users"."created_at" AS "c6", "posts"."id" AS "c7", "posts"."author_id" AS "c8", "posts"."title" AS "c9", "posts"."slug" AS "c10", "posts"."body" AS "c11", "posts"."status" AS "c12", "posts"."meta" AS "c13", "posts"."published" AS "c14", "posts"."rating" AS "c15", "posts"."views" AS "c16", "posts"."created_at" AS "c17", "posts"."updated_at" AS "c18" FROM "users" LEFT JOIN "posts" ON "posts"."author_id" = "users"."id"
-- params: []

-- 10
SELECT "users"."id" AS "c0", "users"."name" AS "c1" FROM "users"
-- params: []

-- 11
SELECT "posts"."author_id" AS "c0", count(*) AS "c1" FROM "posts" GROUP BY "posts"."author_id" HAVING count(*) > ?
-- params: [Integer(1)]

-- 12
SELECT count(*) FROM "users"
-- params: []

-- 13
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE "users"."id" IN (?, ?, ?)
-- params: [Integer(1), Integer(2), Integer(3)]

-- 14
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE "users"."id" IN (SELECT "posts"."author_id" AS "c0" FROM "posts")
-- params: []

-- 15
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE EXISTS (SELECT 1 FROM "posts" AS "__c" WHERE "__c"."author_id" = "users"."id" AND ("__c"."published" = 1))
-- params: []

-- 16
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE EXISTS (SELECT 1 FROM "tags")
-- params: []

-- 17
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?)
-- params: [Integer(2), Text("Hello"), Text("hello"), <now>, <now>]

-- 18
WITH "__last"("v") AS MATERIALIZED (SELECT "posts"."id" FROM "posts" WHERE "posts".rowid = last_insert_rowid()) INSERT INTO "post_tags" ("tag_id", "post_id") VALUES (?, (SELECT "__last"."v" FROM "__last")), (?, (SELECT "__last"."v" FROM "__last"))
-- params: [Integer(1), Integer(2)]

-- 19
UPDATE "posts" SET "views" = (SELECT CASE WHEN "__v" IS NULL OR abs("__v") <= 9007199254740991 THEN "__v" ELSE abs(-9223372036854775807 - 1) END FROM (SELECT ("posts"."views" + ?) AS "__v")) WHERE "posts"."id" = ?
-- params: [Integer(1), Integer(1)]

-- 20
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?) ON CONFLICT ("email") DO UPDATE SET "name" = excluded."name"
-- params: [Text("ann@x.io"), Text("Ann"), <now>]

-- 21
SELECT "posts"."id" AS "c0", (SELECT count(*) FROM "comments" AS "__c" WHERE "__c"."post_id" = "posts"."id") AS "c1" FROM "posts"
-- params: []

-- 22
SELECT "posts"."views" AS "c0" FROM "posts"
-- params: []

