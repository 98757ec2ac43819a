using Dashboard.Data;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Dashboard.Web.Hosting;

/// <summary>
/// The Data Protection key ring (which signs sign-in cookies and antiforgery tokens) lives in the data folder's
/// "keys" folder, mode 0700, where jobs cannot reach it (hidden from the sandbox, and only the server's user may
/// enter it), instead of the server user's HOME, and survives a restart so sign-ins do.
/// </summary>
public static class KeyRingRegistration
{
    public const string FolderName = "keys";

    public static IServiceCollection AddKeyRingInDataFolder(this IServiceCollection services)
    {
        services.AddDataProtection();
        services.AddOptions<KeyManagementOptions>().Configure<Database, ILoggerFactory>((options, database, logs) =>
        {
            var folder = Directory.CreateDirectory(Path.Combine(database.Options.DataFolder, FolderName));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(folder.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            options.XmlRepository = new FileSystemXmlRepository(folder, logs);
        });
        return services;
    }
}
