namespace Dashboard.Cli;

/// <summary>A server answer: the value and its JSON as sent, or the exit code and the message saying why not.</summary>
public sealed record ApiResult<T>(T? Value, string Json, int ExitCode, string? Message)
{
    public bool Succeeded => ExitCode == ExitCodes.Ok;
}

public static class ApiResult
{
    public static ApiResult<T> Ok<T>(T value, string json) => new(value, json, ExitCodes.Ok, null);

    public static ApiResult<T> Failed<T>(int exitCode, string message) => new(default, string.Empty, exitCode, message);
}
