-- 1
SELECT 9007199254740993.0 AS id
-- params: []

