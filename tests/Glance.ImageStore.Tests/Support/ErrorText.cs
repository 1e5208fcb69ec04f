namespace Glance.ImageStore.Tests.Support;

/// <summary>Reads the explanation out of a plain-text Glance error body.</summary>
public static class ErrorText
{
    /// <summary>The explanation; when webob's detail follows it (Glance's <c>HTTPForbidden(msg)</c>), a newline and the detail.</summary>
    public static async Task<string> ExplanationAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        var parts = body.Split("\n\n");
        if (parts.Length < 2)
        {
            return body;
        }

        var detail = parts.Length >= 3 ? parts[2].Trim() : string.Empty;
        return detail.Length == 0 ? parts[1] : parts[1] + "\n" + detail;
    }
}
