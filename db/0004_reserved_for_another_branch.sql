-- Placeholder on the elastic branch only: number 0004 belongs to another branch's migration. The integrator deletes
-- this file when merging (that branch brings the real 0004); it changes nothing.
SELECT 1;
