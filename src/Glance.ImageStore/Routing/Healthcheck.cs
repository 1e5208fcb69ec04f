using System.Globalization;
using System.Text;
using Glance.Policy.Responses;

namespace Glance.ImageStore.Routing;

/// <summary>
/// <c>/healthcheck</c> as oslo.middleware's <c>Healthcheck</c> filter answers it in Glance's
/// pipeline (before version negotiation and authentication; backend <c>disable_by_file</c>, no
/// file, so always healthy): any method but HEAD 200 with <c>OK</c> in the format of the best
/// acceptable offer among text/plain, text/html and application/json (text/plain when none);
/// HEAD 204, no body. Only the decoded path <c>/healthcheck</c> exactly, the query aside.
/// </summary>
internal static class Healthcheck
{
    private const string Html = "<HTML>\n<HEAD><TITLE>Healthcheck Status</TITLE></HEAD>\n<BODY>\n\n<H2>Result of 1 checks:</H2>\n<TABLE bgcolor=\"#ffffff\" border=\"1\">\n<TBODY>\n<TR>\n\n<TH>\nReason\n</TH>\n</TR>\n<TR>\n\n    <TD>OK</TD>\n\n</TR>\n</TBODY>\n</TABLE>\n<HR></HR>\n\n</BODY>\n</HTML>";
    private const string Json = "{\n    \"detailed\": false,\n    \"reasons\": [\n        \"OK\"\n    ]\n}";
    private static readonly string[] Offers = ["text/plain", "text/html", "application/json"];

    public static bool IsHealthcheck(HttpRequest request) => request.Path.Value == "/healthcheck";

    public static Task WriteAsync(HttpContext context)
    {
        var response = context.Response;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        }

        var offer = Best(context.Request.Headers.Accept.ToString());
        var (body, type) = offer switch
        {
            "text/html" => (Html, "text/html; charset=UTF-8"),
            "application/json" => (Json, "application/json"),
            _ => ("OK", "text/plain; charset=UTF-8"),
        };
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = type;
        return ResponseBody.WriteAsync(context, Encoding.UTF8.GetBytes(body));
    }

    // webob's acceptable_offers: each offer takes the quality of the most specific range that
    // matches it; the best quality wins, the earlier offer on a tie; no header: the first offer.
    private static string Best(string accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return Offers[0];
        }

        var best = Offers[0];
        var bestQuality = 0.0;
        foreach (var offer in Offers)
        {
            var quality = Quality(accept, offer);
            if (quality > bestQuality)
            {
                best = offer;
                bestQuality = quality;
            }
        }

        return best;
    }

    private static double Quality(string accept, string offer)
    {
        var slash = offer.IndexOf('/', StringComparison.Ordinal);
        var (type, subtype) = (offer[..slash], offer[(slash + 1)..]);
        var quality = 0.0;
        var specificity = -1;
        foreach (var part in accept.Split(','))
        {
            var pieces = part.Split(';');
            var range = pieces[0].Trim();
            var rangeSlash = range.IndexOf('/', StringComparison.Ordinal);
            if (rangeSlash <= 0)
            {
                continue;
            }

            var rangeType = range[..rangeSlash];
            var rangeSubtype = range[(rangeSlash + 1)..];
            var rank = rangeType == "*" && rangeSubtype == "*" ? 0
                : string.Equals(rangeType, type, StringComparison.OrdinalIgnoreCase) && rangeSubtype == "*" ? 1
                : string.Equals(rangeType, type, StringComparison.OrdinalIgnoreCase) && string.Equals(rangeSubtype, subtype, StringComparison.OrdinalIgnoreCase) ? 2
                : -1;
            if (rank < specificity || rank < 0)
            {
                continue;
            }

            var q = 1.0;
            foreach (var parameter in pieces.Skip(1).Select(p => p.Trim()))
            {
                if (parameter.StartsWith("q=", StringComparison.OrdinalIgnoreCase)
                    && double.TryParse(parameter.AsSpan(2), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
                {
                    q = Math.Clamp(parsed, 0, 1);
                }
            }

            specificity = rank;
            quality = q;
        }

        return quality;
    }
}
