using Glance.Gateway.EndToEnd.Tests.Support;

namespace Glance.Gateway.EndToEnd.Tests.RealGlance;

/// <summary>
/// Parity with a real Glance 25.1 for <c>DELETE /v2/images/{image_id}/members/{member_id}</c>: every
/// row and consequence of CONFORMANCE.md sections 1 and 5 is sent once to Glance itself and once to
/// the gateway started in front of that same Glance, in legacy and in secure RBAC mode, with real
/// Keystone 22 tokens. Member DELETE mutates, so each side gets its own, identical fixture image,
/// both made through Glance directly. The two answers must agree: status, Content-Type, Allow,
/// WWW-Authenticate and body (each side's image id read as <c>{image}</c>); afterwards both images
/// must have the same members in Glance. Each row also names the status CONFORMANCE.md gives, and
/// the test checks that Glance itself answered it, so that a fixture that went wrong (both sides
/// 404 for the wrong reason) cannot pass unnoticed.
///
/// The only exemptions, each where it applies:
/// - blank image id (<c>/v2/images//members/{m}</c>): the seed requires 405, Glance's router answers
///   404 (<see cref="MemberDelete_BlankImageId_GatewaySeed405WhereGlance404"/>);
/// - Keystone down: the gateway answers 503, Glance's keystonemiddleware (delay_auth_decision) 401.
///   Not sent here: stopping the suite's Keystone would disturb the collection's other tests; the
///   gateway's side is KeystoneOutageTests.
/// </summary>
[Collection(SharedKeystoneGroup.Name)]
public sealed class MemberDeleteParityTests(KeystoneFixture keystoneFixture, RealGlanceFixture glanceFixture) : IAsyncLifetime
{
    private const string MemberPath = ParityScenario.MemberPath;
    private const string NoRoute = "The resource could not be found.";

    private readonly KeystoneServer _keystone = keystoneFixture.Keystone;
    private RealGlanceSuite _suite = null!;
    private ParityScenario _scenario = null!;

    private string MemberProject => _keystone.Member.ProjectId;

