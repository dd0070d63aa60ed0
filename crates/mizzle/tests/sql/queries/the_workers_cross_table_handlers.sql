-- 1
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?)
-- params: [Text("ann@x.io"), Text("Ann"), <now>]

-- 2
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?)
-- params: [Text("bob@x.io"), Text("Bob"), <now>]

-- 3
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?)
-- params: [Text("cid@x.io"), Text("Cid"), <now>]

-- 4
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at", "published", "rating") VALUES (?, ?, ?, ?, ?, ?, ?)
-- params: [Integer(1), Text("Title a1"), Text("a1"), <now>, <now>, Integer(1), Real(4.0)]

-- 5
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at", "published", "rating") VALUES (?, ?, ?, ?, ?, ?, ?)
-- params: [Integer(1), Text("Title a2"), Text("a2"), <now>, <now>, Integer(0), Real(2.0)]

-- 6
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at", "published", "rating") VALUES (?, ?, ?, ?, ?, ?, ?)
-- params: [Integer(2), Text("Title b1"), Text("b1"), <now>, <now>, Integer(1), Real(5.0)]

-- 7
INSERT INTO "comments" ("post_id", "body", "created_at", "author_id") VALUES (?, ?, ?, ?)
-- params: [Integer(1), Text("first"), <now>, Integer(2)]

-- 8
INSERT INTO "comments" ("post_id", "body", "created_at", "author_id", "parent_id") VALUES (?, ?, ?, ?, ?)
-- params: [Integer(1), Text("reply"), <now>, Integer(1), Integer(1)]

-- 9
INSERT INTO "tags" ("name") VALUES (?), (?)
-- params: [Text("rust"), Text("d1")]

-- 10
INSERT INTO "post_tags" ("post_id", "tag_id") VALUES (?, ?), (?, ?), (?, ?)
-- params: [Integer(1), Integer(1), Integer(3), Integer(1), Integer(1), Integer(2)]

-- 11
SELECT "users"."id" AS "c0", "users"."email" AS "c1", "users"."name" AS "c2", "users"."bio" AS "c3", "users"."avatar" AS "c4", "users"."role" AS "c5", "users"."created_at" AS "c6", "posts"."id" AS "c7", "posts"."author_id" AS "c8", "posts"."title" AS "c9", "posts"."slug" AS "c10", "posts"."body" AS "c11", "posts"."status" AS "c12", "posts"."meta" AS "c13", "posts"."published" AS "c14", "posts"."rating" AS "c15", "posts"."views" AS "c16", "posts"."created_at" AS "c17", "posts"."updated_at" AS "c18" FROM "users" LEFT JOIN "posts" ON "posts"."author_id" = "users"."id" WHERE "users"."email" LIKE ? ESCAPE '\' ORDER BY "users"."id", "posts"."id"
-- params: [Text("%")]

-- 12
SELECT "posts"."id" AS "c0", "posts"."title" AS "c1" FROM "posts" WHERE "posts"."author_id" = ? ORDER BY "posts"."id"
-- params: [Integer(1)]

-- 13
UPDATE "posts" SET "views" = (SELECT CASE WHEN "__v" IS NULL OR abs("__v") <= 9007199254740991 THEN "__v" ELSE abs(-9223372036854775807 - 1) END FROM (SELECT ("posts"."views" + ?) AS "__v")) WHERE "posts"."id" = ? RETURNING "posts"."views" AS "c0"
-- params: [Integer(1), Integer(1)]

-- 14
UPDATE "posts" SET "views" = (SELECT CASE WHEN "__v" IS NULL OR abs("__v") <= 9007199254740991 THEN "__v" ELSE abs(-9223372036854775807 - 1) END FROM (SELECT ("posts"."views" + ?) AS "__v")) WHERE "posts"."id" = ? RETURNING "posts"."views" AS "c0"
-- params: [Integer(1), Integer(1)]

-- 15
SELECT "users"."name" AS "c0", count("posts"."id") AS "c1", sum(("posts"."published")) AS "c2", sum("posts"."views") AS "c3" FROM "users" LEFT JOIN "posts" ON "posts"."author_id" = "users"."id" WHERE "users"."email" LIKE ? ESCAPE '\' GROUP BY "users"."id" ORDER BY "users"."id"
-- params: [Text("%")]

-- 16
SELECT "users"."email" AS "c0" FROM "users" WHERE "users"."email" LIKE ? ESCAPE '\' AND EXISTS (SELECT 1 FROM "posts" AS "__c" WHERE "__c"."author_id" = "users"."id" AND ("__c"."published" = 1)) ORDER BY "users"."id"
-- params: [Text("%")]

-- 17
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?) RETURNING "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at"
-- params: [Integer(3), Text("New"), Text("new"), <now>, <now>]

-- 18
WITH "__last"("v") AS MATERIALIZED (SELECT "posts"."id" FROM "posts" WHERE "posts".rowid = last_insert_rowid()) INSERT INTO "post_tags" ("tag_id", "post_id") VALUES (?, (SELECT "__last"."v" FROM "__last")), (?, (SELECT "__last"."v" FROM "__last"))
-- params: [Integer(1), Integer(2)]

-- 19
SELECT count(*) FROM "post_tags" WHERE "post_tags"."post_id" = ?
-- params: [Integer(4)]

-- 20
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?) RETURNING "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at"
-- params: [Integer(3), Text("Bad"), Text("bad"), <now>, <now>]

-- 21
WITH "__last"("v") AS MATERIALIZED (SELECT "posts"."id" FROM "posts" WHERE "posts".rowid = last_insert_rowid()) INSERT INTO "post_tags" ("tag_id", "post_id") VALUES (?, (SELECT "__last"."v" FROM "__last")), (?, (SELECT "__last"."v" FROM "__last"))
-- params: [Integer(1), Integer(99)]

-- 22
SELECT "j"."value" FROM json_each(?) AS "j" WHERE NOT EXISTS (SELECT 1 FROM "tags" WHERE "tags"."id" = "j"."value") LIMIT 1
-- params: [Text("[1,99]")]

-- 23
SELECT count(*) FROM "posts" WHERE "posts"."slug" = ?
-- params: [Text("bad")]

