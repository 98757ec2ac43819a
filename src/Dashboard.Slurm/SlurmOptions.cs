namespace Dashboard.Slurm;

/// <summary>
/// The "Cluster:Slurm" section of appsettings.json: a Slurm cluster whose nodes the dashboard schedules onto, reached
/// through slurmrestd. Off by default.
/// </summary>
public sealed class SlurmOptions
{
    public const string Section = "Cluster:Slurm";

    public bool Enabled { get; set; }

    /// <summary>slurmrestd's address, e.g. http://slurm-head:6820.</summary>
    public string RestUrl { get; set; } = string.Empty;

    /// <summary>
    /// The OpenAPI plugin version slurmrestd is asked for; v0.0.38 is what Slurm 22.05 (Debian 12) serves. Newer
    /// versions are detected at start-up (the version slurmrestd reports is logged).
    /// </summary>
    public string ApiVersion { get; set; } = "v0.0.38";

    /// <summary>
    /// Slurm's JWT key (AuthAltParameters=jwt_key=...): the dashboard mints short-lived tokens from it for each job
    /// owner's Unix user, as <c>scontrol token</c> does. Either this or <see cref="Token"/>.
    /// </summary>
    public string? JwtKeyFile { get; set; }

    /// <summary>A fixed token (of <see cref="AdminUser"/>) when there is no key file; every job is then submitted as that user.</summary>
    public string? Token { get; set; }

    /// <summary>The Slurm user the dashboard reads the cluster as and cancels jobs as (an operator or SlurmUser).</summary>
    public string AdminUser { get; set; } = "slurm";

    /// <summary>How long each minted token lives.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The partitions whose nodes the dashboard manages; jobs are submitted to the first that holds their node.</summary>
    public List<string> Partitions { get; set; } = [];

    /// <summary>How often nodes and jobs are read from slurmrestd.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How many just-accepted jobs at most are looked at one by one (GET job/{id} every 100 ms for their first 3 s), so a
    /// job that ends at once frees its GPUs before the next poll; 0 turns the quick look off (ends wait for the poll).
    /// </summary>
    public int QuickLookJobs { get; set; } = 32;

    /// <summary>
    /// A started job Slurm still keeps pending after this many seconds (an outside job took the room meanwhile) is
    /// cancelled there and put back in the dashboard's queue.
    /// </summary>
    public int PendingTooLongSeconds { get; set; } = 300;

    /// <summary><see cref="PendingTooLongSeconds"/> as a span.</summary>
    public TimeSpan PendingTimeout => TimeSpan.FromSeconds(PendingTooLongSeconds);

    /// <summary>
    /// The scontrol program, for what the REST API v0.0.38 lacks: draining or resuming a node.
    /// </summary>
    public string ScontrolPath { get; set; } = "scontrol";

    /// <summary>The slurm.conf scontrol reads (SLURM_CONF); empty: scontrol's own default.</summary>
    public string? SlurmConf { get; set; }

    /// <summary>
    /// Where each job's folder (working directory and output.log) is made; it must be the same path on the nodes (a
    /// shared file system). Empty: the dashboard's own jobs folder.
    /// </summary>
    public string? JobsFolder { get; set; }

    /// <summary>The settings' mistakes, in words; empty when they are usable (or Slurm is off).</summary>
    public IReadOnlyList<string> Problems()
    {
        if (!Enabled)
        {
            return [];
        }

        var problems = new List<string>();
        if (!Uri.TryCreate(RestUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            problems.Add("Cluster:Slurm:RestUrl must be slurmrestd's http(s) address");
        }

        if (string.IsNullOrWhiteSpace(JwtKeyFile) == string.IsNullOrWhiteSpace(Token))
        {
            problems.Add("Cluster:Slurm needs exactly one of JwtKeyFile (tokens minted per user) and Token (one fixed token)");
        }

        if (Partitions.Count == 0 || Partitions.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("Cluster:Slurm:Partitions must name at least one partition");
        }

        if (PollInterval <= TimeSpan.Zero || PendingTooLongSeconds <= 0 || TokenLifetime < TimeSpan.FromMinutes(1) || QuickLookJobs < 0)
        {
            problems.Add("Cluster:Slurm: PollInterval and PendingTooLongSeconds must be more than 0, TokenLifetime at least 1 minute, QuickLookJobs 0 or more");
        }

        return problems;
    }
}
