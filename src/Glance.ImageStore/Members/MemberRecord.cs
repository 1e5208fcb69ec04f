namespace Glance.ImageStore.Members;

/// <summary>One row of an image's member list.</summary>
internal sealed record MemberRecord(string ImageId, string MemberId, string Status, string CreatedAt, string UpdatedAt);
