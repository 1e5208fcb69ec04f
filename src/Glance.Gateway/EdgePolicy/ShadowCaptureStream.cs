using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace Glance.Gateway.EdgePolicy;

/// <summary>
/// In <see cref="Glance.Policy.Operations.EdgeMode.Shadow"/>, keeps the first bytes of the
/// backend's answer as it is written to the client (nothing is held back or changed), so that a
/// predicted allow can be compared with a refusal: Glance's refusal bodies are short and name
/// their rule in their first line.
/// </summary>
public sealed class ShadowCaptureStream : Stream
{
    private const int Keep = 2048;
    private readonly Stream _inner;
    private readonly MemoryStream _kept = new();

    private ShadowCaptureStream(Stream inner) => _inner = inner;

    /// <summary>What the client was sent of the body, decoded as UTF-8 (at most the first 2 KiB).</summary>
    public string Text => Encoding.UTF8.GetString(_kept.GetBuffer(), 0, (int)_kept.Length);

    /// <summary>Puts a capture between the response and the client.</summary>
    public static ShadowCaptureStream Attach(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var body = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var capture = new ShadowCaptureStream(body.Stream);
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(capture, body));
        return capture;
    }

    /// <inheritdoc />
    public override bool CanRead => false;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override void Flush() => _inner.Flush();

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count)
    {
        KeepStart(buffer.AsSpan(offset, count));
        _inner.Write(buffer, offset, count);
    }

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        KeepStart(buffer.Span);
        await _inner.WriteAsync(buffer, cancellationToken);
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void KeepStart(ReadOnlySpan<byte> span)
    {
        var room = Keep - (int)_kept.Length;
        if (room > 0)
        {
            _kept.Write(span[..Math.Min(room, span.Length)]);
        }
    }
}
