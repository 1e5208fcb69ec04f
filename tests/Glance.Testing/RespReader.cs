using System.Globalization;
using System.Text;

namespace Glance.Testing;

/// <summary>
/// Reads whole RESP2 replies from a stream, however the bytes are split across reads: simple
/// strings and bulk strings as <see cref="string"/> (null bulk as null), integers as
/// <see cref="long"/>, arrays as <c>object?[]</c>; an error reply throws.
/// </summary>
internal sealed class RespReader(Stream stream)
{
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    public async Task<object?> ReadAsync(CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(cancellationToken);
        var body = line[1..];
        switch (line[0])
        {
            case '+':
                return body;
            case '-':
                throw new InvalidOperationException("Redis answered an error: " + body);
            case ':':
                return long.Parse(body, CultureInfo.InvariantCulture);
            case '$':
                var length = int.Parse(body, CultureInfo.InvariantCulture);
                if (length < 0)
                {
                    return null;
                }

                var bytes = await ReadExactAsync(length + 2, cancellationToken);
                return Encoding.UTF8.GetString(bytes, 0, length);
            case '*':
                var count = int.Parse(body, CultureInfo.InvariantCulture);
                if (count < 0)
                {
                    return null;
                }

                var items = new object?[count];
                for (var i = 0; i < count; i++)
                {
                    items[i] = await ReadAsync(cancellationToken);
                }

                return items;
            default:
                throw new InvalidOperationException("Not a RESP reply: " + line);
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new List<byte>();
        while (true)
        {
            for (; _start < _end; _start++)
            {
                if (_buffer[_start] == '\n' && line.Count > 0 && line[^1] == '\r')
                {
                    _start++;
                    return Encoding.UTF8.GetString([.. line[..^1]]);
                }

                line.Add(_buffer[_start]);
            }

            await FillAsync(cancellationToken);
        }
    }

    private async Task<byte[]> ReadExactAsync(int count, CancellationToken cancellationToken)
    {
        var bytes = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_start == _end)
            {
                await FillAsync(cancellationToken);
            }

            var take = Math.Min(count - copied, _end - _start);
            Array.Copy(_buffer, _start, bytes, copied, take);
            _start += take;
            copied += take;
        }

        return bytes;
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        _start = 0;
        _end = await stream.ReadAsync(_buffer, cancellationToken);
        if (_end == 0)
        {
            throw new IOException("Redis closed the connection");
        }
    }
}
