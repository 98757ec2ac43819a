using Dashboard.Web.Components.Layout;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Dashboard.Web.Components.Tests;

/// <summary>
/// With the app's dialog service (Program.cs registers <see cref="OnDemandDialogService"/>), the layout holds no dialog
/// provider until a dialog is shown; the dialog then opens in the provider drawn for it and answers as before.
/// </summary>
public sealed class OnDemandDialogTests() : ComponentTest(services => services.AddScoped<IDialogService, OnDemandDialogService>())
{
    private static readonly RenderFragment PageBody = builder => builder.AddMarkupContent(0, "<p id=\"body\">page</p>");

    [Fact]
    public async Task The_dialog_provider_is_drawn_when_the_first_dialog_is_shown_and_the_dialog_answers()
    {
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, PageBody));
        var dialogs = Services.GetRequiredService<IDialogService>();
        dialogs.Should().BeOfType<OnDemandDialogService>();
        layout.FindComponents<MudDialogProvider>().Should().BeEmpty("no dialog was shown");

        var answer = Task.FromResult<bool?>(null);
        await layout.InvokeAsync(() => { answer = dialogs.ShowMessageBoxAsync("Cancel job 7?", "It stops at once.", yesText: "Cancel job", cancelText: "Keep"); });

        layout.WaitForAssertion(() =>
        {
            layout.FindComponents<MudDialogProvider>().Should().ContainSingle();
            layout.Markup.Should().Contain("It stops at once.");
        }, Patience);
        answer.IsCompleted.Should().BeFalse("the dialog waits for its answer");
        var yes = layout.FindAll(".mud-dialog button").Single(b => b.TextContent.Contains("Cancel job", StringComparison.Ordinal));
        yes.Click();
        (await answer.WaitAsync(Patience)).Should().BeTrue();
    }
}
