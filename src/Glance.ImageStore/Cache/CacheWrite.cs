using System.Security.Cryptography;

namespace Glance.ImageStore.Cache;

/// <summary>
/// One image being written into the cache (<c>cache_tee_iter</c>): the data goes to the
/// incomplete file and into an md5; <see cref="CompleteAsync"/> checks the md5 against the image's
/// checksum and commits (the file becomes the cached one), anything else rolls back (the file goes
/// to <c>invalid/</c>). Disposing a write that was not completed rolls it back, as Glance does when
/// a client stops reading half-way.
/// </summary>
internal sealed class CacheWrite : IAsyncDisposable
{
    private readonly ImageCache _cache;
    private readonly FileStream _file;
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private long _size;
    private bool _finished;

    internal CacheWrite(ImageCache cache, string imageId, string incompletePath, string? expectedChecksum, FileStream file)
    {
        _cache = cache;
        ImageId = imageId;
        IncompletePath = incompletePath;
        ExpectedChecksum = expectedChecksum;
        _file = file;
    }

    public string ImageId { get; }

    public string IncompletePath { get; }

    public string? ExpectedChecksum { get; }

    /// <summary>Appends a chunk.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        _md5.AppendData(chunk.Span);
        _size += chunk.Length;
        await _file.WriteAsync(chunk, cancellationToken);
    }

    /// <summary>All the data was written: commit when the md5 is the image's checksum (or it has none); true when cached.</summary>
    public async Task<bool> CompleteAsync(CancellationToken cancellationToken)
    {
        _finished = true;
        await _file.FlushAsync(cancellationToken);
        await _file.DisposeAsync();
        var checksum = Convert.ToHexStringLower(_md5.GetHashAndReset());
        _md5.Dispose();
        if (ExpectedChecksum is { Length: > 0 } expected && !string.Equals(expected, checksum, StringComparison.Ordinal))
        {
            await _cache.RollbackAsync(this, $"Checksum verification failed. Aborted caching of image '{ImageId}'.");
            return false;
        }

        try
        {
            await _cache.CommitAsync(this, _size, cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or System.Data.Common.DbException)
        {
            await _cache.RollbackAsync(this, exception.Message);
            return false;
        }
    }

    /// <summary>Stops the write and rolls it back.</summary>
    public async Task AbortAsync(string reason)
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        await _file.DisposeAsync();
        _md5.Dispose();
        await _cache.RollbackAsync(this, reason);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await AbortAsync("incomplete fetch");
}
