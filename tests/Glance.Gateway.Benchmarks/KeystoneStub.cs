using System.Globalization;

namespace Glance.Gateway.Benchmarks;

/// <summary>
/// A Keystone v3 stand-in for load runs that answers at once: the service-token POST, and token
/// validation where the subject token names its identity — <c>bench-{role}-{project}-{anything}</c>
/// is valid for an hour; any other token is unknown (404).
/// </summary>
internal static class KeystoneStub
{
    public static async Task RunAsync(string url)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var app = builder.Build();

        app.MapPost("/v3/auth/tokens", (HttpContext context) =>
        {
            context.Response.Headers["X-Subject-Token"] = "bench-service-token";
            return Results.Text(TokenBody("gateway", "service", ["admin"]), "application/json", statusCode: 201);
        });

        app.MapGet("/v3/auth/tokens", (HttpContext context) =>
        {
            var subject = context.Request.Headers["X-Subject-Token"].ToString();
            var parts = subject.Split('-', 4);
            if (parts.Length < 4 || parts[0] != "bench")
            {
                return Results.Text("{\"error\": {\"code\": 404, \"message\": \"Could not find token.\", \"title\": \"Not Found\"}}", "application/json", statusCode: 404);
            }

            string[] roles = parts[1] == "admin" ? ["admin", "member", "reader"] : ["member", "reader"];
            return Results.Text(TokenBody("user-" + parts[2], parts[2], roles), "application/json");
        });

        app.MapGet("/v3", () => Results.Text("{\"version\": {\"id\": \"v3.14\", \"status\": \"stable\"}}", "application/json"));
        await app.RunAsync();
    }

    private static string TokenBody(string userId, string projectId, string[] roles)
    {
        var expires = DateTimeOffset.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);
        var issued = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);
        var roleJson = string.Join(", ", roles.Select((r, i) => $"{{\"id\": \"role{i}\", \"name\": \"{r}\"}}"));
        return "{\"token\": {\"methods\": [\"password\"], \"user\": {\"id\": \"" + userId + "\", \"name\": \"" + userId
            + "\", \"domain\": {\"id\": \"default\", \"name\": \"Default\"}}, \"project\": {\"id\": \"" + projectId + "\", \"name\": \"" + projectId
            + "\", \"domain\": {\"id\": \"default\", \"name\": \"Default\"}}, \"roles\": [" + roleJson + "], \"expires_at\": \"" + expires
            + "\", \"issued_at\": \"" + issued + "\", \"audit_ids\": [\"bench\"], \"is_domain\": false}}";
    }
}
