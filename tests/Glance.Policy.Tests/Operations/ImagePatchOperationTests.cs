using System.Text.Json;
using Glance.Policy.Errors;
using Glance.Policy.Members;
using Glance.Policy.Operations;
using Glance.Policy.Rules;
using Glance.Policy.Tests.Members;
using static Glance.Policy.Tests.Members.Identities;

namespace Glance.Policy.Tests.Operations;

/// <summary>
/// <see cref="ImagePatchOperation.Decide"/> (PATCH /v2/images/{id}) over Glance 25's defaults,
/// legacy (as packaged) and secure RBAC: the deserializer's 415 and 400s, the lookup's 404, and
/// each change's coded checks and rules in Glance's order, with Glance's words; and where the edge
/// stops and leaves the rest to the backend.
/// </summary>
public sealed class ImagePatchOperationTests
{
    private const string V21 = ImagePatch.MediaTypeV21;
    private const string V20 = ImagePatch.MediaTypeV20;

    private static readonly PolicyRules Legacy = PolicyRules.Defaults(PolicyMode.Legacy);
    private static readonly PolicyRules Secure = PolicyRules.Defaults(PolicyMode.Secure);

    private static readonly string Forbidden403 = GlanceErrorBody.DefaultExplanation(403);
    private static readonly string Conflict409 = GlanceErrorBody.DefaultExplanation(409);

    private static ImageFacts Image(string visibility = ImageVisibility.Shared, string? owner = OwnerProject, Dictionary<string, string>? properties = null) =>
        new(ImageId, visibility, owner) { Properties = properties ?? new Dictionary<string, string>(StringComparer.Ordinal) { ["hw_disk_bus"] = "scsi" } };

    private static Refusal? Decide(
        Who who, PolicyRules rules, string json, ImageFacts? image = null, string? contentType = V21, bool member = false, Refusal? bodyError = null, bool noImage = false)
    {
        using var document = bodyError is null ? JsonDocument.Parse(json) : null;
        var input = new EdgeInput(new Caller(For(who), rules), ImageId, null)
        {
            Image = noImage ? null : image ?? Image(),
            Membership = new MembershipFacts(member, false),
            ContentType = contentType,
            Body = document?.RootElement,
            BodyError = bodyError,
        };
        return ImagePatchOperation.Decide(input);
    }

    private static void AssertRefused(Refusal? refusal, int status, string explanation, string? detail = null, string? rule = null)
    {
        Assert.NotNull(refusal);
        Assert.Equal(status, refusal.StatusCode);
        Assert.Equal(explanation, refusal.Explanation);
        Assert.Equal(detail, refusal.Detail);
        Assert.Equal(rule, refusal.PolicyRule);
    }

    private static string NotAuthorized(string rule) => $"You are not authorized to complete {rule} action.";

    // --- the deserializer ---------------------------------------------------------------------

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json-patch+json")]
    [InlineData("Application/openstack-images-v2.1-json-patch")]
    public void A_media_type_other_than_the_two_patch_types_is_415_naming_it(string contentType)
    {
        var refusal = Decide(Who.Owner, Legacy, """[{"op": "replace", "path": "/name", "value": "x"}]""", contentType: contentType);
        AssertRefused(refusal, 415, $"The request media type {contentType} is not supported by this server.");
        var header = Assert.Single(refusal!.Headers!);
        Assert.Equal(("Accept-Patch", "application/openstack-images-v2.0-json-patch, application/openstack-images-v2.1-json-patch"), (header.Key, header.Value));
    }

    [Fact]
    public void No_content_type_is_415_as_text_plain()
    {
        AssertRefused(Decide(Who.Owner, Legacy, "[]", contentType: null), 415, "The request media type text/plain is not supported by this server.");
    }

    [Fact]
    public void The_media_type_comes_before_the_body_so_a_malformed_body_of_the_wrong_type_is_415()
    {
        var malformed = new Refusal(400, "Malformed JSON in request body.");
        AssertRefused(Decide(Who.Owner, Legacy, "", contentType: "application/json", bodyError: malformed), 415,
            "The request media type application/json is not supported by this server.");
    }

