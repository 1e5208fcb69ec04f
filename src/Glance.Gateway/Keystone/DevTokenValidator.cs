using System.Text.Json;
using System.Text.Json.Serialization;
using Glance.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.Keystone;

/// <summary>
/// Development tokens from <c>config/dev-tokens.json</c> (token → user, project, roles), used when
/// no <c>Keystone:Url</c> is set, and said loudly at start-up. Never for production.
/// </summary>
public sealed partial class DevTokenValidator(
    ConfigDirectory directory,
    IOptions<KeystoneOptions> options,
    TimeProvider time,
    ILogger<DevTokenValidator> logger) : ITokenValidator, IHostedService
{
    private Dictionary<string, DevToken>? _tokens;

    /// <inheritdoc />
    public ValueTask<TokenCheck> ValidateAsync(string token, bool allowExpired, CancellationToken cancellationToken)
    {
        var tokens = _tokens ?? Load();
        if (!tokens.TryGetValue(token, out var entry))
        {
            return ValueTask.FromResult(TokenCheck.Rejected);
        }

        var system = entry.SystemScope && string.IsNullOrEmpty(entry.ProjectId);
        return ValueTask.FromResult(TokenCheck.Valid(new CallerIdentity(
            entry.UserId!, entry.UserName, system ? null : entry.ProjectId, entry.ProjectName, entry.Roles ?? [], system,
            time.GetUtcNow().AddHours(12))));
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var tokens = Load();
        Log.DevelopmentOnly(logger, directory.File(options.Value.DevTokensFile), tokens.Count);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private Dictionary<string, DevToken> Load()
    {
        var path = directory.File(options.Value.DevTokensFile);
        try
        {
            var file = JsonSerializer.Deserialize(File.ReadAllBytes(path), DevTokensJsonContext.Default.DevTokensFile);
            var tokens = new Dictionary<string, DevToken>(StringComparer.Ordinal);
            foreach (var (token, entry) in file?.Tokens ?? [])
            {
                if (string.IsNullOrEmpty(entry.UserId) || (string.IsNullOrEmpty(entry.ProjectId) && !entry.SystemScope))
                {
                    throw new InvalidDataException($"token '{token[..Math.Min(4, token.Length)]}…' needs a userId and a projectId (or systemScope).");
                }

                tokens[token] = entry;
            }

            return _tokens = tokens;
        }
        catch (Exception ex) when (ex is IOException or JsonException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new GatewayConfigurationException($"Keystone:Url is not set and the development tokens file {path} cannot be used: {ex.Message}", ex);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "DEVELOPMENT ONLY: Keystone:Url is not set; accepting the {Count} static tokens of {Path}. Set Keystone__Url before exposing this gateway")]
        public static partial void DevelopmentOnly(ILogger logger, string path, int count);
    }
}

/// <summary>The development tokens file.</summary>
public sealed class DevTokensFile
{
    /// <summary>Token → identity.</summary>
    public Dictionary<string, DevToken>? Tokens { get; init; }
}

/// <summary>One development token's identity.</summary>
public sealed class DevToken
{
    /// <summary>The user id.</summary>
    public string? UserId { get; set; }

    /// <summary>The user name.</summary>
    public string? UserName { get; set; }

    /// <summary>The project id (null with <see cref="SystemScope"/>).</summary>
    public string? ProjectId { get; set; }

    /// <summary>The project name.</summary>
    public string? ProjectName { get; set; }

    /// <summary>The roles.</summary>
    public IReadOnlyList<string>? Roles { get; init; }

    /// <summary>A system-scoped token (no project).</summary>
    public bool SystemScope { get; set; }
}

/// <summary>Source-generated JSON for the development tokens file (comments, trailing commas and any case allowed, as an operator edits it).</summary>
[JsonSourceGenerationOptions(ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(DevTokensFile))]
public sealed partial class DevTokensJsonContext : JsonSerializerContext;
