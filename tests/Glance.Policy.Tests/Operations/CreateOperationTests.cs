using Glance.Policy.Operations;
using static Glance.Policy.Tests.Operations.OperationInputs;

namespace Glance.Policy.Tests.Operations;

/// <summary>POST /v2/images up to and through <c>add_image</c> (<see cref="CreateOperations.AddImage"/>), legacy and secure.</summary>
public sealed class CreateOperationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_member_creates_an_image_of_its_own_project(bool secure)
    {
        Assert.Null(CreateOperations.AddImage(Input(Owner(secure), json: """{"name": "x", "disk_format": "raw"}""")));
        Assert.Null(CreateOperations.AddImage(Input(Owner(secure), json: $$"""{"owner": "{{OwnerProject}}", "visibility": "shared"}""")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_admin_creates_an_image_for_another_project_and_public(bool secure) =>
        Assert.Null(CreateOperations.AddImage(Input(Admin(secure), json: $$"""{"owner": "{{StrangerProject}}", "visibility": "public"}""")));

    [Fact]
    public void Legacy_another_owner_is_refused_by_the_coded_owner_check_with_a_full_stop()
    {
        var refusal = CreateOperations.AddImage(Input(Owner(false), json: $$"""{"owner": "{{StrangerProject}}"}"""));
        AssertRefused(refusal, 403, $"You are not permitted to create images owned by '{StrangerProject}'.");
        Assert.True(refusal!.FromCodedCheck);
    }

    [Fact]
    public void Secure_another_owner_is_refused_by_add_image_worded_without_a_full_stop()
    {
        var refusal = CreateOperations.AddImage(Input(Owner(true), json: $$"""{"owner": "{{StrangerProject}}"}"""));
        AssertRefused(refusal, 403, "Access was denied to this resource.");
        Assert.Equal($"You are not permitted to create images owned by '{StrangerProject}'", refusal!.Detail);
        Assert.False(refusal.FromCodedCheck);
    }

    [Fact]
    public void Secure_a_null_owner_is_refused_as_None()
    {
        var refusal = CreateOperations.AddImage(Input(Owner(true), json: """{"owner": null}"""));
        AssertRefused(refusal, 403, "Access was denied to this resource.");
        Assert.Equal("You are not permitted to create images owned by 'None'", refusal!.Detail);
    }

    [Fact]
    public void Secure_a_reader_is_refused_add_image() =>
        AssertRefused(CreateOperations.AddImage(Input(OwnerReader(true), json: "{}")), 403, Refused("add_image"));

    [Theory]
    [InlineData(false, "public", "publicize_image")]
    [InlineData(true, "public", "publicize_image")]
    [InlineData(true, "community", null)]
    public void Visibility_rules_follow_add_image(bool secure, string visibility, string? refusedRule)
    {
        var refusal = CreateOperations.AddImage(Input(Owner(secure), json: $$"""{"visibility": "{{visibility}}"}"""));
        if (refusedRule is null)
        {
            Assert.Null(refusal);
        }
        else
        {
            AssertRefused(refusal, 403, Refused(refusedRule));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_body_is_checked_before_the_rule(bool secure)
    {
        // A reader (refused add_image in secure mode) still gets the body's answers first.
        var caller = OwnerReader(secure);
        AssertRefused(CreateOperations.AddImage(Input(caller, json: "[]")), 400, "Provided object does not match schema 'image': [] is not of type 'object'");
        AssertRefused(CreateOperations.AddImage(Input(caller, json: """{"name": "x", "self": "y"}""")), 403, "Attribute 'self' is read-only.");
        AssertRefused(CreateOperations.AddImage(Input(caller, json: """{"min_ram": "1"}""")), 400, "Provided object does not match schema 'image': '1' is not of type 'integer'");
        AssertRefused(CreateOperations.AddImage(Input(caller, json: """{"disk_format": "bogus"}""")), 400,
            "Provided object does not match schema 'image': 'bogus' is not one of [None, 'ami', 'ari', 'aki', 'vhd', 'vhdx', 'vmdk', 'raw', 'qcow2', 'vdi', 'iso', 'ploop']");
        AssertRefused(CreateOperations.AddImage(Input(caller, json: $$"""{"{{new string('k', 256)}}": "v"}""")), 400, "Custom property should not be greater than 255 characters.");
    }

    [Fact]
    public void A_reserved_attribute_is_webobs_403_with_the_message_as_detail()
    {
        var refusal = CreateOperations.AddImage(Input(Owner(true), json: """{"os_glance_import_task": "x"}"""));
        AssertRefused(refusal, 403, "Access was denied to this resource.");
        Assert.Equal("Attribute 'os_glance_import_task' is reserved.", refusal!.Detail);
    }

    [Fact]
    public void A_body_error_is_answered_first()
    {
        var error = new Refusal(400, "Malformed JSON in request body.");
        Assert.Same(error, CreateOperations.AddImage(Input(OwnerReader(true)) with { BodyError = error }));
        AssertRefused(CreateOperations.AddImage(Input(Owner(true))), 400, "Body expected in request.");
    }

    [Fact]
    public void The_image_factorys_read_only_attributes_follow_the_rule_and_are_the_backends() =>
        Assert.Null(CreateOperations.AddImage(Input(Owner(true), json: """{"status": "active", "locations": []}""")));
}
