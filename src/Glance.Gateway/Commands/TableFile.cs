using System.Globalization;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Glance.Gateway.Commands;

/// <summary>
/// An operator's file in JSON or YAML, read as one JSON document (JSON first, then YAML; a
/// plain YAML scalar that is <c>null</c>/<c>~</c>/empty, <c>true</c>/<c>false</c> or a number
/// becomes that JSON value, anything else a string). YAML's node model only: no reflection.
/// </summary>
internal static class TableFile
{
    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    /// <exception cref="CommandUsageException">Unreadable, or neither JSON nor YAML.</exception>
    public static JsonDocument Read(string path)
    {
        var bytes = InputFile.ReadBytes(path);
        try
        {
            return JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            // not JSON: YAML below
        }

        var stream = new YamlStream();
        try
        {
            using var reader = new StringReader(System.Text.Encoding.UTF8.GetString(bytes));
            stream.Load(reader);
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            throw new CommandUsageException($"{path} is neither JSON nor YAML: {ex.Message}", ex);
        }

        if (stream.Documents.Count == 0)
        {
            throw new CommandUsageException($"{path} is empty");
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, stream.Documents[0].RootNode, path);
        }

        return JsonDocument.Parse(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node, string path)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is not YamlScalarNode { Value: { } name })
                    {
                        throw new CommandUsageException($"{path}: line {key.Start.Line}: a key must be a plain string");
                    }

                    writer.WritePropertyName(name);
                    Write(writer, value, path);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    Write(writer, item, path);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                throw new CommandUsageException($"{path}: line {node.Start.Line}: aliases are not supported");
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style is not ScalarStyle.Plain)
        {
            writer.WriteStringValue(value);
        }
        else if (value is "" or "~" or "null" or "Null" or "NULL")
        {
            writer.WriteNullValue();
        }
        else if (value is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            writer.WriteBooleanValue(value[0] is 't' or 'T');
        }
        else if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            writer.WriteNumberValue(integer);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
