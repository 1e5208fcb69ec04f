using System.Buffers;
using System.Text;

namespace Glance.ImageStore.Routing;

/// <summary>
/// Glance's JSON as <c>jsonutils.dumps</c> (Python's <c>json.dumps</c>) writes it, from compact
/// JSON: <c>", "</c> and <c>": "</c> between items, and <c>ensure_ascii</c>: every character
/// outside ASCII as a lower-case <c>\uxxxx</c> escape (a pair above U+FFFF); without
/// <c>ensure_ascii</c> (the metadef serializers' <c>ensure_ascii=False</c>), as UTF-8.
/// </summary>
internal static class PythonJson
{
    private const string Hex = "0123456789abcdef";

    /// <summary>Writes <paramref name="compact"/> to <paramref name="output"/> the way Python would have written it.</summary>
    public static void Write(ReadOnlySpan<byte> compact, IBufferWriter<byte> output, bool ensureAscii = true)
    {
        var inString = false;
        var i = 0;
        Span<char> utf16 = stackalloc char[2];
        while (i < compact.Length)
        {
            var b = compact[i];
            if (!inString)
            {
                Put(output, b);
                if (b is (byte)',' or (byte)':')
                {
                    Put(output, (byte)' ');
                }
                else if (b == (byte)'"')
                {
                    inString = true;
                }

                i++;
                continue;
            }

            if (b == (byte)'\\')
            {
                var length = compact[i + 1] == (byte)'u' ? 6 : 2;
                for (var k = 0; k < length; k++)
                {
                    var c = compact[i + k];
                    Put(output, k >= 2 && c is >= (byte)'A' and <= (byte)'F' ? (byte)(c | 0x20) : c);
                }

                i += length;
                continue;
            }

            if (b == (byte)'"')
            {
                inString = false;
                Put(output, b);
                i++;
                continue;
            }

            if (b < 0x80 || !ensureAscii)
            {
                Put(output, b);
                i++;
                continue;
            }

            Rune.DecodeFromUtf8(compact[i..], out var rune, out var consumed);
            var units = rune.EncodeToUtf16(utf16);
            for (var u = 0; u < units; u++)
            {
                Escape(output, utf16[u]);
            }

            i += consumed;
        }
    }

    private static void Escape(IBufferWriter<byte> output, char c)
    {
        var span = output.GetSpan(6);
        span[0] = (byte)'\\';
        span[1] = (byte)'u';
        span[2] = (byte)Hex[(c >> 12) & 0xF];
        span[3] = (byte)Hex[(c >> 8) & 0xF];
        span[4] = (byte)Hex[(c >> 4) & 0xF];
        span[5] = (byte)Hex[c & 0xF];
        output.Advance(6);
    }

    private static void Put(IBufferWriter<byte> output, byte b)
    {
        output.GetSpan(1)[0] = b;
        output.Advance(1);
    }
}
