namespace Dashboard.Slurm.Rest;

/// <summary>slurmrestd (or slurmctld behind it) did not answer, after the resilience pipeline's retries.</summary>
public sealed class SlurmUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Slurm answered and refused: its errors, in words. Trying again will not help.</summary>
public sealed class SlurmRefusedException(string message) : Exception(message);
