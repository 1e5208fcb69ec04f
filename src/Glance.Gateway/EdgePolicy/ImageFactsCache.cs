using System.Collections.Concurrent;
using Glance.Gateway.HeaderHygiene;
using Glance.Policy.Members;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.EdgePolicy;

/// <summary>
/// A short-lived, in-process memory of what the pre-check read about an image (its visibility, owner
/// and the attributes a policy rule may name), never its members (membership is read fresh for every decision). It saves one of the two
/// metadata reads of a member DELETE. Bounded two ways: entries live
/// <see cref="BackendOptions.MetadataCacheSeconds"/> (default 2 s; 0 turns the cache off), and any
/// write to an image that passes through this gateway (PATCH, DELETE, actions) forgets it at once.
/// Staleness is bounded and fails closed: an image made non-shared elsewhere is still refused by
/// the backend itself, which enforces the same rules.
/// </summary>
public sealed class ImageFactsCache
{
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly long _lifetimeTicks;

    /// <summary>Creates the cache.</summary>
    public ImageFactsCache(IOptions<BackendOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        _lifetimeTicks = (long)(options.Value.MetadataCacheSeconds * time.TimestampFrequency);
    }

    /// <summary>True when the cache is in use.</summary>
    public bool IsEnabled => _lifetimeTicks > 0;

    /// <summary>The image's facts, if read less than the lifetime ago.</summary>
    public bool TryGet(string imageId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ImageFacts? facts)
    {
        if (IsEnabled && _entries.TryGetValue(imageId, out var entry) && _time.GetTimestamp() < entry.ExpiresAt)
        {
            facts = entry.Facts;
            return true;
        }

        facts = null;
        return false;
    }

    /// <summary>Remembers what was just read.</summary>
    public void Set(ImageFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (!IsEnabled)
        {
            return;
        }

        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[facts.Id] = new Entry(facts, _time.GetTimestamp() + _lifetimeTicks);
    }

    /// <summary>Forgets an image (it is being changed).</summary>
    public void Forget(string imageId) => _entries.TryRemove(imageId, out _);

    private sealed record Entry(ImageFacts Facts, long ExpiresAt);
}
