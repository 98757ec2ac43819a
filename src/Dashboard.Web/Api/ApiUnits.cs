using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Api;

/// <summary>The API's units: CPU in cores and memory in GiB, as decimals (exact for every stored millicore and MiB).</summary>
public static class ApiUnits
{
    public static decimal Cores(long millicores) => millicores / (decimal)Units.MillicoresPerCore;

    public static decimal GiB(long mib) => mib / (decimal)Units.MiBPerGiB;

    public static decimal? Cores(long? millicores) => millicores is { } value ? Cores(value) : null;

    public static decimal? GiB(long? mib) => mib is { } value ? GiB(value) : null;
}
