using System.Text.Json;

namespace Glance.Gateway.Commands;

/// <summary>Reads the commands' input files; a file that cannot be read or parsed is a usage error (exit 2).</summary>
internal static class InputFile
{
    /// <summary>The file's bytes.</summary>
    public static byte[] ReadBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CommandUsageException($"{path} cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>The file as a JSON document.</summary>
    public static JsonDocument ReadJson(string path)
    {
        try
        {
            return JsonDocument.Parse(ReadBytes(path));
        }
        catch (JsonException ex)
        {
            throw new CommandUsageException($"{path} is not JSON: {ex.Message}", ex);
        }
    }
}
