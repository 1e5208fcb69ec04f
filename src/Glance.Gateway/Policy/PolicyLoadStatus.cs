namespace Glance.Gateway.Policy;

/// <summary>
/// A policy file's load state: when the rules in force were loaded, how many rule problems they
/// have (logged one line each), and the last edit that was refused, if any, with its reason.
/// </summary>
public sealed record PolicyLoadStatus(DateTimeOffset LoadedAt, int Problems, PolicyRefusedEdit? LastRefused);

/// <summary>An edit the watcher refused (the last good rules kept deciding), when and why.</summary>
public sealed record PolicyRefusedEdit(DateTimeOffset At, string Reason);
