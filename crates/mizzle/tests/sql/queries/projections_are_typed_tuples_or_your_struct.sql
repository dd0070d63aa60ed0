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
SELECT "users"."id" AS "c0", "users"."name" AS "c1" FROM "users" ORDER BY "users"."id"
-- params: []

-- 12
SELECT "users"."email" AS "c0" FROM "users" WHERE "users"."id" = ? LIMIT 1
-- params: [Integer(2)]

-- 13
SELECT "users"."name" AS "c0", "posts"."slug" AS "c1" FROM "users" LEFT JOIN "posts" ON "posts"."author_id" = "users"."id" ORDER BY "users"."id", "posts"."id"
-- params: []

-- 14
SELECT "users"."id" AS "c0", "users"."email" AS "c1", "users"."name" AS "c2", "users"."bio" AS "c3", "users"."avatar" AS "c4", "users"."role" AS "c5", "users"."created_at" AS "c6", count("posts"."id") AS "c7" FROM "users" LEFT JOIN "posts" ON "posts"."author_id" = "users"."id" GROUP BY "users"."id" ORDER BY "users"."id"
-- params: []

-- 15
SELECT "users"."name" AS "name", count("posts"."id") AS "posts" FROM "users" LEFT JOIN "posts" ON "posts"."author_id" = "users"."id" GROUP BY "users"."id" ORDER BY "users"."id"
-- params: []

