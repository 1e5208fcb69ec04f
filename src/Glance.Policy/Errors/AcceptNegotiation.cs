namespace Glance.Policy.Errors;

/// <summary>
/// webob's choice of error format: the acceptable offers among text/html and application/json,
/// best quality first, text/html winning ties; text/plain when neither is acceptable or the
/// header is missing.
/// </summary>
public static class AcceptNegotiation
{
    /// <summary>Chooses the error body format for an Accept header value.</summary>
    public static GlanceErrorFormat Choose(string? accept)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return GlanceErrorFormat.Plain;
        }

        var html = Quality(accept, "text", "html");
        var json = Quality(accept, "application", "json");
        if (html <= 0 && json <= 0)
        {
            return GlanceErrorFormat.Plain;
        }

        return json > html ? GlanceErrorFormat.Json : GlanceErrorFormat.Html;
    }

    // The quality of an offer is that of the most specific range matching it (RFC 7231 5.3.2).
    private static double Quality(string accept, string type, string subtype)
    {
        var best = -1.0;
        var bestSpecificity = -1;
        foreach (var part in accept.Split(','))
        {
            var segments = part.Split(';');
            var range = segments[0].Trim();
            var slash = range.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || slash == range.Length - 1)
            {
                continue;
            }

            var rangeType = range[..slash];
            var rangeSubtype = range[(slash + 1)..];
            int specificity;
            if (rangeType == "*" && rangeSubtype == "*")
            {
                specificity = 0;
            }
            else if (string.Equals(rangeType, type, StringComparison.OrdinalIgnoreCase) && rangeSubtype == "*")
            {
                specificity = 1;
            }
            else if (string.Equals(rangeType, type, StringComparison.OrdinalIgnoreCase)
                && string.Equals(rangeSubtype, subtype, StringComparison.OrdinalIgnoreCase))
            {
                specificity = 2;
            }
            else
            {
                continue;
            }

            if (specificity < bestSpecificity)
            {
                continue;
            }

            var q = 1.0;
            for (var i = 1; i < segments.Length; i++)
            {
                var parameter = segments[i].Trim();
                if (parameter.StartsWith("q=", StringComparison.OrdinalIgnoreCase)
                    && double.TryParse(parameter.AsSpan(2), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
                {
                    q = Math.Clamp(parsed, 0, 1);
                }
            }

            if (specificity > bestSpecificity || q > best)
            {
                best = q;
                bestSpecificity = specificity;
            }
        }

        return best;
    }
}
