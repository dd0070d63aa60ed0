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
UPDATE "posts" SET "views" = ?, "updated_at" = ? WHERE "posts"."id" = ?
-- params: [Integer(9007199254740990), <now>, Integer(1)]

-- 12
UPDATE "posts" SET "views" = (SELECT CASE WHEN "__v" IS NULL OR abs("__v") <= 9007199254740991 THEN "__v" ELSE abs(-9223372036854775807 - 1) END FROM (SELECT ("posts"."views" + ?) AS "__v")) WHERE "posts"."id" = ? RETURNING "posts"."views" AS "c0"
-- params: [Integer(1), Integer(1)]

-- 13
UPDATE "posts" SET "views" = (SELECT CASE WHEN "__v" IS NULL OR abs("__v") <= 9007199254740991 THEN "__v" ELSE abs(-9223372036854775807 - 1) END FROM (SELECT ("posts"."views" + ?) AS "__v")) WHERE "posts"."id" = ? RETURNING "posts"."views" AS "c0"
-- params: [Integer(1), Integer(1)]

-- 14
SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at" FROM "posts" WHERE "posts"."id" = ? LIMIT 1
-- params: [Integer(1)]

-- 15
UPDATE "posts" SET "views" = (SELECT CASE WHEN "__v" IS NULL OR abs("__v") <= 9007199254740991 THEN "__v" ELSE abs(-9223372036854775807 - 1) END FROM (SELECT ("posts"."views" * ?) AS "__v")) WHERE "posts"."id" = ?
-- params: [Integer(2), Integer(1)]

-- 16
UPDATE "posts" SET "views" = (SELECT CASE WHEN "__v" IS NULL OR abs("__v") <= 9007199254740991 THEN "__v" ELSE abs(-9223372036854775807 - 1) END FROM (SELECT ("posts"."views" - ?) AS "__v")) WHERE "posts"."id" = ?
-- params: [Integer(1), Integer(1)]

