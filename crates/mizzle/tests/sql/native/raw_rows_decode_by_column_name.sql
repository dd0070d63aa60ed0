-- 1
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?) RETURNING "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at"
-- params: [Text("a@x.io"), Text("Name"), <now>]

-- 2
SELECT created_at, role, bio, avatar, name, email, id FROM users WHERE id = ?
-- params: [Integer(1)]

-- 3
SELECT id FROM users
-- params: []

