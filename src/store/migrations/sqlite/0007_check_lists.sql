-- The value lists of two CHECK constraints written as comparisons.
--
-- SQLite evaluates `CHECK (x IN (a, b, c))` with three or more values
-- through a temporary B-tree of the values, built anew at every execution
-- of an INSERT or UPDATE: for persons (sex) and person_documents (type),
-- the tables an import writes row by row, that was a tenth of an import's
-- time. `x = a OR x = b OR x = c` says the same and compiles to
-- comparisons. The stored definitions are edited in place, the way SQLite's
-- documentation describes for changing a CHECK constraint ("Making Other
-- Kinds Of Table Schema Changes" in lang_altertable.html): nothing on disk
-- but the schema text changes, and every row satisfies the new constraint
-- because it is the same one. store/migrate_after.c then bumps the schema
-- version so that every connection reads the new text.
--
-- The PostgreSQL twin changes nothing (its IN lists are plain comparisons).

PRAGMA writable_schema = ON;

UPDATE sqlite_schema
SET sql = replace(sql, 'CHECK (sex IN (''F'', ''M'', ''X''))',
                  'CHECK (sex = ''F'' OR sex = ''M'' OR sex = ''X'')')
WHERE type = 'table' AND name = 'persons';

UPDATE sqlite_schema
SET sql = replace(sql,
                  'CHECK (type IN (''tazkira'', ''passport'', ''family_passport'',' ||
                  char(10) || char(9) || char(9) ||
                  '''amayesh'', ''headcount_slip'', ''laissez_passer''))',
                  'CHECK (type = ''tazkira'' OR type = ''passport'' OR ' ||
                  'type = ''family_passport'' OR type = ''amayesh'' OR ' ||
                  'type = ''headcount_slip'' OR type = ''laissez_passer'')')
WHERE type = 'table' AND name = 'person_documents';

PRAGMA writable_schema = OFF;
