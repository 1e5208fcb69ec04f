namespace Glance.ImageStore.Tests.Support;

/// <summary>Who a test request is from, as the trusted identity headers say it.</summary>
public sealed record Caller(string Name, string? ProjectId, string Roles, bool SystemScope = false, bool Authenticated = true)
{
    public static Caller Admin { get; } = new("admin", "admin-project", "admin,member");
    public static Caller SystemAdmin { get; } = new("system admin", null, "admin", SystemScope: true);
    public static Caller Anonymous { get; } = new("anonymous", null, string.Empty, Authenticated: false);

    public static Caller Project(string projectId) => new(projectId, projectId, "member,reader");

    /// <summary>A user of <paramref name="projectId"/> with only the reader role.</summary>
    public static Caller Reader(string projectId) => new(projectId + " (reader)", projectId, "reader");

    /// <summary>A user of <paramref name="projectId"/> with the member role but not reader (Keystone's implied roles not expanded).</summary>
    public static Caller MemberOnly(string projectId) => new(projectId + " (member only)", projectId, "member");

    public override string ToString() => Name;
}
