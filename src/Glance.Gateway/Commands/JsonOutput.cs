using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Glance.Gateway.Commands;

/// <summary>The commands' <c>--json</c> output: one indented document written with <see cref="Utf8JsonWriter"/> (no reflection, AOT-safe).</summary>
internal static class JsonOutput
{
    /// <summary>Writes the document <paramref name="write"/> builds, then a newline.</summary>
    public static void Write(TextWriter output, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>A string, or null.</summary>
    public static void StringOrNull(this Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
