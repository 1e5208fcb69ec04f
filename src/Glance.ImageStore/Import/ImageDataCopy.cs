using System.Buffers;
using System.Security.Cryptography;

namespace Glance.ImageStore.Import;

/// <summary>
/// Copies image data into a file in 64 KiB chunks (never whole in memory), computing what Glance
/// records on the way: size, md5 <c>checksum</c>, sha512 <c>os_hash_value</c>, and the first
/// 512 bytes, from which <see cref="VirtualSize"/> finds what Glance's in-flight format inspector
/// finds (the same inspector as an upload's: raw, qcow2, vhd, vdi).
/// </summary>
internal static class ImageDataCopy
{
    private const int ChunkBytes = 64 * 1024;

    /// <summary>What a copy found: <see cref="TooLarge"/> when the data passed the limit (the copy stops there).</summary>
    public readonly record struct Result(long Size, string Checksum, string HashValue, byte[] Head, bool TooLarge);

    public static async Task<Result> CopyAsync(Stream source, string path, long maxBytes, Action<long>? progress, CancellationToken cancellationToken)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha512 = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        var head = new byte[512];
        var headLength = 0;
        long size = 0;
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
            while (true)
            {
                var read = await source.ReadAsync(buffer.AsMemory(0, ChunkBytes), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                size += read;
                if (size > maxBytes)
                {
                    return new(size, string.Empty, string.Empty, [], true);
                }

                if (headLength < head.Length)
                {
                    var take = Math.Min(read, head.Length - headLength);
                    buffer.AsSpan(0, take).CopyTo(head.AsSpan(headLength));
                    headLength += take;
                }

                md5.AppendData(buffer, 0, read);
                sha512.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            await file.FlushAsync(cancellationToken);
            file.Flush(flushToDisk: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        progress?.Invoke(size);
        return new(size, Convert.ToHexStringLower(md5.GetHashAndReset()), Convert.ToHexStringLower(sha512.GetHashAndReset()), head[..headLength], false);
    }

    /// <summary>The virtual size Glance would record (<c>location.set_data</c> with <c>format_inspector</c>), or null: the upload's own inspector.</summary>
    public static long? VirtualSize(string? diskFormat, string? containerFormat, long size, ReadOnlySpan<byte> head) =>
        ImageData.DiskFormatInspector.VirtualSizeOf(diskFormat, containerFormat, size, head);
}
