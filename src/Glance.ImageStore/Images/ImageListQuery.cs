using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;
using Glance.ImageStore.Routing;
using Glance.Policy.Errors;

namespace Glance.ImageStore.Images;

/// <summary>One sort key of a listing and its direction.</summary>
internal sealed record ImageSortKey(string Key, bool Descending);

/// <summary>
/// The filters, sorting and paging of <c>GET /v2/images</c>, read from the query string exactly
/// as Glance 25 reads them, step by step over the same webob <c>MultiDict</c> (a repeated name:
/// <c>get</c> reads the last value, <c>pop</c> takes the first and leaves the others as filters):
/// <list type="number">
/// <item>images.py <c>RequestDeserializer.index</c>: <c>limit</c>, <c>marker</c>, <c>member_status</c>,
/// every <c>tag</c>; <c>_get_filters</c> (visibility, <c>changes-since</c>), the member status,
/// <c>_validate_limit</c>, <c>_get_sorting_params</c> (<c>sort=k:dir,...</c> or <c>sort_key</c>/<c>sort_dir</c>);</item>
/// <item><c>ImagesController.index</c>: <c>os_hidden</c>, <c>protected</c>, the default and maximum limit;</item>
/// <item>db/sqlalchemy/api.py <c>image_get_all</c> and <c>_make_conditions_from_filters</c>: the
/// visibility, <c>_min</c>/<c>_max</c> ranges, <c>created_at</c>/<c>updated_at</c> with
/// utils.py <c>split_filter_op</c>/<c>evaluate_filter_op</c>, <c>in:</c> lists for name, id,
/// status and the formats, equality on any other column, and a property filter for any other name;
/// created_at and id appended to the sort keys.</item>
/// </list>
/// A refusal of the first two steps is answered before the <c>get_images</c> policy; one of the
/// database's (<see cref="DatabaseRefusal"/>) after it, as in Glance.
/// </summary>
internal sealed partial record ImageListQuery(
    IReadOnlyList<ImageFilter> Filters,
    string? Visibility,
    string MemberStatus,
    string? Marker,
    int Limit,
    IReadOnlyList<ImageSortKey> Sort)
{
    /// <summary>Glance's <c>limit_param_default</c>.</summary>
    public const int DefaultLimit = 25;

    /// <summary>Glance's <c>api_limit_max</c>.</summary>
    public const int MaxLimit = 1000;

    /// <summary>images.py <c>_available_sort_keys</c>, in Glance's order (its message lists them so).</summary>
    public static readonly string[] SortKeys = ["name", "status", "container_format", "disk_format", "size", "id", "created_at", "updated_at"];

    private static readonly string[] OperatorColumns = ["name", "id", "status", "container_format", "disk_format"];

    /// <summary>A refusal Glance's database layer raises (400, or 500 where Glance fails), answered after <c>get_images</c>.</summary>
    public Refusal? DatabaseRefusal { get; init; }

    /// <summary>Reads a listing's query (name and value pairs in order, decoded) or says why Glance refuses it.</summary>
    public static (ImageListQuery? Query, Refusal? Refusal) Parse(IEnumerable<KeyValuePair<string, string>> query)
    {
        var parameters = new MultiDict(query);

        // RequestDeserializer.index
        var limitText = parameters.Pop("limit");
        var marker = parameters.Pop("marker");
        var memberStatus = parameters.Pop("member_status") ?? "accepted";
        var tags = new List<string>();
        while (parameters.Pop("tag") is { } tag)
        {
            tags.Add(tag.Trim());
        }

        var visibility = parameters.Get("visibility");
        if (!string.IsNullOrEmpty(visibility) && visibility is not ("community" or "public" or "private" or "shared" or "all"))
        {
            return Refuse($"Invalid visibility value: {visibility}");
        }

        if (!string.IsNullOrEmpty(parameters.Get("changes-since")))
        {
            return Refuse("The \"changes-since\" filter is no longer available on v2.");
        }

        if (memberStatus is not ("pending" or "accepted" or "rejected" or "all"))
        {
            return Refuse($"Invalid status: {memberStatus}");
        }

        var limit = DefaultLimit;
        if (limitText is not null)
        {
            var parsed = PythonInt(limitText);
            if (parsed is null)
            {
                return Refuse("limit param must be an integer");
            }

            if (parsed < 0)
            {
                return Refuse("limit param must be positive");
            }

            limit = (int)BigInteger.Min(parsed.Value, MaxLimit);
        }

        var (sort, sortRefusal) = SortingParams(parameters);
        if (sortRefusal is not null)
        {
            return (null, sortRefusal);
        }

        // ImagesController.index
        var osHidden = PythonLower(parameters.Get("os_hidden") ?? "false");
        if (osHidden is not ("true" or "false"))
        {
            return Refuse($"Invalid value '{osHidden}' for 'os_hidden' filter. Valid values are 'true' or 'false'.");
        }

        parameters.Set("deleted", "false");
        parameters.Set("os_hidden", osHidden);
        var isProtected = parameters.Get("protected");
        if (isProtected is not null)
        {
            if (isProtected is not ("true" or "false"))
            {
                return Refuse($"Invalid value '{isProtected}' for 'protected' filter. Valid values are 'true' or 'false'.");
            }

            parameters.Set("protected", isProtected);
        }

        // image_get_all: the visibility is the first one given (pop), then the conditions.
        var dbVisibility = parameters.Pop("visibility");
        var (filters, refusal) = Conditions(parameters, tags);

        return (new ImageListQuery(filters, dbVisibility, memberStatus, marker, limit, sort) { DatabaseRefusal = refusal }, null);
    }

    // _get_sorting_params, then image_get_all's completion of the keys: a single direction given
    // applies to every key (and to the appended created_at and id); otherwise those are desc.
    private static (List<ImageSortKey> Sort, Refusal? Refusal) SortingParams(MultiDict parameters)
    {
        var keys = new List<string>();
        var dirs = new List<string>();
        if (parameters.Contains("sort"))
        {
            if (parameters.Contains("sort_key") || parameters.Contains("sort_dir"))
            {
                return ([], new(400, "Old and new sorting syntax cannot be combined"));
            }

            foreach (var sortParam in parameters.Pop("sort")!.Trim().Split(','))
            {
                var colon = sortParam.IndexOf(':', StringComparison.Ordinal);
                var key = colon < 0 ? sortParam : sortParam[..colon];
                var dir = colon < 0 ? string.Empty : sortParam[(colon + 1)..];
                if (dir.Length == 0)
                {
                    dir = "desc";
                }

                var refusal = ValidateSortKey(key.Trim()) ?? ValidateSortDir(dir.Trim());
                if (refusal is not null)
                {
                    return ([], refusal);
                }

                keys.Add(key.Trim());
                dirs.Add(dir.Trim());
            }
        }
        else
        {
            while (parameters.Pop("sort_key") is { } key)
            {
                var refusal = ValidateSortKey(key.Trim());
                if (refusal is not null)
                {
                    return ([], refusal);
                }

                keys.Add(key.Trim());
            }

            while (parameters.Pop("sort_dir") is { } dir)
            {
                var refusal = ValidateSortDir(dir.Trim());
                if (refusal is not null)
                {
                    return ([], refusal);
                }

                dirs.Add(dir.Trim());
            }

            if (dirs.Count > 1 && dirs.Count != keys.Count)
            {
                return ([], new(400, "Number of sort dirs does not match the number of sort keys"));
            }
        }

        if (keys.Count == 0)
        {
            keys.Add("created_at");
        }

        if (dirs.Count == 0)
        {
            dirs.Add("desc");
        }

        // image_get_all: one direction applies to every key and becomes the default.
        var defaultDir = "desc";
        if (dirs.Count == 1)
        {
            defaultDir = dirs[0];
            dirs = [.. keys.Select(_ => defaultDir)];
        }

        var sort = keys.Select((key, i) => new ImageSortKey(key, dirs[i] == "desc")).ToList();
        foreach (var key in (string[])["created_at", "id"])
        {
            if (!keys.Contains(key))
            {
                sort.Add(new ImageSortKey(key, defaultDir == "desc"));
            }
        }

        return (sort, null);
    }

    private static Refusal? ValidateSortKey(string key) => SortKeys.Contains(key)
        ? null
        : new(400, $"Invalid sort key: {key}. It must be one of the following: {string.Join(", ", SortKeys)}.");

    private static Refusal? ValidateSortDir(string dir) => dir is "asc" or "desc" ? null : new(400, $"Invalid sort direction: {dir}");

    // _make_conditions_from_filters over what is left of the parameters.
    private static (List<ImageFilter> Filters, Refusal? Refusal) Conditions(MultiDict parameters, List<string> tags)
    {
        var filters = new List<ImageFilter>();
        filters.Add(ImageFilter.Compare("os_hidden", "=", parameters.Pop("os_hidden")!));
        foreach (var column in (string[])["checksum", "os_hash_value"])
        {
            if (parameters.Pop(column) is { } value)
            {
                filters.Add(ImageFilter.Compare(column, "=", value));
            }
        }

        if (parameters.Contains("properties"))
        {
            // filters.pop('properties').items() on a string: AttributeError.
            return (filters, new(500, GlanceErrorWriter.InternalError));
        }

        if (parameters.Contains("changes-since"))
        {
            // normalize_time('') (an empty value passed the deserializer): AttributeError.
            return (filters, new(500, GlanceErrorWriter.InternalError));
        }

        // 'deleted': False, which also leaves out killed images.
        parameters.Pop("deleted");
        filters.Add(ImageFilter.Compare("deleted", "=", "false"));
        filters.Add(ImageFilter.Compare("status", "<>", "killed"));
        filters.AddRange(tags.Select(tag => new ImageFilter(ImageFilterKind.Tag, "tags", "=", [tag])));

        foreach (var (key, value) in parameters.ToDictionary())
        {
            if (key.EndsWith("_min", StringComparison.Ordinal) || key.EndsWith("_max", StringComparison.Ordinal))
            {
                var number = PythonInt(value);
                if (number is null)
                {
                    return (filters, new(400, "Unable to filter on a range with a non-numeric value."));
                }

                var column = key[..^4];
                if (!ImageFilter.Columns.TryGetValue(column, out var type))
                {
                    // getattr(models.Image, key): AttributeError.
                    return (filters, new(500, GlanceErrorWriter.InternalError));
                }

                var op = key.EndsWith("_min", StringComparison.Ordinal) ? ">=" : "<=";
                var clamped = BigInteger.Clamp(number.Value, long.MinValue, long.MaxValue).ToString(CultureInfo.InvariantCulture);
                filters.Add(type == ImageColumnType.Text
                    ? ImageFilter.Compare(column, op, number.Value.ToString(CultureInfo.InvariantCulture))
                    : ImageFilter.Compare(column, op, clamped, asNumber: type == ImageColumnType.Boolean));
            }
            else if (key is "created_at" or "updated_at")
            {
                var (op, isoTime) = SplitFilterOp(value);
                var threshold = IsoTime.ParseUtc(isoTime);
                if (threshold is null)
                {
                    return (filters, new(400, $"Bad \"{key}\" query filter format. Use ISO 8601 DateTime notation."));
                }

                var comparison = TimeComparison(key, op, threshold.Value);
                if (comparison is null)
                {
                    return (filters, new(400, "Unable to filter on a unknown operator."));
                }

                filters.Add(comparison);
            }
            else if (OperatorColumns.Contains(key))
            {
                var (op, listValue) = SplitFilterOp(value);
                if (op == "in")
                {
                    var (values, invalid) = SplitFilterValueForQuotes(listValue);
                    if (invalid is not null)
                    {
                        return (filters, new(400, invalid));
                    }

                    filters.Add(values.Count == 0 ? ImageFilter.Never(key) : new ImageFilter(ImageFilterKind.In, key, "IN", values));
                }
                else if (op == "eq")
                {
                    filters.Add(ImageFilter.Compare(key, "=", listValue));
                }
                else
                {
                    return (filters, new(400, $"Unable to filter by unknown operator '{op}'."));
                }
            }
            else if (ImageFilter.Columns.TryGetValue(key, out var type))
            {
                filters.Add(type switch
                {
                    // SQLite's integer affinity: text that is an integer compares as one; other text never equals a number.
                    ImageColumnType.Integer => long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
                        ? ImageFilter.Compare(key, "=", number.ToString(CultureInfo.InvariantCulture))
                        : ImageFilter.Never(key),
                    ImageColumnType.Boolean => value is "true" or "false" ? ImageFilter.Compare(key, "=", value) : ImageFilter.Never(key),
                    _ => ImageFilter.Compare(key, "=", value),
                });
            }
            else
            {
                filters.Add(new ImageFilter(ImageFilterKind.Property, key, "=", [value]));
            }
        }

        return (filters, null);
    }

    // The created_at/updated_at comparison. The store keeps these to the second (Glance's format);
    // a threshold with a fraction of a second compares as Glance's microsecond values would with a
    // time that has none.
    private static ImageFilter? TimeComparison(string column, string op, DateTime threshold)
    {
        var floor = new DateTime(threshold.Ticks - (threshold.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        var text = GlanceTime.Format(floor);
        var exact = floor == threshold;
        return op switch
        {
            "gt" => ImageFilter.Compare(column, ">", text),
            "gte" => ImageFilter.Compare(column, exact ? ">=" : ">", text),
            "lt" => ImageFilter.Compare(column, exact ? "<" : "<=", text),
            "lte" => ImageFilter.Compare(column, "<=", text),
            "eq" => exact ? ImageFilter.Compare(column, "=", text) : ImageFilter.Never(column),
            "neq" => ImageFilter.Compare(column, "<>", exact ? text : string.Empty),
            _ => null,
        };
    }

    // utils.split_filter_op: "op:value", unless the whole value is an ISO 8601 time.
    private static (string Op, string Threshold) SplitFilterOp(string expression)
    {
        var colon = expression.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return ("eq", expression);
        }

        return IsoTime.ParseUtc(expression) is not null ? ("eq", expression) : (expression[..colon], expression[(colon + 1)..]);
    }

    // utils.validate_quotes and split_filter_value_for_quotes.
    private static (List<string> Values, string? Invalid) SplitFilterValueForQuotes(string value)
    {
        var openQuotes = true;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '"')
            {
                continue;
            }

            if (i > 0 && value[i - 1] == '\\')
            {
                continue;
            }

            if (openQuotes)
            {
                if (i > 0 && value[i - 1] != ',')
                {
                    return ([], $"Invalid filter value {value}. There is no comma before opening quotation mark.");
                }
            }
            else if (i + 1 != value.Length && value[i + 1] != ',')
            {
                return ([], $"Invalid filter value {value}. There is no comma after closing quotation mark.");
            }

            openQuotes = !openQuotes;
        }

        if (!openQuotes)
        {
            return ([], $"Invalid filter value {value}. The quote is not closed.");
        }

        return ([.. QuotedList().Matches(value).Select(m => m.Groups[1].Value.Length > 0 ? m.Groups[1].Value : m.Groups[2].Value)], null);
    }

    // Python's int() of a query value: surrounding whitespace, a sign, digits with single underscores between.
    private static BigInteger? PythonInt(string text)
    {
        var trimmed = text.Trim();
        return PythonIntRegex().IsMatch(trimmed)
            ? BigInteger.Parse(trimmed.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
            : null;
    }

    private static string PythonLower(string text) => text.ToLowerInvariant();

    private static (ImageListQuery?, Refusal?) Refuse(string message) => (null, new Refusal(400, message));

    [GeneratedRegex("""
        "(
           [^"\\]*
           (?:\\.
            [^"\\]*)*
         )
        ",?
        | ([^,]+),?
        | ,
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex QuotedList();

    [GeneratedRegex("^[+-]?[0-9]+(_[0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex PythonIntRegex();

    /// <summary>webob's <c>MultiDict</c>, as far as Glance's listing uses it.</summary>
    private sealed class MultiDict(IEnumerable<KeyValuePair<string, string>> items)
    {
        private readonly List<KeyValuePair<string, string>> _items = [.. items];

        public bool Contains(string key) => _items.Exists(p => p.Key == key);

        /// <summary><c>get</c>/<c>[]</c>: the last value.</summary>
        public string? Get(string key) => _items.FindLast(p => p.Key == key) is { Key: not null } found ? found.Value : null;

        /// <summary><c>pop</c>: removes and returns the first value only.</summary>
        public string? Pop(string key)
        {
            var index = _items.FindIndex(p => p.Key == key);
            if (index < 0)
            {
                return null;
            }

            var value = _items[index].Value;
            _items.RemoveAt(index);
            return value;
        }

        /// <summary><c>[] =</c>: every value removed, the new one appended.</summary>
        public void Set(string key, string value)
        {
            _items.RemoveAll(p => p.Key == key);
            _items.Add(new(key, value));
        }

        /// <summary>A dict of it: keys in first-seen order, each with its last value.</summary>
        public List<KeyValuePair<string, string>> ToDictionary()
        {
            var order = new List<string>();
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in _items)
            {
                if (!values.ContainsKey(key))
                {
                    order.Add(key);
                }

                values[key] = value;
            }

            return [.. order.Select(k => new KeyValuePair<string, string>(k, values[k]))];
        }
    }
}
