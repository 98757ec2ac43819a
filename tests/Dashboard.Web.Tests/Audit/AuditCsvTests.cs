using Dashboard.Data.Audit;
using Dashboard.Web.Audit;

namespace Dashboard.Web.Tests.Audit;

public sealed class AuditCsvTests
{
    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("cr\rhere", "\"cr\rhere\"")]
    [InlineData("=1+2", "'=1+2")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("=a,\"b\"", "\"'=a,\"\"b\"\"\"")]
    [InlineData("a=b", "a=b")]
    public void Cells_are_quoted_when_needed_and_formulas_are_defused(string? value, string expected) =>
        AuditCsv.Cell(value).Should().Be(expected);

    [Fact]
    public async Task The_export_is_a_header_and_one_crlf_line_per_record()
    {
        var records = new[]
        {
            new AuditRecord(2, new AuditEntry(new DateTimeOffset(2026, 1, 5, 9, 0, 1, 250, TimeSpan.Zero), "admin", "quota.set", "team:vision", "{\"gpus\":8}", null)),
            new AuditRecord(1, new AuditEntry(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero), "alice", "job.submit", "job:1", null, null)),
        };
        await using var writer = new StringWriter();

        await AuditCsv.WriteAsync(writer, records, TestContext.Current.CancellationToken);

        writer.ToString().Should().Be(
            "time_utc,actor,action,target,before,after\r\n" +
            "2026-01-05T09:00:01.250Z,admin,quota.set,team:vision,\"{\"\"gpus\"\":8}\",\r\n" +
            "2026-01-05T09:00:00.000Z,alice,job.submit,job:1,,\r\n");
    }
}