    [Fact]
    public void A_malformed_body_of_a_patch_type_is_the_body_readers_400()
    {
        var malformed = new Refusal(400, "Malformed JSON in request body.");
        Assert.Same(malformed, Decide(Who.Owner, Legacy, "", bodyError: malformed));
    }

    [Fact]
    public void Parameters_of_the_media_type_are_ignored()
    {
        Assert.Null(Decide(Who.Owner, Legacy, """[{"op": "replace", "path": "/name", "value": "x"}]""", contentType: V21 + "; charset=UTF-8"));
    }

    [Theory]
    [InlineData("""{"op": "replace"}""", 400, "Request body must be a JSON array of operation objects.")]
    [InlineData("""["replace"]""", 400, "Operations must be JSON objects.")]
    [InlineData("""[{"op": "move", "path": "/name"}]""", 400, "Invalid operation: `move`. It must be one of the following: add, remove, replace.")]
    [InlineData("""[{"op": "add", "path": "/name"}]""", 400, "Operation \"add\" requires a member named \"value\".")]
    [InlineData("""[{"op": "add", "path": "name", "value": "x"}]""", 400, "Pointer `name` does not start with \"/\".")]
    [InlineData("""[{"op": "add", "path": "/a/b", "value": "x"}]""", 400, "Invalid JSON pointer for this resource: '/a/b'")]
    [InlineData("""[{"op": "replace", "path": "/min_ram", "value": "1"}]""", 400, "Provided object does not match schema 'image': '1' is not of type 'integer'")]
    [InlineData("""[{"op": "replace", "path": "/status", "value": "active"}]""", 403, "Attribute 'status' is read-only.")]
    [InlineData("""[{"op": "add", "path": "/os_glance_import_task", "value": "x"}]""", 403, "Attribute 'os_glance_import_task' is reserved.")]
    [InlineData("""[{"op": "remove", "path": "/deleted"}]""", 403, "Attribute 'deleted' is reserved.")]
    public void The_patch_is_parsed_before_the_image_is_looked_up(string json, int status, string explanation)
    {
        // A stranger on a private image: the lookup would be a 404, but the deserializer answers first.
        AssertRefused(Decide(Who.Stranger, Legacy, json, Image(ImageVisibility.Private)), status, explanation);
    }

    [Fact]
    public void A_draft_4_patch_is_read_with_the_draft_4_syntax()
    {
        Assert.Null(Decide(Who.Owner, Legacy, """[{"replace": "/name", "value": "x"}]""", contentType: V20));
        AssertRefused(Decide(Who.Owner, Legacy, """[{"replace": "/name", "value": "x"}]"""), 400,
            "Unable to find `op` in JSON Schema change. It must be one of the following: add, remove, replace.");
    }

    [Theory]
    [InlineData("name")]
    [InlineData("visibility")]
    [InlineData("hw_disk_bus")]
    public void A_draft_4_add_of_what_the_image_has_is_409_after_the_rules(string path)
    {
        var json = $$"""[{"add": "/{{path}}", "value": "private"}]""";
        AssertRefused(Decide(Who.Owner, Legacy, json, contentType: V20), 409, Conflict409, detail: $"Property {path} already present.");
        AssertRefused(Decide(Who.Member, Legacy, json, contentType: V20, member: true), 403, "You do not own this image");
        Assert.Null(Decide(Who.Owner, Legacy, json.Replace("\"add\"", "\"replace\"", StringComparison.Ordinal), contentType: V20));
    }

    [Fact]
    public void A_draft_4_add_of_another_owner_by_a_non_admin_is_409_not_left_to_the_backend()
    {
        AssertRefused(Decide(Who.Owner, Legacy, """[{"add": "/owner", "value": "someone-else"}]""", contentType: V20), 409, Conflict409,
            detail: "Property owner already present.");
    }

    [Fact]
    public void A_draft_4_add_of_a_new_property_goes_on_and_without_the_properties_the_edge_stops()
    {
        var json = """[{"add": "/os_distro", "value": "x"}, {"replace": "/visibility", "value": "public"}]""";
        AssertRefused(Decide(Who.Owner, Legacy, json, contentType: V20), 403, NotAuthorized(PolicyRuleNames.PublicizeImage), rule: PolicyRuleNames.PublicizeImage);
        Assert.Null(Decide(Who.Owner, Legacy, json, new ImageFacts(ImageId, ImageVisibility.Shared, OwnerProject), contentType: V20));
    }

