using System.Net;
using Microsoft.Extensions.Options;

namespace Glance.ImageStore.Hosting;

/// <summary>
/// Checks <see cref="ImageStoreOptions"/> once, at start-up: a wrong setting stops the store with
/// one clear message before it listens. The policy settings are checked only when the store loads
/// its own policy (<paramref name="validatePolicy"/>); a hosting gateway passes its rules instead.
/// </summary>
/// <param name="validatePolicy">True when <see cref="ImageStoreOptions.Policy"/> is used.</param>
internal sealed class ImageStoreOptionsValidator(bool validatePolicy = true) : IValidateOptions<ImageStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, ImageStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!TryParseLoopbackUrl(options.Url, out _, out var urlError))
        {
            failures.Add(urlError);
        }

        if (string.IsNullOrWhiteSpace(options.DataPath))
        {
            failures.Add("ImageStore:DataPath must name a folder.");
        }

        if (!Uri.TryCreate(options.IdentityUri, UriKind.Absolute, out _))
        {
            failures.Add($"ImageStore:IdentityUri '{options.IdentityUri}' is not an absolute URI.");
        }

        if (options.MaxJsonBodyBytes < 1024)
        {
            failures.Add("ImageStore:MaxJsonBodyBytes must be at least 1024.");
        }

        if (options.MaxImageBytes < 1)
        {
            failures.Add("ImageStore:MaxImageBytes must be positive.");
        }

        if (options.WalLimitPages < 1)
        {
            failures.Add("ImageStore:WalLimitPages must be positive.");
        }

        ValidateDatabase(options.Database, failures);
        Import.ImportOptionsValidator.Validate(options.Import, failures);

        if (options.ImageCache is null)
        {
            failures.Add("ImageStore:ImageCache must not be null.");
        }
        else
        {
            failures.AddRange(options.ImageCache.Validate());
        }

        if (options.DevIdentity is { Enabled: true } dev && string.IsNullOrWhiteSpace(dev.ProjectId) && string.IsNullOrWhiteSpace(dev.Roles))
        {
            failures.Add("ImageStore:DevIdentity needs a ProjectId or Roles when enabled.");
        }

        if (validatePolicy && options.Policy is null)
        {
            failures.Add("ImageStore:Policy must not be null.");
        }
        else if (validatePolicy && options.Policy.File is { Length: > 0 } file)
        {
            if (string.IsNullOrWhiteSpace(file))
            {
                failures.Add("ImageStore:Policy:File must name a policy file, or be left out for Glance's defaults.");
            }
            else if (!File.Exists(file))
            {
                failures.Add($"ImageStore:Policy:File '{file}' does not exist (full path {Path.GetFullPath(file)}).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateDatabase(ImageStoreDatabaseOptions? database, List<string> failures)
    {
        if (database is null)
        {
            failures.Add("ImageStore:Database must not be null.");
            return;
        }

        if (!Enum.IsDefined(database.Provider))
        {
            failures.Add($"ImageStore:Database:Provider '{database.Provider}' is not Sqlite or PostgreSQL.");
        }
        else if (database.Provider == DatabaseProvider.PostgreSQL)
        {
            if (string.IsNullOrWhiteSpace(database.ConnectionString))
            {
                failures.Add("ImageStore:Database:Provider PostgreSQL needs a connection string (ConnectionStrings:ImageStore or ImageStore:Database:ConnectionString).");
            }
            else
            {
                try
                {
                    _ = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString);
                }
                catch (ArgumentException exception)
                {
                    failures.Add($"ImageStore:Database:ConnectionString is not an Npgsql connection string: {exception.Message}");
                }
            }
        }
    }

    /// <summary>Parses an <c>http://loopback:port</c> URL into the endpoint Kestrel listens on.</summary>
    public static bool TryParseLoopbackUrl(string? url, out IPEndPoint endpoint, out string error)
    {
        endpoint = new IPEndPoint(IPAddress.Loopback, 0);
        error = string.Empty;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp
            || (uri.AbsolutePath != "/" && uri.AbsolutePath.Length != 0) || uri.Query.Length != 0)
        {
            error = $"ImageStore:Url '{url}' must be an http URL with a loopback host and a port, such as http://127.0.0.1:9191.";
            return false;
        }

        IPAddress? address = null;
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
        }
        else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var parsed) && IPAddress.IsLoopback(parsed))
        {
            address = parsed;
        }

        if (address is null)
        {
            error = $"ImageStore:Url '{url}' is not a loopback address: the store trusts identity headers and must listen on loopback only (127.0.0.1, [::1] or localhost).";
            return false;
        }

        endpoint = new IPEndPoint(address, uri.Port);
        return true;
    }
}
