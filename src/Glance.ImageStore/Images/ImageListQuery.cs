namespace Glance.ImageStore.Images;

/// <summary>The filters and paging of <c>GET /v2/images</c>, already validated.</summary>
internal sealed record ImageListQuery(
    string? Visibility,
    string MemberStatus,
    string? Owner,
    string? Name,
    string? Status,
    bool OsHidden,
    string? Marker,
    int Limit);
