namespace Dashboard.Cli;

/// <summary>What <c>dash</c> exits with. Stable: scripts rely on these numbers (listed in <c>dash --help</c> and the README).</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>The server refused the request (a bad field, a rule, the rate limit); its message is on stderr.</summary>
    public const int Refused = 1;

    /// <summary>The command line is wrong (unknown option, missing argument, a value that cannot be read).</summary>
    public const int Usage = 2;

    /// <summary>The server could not be reached (not running, wrong address, network down, timed out).</summary>
    public const int Unreachable = 3;

    /// <summary>No such job (or not one you may see).</summary>
    public const int NotFound = 4;

    /// <summary>Not signed in: no token, or a token that is wrong, revoked or of a disabled account.</summary>
    public const int Unauthorized = 5;

    /// <summary>Signed in, but your role may not do this (another member's job, another team).</summary>
    public const int Forbidden = 6;

    public const string HelpText = """
        Exit codes: 0 done; 1 the server refused (its reason on stderr); 2 usage error; 3 cannot reach the server;
        4 no such job; 5 not signed in (missing or bad token); 6 not allowed for your role.
        """;
}
