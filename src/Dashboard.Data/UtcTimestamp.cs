using System.Data;
using Dapper;

namespace Dashboard.Data;

/// <summary>
/// The one stored form of a point in time: Unix milliseconds (UTC) in an INTEGER column. Sub-millisecond
/// precision is dropped on the way in; values read back have offset zero.
/// </summary>
public static class UtcTimestamp
{
    public static long ToStored(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static long? ToStored(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromStored(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    /// <summary>The value as it reads back from the database.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset value) => FromStored(ToStored(value));
}

/// <summary>Lets Dapper read and write <see cref="DateTimeOffset"/> (and its nullable form) as <see cref="UtcTimestamp"/>.</summary>
internal sealed class UtcTimestampHandler : SqlMapper.TypeHandler<DateTimeOffset>
{
    public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
    {
        parameter.DbType = DbType.Int64;
        parameter.Value = UtcTimestamp.ToStored(value);
    }

    public override DateTimeOffset Parse(object value) => UtcTimestamp.FromStored(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>Dapper's process-wide settings for this project, applied once before the first query.</summary>
internal static class DapperSettings
{
    private static readonly Lazy<bool> Applied = new(() =>
    {
        // Dapper's built-in mapping (DbType.DateTimeOffset, stored as text) would win over the handler for parameters.
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.AddTypeHandler(new UtcTimestampHandler());
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        return true;
    });

    public static void Apply() => _ = Applied.Value;
}
