using System.Text.Json;
using Glance.Policy.Language;
using Glance.Policy.Members;
using Glance.Policy.Operations;
using Glance.Policy.Rules;

namespace Glance.Policy.Tests.Operations;

/// <summary>Callers, images and inputs of the operation tests, in legacy and secure mode.</summary>
internal static class OperationInputs
{
    public const string ImageId = "5e8ad6dc-83fc-4f45-8db3-06690a73a2c7";
    public const string OwnerProject = "0wner000000000000000000000000001";
    public const string StrangerProject = "strang00000000000000000000000005";
    public const string AdminProject = "admin000000000000000000000000006";
    public const string ResourceNotFound = "The resource could not be found.";

    private static readonly PolicyRules LegacyRules = PolicyRules.Defaults(PolicyMode.Legacy);
    private static readonly PolicyRules SecureRules = PolicyRules.Defaults(PolicyMode.Secure);

    public static PolicyRules Rules(bool secure) => secure ? SecureRules : LegacyRules;

    public static Caller Admin(bool secure) => new(new PolicyCredentials("u-admin", AdminProject, ["admin", "member", "reader"]), Rules(secure));

    public static Caller Owner(bool secure) => new(new PolicyCredentials("u-owner", OwnerProject, ["member", "reader"]), Rules(secure));

    public static Caller OwnerReader(bool secure) => new(new PolicyCredentials("u-reader", OwnerProject, ["reader"]), Rules(secure));

    public static Caller Stranger(bool secure) => new(new PolicyCredentials("u-stranger", StrangerProject, ["member", "reader"]), Rules(secure));

    /// <summary>An image of <see cref="OwnerProject"/>.</summary>
    public static ImageFacts Image(string visibility = ImageVisibility.Private, string status = "queued", string? disk = "raw", string? container = "bare") =>
        new(ImageId, visibility, OwnerProject) { Status = status, DiskFormat = disk, ContainerFormat = container };

    public static EdgeInput Input(Caller caller, ImageFacts? image = null, string? json = null) => new(caller, ImageId, null)
    {
        Image = image,
        Body = json is null ? null : JsonDocument.Parse(json).RootElement.Clone(),
    };

    /// <summary>The 403 of a refused rule, as Glance words it.</summary>
    public static string Refused(string rule) => $"You are not authorized to complete {rule} action.";

    /// <summary>Asserts a refusal's status and exact explanation.</summary>
    public static void AssertRefused(Refusal? refusal, int status, string explanation)
    {
        Assert.NotNull(refusal);
        Assert.Equal((status, explanation), (refusal.StatusCode, refusal.Explanation));
    }
}
