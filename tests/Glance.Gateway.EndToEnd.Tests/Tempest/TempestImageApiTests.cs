using Xunit.Abstractions;

namespace Glance.Gateway.EndToEnd.Tests.Tempest;

/// <summary>
/// Tempest 33's image API tests (<c>tempest.api.image.</c>) against the gateway hosting its store,
/// legacy policy: each test's result is the one <c>tests/tempest/expected-results.txt</c> lists
/// (Glance 25's), and no test ran that the file does not list.
/// </summary>
[Collection(TempestGroup.Name)]
public sealed class TempestImageApiTests(TempestImageApiFixture fixture) : IClassFixture<TempestImageApiFixture>
{
    /// <summary>The expected-results file.</summary>
    public static string ExpectedPath => Path.Combine(TempestRun.Folder, "expected-results.txt");

    /// <summary>One case per line of the expected-results file.</summary>
    public static TheoryData<TempestCase> ExpectedIds => TempestExpectations.Ids(ExpectedPath);

    [Theory]
    [MemberData(nameof(ExpectedIds))]
    public void TempestTest_AgainstHostedStore_ResultAsExpected(TempestCase test) =>
        TempestExpectations.AssertResult(ExpectedPath, fixture.Run, test);

    [Fact]
    public void TempestRun_AgainstHostedStore_RanNoTestTheFileDoesNotList() =>
        TempestExpectations.AssertNoneUnlisted(ExpectedPath, fixture.Run);
}

/// <summary>
/// glance-tempest-plugin 0.5.0's RBAC tests (<c>glance_tempest_plugin.tests.rbac.</c>) against the
/// gateway hosting its store in secure RBAC (<c>[enforce_scope] glance = True</c>; the gateway's
/// <c>Policy:EnforceNewDefaults</c> and <c>Policy:EnforceScope</c> true), as
/// <c>tests/tempest/expected-results-rbac.txt</c> lists them.
/// </summary>
[Collection(TempestGroup.Name)]
public sealed class TempestRbacTests(TempestRbacFixture fixture) : IClassFixture<TempestRbacFixture>
{
    /// <summary>The expected-results file.</summary>
    public static string ExpectedPath => Path.Combine(TempestRun.Folder, "expected-results-rbac.txt");

    /// <summary>One case per line of the expected-results file.</summary>
    public static TheoryData<TempestCase> ExpectedIds => TempestExpectations.Ids(ExpectedPath);

    [Theory]
    [MemberData(nameof(ExpectedIds))]
    public void TempestRbacTest_AgainstHostedStoreSecure_ResultAsExpected(TempestCase test) =>
        TempestExpectations.AssertResult(ExpectedPath, fixture.Run, test);

    [Fact]
    public void TempestRbacRun_AgainstHostedStoreSecure_RanNoTestTheFileDoesNotList() =>
        TempestExpectations.AssertNoneUnlisted(ExpectedPath, fixture.Run);
}

/// <summary>The assertions both Tempest classes make against their expected-results file.</summary>
internal static class TempestExpectations
{
    public static TheoryData<TempestCase> Ids(string path)
    {
        var data = new TheoryData<TempestCase>();
        foreach (var id in TempestResult.ReadFile(path).Keys)
        {
            data.Add(new TempestCase(id));
        }

        return data;
    }

    public static void AssertResult(string path, TempestRun run, TempestCase test)
    {
        var id = test.Id;
        var expected = TempestResult.ReadFile(path)[id];
        var actual = run.ResultOf(id);
        Assert.True(expected.Status == actual.Status,
            $"{id}: expected {expected}, got {actual} (expected results: {path}; {run.Summary})");
    }

    public static void AssertNoneUnlisted(string path, TempestRun run)
    {
        var listed = TempestResult.ReadFile(path);
        var unlisted = run.Results.Values.Where(result => !listed.ContainsKey(result.Id)).Select(result => $"{result.Id}\t{result}").ToList();
        Assert.True(unlisted.Count == 0, $"{unlisted.Count} test(s) ran that {path} does not list:\n{string.Join('\n', unlisted)}");
        Assert.NotEmpty(run.Results);
    }
}

/// <summary>
/// A Tempest test id as a theory argument: serializable, so that each id is a test case of its
/// own, and shown whole in the case's name (xunit cuts a string argument at 50 characters, which
/// left every case of a Tempest module with the same name).
/// </summary>
public sealed class TempestCase : IXunitSerializable
{
    /// <summary>For xunit's deserialization.</summary>
    public TempestCase()
    {
    }

    /// <summary>The case of <paramref name="id"/>.</summary>
    public TempestCase(string id) => Id = id;

    /// <summary>The test id (or setUpClass entry) as the expected-results file lists it.</summary>
    public string Id { get; private set; } = string.Empty;

    /// <inheritdoc />
    public void Deserialize(IXunitSerializationInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        Id = info.GetValue<string>(nameof(Id));
    }

    /// <inheritdoc />
    public void Serialize(IXunitSerializationInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        info.AddValue(nameof(Id), Id);
    }

    /// <inheritdoc />
    public override string ToString() => Id;
}
