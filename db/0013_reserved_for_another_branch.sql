-- Placeholder: number 0013 belongs to another branch (control22); this branch's migration is 0014. The
-- integrator drops this file when that branch's 0013 is merged. It changes nothing.
SELECT 1;
