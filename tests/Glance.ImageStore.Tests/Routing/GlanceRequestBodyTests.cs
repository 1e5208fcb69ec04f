using System.Text;
using System.Text.Json.Nodes;
using Glance.ImageStore.Tests.Support;
using Glance.Policy.Routing;

namespace Glance.ImageStore.Tests.Routing;

/// <summary>
/// <see cref="GlanceRequestBody.JsonError"/> against Glance's own
/// <c>JSONRequestDeserializer.from_json</c> (the body check of the reject route before its 405):
/// hand-picked edges of Python's <c>json.loads</c> and ~3,000 seeded mutations of JSON documents.
/// </summary>
public sealed class GlanceRequestBodyTests
{
    private static readonly string[] Seeds =
    [
        "{}", "[]", "{\"a\": 1}", "[1, 2.5, -0, 1e5, 1E-2, 0.5e+3]", "{\"a\": [true, false, null], \"b\": {\"c\": \"d\"}}",
        "[NaN, Infinity, -Infinity]", "\"text\"", "1", "-1.5", "true", "null", "[\"\\u00e9\\ud800\\\\\\/\\b\\f\\n\\r\\t\\\"\"]",
        "[\"\u00e9\u4e2d\ud83d\ude00\"]", " \t\r\n[ ] \n", "{\"a\" : 1 , \"a\" : 2}", "[[[[[[]]]]]]",
    ];

    private static readonly string[] Edges =
    [
        "",
        " ",
        "{",
        "[1,]",
        "{\"a\": 1,}",
        "{'a': 1}",
        "[01]",
        "[1.]",
        "[.5]",
        "[1e]",
        "[+1]",
        "[-]",
        "[nan]",
        "[-NaN]",
        "[\"\\x41\"]",
        "[\"\\u12\"]",
        "[\"\t\"]",
        "[\"\u007f\"]",
        "[] x",
        "[]\u00a0",
        "\ufeff[]",
        "[\"a\"\"b\"]",
        "{\"a\" 1}",
        "{1: 2}",
        "[\u0661]",
        "[1_0]",
        "[TRUE]",
    ];

    [Fact]
    public void JsonError_Edges_AsGlancesFromJson() => AssertSame([.. Edges.Select(Encoding.UTF8.GetBytes)]);

    [Fact]
    public void JsonError_InvalidUtf8AndDeepNesting_AsGlancesFromJson() => AssertSame(
    [
        [0x5b, 0xff, 0x5d],
        [0x5b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x5d],
        [0x5b, 0x22, 0xc0, 0x80, 0x22, 0x5d],
        Encoding.UTF8.GetBytes(new string('[', 300) + new string(']', 300)),
    ]);

    [Fact]
    public void JsonError_SeededMutations_AsGlancesFromJson()
    {
        var random = new Random(20261201);
        var alphabet = "{}[],:\"\\ \t\n-+.0123456789eEaNIfinityrulsx\u00e9\u0000\u001f";
        var bodies = new List<byte[]>();
        for (var i = 0; i < 3000; i++)
        {
            var text = new StringBuilder(Seeds[random.Next(Seeds.Length)]);
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(text.Length + 1);
                switch (random.Next(3))
                {
                    case 0 when text.Length > 0 && at < text.Length:
                        text.Remove(at, 1);
                        break;
                    case 1 when at < text.Length:
                        text[at] = alphabet[random.Next(alphabet.Length)];
                        break;
                    default:
                        text.Insert(at, alphabet[random.Next(alphabet.Length)]);
                        break;
                }
            }

            bodies.Add(Encoding.UTF8.GetBytes(text.ToString()));
        }

        AssertSame(bodies);
    }

    [Theory]
    [InlineData("DELETE", "chunked", null, false)]
    [InlineData("POST", "chunked", null, true)]
    [InlineData("post", "Chunked", null, true)]
    [InlineData("PATCH", "gzip", null, true)]
    [InlineData("PUT", "gzip, chunked", null, false)]
    [InlineData("GET", null, 1L, true)]
    [InlineData("DELETE", null, 0L, false)]
    [InlineData("DELETE", "chunked", 5L, true)]
    public void HasBody_MethodEncodingLength_AsGlancesHasBody(string method, string? transferEncoding, long? contentLength, bool expected)
    {
        Assert.Equal(expected, GlanceRequestBody.HasBody(method, transferEncoding, contentLength));
    }

    private static void AssertSame(List<byte[]> bodies)
    {
        var cases = new JsonArray([.. bodies.Select(b => (JsonNode)Convert.ToHexStringLower(b))]);
        var glance = GlancePython.Run("json", cases)["results"]!.AsArray().Select(r => (string?)r).ToList();

        var mismatches = new List<string>();
        for (var i = 0; i < bodies.Count; i++)
        {
            var ours = GlanceRequestBody.JsonError(bodies[i]);
            if (glance[i] != ours)
            {
                mismatches.Add($"{Encoding.UTF8.GetString(bodies[i])} ({Convert.ToHexStringLower(bodies[i])}): Glance {glance[i] ?? "ok"}, ours {ours ?? "ok"}");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join('\n', mismatches.Take(30)));
    }
}
