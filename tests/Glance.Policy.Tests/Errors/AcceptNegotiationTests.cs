using Glance.Policy.Errors;

namespace Glance.Policy.Tests.Errors;

public sealed class AcceptNegotiationTests
{
    [Theory]
    [InlineData(null, GlanceErrorFormat.Plain)]
    [InlineData("", GlanceErrorFormat.Plain)]
    [InlineData("text/plain", GlanceErrorFormat.Plain)]
    [InlineData("image/png", GlanceErrorFormat.Plain)]
    [InlineData("garbage", GlanceErrorFormat.Plain)]
    [InlineData("*/*", GlanceErrorFormat.Html)]
    [InlineData("text/html", GlanceErrorFormat.Html)]
    [InlineData("text/*", GlanceErrorFormat.Html)]
    [InlineData("application/json", GlanceErrorFormat.Json)]
    [InlineData("APPLICATION/JSON", GlanceErrorFormat.Json)]
    [InlineData("application/json, text/html", GlanceErrorFormat.Html)]
    [InlineData("application/json, */*;q=0.5", GlanceErrorFormat.Json)]
    [InlineData("text/html;q=0.2, application/json;q=0.9", GlanceErrorFormat.Json)]
    [InlineData("text/html;q=0, */*", GlanceErrorFormat.Json)]
    [InlineData("application/json;q=0", GlanceErrorFormat.Plain)]
    public void Choose_AcceptHeader_PicksWebobFormat(string? accept, GlanceErrorFormat expected)
    {
        Assert.Equal(expected, AcceptNegotiation.Choose(accept));
    }
}
