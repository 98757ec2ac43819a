using System.Globalization;

namespace Dashboard.Scheduling.Model;

/// <summary>Formats resource quantities the way people read them ("8 cores", "1.5 cores", "32 GiB", "512 MiB").</summary>
public static class Units
{
    public const long MillicoresPerCore = 1000;
    public const long MiBPerGiB = 1024;

    public static string Cores(long millicores) =>
        millicores % MillicoresPerCore == 0
            ? (millicores / MillicoresPerCore).ToString(CultureInfo.InvariantCulture)
            : (millicores / (double)MillicoresPerCore).ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>"1 core", "1.5 cores", "64 cores".</summary>
    public static string CoreCount(long millicores) =>
        Cores(millicores) + (millicores == MillicoresPerCore ? " core" : " cores");

    /// <summary>"1 CPU core", "1.5 CPU cores", "64 CPU cores".</summary>
    public static string CpuCores(long millicores) =>
        Cores(millicores) + (millicores == MillicoresPerCore ? " CPU core" : " CPU cores");

    /// <summary>"1 GPU", "8 GPUs", "0 GPUs".</summary>
    public static string Gpus(long gpus) =>
        gpus.ToString(CultureInfo.InvariantCulture) + (gpus == 1 ? " GPU" : " GPUs");

    public static string Memory(long mib) =>
        mib % MiBPerGiB == 0
            ? (mib / MiBPerGiB).ToString(CultureInfo.InvariantCulture) + " GiB"
            : mib.ToString(CultureInfo.InvariantCulture) + " MiB";
}
