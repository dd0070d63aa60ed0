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
SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" ORDER BY "users"."id"
-- params: []

-- 23
SELECT c."id", c."author_id", c."title", c."slug", c."body", c."status", c."meta", c."published", c."rating", c."views", c."created_at", c."updated_at", c."author_id" AS __mizzle_key FROM (SELECT "id" FROM (SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" ORDER BY "users"."id")) AS p JOIN "posts" AS c ON c."author_id" = p."id" ORDER BY c."id"
-- params: []

-- 24
SELECT c."id", c."name", j."post_id" AS __mizzle_key FROM (SELECT "id" FROM (SELECT c."id", c."author_id", c."title", c."slug", c."body", c."status", c."meta", c."published", c."rating", c."views", c."created_at", c."updated_at", c."author_id" AS __mizzle_key FROM (SELECT "id" FROM (SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" ORDER BY "users"."id")) AS p JOIN "posts" AS c ON c."author_id" = p."id")) AS p JOIN "post_tags" AS j ON j."post_id" = p."id" JOIN "tags" AS c ON c."id" = j."tag_id" ORDER BY c."name"
-- params: []

-- 25
SELECT c."id", c."post_id", c."author_id", c."parent_id", c."body", c."created_at", c."post_id" AS __mizzle_key FROM (SELECT "id" FROM (SELECT c."id", c."author_id", c."title", c."slug", c."body", c."status", c."meta", c."published", c."rating", c."views", c."created_at", c."updated_at", c."author_id" AS __mizzle_key FROM (SELECT "id" FROM (SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" ORDER BY "users"."id")) AS p JOIN "posts" AS c ON c."author_id" = p."id")) AS p JOIN "comments" AS c ON c."post_id" = p."id" ORDER BY c."id"
-- params: []

-- 26
SELECT c."id", c."email", c."name", c."bio", c."avatar", c."role", c."created_at", c."id" AS __mizzle_key FROM (SELECT DISTINCT "author_id" FROM (SELECT c."id", c."post_id", c."author_id", c."parent_id", c."body", c."created_at", c."post_id" AS __mizzle_key FROM (SELECT "id" FROM (SELECT c."id", c."author_id", c."title", c."slug", c."body", c."status", c."meta", c."published", c."rating", c."views", c."created_at", c."updated_at", c."author_id" AS __mizzle_key FROM (SELECT "id" FROM (SELECT "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at" FROM "users" ORDER BY "users"."id")) AS p JOIN "posts" AS c ON c."author_id" = p."id")) AS p JOIN "comments" AS c ON c."post_id" = p."id")) AS p JOIN "users" AS c ON c."id" = p."author_id" ORDER BY c."id"
-- params: []

