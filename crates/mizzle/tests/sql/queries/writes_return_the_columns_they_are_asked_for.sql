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
UPDATE "posts" SET "rating" = ?, "updated_at" = ? WHERE "posts"."author_id" = ? RETURNING "posts"."id" AS "c0", "posts"."rating" AS "c1"
-- params: [Real(3.5), <now>, Integer(1)]

-- 12
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?) RETURNING "posts"."id" AS "c0", "posts"."slug" AS "c1", ("posts"."views" + ?) AS "c2"
-- params: [Integer(3), Text("Cid's"), Text("c1"), <now>, <now>, Integer(10)]

-- 13
DELETE FROM "posts" WHERE "posts"."slug" = ? RETURNING "posts"."title" AS "c0"
-- params: [Text("c1")]

-- 14
DELETE FROM "posts" WHERE "posts"."slug" = ? RETURNING "posts"."id" AS "c0"
-- params: [Text("nope")]

-- 15
UPDATE "posts" SET "rating" = ?, "updated_at" = ? WHERE "posts"."slug" = ? RETURNING "posts"."id" AS "c0"
-- params: [Real(1.0), <now>, Text("nope")]

