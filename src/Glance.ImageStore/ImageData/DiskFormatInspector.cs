using System.Buffers.Binary;

namespace Glance.ImageStore.ImageData;

/// <summary>
/// Glance's in-flight format inspection of an upload (glance/location.py <c>set_data</c> with
/// glance/common/format_inspector.py): for a <c>bare</c> container and a disk format Glance has
/// an inspector for, the image's <c>virtual_size</c> once the data is in: raw, the number of
/// bytes; qcow2 (magic <c>QFI\xfb</c>), the big-endian size at byte 24; vhd (<c>conectix</c>),
/// the big-endian size at byte 40; vdi (signature 0xbeda107f at 0x40), the little-endian size at
/// 0x170. Each reads the first 512 bytes only; a header that does not match (or a zero size)
/// leaves <c>virtual_size</c> null, as in Glance. vmdk and vhdx, whose sizes Glance reads from
/// descriptors and metadata regions further in, are not inspected here (null).
/// </summary>
internal sealed class DiskFormatInspector
{
    private const int HeaderBytes = 512;
    private readonly string _format;
    private readonly byte[] _header = new byte[HeaderBytes];
    private int _captured;
    private long _total;

    private DiskFormatInspector(string format) => _format = format;

    /// <summary>The inspector of an upload, or null when Glance inspects none for these formats.</summary>
    public static DiskFormatInspector? For(string? diskFormat, string? containerFormat) =>
        containerFormat == "bare" && diskFormat is "raw" or "qcow2" or "vhd" or "vdi" ? new DiskFormatInspector(diskFormat) : null;

    /// <summary>Presents the next chunk of the upload.</summary>
    public void Eat(ReadOnlySpan<byte> chunk)
    {
        if (_captured < HeaderBytes)
        {
            var take = Math.Min(HeaderBytes - _captured, chunk.Length);
            chunk[..take].CopyTo(_header.AsSpan(_captured));
            _captured += take;
        }

        _total += chunk.Length;
    }

    /// <summary>The virtual size Glance records, or null (no match, or zero).</summary>
    public long? VirtualSize => Measure(_format, _total, _header.AsSpan(0, _captured));

    /// <summary>
    /// The virtual size Glance records for data of <paramref name="size"/> bytes that begins with
    /// <paramref name="head"/> (its first 512 bytes, or all of it when shorter), or null.
    /// </summary>
    public static long? VirtualSizeOf(string? diskFormat, string? containerFormat, long size, ReadOnlySpan<byte> head) =>
        For(diskFormat, containerFormat) is { } inspector ? Measure(inspector._format, size, head[..Math.Min(head.Length, HeaderBytes)]) : null;

    private static long? Measure(string format, long total, ReadOnlySpan<byte> header)
    {
        var complete = header.Length == HeaderBytes;
        var size = format switch
        {
            "raw" => total,
            "qcow2" when complete && header.StartsWith((ReadOnlySpan<byte>)[0x51, 0x46, 0x49, 0xfb]) => (long)BinaryPrimitives.ReadUInt64BigEndian(header[24..32]),
            "vhd" when complete && header.StartsWith("conectix"u8) => (long)BinaryPrimitives.ReadUInt64BigEndian(header[40..48]),
            "vdi" when complete && BinaryPrimitives.ReadUInt32LittleEndian(header[0x40..0x44]) == 0xbeda107f => (long)BinaryPrimitives.ReadUInt64LittleEndian(header[0x170..0x178]),
            _ => 0L,
        };
        return size == 0 ? null : size;
    }
}
