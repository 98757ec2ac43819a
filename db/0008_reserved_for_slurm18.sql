-- Placeholder kept only so that migration numbers run without a gap on branch control22 until slurm18's
-- migration 0008 is merged; the integrator drops this file then (it changes nothing).
SELECT 1;
