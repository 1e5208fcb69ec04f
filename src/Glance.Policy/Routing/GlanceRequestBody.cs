using Microsoft.AspNetCore.Http;
using System.Text;

namespace Glance.Policy.Routing;

/// <summary>
/// How Glance's <c>wsgi.Resource</c> treats a request body before any action runs
/// (glance/common/wsgi.py <c>Resource.__call__</c>, <c>JSONRequestDeserializer</c>):
/// <c>has_body</c> decides; a route with <c>body_reject</c> then answers 400 <c>A body is not
/// expected with this request.</c>; the reject route (the 405) first deserializes the body with the
/// default deserializer, so a body that is not a JSON object or array is a 400 instead of the 405.
/// </summary>
public static class GlanceRequestBody
{
    /// <summary>The 400 of a body on a <c>body_reject</c> route.</summary>
    public const string NotExpected = "A body is not expected with this request.";

    /// <summary>The 400 of a body that is not JSON (<c>from_json</c>'s <c>ValueError</c>, UTF-8 errors included).</summary>
    public const string MalformedJson = "Malformed JSON in request body.";

    /// <summary>The 400 of a JSON body that is neither an object nor an array.</summary>
    public const string UnexpectedType = "Unexpected body type. Expected list/dict.";

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    /// <summary>
    /// <c>JSONRequestDeserializer.has_body</c>: a <c>Transfer-Encoding</c> that is exactly one of
    /// <c>chunked</c>, <c>compress</c>, <c>deflate</c>, <c>gzip</c>, <c>identity</c> (any case) on a
    /// POST, PUT or PATCH (upper-cased), or a <c>Content-Length</c> above zero. A chunked DELETE has
    /// no body for Glance.
    /// </summary>
    public static bool HasBody(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HasBody(request.Method, request.Headers.TransferEncoding.ToString(), request.ContentLength);
    }

    /// <summary>Glance's has_body over the method and the two headers that tell (see the overload above).</summary>
    public static bool HasBody(string method, string? transferEncoding, long? contentLength)
    {
        ArgumentNullException.ThrowIfNull(method);
        var encoding = (transferEncoding ?? string.Empty).ToLowerInvariant();
        var upper = method.ToUpperInvariant();
        if (encoding is "chunked" or "compress" or "deflate" or "gzip" or "identity" && upper is "POST" or "PUT" or "PATCH")
        {
            return true;
        }

        return contentLength > 0;
    }

