using Dashboard.Data.Users;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Components.Tests.Admin;

/// <summary>Component tests of the admin pages: a real database behind them and an admin signed in.</summary>
public abstract class AdminPageTest : ComponentTest
{
    protected AdminPageTest()
        : this(new AdminData())
    {
    }

    private AdminPageTest(AdminData data)
        : base(data.AddTo)
    {
        Data = data;
        SignInAs(new SignedInUser("root", UserRole.Admin, []));
    }

    protected AdminData Data { get; }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        Data.Dispose();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Data.Dispose();
        }
    }
}
