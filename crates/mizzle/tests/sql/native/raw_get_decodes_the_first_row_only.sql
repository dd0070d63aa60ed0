-- 1
INSERT INTO "users" ("email", "name", "created_at") VALUES (?, ?, ?) RETURNING "users"."id", "users"."email", "users"."name", "users"."bio", "users"."avatar", "users"."role", "users"."created_at"
-- params: [Text("a@x.io"), Text("Name"), <now>]

-- 2
SELECT id, email, name, bio, avatar, role, created_at FROM users UNION ALL SELECT 'not an id', 'e', 'n', NULL, NULL, 'reader', 0
-- params: []

-- 3
SELECT id, email, name, bio, avatar, role, created_at FROM users UNION ALL SELECT 'not an id', 'e', 'n', NULL, NULL, 'reader', 0
-- params: []

