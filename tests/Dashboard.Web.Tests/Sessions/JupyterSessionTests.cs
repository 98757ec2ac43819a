using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dashboard.Api.Contracts;

namespace Dashboard.Web.Tests.Sessions;

/// <summary>
/// A real Jupyter (Debian's jupyter-notebook) started as a session on this host and used only through the dashboard:
/// its REST API through the proxy (the token is added by the proxy, never typed), a kernel started, a cell run over the
/// kernel's WebSocket through the proxy, the answer read back.
/// </summary>
public sealed class JupyterSessionTests(SessionHost host) : IClassFixture<SessionHost>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_jupyter_session_runs_a_cell_through_the_proxy_over_its_websocket()
    {
        File.Exists("/usr/bin/jupyter-notebook").Should().BeTrue("the CI installs Debian's jupyter-notebook (.ci/run)");
        var session = await host.StartAsync("alice", new SessionStartRequest("jupyter", "vision", 0, "30m"));
        session = await host.ReadyAsync("alice", session.Id);
        session.Status.Should().Be("ready");
        var alice = await host.BrowserAsync("alice");

        using var started = await alice.PostAsync(new Uri(session.Url + "api/kernels", UriKind.Relative), JsonContent.Create(new { name = "python3" }), Cancel);
        started.StatusCode.Should().Be(HttpStatusCode.Created, await started.Content.ReadAsStringAsync(Cancel));
        var kernel = (await started.Content.ReadFromJsonAsync<JsonObject>(Cancel))!["id"]!.GetValue<string>();

        var (_, cookies) = await SignIn.OverSocketAsync(host.Api.Factory, "alice");
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Cookie", cookies.GetCookieHeader(host.Address));
        socket.Options.SetRequestHeader("Origin", $"http://{host.Address.Authority}");
        var channels = new Uri($"ws://{host.Address.Authority}{session.Url}api/kernels/{kernel}/channels");
        await socket.ConnectAsync(channels, Cancel).WaitAsync(SessionHost.Patience, Cancel);

        var messageId = Guid.NewGuid().ToString("N");
        var request = new JsonObject
        {
            ["header"] = new JsonObject { ["msg_id"] = messageId, ["username"] = "alice", ["session"] = Guid.NewGuid().ToString("N"), ["msg_type"] = "execute_request", ["version"] = "5.3", ["date"] = "2026-01-01T00:00:00Z" },
            ["parent_header"] = new JsonObject(),
            ["metadata"] = new JsonObject(),
            ["content"] = new JsonObject { ["code"] = "print(6 * 7)", ["silent"] = false, ["store_history"] = true, ["user_expressions"] = new JsonObject(), ["allow_stdin"] = false, ["stop_on_error"] = true },
            ["channel"] = "shell",
            ["buffers"] = new JsonArray(),
        };
        await socket.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), WebSocketMessageType.Text, true, Cancel);

        var printed = await ReadStdoutAsync(socket, messageId).WaitAsync(SessionHost.Patience, Cancel);

        printed.Should().Be("42\n");
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", Cancel);
    }

    private static async Task<string> ReadStdoutAsync(ClientWebSocket socket, string parent)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(buffer, Cancel);
                message.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);

            if (received.MessageType != WebSocketMessageType.Text)
            {
                continue;
            }

            var json = JsonNode.Parse(message.ToArray())!;
            if (json["msg_type"]?.GetValue<string>() == "stream" && json["parent_header"]?["msg_id"]?.GetValue<string>() == parent)
            {
                return json["content"]!["text"]!.GetValue<string>();
            }
        }
    }
}