    public async Task InitializeAsync()
    {
        _suite = await glanceFixture.StartAsync(_keystone);
        _scenario = new ParityScenario(_suite);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    // Section 1 rule 9 then rule 8; section 5: the reader-only user of the owner project is
    // refused by the policy, the system-scoped admin finds no image.
    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "shared-pending", 204, 404)]
    [InlineData(GlanceRbac.Legacy, "owner", "shared-accepted", 204, 404)]
    [InlineData(GlanceRbac.Legacy, "owner", "shared-rejected", 204, 404)]
    [InlineData(GlanceRbac.Legacy, "admin", "shared-pending", 204, 404)]
    [InlineData(GlanceRbac.Legacy, "admin", "shared-accepted", 204, 404)]
    [InlineData(GlanceRbac.Legacy, "admin", "shared-rejected", 204, 404)]
    [InlineData(GlanceRbac.Legacy, "system-admin", "shared-accepted", 204, 404)]
    [InlineData(GlanceRbac.Legacy, "reader", "shared-accepted", 204, 404)]
    [InlineData(GlanceRbac.Secure, "owner", "shared-pending", 204, 404)]
    [InlineData(GlanceRbac.Secure, "owner", "shared-accepted", 204, 404)]
    [InlineData(GlanceRbac.Secure, "owner", "shared-rejected", 204, 404)]
    [InlineData(GlanceRbac.Secure, "admin", "shared-pending", 204, 404)]
    [InlineData(GlanceRbac.Secure, "admin", "shared-accepted", 204, 404)]
    [InlineData(GlanceRbac.Secure, "admin", "shared-rejected", 204, 404)]
    [InlineData(GlanceRbac.Secure, "system-admin", "shared-accepted", 404, 404)]
    [InlineData(GlanceRbac.Secure, "reader", "shared-accepted", 403, 403)]
    public async Task MemberDelete_OwnerAdminOrReaderOnSharedImage_SameAnswerAsGlanceTwice(
        GlanceRbac mode, string who, string kind, int first, int again)
    {
        var request = Delete(who, MemberProject);

        await AssertParityAsync(mode, kind, "exact", [request, request], [first, again]);
    }

    // Section 1 rule 7 (legacy); section 5 (secure): its own membership is refused by the policy,
    // another member or a bogus id is not in the member rows it can see (rule 8).
    [Theory]
    [InlineData(GlanceRbac.Legacy, "shared-pending", "member", 403)]
    [InlineData(GlanceRbac.Legacy, "shared-accepted", "member", 403)]
    [InlineData(GlanceRbac.Legacy, "shared-rejected", "member", 403)]
    [InlineData(GlanceRbac.Legacy, "shared-accepted", "other", 403)]
    [InlineData(GlanceRbac.Legacy, "shared-accepted", "bogus", 403)]
    [InlineData(GlanceRbac.Secure, "shared-pending", "member", 403)]
    [InlineData(GlanceRbac.Secure, "shared-accepted", "member", 403)]
    [InlineData(GlanceRbac.Secure, "shared-rejected", "member", 403)]
    [InlineData(GlanceRbac.Secure, "shared-accepted", "other", 404)]
    [InlineData(GlanceRbac.Secure, "shared-accepted", "bogus", 404)]
    public async Task MemberDelete_MemberOnSharedImage_SameAnswerAsGlance(GlanceRbac mode, string kind, string target, int status)
    {
        await AssertParityAsync(mode, kind, "exact", [Delete("member", Target(target))], [status]);
    }

    // Section 1 rule 5: a stranger cannot see a shared image, whatever the member id.
    [Theory]
    [InlineData(GlanceRbac.Legacy, "member")]
    [InlineData(GlanceRbac.Legacy, "other")]
    [InlineData(GlanceRbac.Legacy, "bogus")]
    [InlineData(GlanceRbac.Secure, "member")]
    [InlineData(GlanceRbac.Secure, "other")]
    [InlineData(GlanceRbac.Secure, "bogus")]
    public async Task MemberDelete_StrangerOnSharedImage_SameAnswerAsGlance(GlanceRbac mode, string target)
    {
        await AssertParityAsync(mode, "shared-accepted", "exact", [Delete("stranger", Target(target))], [404]);
    }

    // Section 1 rule 6 (admin included; unchanged in secure mode); a private image is not visible
    // to other projects (rule 5).
    [Theory]
    [InlineData(GlanceRbac.Legacy, "public", "owner", "bogus", 403)]
    [InlineData(GlanceRbac.Legacy, "public", "owner", "member", 403)]
    [InlineData(GlanceRbac.Legacy, "public", "admin", "bogus", 403)]
    [InlineData(GlanceRbac.Legacy, "public", "stranger", "bogus", 403)]
    [InlineData(GlanceRbac.Legacy, "public", "system-admin", "bogus", 403)]
    [InlineData(GlanceRbac.Legacy, "community", "owner", "bogus", 403)]
    [InlineData(GlanceRbac.Legacy, "community", "admin", "bogus", 403)]
    [InlineData(GlanceRbac.Legacy, "community", "stranger", "bogus", 403)]
    [InlineData(GlanceRbac.Legacy, "private", "owner", "bogus", 403)]
    [InlineData(GlanceRbac.Legacy, "private", "admin", "bogus", 403)]
    [InlineData(GlanceRbac.Legacy, "private", "member", "member", 404)]
    [InlineData(GlanceRbac.Legacy, "private", "stranger", "bogus", 404)]
    [InlineData(GlanceRbac.Secure, "public", "owner", "bogus", 403)]
    [InlineData(GlanceRbac.Secure, "public", "owner", "member", 403)]
    [InlineData(GlanceRbac.Secure, "public", "admin", "bogus", 403)]
    [InlineData(GlanceRbac.Secure, "public", "stranger", "bogus", 403)]
    [InlineData(GlanceRbac.Secure, "community", "owner", "bogus", 403)]
    [InlineData(GlanceRbac.Secure, "community", "admin", "bogus", 403)]
    [InlineData(GlanceRbac.Secure, "community", "stranger", "bogus", 403)]
    [InlineData(GlanceRbac.Secure, "private", "owner", "bogus", 403)]
    [InlineData(GlanceRbac.Secure, "private", "admin", "bogus", 403)]
    [InlineData(GlanceRbac.Secure, "private", "member", "member", 404)]
    [InlineData(GlanceRbac.Secure, "private", "stranger", "bogus", 404)]
    public async Task MemberDelete_PublicCommunityOrPrivateImage_SameAnswerAsGlance(GlanceRbac mode, string kind, string who, string target, int status)
    {
        await AssertParityAsync(mode, kind, "exact", [Delete(who, Target(target))], [status]);
    }

    // A shared image whose owner an admin set to null: legacy, any non-admin 403 (rule 7); secure,
    // a non-admin non-member 404 (rule 8), the member itself 403 (policy); admin 204 or 404.
    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "member", 403)]
    [InlineData(GlanceRbac.Legacy, "member", "member", 403)]
    [InlineData(GlanceRbac.Legacy, "member", "bogus", 403)]
    [InlineData(GlanceRbac.Legacy, "stranger", "member", 403)]
    [InlineData(GlanceRbac.Legacy, "stranger", "bogus", 403)]
    [InlineData(GlanceRbac.Legacy, "admin", "member", 204)]
    [InlineData(GlanceRbac.Legacy, "admin", "bogus", 404)]
    [InlineData(GlanceRbac.Secure, "owner", "member", 404)]
    [InlineData(GlanceRbac.Secure, "member", "member", 403)]
    [InlineData(GlanceRbac.Secure, "member", "bogus", 404)]
    [InlineData(GlanceRbac.Secure, "stranger", "member", 404)]
    [InlineData(GlanceRbac.Secure, "stranger", "bogus", 404)]
    [InlineData(GlanceRbac.Secure, "admin", "member", 204)]
    [InlineData(GlanceRbac.Secure, "admin", "bogus", 404)]
    public async Task MemberDelete_SharedImageWithoutOwner_SameAnswerAsGlance(GlanceRbac mode, string who, string target, int status)
    {
        await AssertParityAsync(mode, "shared-no-owner", "exact", [Delete(who, Target(target))], [status]);
    }

    // A shared image with members later made private: owner and admin 403 (rule 6), member and
    // stranger 404 (rule 5).
    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", 403)]
    [InlineData(GlanceRbac.Legacy, "admin", 403)]
    [InlineData(GlanceRbac.Legacy, "member", 404)]
    [InlineData(GlanceRbac.Legacy, "stranger", 404)]
    [InlineData(GlanceRbac.Secure, "owner", 403)]
    [InlineData(GlanceRbac.Secure, "admin", 403)]
    [InlineData(GlanceRbac.Secure, "member", 404)]
    [InlineData(GlanceRbac.Secure, "stranger", 404)]
    public async Task MemberDelete_SharedImageMadePrivate_SameAnswerAsGlance(GlanceRbac mode, string who, int status)
    {
        await AssertParityAsync(mode, "shared-made-private", "exact", [Delete(who, MemberProject)], [status]);
    }

    // A deleted image: 404 for everyone, admin included.
    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner")]
    [InlineData(GlanceRbac.Legacy, "admin")]
    [InlineData(GlanceRbac.Legacy, "member")]
    [InlineData(GlanceRbac.Legacy, "stranger")]
    [InlineData(GlanceRbac.Secure, "owner")]
    [InlineData(GlanceRbac.Secure, "admin")]
    [InlineData(GlanceRbac.Secure, "member")]
    [InlineData(GlanceRbac.Secure, "stranger")]
    public async Task MemberDelete_DeletedImage_SameAnswerAsGlance(GlanceRbac mode, string who)
    {
        await AssertParityAsync(mode, "shared-deleted", "exact", [Delete(who, MemberProject)], [404]);
    }

    // Deactivated, protected or hidden images follow the same rules.
    [Theory]
    [InlineData(GlanceRbac.Legacy, "shared-deactivated", "owner", 204)]
    [InlineData(GlanceRbac.Legacy, "shared-protected", "owner", 204)]
    [InlineData(GlanceRbac.Legacy, "shared-hidden", "owner", 204)]
    [InlineData(GlanceRbac.Legacy, "shared-deactivated", "member", 403)]
    [InlineData(GlanceRbac.Legacy, "shared-hidden", "stranger", 404)]
    [InlineData(GlanceRbac.Secure, "shared-deactivated", "owner", 204)]
    [InlineData(GlanceRbac.Secure, "shared-protected", "owner", 204)]
    [InlineData(GlanceRbac.Secure, "shared-hidden", "owner", 204)]
    [InlineData(GlanceRbac.Secure, "shared-deactivated", "member", 403)]
    [InlineData(GlanceRbac.Secure, "shared-hidden", "stranger", 404)]
    public async Task MemberDelete_DeactivatedProtectedOrHiddenImage_SameAnswerAsGlance(GlanceRbac mode, string kind, string who, int status)
    {
        await AssertParityAsync(mode, kind, "exact", [Delete(who, MemberProject)], [status]);
    }

    // Rule 5: an id that is not exactly a stored id names no image, for the admin too.
    [Theory]
    [InlineData(GlanceRbac.Legacy, "upper", "owner")]
    [InlineData(GlanceRbac.Legacy, "upper", "admin")]
    [InlineData(GlanceRbac.Legacy, "not-a-uuid", "owner")]
    [InlineData(GlanceRbac.Legacy, "not-a-uuid", "admin")]
    [InlineData(GlanceRbac.Legacy, "37", "owner")]
    [InlineData(GlanceRbac.Legacy, "37", "admin")]
    [InlineData(GlanceRbac.Legacy, "unknown", "owner")]
    [InlineData(GlanceRbac.Legacy, "unknown", "admin")]
    [InlineData(GlanceRbac.Secure, "upper", "owner")]
    [InlineData(GlanceRbac.Secure, "upper", "admin")]
    [InlineData(GlanceRbac.Secure, "not-a-uuid", "owner")]
    [InlineData(GlanceRbac.Secure, "not-a-uuid", "admin")]
    [InlineData(GlanceRbac.Secure, "37", "owner")]
    [InlineData(GlanceRbac.Secure, "37", "admin")]
    [InlineData(GlanceRbac.Secure, "unknown", "owner")]
    [InlineData(GlanceRbac.Secure, "unknown", "admin")]
    public async Task MemberDelete_ImageIdNotExact_SameAnswerAsGlance(GlanceRbac mode, string form, string who)
    {
        await AssertParityAsync(mode, "shared-accepted", form, [Delete(who, MemberProject)], [404]);
    }

    // Rule 8: the member id matches exactly, case included.
    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner")]
    [InlineData(GlanceRbac.Legacy, "admin")]
    [InlineData(GlanceRbac.Secure, "owner")]
    [InlineData(GlanceRbac.Secure, "admin")]
    public async Task MemberDelete_MemberIdInUpperCase_SameAnswerAsGlance(GlanceRbac mode, string who)
    {
        await AssertParityAsync(mode, "shared-accepted", "exact", [Delete(who, MemberProject.ToUpperInvariant())], [404]);
    }

    // Rule 1, with the Keystone challenge; a revoked token was never seen by either side.
    [Theory]
    [InlineData(GlanceRbac.Legacy, "none", null)]
    [InlineData(GlanceRbac.Legacy, "none", "application/json")]
    [InlineData(GlanceRbac.Legacy, "empty", "text/plain")]
    [InlineData(GlanceRbac.Legacy, "garbage", null)]
    [InlineData(GlanceRbac.Legacy, "garbage", "application/json")]
    [InlineData(GlanceRbac.Legacy, "revoked", "*/*")]
    [InlineData(GlanceRbac.Secure, "none", null)]
    [InlineData(GlanceRbac.Secure, "none", "application/json")]
    [InlineData(GlanceRbac.Secure, "empty", "text/plain")]
    [InlineData(GlanceRbac.Secure, "garbage", null)]
    [InlineData(GlanceRbac.Secure, "garbage", "application/json")]
    [InlineData(GlanceRbac.Secure, "revoked", "*/*")]
    public async Task MemberDelete_NoValidToken_SameAnswerAsGlance(GlanceRbac mode, string kind, string? accept)
    {
        var token = kind switch
        {
            "none" => null,
            "empty" => string.Empty,
            "garbage" => "gAAAAABnot-a-real-fernet-token",
            _ => await RevokedTokenAsync(),
        };

        await AssertParityAsync(mode, "shared-accepted", "exact", [new ParityRequest(HttpMethod.Delete, MemberPath + MemberProject, token, accept)], [401]);
    }

    // Section 2: the error body's format follows Accept, on a 403 (member) and a 404 (stranger).
    [Theory]
    [InlineData(GlanceRbac.Legacy, "member", null, 403)]
    [InlineData(GlanceRbac.Legacy, "member", "*/*", 403)]
    [InlineData(GlanceRbac.Legacy, "member", "application/json", 403)]
    [InlineData(GlanceRbac.Legacy, "member", "text/plain", 403)]
    [InlineData(GlanceRbac.Legacy, "member", "application/xml", 403)]
    [InlineData(GlanceRbac.Legacy, "member", "text/html;q=0.5, application/json", 403)]
    [InlineData(GlanceRbac.Legacy, "stranger", null, 404)]
    [InlineData(GlanceRbac.Legacy, "stranger", "text/html", 404)]
    [InlineData(GlanceRbac.Legacy, "stranger", "application/json", 404)]
    [InlineData(GlanceRbac.Legacy, "stranger", "text/plain", 404)]
    [InlineData(GlanceRbac.Secure, "member", null, 403)]
    [InlineData(GlanceRbac.Secure, "member", "*/*", 403)]
    [InlineData(GlanceRbac.Secure, "member", "application/json", 403)]
    [InlineData(GlanceRbac.Secure, "member", "text/plain", 403)]
    [InlineData(GlanceRbac.Secure, "member", "application/xml", 403)]
    [InlineData(GlanceRbac.Secure, "member", "text/html;q=0.5, application/json", 403)]
    [InlineData(GlanceRbac.Secure, "stranger", null, 404)]
    [InlineData(GlanceRbac.Secure, "stranger", "text/html", 404)]
    [InlineData(GlanceRbac.Secure, "stranger", "application/json", 404)]
    [InlineData(GlanceRbac.Secure, "stranger", "text/plain", 404)]
    public async Task MemberDelete_AcceptVariants_SameAnswerAsGlance(GlanceRbac mode, string who, string? accept, int status)
    {
        await AssertParityAsync(mode, "shared-accepted", "exact", [Delete(who, MemberProject, accept)], [status]);
    }

    // Rule 3: other methods on the member path, HEAD too (Allow: GET, PUT, DELETE).
    [Theory]
    [InlineData(GlanceRbac.Legacy, "POST", null)]
    [InlineData(GlanceRbac.Legacy, "POST", "application/json")]
    [InlineData(GlanceRbac.Legacy, "PATCH", "text/plain")]
    [InlineData(GlanceRbac.Legacy, "HEAD", null)]
    [InlineData(GlanceRbac.Legacy, "HEAD", "application/json")]
    [InlineData(GlanceRbac.Secure, "POST", null)]
    [InlineData(GlanceRbac.Secure, "POST", "application/json")]
    [InlineData(GlanceRbac.Secure, "PATCH", "text/plain")]
    [InlineData(GlanceRbac.Secure, "HEAD", null)]
    [InlineData(GlanceRbac.Secure, "HEAD", "application/json")]
    public async Task MemberPath_MethodNotAllowed_SameAnswerAsGlance(GlanceRbac mode, string method, string? accept)
    {
        var request = new ParityRequest(new HttpMethod(method), MemberPath + MemberProject, _suite.Tokens.Owner, accept);

        await AssertParityAsync(mode, "shared-accepted", "exact", [request], [405]);
    }

    // Rule 1 before rule 3: an unauthenticated request with another method is a 401, not a 405.
    [Theory]
    [InlineData(GlanceRbac.Legacy, "POST")]
    [InlineData(GlanceRbac.Legacy, "HEAD")]
    [InlineData(GlanceRbac.Secure, "POST")]
    [InlineData(GlanceRbac.Secure, "HEAD")]
    public async Task MemberPath_OtherMethodWithoutToken_SameAnswerAsGlance(GlanceRbac mode, string method)
    {
        var request = new ParityRequest(new HttpMethod(method), MemberPath + MemberProject, null, "application/json");

        await AssertParityAsync(mode, "shared-accepted", "exact", [request], [401]);
    }

    // Rule 3b: DELETE on the members collection (Allow: GET, POST).
    [Theory]
    [InlineData(GlanceRbac.Legacy, null)]
    [InlineData(GlanceRbac.Legacy, "application/json")]
    [InlineData(GlanceRbac.Secure, null)]
    [InlineData(GlanceRbac.Secure, "application/json")]
    public async Task MembersCollection_Delete_SameAnswerAsGlance(GlanceRbac mode, string? accept)
    {
        var request = new ParityRequest(HttpMethod.Delete, "/v2/images/{image}/members", _suite.Tokens.Owner, accept);

        await AssertParityAsync(mode, "shared-accepted", "exact", [request], [405]);
    }

    // Rule 4: a body is refused before the image is looked up, whoever asks.
    [Theory]
    [InlineData(GlanceRbac.Legacy, "owner", "{}", "application/json")]
    [InlineData(GlanceRbac.Legacy, "stranger", "{}", "application/json")]
    [InlineData(GlanceRbac.Legacy, "member", "x", "text/plain")]
    [InlineData(GlanceRbac.Secure, "owner", "{}", "application/json")]
    [InlineData(GlanceRbac.Secure, "stranger", "{}", "application/json")]
    [InlineData(GlanceRbac.Secure, "member", "x", "text/plain")]
    public async Task MemberDelete_WithBody_SameAnswerAsGlance(GlanceRbac mode, string who, string body, string contentType)
    {
        var request = new ParityRequest(HttpMethod.Delete, MemberPath + MemberProject, _suite.TokenFor(who), "text/plain", body, contentType);

        await AssertParityAsync(mode, "shared-accepted", "exact", [request], [400]);
    }

    // Exempt, documented deviation (CONFORMANCE.md rule 2, seed): DELETE with a blank image id is
    // 405 at the gateway; Glance's router collapses the '//' and answers 404 (no route). Both
    // answers are asserted as they are documented; nothing is deleted on either side.
    [Theory]
    [InlineData(GlanceRbac.Legacy)]
    [InlineData(GlanceRbac.Secure)]
    public async Task MemberDelete_BlankImageId_GatewaySeed405WhereGlance404(GlanceRbac mode)
    {
        var side = _suite.For(mode);
        var glanceImage = await _scenario.CreateFixtureImageAsync(side.Direct, "shared-accepted");
        var gatewayImage = await _scenario.CreateFixtureImageAsync(side.Direct, "shared-accepted");
        var request = new ParityRequest(HttpMethod.Delete, "/v2/images//members/" + MemberProject, _suite.Tokens.Owner, "text/plain");

        var (glance, _) = await Parity.SendAsync(side.Direct, request, string.Empty, glanceImage);
        var (gateway, _) = await Parity.SendAsync(side.Through, request, string.Empty, gatewayImage);

        Assert.Equal(new ParityAnswer(404, "text/plain; charset=UTF-8", null, null, $"404 Not Found\n\n{NoRoute}\n\n   "), glance);
        Assert.Equal(405, gateway.Status);
        Assert.Equal(await _scenario.MembersInGlanceAsync(side.Direct, glanceImage), await _scenario.MembersInGlanceAsync(side.Direct, gatewayImage));
        Assert.Equal(2, (await _scenario.MembersInGlanceAsync(side.Direct, gatewayImage)).Split(' ').Length);
    }

    private Task AssertParityAsync(GlanceRbac mode, string kind, string form, IReadOnlyList<ParityRequest> requests, IReadOnlyList<int> statuses) =>
        _scenario.AssertParityAsync(_suite.For(mode), mode.ToString(), kind, form, requests, statuses);

    private ParityRequest Delete(string who, string member, string? accept = null) => _scenario.Delete(who, member, accept);

    private string Target(string target) => _scenario.Target(target);

    // A real token that Keystone issued and then revoked: neither side has seen it before.
    private async Task<string> RevokedTokenAsync()
    {
        var token = await _keystone.IssueTokenAsync(_keystone.Owner);
        await _keystone.RevokeAsync(token);
        return token;
    }
}