    // --- the lookup -----------------------------------------------------------------------------

    [Theory]
    [InlineData("legacy")]
    [InlineData("secure")]
    public void A_stranger_on_a_private_image_gets_the_controllers_404(string mode)
    {
        var refusal = Decide(Who.Stranger, mode == "legacy" ? Legacy : Secure, """[{"op": "replace", "path": "/name", "value": "x"}]""", Image(ImageVisibility.Private));
        AssertRefused(refusal, 404, $"No image found with ID {ImageId}");
    }

    [Fact]
    public void A_missing_image_is_the_controllers_404()
    {
        AssertRefused(Decide(Who.Admin, Legacy, "[]", noImage: true), 404, $"No image found with ID {ImageId}");
    }

    [Fact]
    public void An_empty_patch_on_a_visible_image_is_allowed()
    {
        Assert.Null(Decide(Who.Stranger, Legacy, "[]", Image(ImageVisibility.Public)));
    }

    // --- allows ---------------------------------------------------------------------------------

    [Theory]
    [InlineData("legacy", Who.Owner)]
    [InlineData("secure", Who.Owner)]
    [InlineData("legacy", Who.Admin)]
    [InlineData("secure", Who.Admin)]
    public void The_owner_or_an_admin_may_change_the_name_and_a_property(string mode, Who who)
    {
        var json = """
            [{"op": "replace", "path": "/name", "value": "renamed"},
             {"op": "add", "path": "/os_distro", "value": "ubuntu"},
             {"op": "replace", "path": "/hw_disk_bus", "value": "virtio"},
             {"op": "replace", "path": "/visibility", "value": "private"}]
            """;
        Assert.Null(Decide(who, mode == "legacy" ? Legacy : Secure, json));
    }

    // --- visibility -----------------------------------------------------------------------------

    [Theory]
    [InlineData("legacy")]
    [InlineData("secure")]
    public void The_owner_may_not_make_an_image_public(string mode)
    {
        var refusal = Decide(Who.Owner, mode == "legacy" ? Legacy : Secure, """[{"op": "replace", "path": "/visibility", "value": "public"}]""");
        AssertRefused(refusal, 403, NotAuthorized(PolicyRuleNames.PublicizeImage), rule: PolicyRuleNames.PublicizeImage);
    }

    [Fact]
    public void The_publicize_rule_is_checked_even_when_the_image_is_already_public()
    {
        var refusal = Decide(Who.Owner, Legacy, """[{"op": "replace", "path": "/visibility", "value": "public"}]""", Image(ImageVisibility.Public));
        AssertRefused(refusal, 403, NotAuthorized(PolicyRuleNames.PublicizeImage), rule: PolicyRuleNames.PublicizeImage);
    }

    [Fact]
    public void An_admin_may_make_an_image_public()
    {
        Assert.Null(Decide(Who.Admin, Secure, """[{"op": "replace", "path": "/visibility", "value": "public"}]"""));
    }

    [Fact]
    public void The_owner_may_make_an_image_community()
    {
        Assert.Null(Decide(Who.Owner, Secure, """[{"op": "replace", "path": "/visibility", "value": "community"}]"""));
        Assert.Null(Decide(Who.Owner, Legacy, """[{"op": "replace", "path": "/visibility", "value": "community"}]"""));
    }

    [Fact]
    public void A_reader_of_the_owning_project_may_not_make_it_community_and_the_visibility_rule_is_never_a_404()
    {
        var refusal = Decide(Who.OwnerReader, Secure, """[{"op": "replace", "path": "/visibility", "value": "community"}]""");
        AssertRefused(refusal, 403, NotAuthorized(PolicyRuleNames.CommunitizeImage), rule: PolicyRuleNames.CommunitizeImage);
    }