    /// <summary>
    /// <c>JSONRequestDeserializer.from_json</c> over the body's bytes: null for a JSON object or
    /// array, else the explanation of Glance's 400. JSON as Python's <c>json.loads</c> reads it
    /// (after a strict UTF-8 decode): <c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> allowed,
    /// lone surrogate escapes allowed, no byte order mark, no control characters in strings,
    /// nothing but whitespace after the value. Nesting deeper than <see cref="MaxDepth"/> counts as
    /// malformed (Python's recursion limit ends Glance's parse with a 500 somewhere near 1,000).
    /// </summary>
    public static string? JsonError(ReadOnlySpan<byte> body)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return MalformedJson;
        }

        var parser = new Parser(text);
        if (!parser.TryParseDocument(out var first))
        {
            return MalformedJson;
        }

        return first is '{' or '[' ? null : UnexpectedType;
    }

    /// <summary>The deepest nesting <see cref="JsonError"/> reads as JSON.</summary>
    public const int MaxDepth = 512;

    // Python's json scanner (json/decoder.py, scanner.py; strict=True).
    private ref struct Parser(string text)
    {
        private readonly string _text = text;
        private int _position;

        public bool TryParseDocument(out char first)
        {
            first = '\0';
            SkipWhitespace();
            if (_position < _text.Length)
            {
                first = _text[_position];
            }

            if (!TryValue(0))
            {
                return false;
            }

            SkipWhitespace();
            return _position == _text.Length;
        }

        private bool TryValue(int depth)
        {
            if (_position >= _text.Length || depth > MaxDepth)
            {
                return false;
            }

            switch (_text[_position])
            {
                case '{':
                    return TryObject(depth + 1);
                case '[':
                    return TryArray(depth + 1);
                case '"':
                    return TryString();
                case 'n':
                    return TryLiteral("null");
                case 't':
                    return TryLiteral("true");
                case 'f':
                    return TryLiteral("false");
                case 'N':
                    return TryLiteral("NaN");
                case 'I':
                    return TryLiteral("Infinity");
                case '-' when _text.AsSpan(_position).StartsWith("-Infinity", StringComparison.Ordinal):
                    _position += "-Infinity".Length;
                    return true;
                default:
                    return TryNumber();
            }
        }

        private bool TryObject(int depth)
        {
            _position++;
            SkipWhitespace();
            if (Peek() == '}')
            {
                _position++;
                return true;
            }

            while (true)
            {
                SkipWhitespace();
                if (Peek() != '"' || !TryString())
                {
                    return false;
                }

                SkipWhitespace();
                if (Peek() != ':')
                {
                    return false;
                }

                _position++;
                SkipWhitespace();
                if (!TryValue(depth))
                {
                    return false;
                }

                SkipWhitespace();
                var next = Peek();
                _position++;
                if (next == '}')
                {
                    return true;
                }

                if (next != ',')
                {
                    return false;
                }
            }
        }

        private bool TryArray(int depth)
        {
            _position++;
            SkipWhitespace();
            if (Peek() == ']')
            {
                _position++;
                return true;
            }

            while (true)
            {
                SkipWhitespace();
                if (!TryValue(depth))
                {
                    return false;
                }

                SkipWhitespace();
                var next = Peek();
                _position++;
                if (next == ']')
                {
                    return true;
                }

                if (next != ',')
                {
                    return false;
                }
            }
        }

        private bool TryString()
        {
            _position++;
            while (_position < _text.Length)
            {
                var c = _text[_position++];
                if (c == '"')
                {
                    return true;
                }

                if (c < 0x20)
                {
                    return false;
                }

                if (c != '\\')
                {
                    continue;
                }

                if (_position >= _text.Length)
                {
                    return false;
                }

                var escape = _text[_position++];
                if (escape == 'u')
                {
                    if (_position + 4 > _text.Length)
                    {
                        return false;
                    }

                    for (var i = 0; i < 4; i++)
                    {
                        if (!char.IsAsciiHexDigit(_text[_position + i]))
                        {
                            return false;
                        }
                    }

                    _position += 4;
                }
                else if (escape is not ('"' or '\\' or '/' or 'b' or 'f' or 'n' or 'r' or 't'))
                {
                    return false;
                }
            }

            return false;
        }

        // -?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)? (NUMBER_RE); Python's \d here is ASCII only
        // (the C scanner reads '0'-'9').
        private bool TryNumber()
        {
            var start = _position;
            if (Peek() == '-')
            {
                _position++;
            }

            if (Peek() == '0')
            {
                _position++;
            }
            else if (Peek() is >= '1' and <= '9')
            {
                while (Peek() is >= '0' and <= '9')
                {
                    _position++;
                }
            }
            else
            {
                _position = start;
                return false;
            }

            if (Peek() == '.' && PeekAt(1) is >= '0' and <= '9')
            {
                _position++;
                while (Peek() is >= '0' and <= '9')
                {
                    _position++;
                }
            }

            if (Peek() is 'e' or 'E')
            {
                var exponent = _position;
                _position++;
                if (Peek() is '-' or '+')
                {
                    _position++;
                }

                if (Peek() is >= '0' and <= '9')
                {
                    while (Peek() is >= '0' and <= '9')
                    {
                        _position++;
                    }
                }
                else
                {
                    _position = exponent;
                }
            }

            return true;
        }

        private bool TryLiteral(string literal)
        {
            if (!_text.AsSpan(_position).StartsWith(literal, StringComparison.Ordinal))
            {
                return false;
            }

            _position += literal.Length;
            return true;
        }

        private readonly char Peek() => _position < _text.Length ? _text[_position] : '\0';

        private readonly char PeekAt(int offset) => _position + offset < _text.Length ? _text[_position + offset] : '\0';

        // json's WHITESPACE: [ \t\n\r]*.
        private void SkipWhitespace()
        {
            while (_position < _text.Length && _text[_position] is ' ' or '\t' or '\n' or '\r')
            {
                _position++;
            }
        }
    }
}
