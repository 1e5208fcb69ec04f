using System.Text.RegularExpressions;
using Glance.Policy.RequestIds;

namespace Glance.Policy.Tests.RequestIds;

public sealed partial class RequestIdTests
{
    [Fact]
    public void New_Always_IsReqPlusLowerCaseUuid4()
    {
        Assert.Matches(Shape(), RequestId.New());
    }

    [Theory]
    [InlineData("req-abc", "req-abc")]
    [InlineData("abc", "req-abc")]
    [InlineData("0c709ba4-e77b-4ed3-96e4-ce177661b856", "req-0c709ba4-e77b-4ed3-96e4-ce177661b856")]
    public void FromClient_ValidValue_IsEchoed(string supplied, string expected)
    {
        Assert.Equal(expected, RequestId.FromClient(supplied));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("line\r\nbreak")]
    [InlineData("<script>")]
    public void FromClient_MissingOrUnsafe_IsFresh(string? supplied)
    {
        Assert.Matches(Shape(), RequestId.FromClient(supplied));
    }

    [Fact]
    public void FromClient_LongerThan64_IsFreshInsteadOfGlance500()
    {
        var supplied = new string('a', 65);

        var id = RequestId.FromClient(supplied);

        Assert.Matches(Shape(), id);
    }

    [Fact]
    public void FromClient_Exactly64_IsEchoed()
    {
        var supplied = "req-" + new string('a', 60);

        Assert.Equal(supplied, RequestId.FromClient(supplied));
    }

    [GeneratedRegex("^req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex Shape();
}