    [Fact]
    public void The_changes_are_decided_in_order_the_first_refusal_answers()
    {
        var json = """
            [{"op": "replace", "path": "/visibility", "value": "public"},
             {"op": "replace", "path": "/owner", "value": "someone"}]
            """;
        AssertRefused(Decide(Who.Owner, Legacy, json), 403, NotAuthorized(PolicyRuleNames.PublicizeImage), rule: PolicyRuleNames.PublicizeImage);
    }

    // --- owner ----------------------------------------------------------------------------------

    [Theory]
    [InlineData("legacy", OwnerProject)]
    [InlineData("secure", StrangerProject)]
    public void Only_an_admin_may_replace_the_owner_whatever_the_value(string mode, string newOwner)
    {
        var json = $$"""[{"op": "replace", "path": "/owner", "value": "{{newOwner}}"}]""";
        var rules = mode == "legacy" ? Legacy : Secure;
        AssertRefused(Decide(Who.Owner, rules, json), 403, Forbidden403, detail: "Owner can't be updated by non admin.");
        Assert.Null(Decide(Who.Admin, rules, json));
    }

    [Fact]
    public void The_owner_check_comes_before_the_rules()
    {
        // A reader of the owning project would be refused modify_image; the coded check answers first.
        AssertRefused(Decide(Who.OwnerReader, Secure, """[{"op": "replace", "path": "/owner", "value": "x"}]"""), 403, Forbidden403,
            detail: "Owner can't be updated by non admin.");
    }

    [Fact]
    public void An_add_of_another_owner_by_a_non_admin_passes_its_rules_then_the_edge_leaves_the_rest_to_the_backend()
    {
        // Glance refuses it when it saves, the store at once: either way not the later change's refusal.
        var json = """
            [{"op": "add", "path": "/owner", "value": "someone-else"},
             {"op": "replace", "path": "/visibility", "value": "public"}]
            """;
        Assert.Null(Decide(Who.Owner, Legacy, json));

        // The same owner changes nothing, and the walk goes on.
        var same = $$"""
            [{"op": "add", "path": "/owner", "value": "{{OwnerProject}}"},
             {"op": "replace", "path": "/visibility", "value": "public"}]
            """;
        AssertRefused(Decide(Who.Owner, Legacy, same), 403, NotAuthorized(PolicyRuleNames.PublicizeImage), rule: PolicyRuleNames.PublicizeImage);
    }

    // --- legacy: check_is_image_mutable; secure: the policy alone --------------------------------

    [Fact]
    public void Legacy_a_member_of_a_shared_image_passes_modify_image_but_does_not_own_it()
    {
        var refusal = Decide(Who.Member, Legacy, """[{"op": "replace", "path": "/name", "value": "x"}]""", member: true);
        AssertRefused(refusal, 403, "You do not own this image");
        Assert.True(refusal!.FromCodedCheck);
    }

    [Fact]
    public void Legacy_a_stranger_on_a_public_image_does_not_own_it()
    {
        AssertRefused(Decide(Who.Stranger, Legacy, """[{"op": "remove", "path": "/hw_disk_bus"}]""", Image(ImageVisibility.Public)), 403, "You do not own this image");
    }

    [Fact]
    public void Secure_a_member_of_a_shared_image_is_refused_modify_image()
    {
        var refusal = Decide(Who.Member, Secure, """[{"op": "replace", "path": "/name", "value": "x"}]""", member: true);
        AssertRefused(refusal, 403, NotAuthorized(PolicyRuleNames.ModifyImage), rule: PolicyRuleNames.ModifyImage);
        Assert.False(refusal!.FromCodedCheck);
    }

    [Fact]
    public void Secure_a_reader_of_the_owning_project_is_refused_modify_image()
    {
        AssertRefused(Decide(Who.OwnerReader, Secure, """[{"op": "add", "path": "/os_distro", "value": "x"}]"""), 403,
            NotAuthorized(PolicyRuleNames.ModifyImage), rule: PolicyRuleNames.ModifyImage);
    }

    [Fact]
    public void Legacy_a_reader_of_the_owning_project_owns_the_image()
    {
        Assert.Null(Decide(Who.OwnerReader, Legacy, """[{"op": "add", "path": "/os_distro", "value": "x"}]"""));
    }

