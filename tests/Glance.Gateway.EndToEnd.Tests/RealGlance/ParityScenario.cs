using System.Net;
using System.Text.Json;
using Glance.Gateway.EndToEnd.Tests.Support;

namespace Glance.Gateway.EndToEnd.Tests.RealGlance;

/// <summary>
/// The fixture images of CONFORMANCE.md section 1, made through Glance directly, and the parity
/// check itself: one image per side, each request sent to Glance and to the gateway, the same
/// answers, the status CONFORMANCE.md (or the row) gives, the same members left in Glance.
/// </summary>
public sealed class ParityScenario(RealGlanceSuite suite)
{
    /// <summary>The member path, <c>{image}</c> for the image id segment; append the member id.</summary>
    public const string MemberPath = "/v2/images/{image}/members/";

    private readonly RealGlanceSuite _suite = suite;

    /// <summary>The member project of the shared fixture images.</summary>
    public string MemberProject => _suite.Keystone.Member.ProjectId;

    /// <summary>A second member of the shared fixture images: the admin's project (neither owner, member nor stranger).</summary>
    public string OtherMember => _suite.Keystone.Admin.ProjectId;

    /// <summary>
    /// Makes one fixture image per side through Glance directly, sends each request to Glance (for
    /// its image) and to the gateway (for its image), and asserts the same answers, the statuses
    /// CONFORMANCE gives, and the same members left in Glance afterwards.
    /// </summary>
    public async Task AssertParityAsync(GlanceAndGateway side, string label, string kind, string form, IReadOnlyList<ParityRequest> requests, IReadOnlyList<int> statuses)
    {
        ArgumentNullException.ThrowIfNull(side);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(statuses);
        var glanceImage = await CreateFixtureImageAsync(side.Direct, kind);
        var gatewayImage = await CreateFixtureImageAsync(side.Direct, kind);

        for (var i = 0; i < requests.Count; i++)
        {
            var what = $"{label} {kind}, request {i + 1} ({requests[i].Method} {requests[i].Path})";
            var (glance, _) = await Parity.SendAsync(side.Direct, requests[i], ImageForm.Apply(form, glanceImage), glanceImage);
            var (gateway, requestId) = await Parity.SendAsync(side.Through, requests[i], ImageForm.Apply(form, gatewayImage), gatewayImage);

            // All three checks reported at once: a row can differ from Glance and Glance from CONFORMANCE.md.
            var problems = new List<string>();
            if (glance != gateway)
            {
                problems.Add(Parity.Difference(glance, gateway));
            }

            if (glance.Status != statuses[i])
            {
                problems.Add($"Glance itself answered {glance.Status} where the row (CONFORMANCE.md) expects {statuses[i]}");
            }

            if (requestId?.StartsWith("req-", StringComparison.Ordinal) != true)
            {
                problems.Add($"the gateway's X-Openstack-Request-Id is {requestId ?? "missing"}");
            }

            Assert.True(problems.Count == 0, $"{what}:\n{string.Join('\n', problems)}");
        }

        Assert.Equal(await MembersInGlanceAsync(side.Direct, glanceImage), await MembersInGlanceAsync(side.Direct, gatewayImage));
    }

    // The fixture images (section 1's cases), made through Glance directly. Shared ones have two
    // members, the member project (with the kind's status) and the admin's project (pending).
    public async Task<string> CreateFixtureImageAsync(HttpClient glance, string kind)
    {
        ArgumentNullException.ThrowIfNull(glance);
        var tokens = _suite.Tokens;
        switch (kind)
        {
            case "public":
            case "community":
            case "private":
                return await GlanceApi.CreateImageAsync(glance, tokens.Admin, kind, $"\"owner\": \"{_suite.Keystone.Owner.ProjectId}\"");
        }

        var extra = kind switch
        {
            "shared-protected" => "\"protected\": true",
            "shared-hidden" => "\"os_hidden\": true",
            _ => null,
        };
        var image = await GlanceApi.CreateImageAsync(glance, tokens.Owner, "shared", extra);
        await GlanceApi.AddMemberAsync(glance, tokens.Owner, image, MemberProject);
        await GlanceApi.AddMemberAsync(glance, tokens.Owner, image, OtherMember);
        var status = kind switch
        {
            "shared-pending" => null,
            "shared-rejected" => "rejected",
            _ => "accepted",
        };
        if (status is not null)
        {
            await GlanceApi.SetMemberStatusAsync(glance, tokens.Member, image, MemberProject, status);
        }

        switch (kind)
        {
            case "shared-no-owner":
                await GlanceApi.PatchAsync(glance, tokens.Admin, image, "[{\"op\": \"replace\", \"path\": \"/owner\", \"value\": null}]");
                break;
            case "shared-made-private":
                await GlanceApi.SetVisibilityAsync(glance, tokens.Owner, image, "private");
                break;
            case "shared-deleted":
                await GlanceApi.ExpectAsync(glance, HttpMethod.Delete, $"/v2/images/{image}", tokens.Owner, HttpStatusCode.NoContent);
                break;
            case "shared-deactivated":
                await GlanceApi.UploadAsync(glance, tokens.Owner, image);
                await GlanceApi.ExpectAsync(glance, HttpMethod.Post, $"/v2/images/{image}/actions/deactivate", tokens.Admin, HttpStatusCode.NoContent);
                break;
            case "shared-accepted" or "shared-pending" or "shared-rejected" or "shared-protected" or "shared-hidden":
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }

        return image;
    }

    // The image's members as Glance holds them, read by the admin: "member:status ..." sorted, or
    // the status of a refused listing (a private or deleted image lists none).
    public async Task<string> MembersInGlanceAsync(HttpClient glance, string image)
    {
        ArgumentNullException.ThrowIfNull(glance);
        using var response = await GlanceApi.GetAsync(glance, $"/v2/images/{image}/members", _suite.Tokens.Admin, "application/json");
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return $"listing refused: {(int)response.StatusCode}";
        }

        var members = JsonDocument.Parse(text).RootElement.GetProperty("members").EnumerateArray()
            .Select(m => $"{m.GetProperty("member_id").GetString()}:{m.GetProperty("status").GetString()}")
            .Order(StringComparer.Ordinal);
        return string.Join(' ', members);
    }

    public ParityRequest Delete(string who, string member, string? accept = null) =>
        new(HttpMethod.Delete, MemberPath + member, _suite.TokenFor(who), accept);

    public string Target(string target) => target switch
    {
        "member" => MemberProject,
        "other" => OtherMember,
        "stranger" => _suite.Keystone.Stranger.ProjectId,
        "bogus" => "bogus-member",
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, null),
    };
}
