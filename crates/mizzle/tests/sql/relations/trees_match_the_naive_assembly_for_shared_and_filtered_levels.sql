-- 1
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?) RETURNING "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at"
-- params: [Text("ann@x.io"), Text("Ann"), <now>]

-- 2
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?) RETURNING "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at"
-- params: [Text("bob@x.io"), Text("Bob"), <now>]

-- 3
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?)
-- params: [Text("cid@x.io"), Text("Cid"), <now>]

-- 4
INSERT INTO "tags" ("name") VALUES (?) RETURNING "tags"."id", "tags"."name"
-- params: [Text("rust")]

-- 5
INSERT INTO "tags" ("name") VALUES (?) RETURNING "tags"."id", "tags"."name"
-- params: [Text("d1")]

-- 6
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at", "published") VALUES (?, ?, ?, ?, ?, ?) RETURNING "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at"
-- params: [Integer(1), Text("post 0"), Text("p0"), <now>, <now>, Integer(1)]

-- 7
INSERT INTO "post_tags" ("post_id", "tag_id") VALUES (?, ?)
-- params: [Integer(1), Integer(1)]

-- 8
INSERT INTO "post_tags" ("post_id", "tag_id") VALUES (?, ?)
-- params: [Integer(1), Integer(2)]

-- 9
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at", "published") VALUES (?, ?, ?, ?, ?, ?) RETURNING "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at"
-- params: [Integer(1), Text("post 1"), Text("p1"), <now>, <now>, Integer(0)]

-- 10
INSERT INTO "comments" ("post_id", "body", "created_at", "author_id") VALUES (?, ?, ?, ?)
-- params: [Integer(2), Text("c1.0"), <now>, Integer(2)]

-- 11
INSERT INTO "post_tags" ("post_id", "tag_id") VALUES (?, ?)
-- params: [Integer(2), Integer(1)]

-- 12
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at", "published") VALUES (?, ?, ?, ?, ?, ?) RETURNING "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at"
-- params: [Integer(1), Text("post 2"), Text("p2"), <now>, <now>, Integer(1)]

-- 13
INSERT INTO "comments" ("post_id", "body", "created_at", "author_id") VALUES (?, ?, ?, ?)
-- params: [Integer(3), Text("c2.0"), <now>, Integer(2)]

-- 14
INSERT INTO "comments" ("post_id", "body", "created_at", "author_id") VALUES (?, ?, ?, ?)
-- params: [Integer(3), Text("c2.1"), <now>, Integer(1)]

-- 15
INSERT INTO "post_tags" ("post_id", "tag_id") VALUES (?, ?)
-- params: [Integer(3), Integer(1)]

-- 16
INSERT INTO "post_tags" ("post_id", "tag_id") VALUES (?, ?)
-- params: [Integer(3), Integer(2)]

-- 17
INSERT INTO "posts" ("author_id", "title", "slug", "created_at", "updated_at", "published") VALUES (?, ?, ?, ?, ?, ?) RETURNING "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at"
-- params: [Integer(2), Text("post 3"), Text("p3"), <now>, <now>, Integer(1)]

-- 18
INSERT INTO "comments" ("post_id", "body", "created_at", "author_id") VALUES (?, ?, ?, ?)
-- params: [Integer(4), Text("c3.0"), <now>, Integer(2)]

-- 19
INSERT INTO "comments" ("post_id", "body", "created_at", "author_id") VALUES (?, ?, ?, ?)
-- params: [Integer(4), Text("c3.1"), <now>, Integer(1)]

-- 20
INSERT INTO "comments" ("post_id", "body", "created_at", "author_id") VALUES (?, ?, ?, ?)
-- params: [Integer(4), Text("c3.2"), <now>, Integer(2)]

-- 21
INSERT INTO "post_tags" ("post_id", "tag_id") VALUES (?, ?)
-- params: [Integer(4), Integer(1)]

-- 22
SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at" FROM "posts" ORDER BY "posts"."id"
-- params: []

