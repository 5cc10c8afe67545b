\if :think > 0
\sleep :think us
\endif
\set id random(1, :maxid)
SELECT CASE WHEN new_code THEN 1 ELSE 0 END AS new_code FROM app_release \gset
BEGIN;
\if :new_code
SELECT name, column_2 FROM user_profile WHERE id = :id;
UPDATE user_profile SET column_2 = jsonb_build_object('tier', 'plus', 'score', :id % 100) WHERE id = :id;
\else
SELECT name, column_1 FROM user_profile WHERE id = :id;
UPDATE user_profile SET column_1 = json_build_object('tier', 'plus', 'score', :id % 100)::text WHERE id = :id;
\endif
END;
