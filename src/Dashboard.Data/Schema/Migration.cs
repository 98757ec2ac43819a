using System.Security.Cryptography;
using System.Text;

namespace Dashboard.Data.Schema;

/// <summary>One numbered schema change, from a file <c>db/NNNN_name.sql</c>.</summary>
public sealed record Migration(int Version, string Name, string Sql)
{
    /// <summary>The file name the migration came from, e.g. <c>0001_initial.sql</c>.</summary>
    public string FileName => $"{Version:D4}_{Name}.sql";

    /// <summary>SHA-256 of the text with line endings normalised, recorded when applied so a later edit is noticed.</summary>
    public string Checksum => Hash(Sql);

    private static string Hash(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var normalised = sql.Replace("\r\n", "\n", StringComparison.Ordinal);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalised)));
    }
}
