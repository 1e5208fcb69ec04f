namespace Glance.ImageStore.Images;

/// <summary>What one condition of an image listing tests.</summary>
internal enum ImageFilterKind
{
    /// <summary>A column compared with one value (<see cref="ImageFilter.Operator"/>: <c>=</c>, <c>&lt;&gt;</c>, <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>).</summary>
    Compare,

    /// <summary>A column equal to one of several values (Glance's <c>in:</c> operator).</summary>
    In,

    /// <summary>The image has this tag.</summary>
    Tag,

    /// <summary>The image has this extra property with exactly this value.</summary>
    Property,

    /// <summary>Matches no image (a comparison SQL can never make true, such as an integer column with a word).</summary>
    Never,
}

/// <summary>The type of an image column, which decides how a filter's text value is compared.</summary>
internal enum ImageColumnType
{
    Text,
    Integer,
    Boolean,
}

/// <summary>
/// One condition of <c>GET /v2/images</c>, as Glance's <c>_make_conditions_from_filters</c> makes
/// it: every condition must hold. <see cref="Column"/> is one of <see cref="ImageFilter.Columns"/>
/// for <see cref="ImageFilterKind.Compare"/> and <see cref="ImageFilterKind.In"/>, the property
/// name for <see cref="ImageFilterKind.Property"/>.
/// </summary>
/// <param name="Kind">What is tested.</param>
/// <param name="Column">The column or property.</param>
/// <param name="Operator">The SQL comparison of <see cref="ImageFilterKind.Compare"/>.</param>
/// <param name="Values">The value (one, or the list of <c>in:</c>), as text; an integer column's is an integer's digits, a boolean's <c>true</c> or <c>false</c>.</param>
/// <param name="AsNumber">A comparison of a boolean column with an integer (<c>protected_min=1</c>): the column as 0 or 1.</param>
internal sealed record ImageFilter(ImageFilterKind Kind, string Column, string Operator, IReadOnlyList<string> Values, bool AsNumber = false)
{
    /// <summary>The columns of Glance's <c>images</c> table, as the store has them.</summary>
    public static readonly IReadOnlyDictionary<string, ImageColumnType> Columns = new Dictionary<string, ImageColumnType>(StringComparer.Ordinal)
    {
        ["id"] = ImageColumnType.Text,
        ["name"] = ImageColumnType.Text,
        ["disk_format"] = ImageColumnType.Text,
        ["container_format"] = ImageColumnType.Text,
        ["size"] = ImageColumnType.Integer,
        ["virtual_size"] = ImageColumnType.Integer,
        ["status"] = ImageColumnType.Text,
        ["visibility"] = ImageColumnType.Text,
        ["checksum"] = ImageColumnType.Text,
        ["os_hash_algo"] = ImageColumnType.Text,
        ["os_hash_value"] = ImageColumnType.Text,
        ["min_disk"] = ImageColumnType.Integer,
        ["min_ram"] = ImageColumnType.Integer,
        ["owner"] = ImageColumnType.Text,
        ["protected"] = ImageColumnType.Boolean,
        ["os_hidden"] = ImageColumnType.Boolean,
        ["created_at"] = ImageColumnType.Text,
        ["updated_at"] = ImageColumnType.Text,
        ["deleted_at"] = ImageColumnType.Text,
        ["deleted"] = ImageColumnType.Boolean,
    };

    public static ImageFilter Compare(string column, string op, string value, bool asNumber = false) => new(ImageFilterKind.Compare, column, op, [value], asNumber);

    public static ImageFilter Never(string column) => new(ImageFilterKind.Never, column, string.Empty, []);
}
