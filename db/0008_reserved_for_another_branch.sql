-- Placeholder on the sessions24 branch only: number 0008 belongs to another branch's migration. The integrator
-- deletes this file when merging (that branch brings the real 0008); it changes nothing.
SELECT 1;
