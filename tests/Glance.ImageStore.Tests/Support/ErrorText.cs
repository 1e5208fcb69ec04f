namespace Glance.ImageStore.Tests.Support;

/// <summary>Reads the explanation out of a plain-text Glance error body.</summary>
public static class ErrorText
{
    public static async Task<string> ExplanationAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        var parts = body.Split("\n\n");
        return parts.Length >= 2 ? parts[1] : body;
    }
}
