using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Glance.Gateway.Benchmarks;

/// <summary>
/// Seeds the members scenario.lua deletes (<c>m{thread}-{n}</c>) through the store's own API, with
/// the owner's trusted identity, 32 requests at a time over kept-alive connections.
/// </summary>
internal static class Seeder
{
    public static async Task<int> RunAsync(string storeUrl, string imageId, int threads, int perThread)
    {
        using var http = new HttpClient { BaseAddress = new Uri(storeUrl) };
        var ids = Enumerable.Range(0, threads).SelectMany(t => Enumerable.Range(0, perThread).Select(n => $"m{t}-{n}"));
        var failed = 0;
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (id, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v2/images/{imageId}/members")
            {
                Content = new StringContent("{\"member\": \"" + id + "\"}", Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
            };
            request.Headers.Add("X-Identity-Status", "Confirmed");
            request.Headers.Add("X-User-Id", "user-owner");
            request.Headers.Add("X-Project-Id", "owner");
            request.Headers.Add("X-Roles", "member,reader");
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
            {
                Interlocked.Increment(ref failed);
            }
        });
        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"SEEDED image={imageId} members={threads * perThread - failed} failed={failed}"));
        return failed == 0 ? 0 : 1;
    }
}
