using System.Text;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Glance.Gateway.Keystone;

/// <summary>
/// One access rule of an application credential (Keystone's <c>access_rules</c>): the service
/// type, the HTTP method and the path pattern a request must have to be allowed.
/// </summary>
public sealed record AccessRule(
    [property: JsonPropertyName("service")] string? Service,
    [property: JsonPropertyName("method")] string? Method,
    [property: JsonPropertyName("path")] string? Path)
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// keystonemiddleware's <c>_path_matches</c>, token for token: <c>{name}</c> and <c>*</c> (not
    /// followed by another <c>*</c>) match one non-empty segment, <c>**</c> anything (slashes
    /// included), every other character itself as a regular expression would take it (Python's
    /// code does not escape literals either); anchored at both ends. A pattern that is not a valid
    /// expression, or one that takes too long, does not match.
    /// </summary>
    public static bool PathMatches(string requestPath, string pattern)
    {
        ArgumentNullException.ThrowIfNull(requestPath);
        ArgumentNullException.ThrowIfNull(pattern);
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length;)
        {
            var c = pattern[i];
            if (c == '{' && pattern.IndexOf('}', i + 1) is var close and > 0)
            {
                // {tag}: '{' then anything but '}' then '}'.
                regex.Append(@"[^\/]+");
                i = close + 1;
            }
            else if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                regex.Append(".*");
                i += 2;
            }
            else if (c == '*')
            {
                regex.Append(@"[^\/]+");
                i++;
            }
            else if (c is '{' or '}')
            {
                // Not a tag and not a literal in Python's tokenizer: skipped.
                i++;
            }
            else
            {
                regex.Append(c);
                i++;
            }
        }

        regex.Append('$');
        try
        {
            return Regex.IsMatch(requestPath, regex.ToString(), RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (Exception ex) when (ex is ArgumentException or RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>Whether this rule allows <paramref name="method"/> on <paramref name="path"/> of <paramref name="serviceType"/>.</summary>
    public bool Allows(string serviceType, string method, string path) =>
        string.Equals(Method, method, StringComparison.Ordinal)
        && string.Equals(Service, serviceType, StringComparison.Ordinal)
        && Path is not null
        && PathMatches(path, Path);
}
