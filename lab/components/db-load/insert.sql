\if :think > 0
\sleep :think us
\endif
SELECT CASE WHEN new_code THEN 1 ELSE 0 END AS new_code FROM app_release \gset
\if :new_code
INSERT INTO user_profile (name, email, column_2) VALUES ('new user', 'new@example.com', '{"tier": "free"}');
\else
INSERT INTO user_profile (name, email, column_1) VALUES ('new user', 'new@example.com', '{"tier": "free"}');
\endif