    // --- locations ------------------------------------------------------------------------------

    [Theory]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("\"\"")]
    public void Replacing_the_locations_with_nothing_is_refused_before_any_rule(string value)
    {
        // A stranger on a public image: every rule would refuse, the coded check answers first.
        var refusal = Decide(Who.Stranger, Secure, $$"""[{"op": "replace", "path": "/locations", "value": {{value}}}]""", Image(ImageVisibility.Public));
        AssertRefused(refusal, 403, Forbidden403, detail: "Cannot set locations to empty list.");
    }

    [Fact]
    public void Secure_removing_a_location_needs_delete_image_location()
    {
        AssertRefused(Decide(Who.Owner, Secure, """[{"op": "remove", "path": "/locations"}]"""), 403,
            NotAuthorized(PolicyRuleNames.DeleteImageLocation), rule: PolicyRuleNames.DeleteImageLocation);
    }

    [Fact]
    public void Legacy_removing_a_location_of_an_image_one_does_not_own_is_refused()
    {
        AssertRefused(Decide(Who.Member, Legacy, """[{"op": "remove", "path": "/locations"}]""", member: true), 403, "You do not own this image");
    }

    [Fact]
    public void Secure_a_member_setting_locations_is_refused_set_image_location()
    {
        var json = """[{"op": "replace", "path": "/locations", "value": [{"url": "http://x/y", "metadata": {}}]}]""";
        AssertRefused(Decide(Who.Member, Secure, json, member: true), 403, NotAuthorized(PolicyRuleNames.SetImageLocation), rule: PolicyRuleNames.SetImageLocation);
    }

    [Fact]
    public void After_a_location_change_passes_its_rules_the_edge_leaves_the_rest_to_the_backend()
    {
        var json = """
            [{"op": "replace", "path": "/locations", "value": [{"url": "http://x/y", "metadata": {}}]},
             {"op": "replace", "path": "/visibility", "value": "public"}]
            """;
        Assert.Null(Decide(Who.Owner, Secure, json));
    }

    [Fact]
    public void After_a_tags_change_passes_its_rules_the_edge_leaves_the_rest_to_the_backend()
    {
        var json = """
            [{"op": "replace", "path": "/tags", "value": ["a"]},
             {"op": "replace", "path": "/visibility", "value": "public"}]
            """;
        Assert.Null(Decide(Who.Owner, Legacy, json));
        AssertRefused(Decide(Who.Member, Secure, json, member: true), 403, NotAuthorized(PolicyRuleNames.ModifyImage), rule: PolicyRuleNames.ModifyImage);
    }

    // --- each change on the image as the earlier ones left it -----------------------------------

    [Fact]
    public void Replacing_or_removing_a_property_that_is_not_there_is_409()
    {
        AssertRefused(Decide(Who.Owner, Legacy, """[{"op": "replace", "path": "/os_distro", "value": "x"}]"""), 409, Conflict409, detail: "Property os_distro does not exist.");
        AssertRefused(Decide(Who.Owner, Legacy, """[{"op": "remove", "path": "/os_distro"}]"""), 409, Conflict409, detail: "Property os_distro does not exist.");
    }

    [Fact]
    public void A_property_added_earlier_may_be_replaced_and_one_removed_earlier_may_not()
    {
        Assert.Null(Decide(Who.Owner, Legacy, """
            [{"op": "add", "path": "/os_distro", "value": "x"},
             {"op": "replace", "path": "/os_distro", "value": "y"}]
            """));
        AssertRefused(Decide(Who.Owner, Legacy, """
            [{"op": "remove", "path": "/hw_disk_bus"},
             {"op": "remove", "path": "/hw_disk_bus"}]
            """), 409, Conflict409, detail: "Property hw_disk_bus does not exist.");
    }

    [Fact]
    public void The_409_of_a_change_comes_before_the_refusal_of_the_next()
    {
        AssertRefused(Decide(Who.Owner, Legacy, """
            [{"op": "replace", "path": "/os_distro", "value": "x"},
             {"op": "replace", "path": "/visibility", "value": "public"}]
            """), 409, Conflict409, detail: "Property os_distro does not exist.");
    }

    [Fact]
    public void A_base_attribute_may_not_be_removed()
    {
        AssertRefused(Decide(Who.Owner, Legacy, """[{"op": "remove", "path": "/name"}]"""), 403, Forbidden403, detail: "Property name may not be removed.");
    }

    [Fact]
    public void A_custom_property_name_over_255_characters_is_400()
    {
        var name = new string('p', 256);
        AssertRefused(Decide(Who.Owner, Legacy, $$"""[{"op": "add", "path": "/{{name}}", "value": "x"}]"""), 400, "Custom property should not be greater than 255 characters.");
    }

    [Fact]
    public void Without_the_properties_in_the_facts_the_edge_stops_at_a_custom_property_change()
    {
        var image = new ImageFacts(ImageId, ImageVisibility.Shared, OwnerProject);
        var json = """
            [{"op": "replace", "path": "/os_distro", "value": "x"},
             {"op": "replace", "path": "/visibility", "value": "public"}]
            """;
        Assert.Null(Decide(Who.Owner, Legacy, json, image));
    }

    [Fact]
    public void Each_change_is_decided_on_the_target_as_the_earlier_changes_left_it()
    {
        // An operator's rule naming a custom property: the first change removes it, so the
        // second change's target no longer has it.
        var rules = PolicyRules.Build(PolicyMode.Secure, PolicyFile.Parse("modify_image: \"'scsi':%(hw_disk_bus)s\""), "policy.yaml");
        Assert.Null(Decide(Who.Owner, rules, """
            [{"op": "replace", "path": "/name", "value": "x"},
             {"op": "remove", "path": "/hw_disk_bus"}]
            """));
        AssertRefused(Decide(Who.Owner, rules, """
            [{"op": "remove", "path": "/hw_disk_bus"},
             {"op": "replace", "path": "/name", "value": "x"}]
            """), 403, NotAuthorized(PolicyRuleNames.ModifyImage), rule: PolicyRuleNames.ModifyImage);
    }

    [Fact]
    public void An_owner_given_away_by_an_admin_is_the_owner_the_next_rule_sees()
    {
        var rules = PolicyRules.Build(PolicyMode.Secure, PolicyFile.Parse("modify_image: \"'" + OwnerProject + "':%(project_id)s\""), "policy.yaml");
        var json = $$"""
            [{"op": "replace", "path": "/owner", "value": "{{StrangerProject}}"},
             {"op": "replace", "path": "/name", "value": "x"}]
            """;
        AssertRefused(Decide(Who.Admin, rules, json), 403, NotAuthorized(PolicyRuleNames.ModifyImage), rule: PolicyRuleNames.ModifyImage);
        Assert.Null(Decide(Who.Admin, rules, """[{"op": "replace", "path": "/name", "value": "x"}]"""));
    }

    // --- the registration -----------------------------------------------------------------------

    [Fact]
    public void The_edge_registers_the_function_as_images_update()
    {
        var operation = EdgeOperations.Named("modify_image");
        Assert.NotNull(operation);
        Assert.Equal(("images", "update"), (operation.Controller, operation.Action));
        Assert.True(operation.ReadsJsonBody);
        Assert.Equal(EdgeFactsNeeded.Image, operation.Facts);

        using var document = JsonDocument.Parse("""[{"op": "replace", "path": "/visibility", "value": "public"}]""");
        var decision = operation.Decide(new EdgeInput(new Caller(For(Who.Owner), Legacy), ImageId, null)
        {
            Image = Image(),
            ContentType = V21,
            Body = document.RootElement,
        });
        Assert.False(decision.IsAllowed);
        Assert.Equal(403, decision.StatusCode);
        Assert.Equal(PolicyRuleNames.PublicizeImage, decision.PolicyRule);

        // A 415's Accept-Patch header reaches the edge's answer.
        var unsupported = operation.Decide(new EdgeInput(new Caller(For(Who.Owner), Legacy), ImageId, null) { Image = Image(), ContentType = "application/json" });
        Assert.Equal(415, unsupported.StatusCode);
        Assert.Equal("Accept-Patch", Assert.Single(unsupported.Headers!).Key);
    }
}
