namespace Glance.ImageStore.Tests.Support;

/// <summary>Who a test request is from, as the trusted identity headers say it.</summary>
public sealed record Caller(string Name, string? ProjectId, string Roles, bool SystemScope = false, bool Authenticated = true)
{
    public static Caller Admin { get; } = new("admin", "admin-project", "admin,member");
    public static Caller SystemAdmin { get; } = new("system admin", null, "admin", SystemScope: true);
    public static Caller Anonymous { get; } = new("anonymous", null, string.Empty, Authenticated: false);

    public static Caller Project(string projectId) => new(projectId, projectId, "member,reader");

    public override string ToString() => Name;
}