-- 23
SELECT c."id", c."name", j."post_id" AS __mizzle_key FROM (SELECT "id" FROM (SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at" FROM "posts" ORDER BY "posts"."id")) AS p JOIN "post_tags" AS j ON j."post_id" = p."id" JOIN "tags" AS c ON c."id" = j."tag_id" ORDER BY c."id"
-- params: []

-- 24
SELECT c."id", c."author_id", c."title", c."slug", c."body", c."status", c."meta", c."published", c."rating", c."views", c."created_at", c."updated_at", j."tag_id" AS __mizzle_key FROM (SELECT DISTINCT "id" FROM (SELECT c."id", c."name", j."post_id" AS __mizzle_key FROM (SELECT "id" FROM (SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at" FROM "posts" ORDER BY "posts"."id")) AS p JOIN "post_tags" AS j ON j."post_id" = p."id" JOIN "tags" AS c ON c."id" = j."tag_id")) AS p JOIN "post_tags" AS j ON j."tag_id" = p."id" JOIN "posts" AS c ON c."id" = j."post_id" ORDER BY c."id"
-- params: []

-- 25
SELECT "post_tags"."post_id", "post_tags"."tag_id" FROM "post_tags" WHERE "post_tags"."post_id" = ? ORDER BY "post_tags"."tag_id"
-- params: [Integer(1)]

-- 26
SELECT "post_tags"."post_id", "post_tags"."tag_id" FROM "post_tags" WHERE "post_tags"."tag_id" = ? ORDER BY "post_tags"."post_id"
-- params: [Integer(1)]

-- 27
SELECT "post_tags"."post_id", "post_tags"."tag_id" FROM "post_tags" WHERE "post_tags"."tag_id" = ? ORDER BY "post_tags"."post_id"
-- params: [Integer(2)]

-- 28
SELECT "post_tags"."post_id", "post_tags"."tag_id" FROM "post_tags" WHERE "post_tags"."post_id" = ? ORDER BY "post_tags"."tag_id"
-- params: [Integer(2)]

-- 29
SELECT "post_tags"."post_id", "post_tags"."tag_id" FROM "post_tags" WHERE "post_tags"."tag_id" = ? ORDER BY "post_tags"."post_id"
-- params: [Integer(1)]

-- 30
SELECT "post_tags"."post_id", "post_tags"."tag_id" FROM "post_tags" WHERE "post_tags"."post_id" = ? ORDER BY "post_tags"."tag_id"
-- params: [Integer(3)]

-- 31
SELECT "post_tags"."post_id", "post_tags"."tag_id" FROM "post_tags" WHERE "post_tags"."tag_id" = ? ORDER BY "post_tags"."post_id"
-- params: [Integer(1)]

-- 32
SELECT "post_tags"."post_id", "post_tags"."tag_id" FROM "post_tags" WHERE "post_tags"."tag_id" = ? ORDER BY "post_tags"."post_id"
-- params: [Integer(2)]

-- 33
SELECT "post_tags"."post_id", "post_tags"."tag_id" FROM "post_tags" WHERE "post_tags"."post_id" = ? ORDER BY "post_tags"."tag_id"
-- params: [Integer(4)]

-- 34
SELECT "post_tags"."post_id", "post_tags"."tag_id" FROM "post_tags" WHERE "post_tags"."tag_id" = ? ORDER BY "post_tags"."post_id"
-- params: [Integer(1)]

-- 35
SELECT "comments"."id", "comments"."post_id", "comments"."author_id", "comments"."parent_id", "comments"."body", "comments"."created_at" FROM "comments" ORDER BY "comments"."id"
-- params: []

-- 36
SELECT c."id", c."email", c."name", c."bio", c."avatar", c."role", c."created_at", c."id" AS __mizzle_key FROM (SELECT DISTINCT "author_id" FROM (SELECT "comments"."id", "comments"."post_id", "comments"."author_id", "comments"."parent_id", "comments"."body", "comments"."created_at" FROM "comments" ORDER BY "comments"."id")) AS p JOIN "users" AS c ON c."id" = p."author_id" ORDER BY c."id"
-- params: []

-- 37
SELECT c."id", c."author_id", c."title", c."slug", c."body", c."status", c."meta", c."published", c."rating", c."views", c."created_at", c."updated_at", c."author_id" AS __mizzle_key FROM (SELECT "id" FROM (SELECT c."id", c."email", c."name", c."bio", c."avatar", c."role", c."created_at", c."id" AS __mizzle_key FROM (SELECT DISTINCT "author_id" FROM (SELECT "comments"."id", "comments"."post_id", "comments"."author_id", "comments"."parent_id", "comments"."body", "comments"."created_at" FROM "comments" ORDER BY "comments"."id")) AS p JOIN "users" AS c ON c."id" = p."author_id")) AS p JOIN (SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at" FROM "posts" WHERE "posts"."published" = 1) AS c ON c."author_id" = p."id" ORDER BY c."id"
-- params: []

-- 38
SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at" FROM "posts" WHERE "posts"."author_id" = ? AND "posts"."published" = 1 ORDER BY "posts"."id"
-- params: [Integer(2)]

-- 39
SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at" FROM "posts" WHERE "posts"."author_id" = ? AND "posts"."published" = 1 ORDER BY "posts"."id"
-- params: [Integer(2)]

-- 40
SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at" FROM "posts" WHERE "posts"."author_id" = ? AND "posts"."published" = 1 ORDER BY "posts"."id"
-- params: [Integer(1)]

-- 41
SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at" FROM "posts" WHERE "posts"."author_id" = ? AND "posts"."published" = 1 ORDER BY "posts"."id"
-- params: [Integer(2)]

-- 42
SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at" FROM "posts" WHERE "posts"."author_id" = ? AND "posts"."published" = 1 ORDER BY "posts"."id"
-- params: [Integer(1)]

-- 43
SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at" FROM "posts" WHERE "posts"."author_id" = ? AND "posts"."published" = 1 ORDER BY "posts"."id"
-- params: [Integer(2)]

-- 44
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE "users"."name" <> ? ORDER BY "users"."id"
-- params: [Text("Cid")]

-- 45
SELECT c."id", c."author_id", c."title", c."slug", c."body", c."status", c."meta", c."published", c."rating", c."views", c."created_at", c."updated_at", c."author_id" AS __mizzle_key FROM (SELECT "id" FROM (SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE "users"."name" <> ? ORDER BY "users"."id")) AS p JOIN (SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at" FROM "posts" WHERE "posts"."title" <> ?) AS c ON c."author_id" = p."id" ORDER BY c."id"
-- params: [Text("Cid"), Text("post 9")]

-- 46
SELECT * FROM (SELECT c."id", c."post_id", c."author_id", c."parent_id", c."body", c."created_at", c."post_id" AS __mizzle_key, ROW_NUMBER() OVER (PARTITION BY c."post_id" ORDER BY c."id") AS __mizzle_rn FROM (SELECT "id" FROM (SELECT c."id", c."author_id", c."title", c."slug", c."body", c."status", c."meta", c."published", c."rating", c."views", c."created_at", c."updated_at", c."author_id" AS __mizzle_key FROM (SELECT "id" FROM (SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" WHERE "users"."name" <> ? ORDER BY "users"."id")) AS p JOIN (SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."slug", "posts"."body", "posts"."status", "posts"."meta", "posts"."published", "posts"."rating", "posts"."views", "posts"."created_at", "posts"."updated_at" FROM "posts" WHERE "posts"."title" <> ?) AS c ON c."author_id" = p."id")) AS p JOIN (SELECT "comments"."id", "comments"."post_id", "comments"."author_id", "comments"."parent_id", "comments"."body", "comments"."created_at" FROM "comments" WHERE "comments"."body" <> ?) AS c ON c."post_id" = p."id") WHERE __mizzle_rn <= 1 ORDER BY __mizzle_key, __mizzle_rn
-- params: [Text("Cid"), Text("post 9"), Text("zzz")]

-- 47
SELECT "comments"."id", "comments"."post_id", "comments"."author_id", "comments"."parent_id", "comments"."body", "comments"."created_at" FROM "comments" WHERE "comments"."post_id" = ? ORDER BY "comments"."id" LIMIT 1
-- params: [Integer(1)]

-- 48
SELECT "comments"."id", "comments"."post_id", "comments"."author_id", "comments"."parent_id", "comments"."body", "comments"."created_at" FROM "comments" WHERE "comments"."post_id" = ? ORDER BY "comments"."id" LIMIT 1
-- params: [Integer(2)]

-- 49
SELECT "comments"."id", "comments"."post_id", "comments"."author_id", "comments"."parent_id", "comments"."body", "comments"."created_at" FROM "comments" WHERE "comments"."post_id" = ? ORDER BY "comments"."id" LIMIT 1
-- params: [Integer(3)]

-- 50
SELECT "comments"."id", "comments"."post_id", "comments"."author_id", "comments"."parent_id", "comments"."body", "comments"."created_at" FROM "comments" WHERE "comments"."post_id" = ? ORDER BY "comments"."id" LIMIT 1
-- params: [Integer(4)]

