using Glance.Policy.Members;
using Glance.Policy.Operations;
using static Glance.Policy.Tests.Operations.OperationInputs;

namespace Glance.Policy.Tests.Operations;

/// <summary>POST …/import (<see cref="ImportOperations.Import"/>) and PUT …/stage (<see cref="ImportOperations.Stage"/>), legacy and secure.</summary>
public sealed class ImportOperationTests
{
    private const string GlanceDirect = """{"method": {"name": "glance-direct"}}""";
    private const string CopyImage = """{"method": {"name": "copy-image"}, "stores": ["b"]}""";
    private static readonly string[] Enabled = ["glance-direct", "web-download", "copy-image"];

    private static Refusal? Import(EdgeInput input) => ImportOperations.Import(input, Enabled);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_owner_imports_a_staged_image(bool secure) =>
        Assert.Null(Import(Input(Owner(secure), Image(status: "uploading"), GlanceDirect)));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_body_is_checked_before_the_image(bool secure)
    {
        var caller = Stranger(secure);
        AssertRefused(Import(Input(caller, null, "{}")), 400, "Import request requires a 'method' field.");
        AssertRefused(Import(Input(caller, null, """{"method": {}}""")), 400, "Import request requires a 'name' field.");
        AssertRefused(Import(Input(caller, null, """{"method": {"name": "glance-download"}}""")), 400, "Unknown import method name 'glance-download'.");
        AssertRefused(Import(Input(caller, null, """{"method": {"name": "web-download"}, "all_stores": 1}""")), 400, "'all_stores' must be boolean value only");
        AssertRefused(Import(Input(caller, null, """{"method": "glance-direct"}""")), 500,
            "The server has either erred or is incapable of performing the requested operation.");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_missing_or_invisible_image_is_404(bool secure)
    {
        AssertRefused(Import(Input(Owner(secure), null, GlanceDirect)), 404, $"No image found with ID {ImageId}");
        AssertRefused(Import(Input(Stranger(secure), Image(status: "uploading"), GlanceDirect)), 404, $"No image found with ID {ImageId}");
    }

    [Theory]
    [InlineData("active", "glance-direct", "raw", "bare", "Image with status active cannot be target for import")]
    [InlineData("queued", "copy-image", "raw", "bare", "Only images with status active can be targeted for copying")]
    [InlineData("uploading", "web-download", "raw", "bare", "Image needs to be in 'queued' state to use 'web-download' method")]
    [InlineData("queued", "glance-direct", "raw", "bare", "Image needs to be staged before 'glance-direct' method can be used")]
    [InlineData("uploading", "glance-direct", "raw", null, "'container_format' needs to be set before import")]
    [InlineData("queued", "web-download", null, "bare", "'disk_format' needs to be set before import")]
    public void The_images_state_conflicts_before_the_rule(string status, string method, string? disk, string? container, string explanation)
    {
        // A reader whom modify_image refuses in secure mode still gets the state's 409 first.
        var refusal = Import(Input(OwnerReader(true), Image(status: status, disk: disk, container: container), $$$"""{"method": {"name": "{{{method}}}"}}"""));
        AssertRefused(refusal, 409, explanation);
    }

    [Fact]
    public void Legacy_a_stranger_passes_modify_image_then_is_not_the_owner() =>
        AssertRefused(Import(Input(Stranger(false), Image(ImageVisibility.Public, "uploading"), GlanceDirect)), 403, "You do not own this image");

    [Fact]
    public void Secure_a_stranger_is_refused_modify_image() =>
        AssertRefused(Import(Input(Stranger(true), Image(ImageVisibility.Public, "uploading"), GlanceDirect)), 403, Refused("modify_image"));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Copy_image_is_its_own_rule_admin_only(bool secure)
    {
        AssertRefused(Import(Input(Owner(secure), Image(status: "active"), CopyImage)), 403, Refused("copy_image"));
        Assert.Null(Import(Input(Admin(secure), Image(status: "active"), CopyImage)));
    }

    [Fact]
    public void Glance_download_needs_its_region_and_a_remote_uuid()
    {
        string[] enabled = ["glance-download"];
        var image = Image(status: "queued");
        AssertRefused(ImportOperations.Import(Input(Owner(true), image, """{"method": {"name": "glance-download"}}"""), enabled), 400,
            "'glance_region' needs to be set for glance-download import method");
        AssertRefused(ImportOperations.Import(Input(Owner(true), image, """{"method": {"name": "glance-download", "glance_region": "r"}}"""), enabled), 400,
            "'glance_image_id' needs to be set for glance-download import method");
        AssertRefused(ImportOperations.Import(Input(Owner(true), image, """{"method": {"name": "glance-download", "glance_region": "r", "glance_image_id": "nope"}}"""), enabled), 400,
            "Remote image id does not look like a UUID: nope");
        Assert.Null(ImportOperations.Import(Input(Owner(true), image, """{"method": {"name": "glance-download", "glance_region": "r", "glance_image_id": "{urn:uuid:5E8AD6DC83FC4F458DB306690A73A2C7}"}}"""), enabled));
    }

    [Fact]
    public void The_registered_import_records_the_bodys_rule()
    {
        var operation = EdgeOperations.Named("import_image")!;
        Assert.Equal(EdgeMode.Shadow, operation.DefaultMode);
        Assert.False(string.IsNullOrEmpty(operation.DefaultModeReason));
        Assert.Equal("copy_image", operation.Decide(Input(Admin(true), Image(status: "active"), CopyImage)).PolicyRule);
        Assert.Equal("modify_image", operation.Decide(Input(Owner(true), Image(status: "uploading"), GlanceDirect)).PolicyRule);
        var refused = operation.Decide(Input(Owner(true), Image(status: "active"), CopyImage));
        Assert.Equal((false, 403, "copy_image"), (refused.IsAllowed, refused.StatusCode, refused.PolicyRule));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Stage_the_owner_stages(bool secure) =>
        Assert.Null(ImportOperations.Stage(Input(Owner(secure), Image()) with { ContentType = "application/octet-stream" }, glanceDirectEnabled: true));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Stage_refusals_in_order(bool secure)
    {
        var input = Input(Stranger(secure), Image(ImageVisibility.Public)) with { ContentType = "application/octet-stream" };
        AssertRefused(ImportOperations.Stage(input, glanceDirectEnabled: false), 404, "'glance-direct' method is not available at this site.");
        AssertRefused(ImportOperations.Stage(input with { ContentType = null }, glanceDirectEnabled: true), 415, "The request media type text/plain is not supported by this server.");
        AssertRefused(ImportOperations.Stage(input with { ContentType = "application/json" }, glanceDirectEnabled: true), 415, "The request media type application/json is not supported by this server.");
        AssertRefused(ImportOperations.Stage(input with { Image = null }, glanceDirectEnabled: true), 404, $"No image found with ID {ImageId}");
        AssertRefused(ImportOperations.Stage(input, glanceDirectEnabled: true), 403, secure ? Refused("modify_image") : "You do not own this image");
    }
}
