using Dashboard.Data;
using Dashboard.Data.Jobs;
using Dashboard.Data.Users;
using Dashboard.Engine.Elastic;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Web.Commands;
using Dashboard.Web.Elastic;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Components.Tests.Elastic;

/// <summary>Pausing a pool is an admin's act: others are refused before anything reaches the engine; an admin's goes as theirs.</summary>
public sealed class EngineElasticPoolCommandsTests : IDisposable
{
    private readonly EngineInbox inbox = new();
    private readonly string folder = Directory.CreateTempSubdirectory("pool-commands-").FullName;
    private readonly Database database;

    public EngineElasticPoolCommandsTests() => database = Database.Open(new DatabaseOptions { DataFolder = folder }, TimeProvider.System);

    public void Dispose()
    {
        database.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>Through the one command door, as the app wires it.</summary>
    private EngineElasticPoolCommands Commands() =>
        new(new ClusterCommands(new ClusterEngine(inbox, new ClusterFeed(TimeProvider.System)), new JobStore(database)));

    [Theory]
    [InlineData(UserRole.Member)]
    [InlineData(UserRole.TeamLead)]
    public async Task Only_an_admin_may_pause_a_pool(UserRole role)
    {
        var commands = Commands();

        var result = await commands.SetPausedAsync("burst", true, new SignedInUser("lead", role, ["vision"]));

        result.Should().Match<CommandResult>(r => !r.Succeeded && r.Reason == "only an admin may pause or resume an elastic pool");
        inbox.Reader.TryRead(out _).Should().BeFalse("nothing reached the engine");
    }

    [Fact]
    public async Task An_admins_pause_reaches_the_engine_as_theirs()
    {
        var commands = Commands();

        var pending = commands.SetPausedAsync("burst", true, new SignedInUser("root", UserRole.Admin, []));
        var sent = await inbox.Reader.ReadAsync(Xunit.TestContext.Current.CancellationToken);
        sent.Completion!.SetResult(CommandResult.Done("paused"));

        (await pending).Succeeded.Should().BeTrue();
        sent.Should().BeOfType<SetPoolPausedCommand>().Which.Should().Be(new SetPoolPausedCommand("burst", true, "root") { Completion = sent.Completion });
    }
}
