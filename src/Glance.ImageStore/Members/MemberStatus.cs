namespace Glance.ImageStore.Members;

/// <summary>Glance's member statuses.</summary>
internal static class MemberStatus
{
    public const string Pending = "pending";
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";

    public static bool IsValid(string? value) => value is Pending or Accepted or Rejected;
}
