using Glance.Gateway.Commands;

namespace Glance.Gateway.Tests.Commands;

/// <summary>The dispatch: which arguments are a command, the usage, and the exit code of an unknown one.</summary>
public sealed class GatewayCommandsTests
{
    [Theory]
    [InlineData(new[] { "check" }, true)]
    [InlineData(new[] { "policy", "explain" }, true)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:1" }, false)]
    [InlineData(new string[0], false)]
    public void IsCommand_FirstArgument_DecidesBetweenACommandAndTheGateway(string[] args, bool expected) =>
        Assert.Equal(expected, GatewayCommands.IsCommand(args));

    [Fact]
    public async Task PolicyHelp_ExitsZeroWithTheUsage()
    {
        var (exit, output, _) = await CommandRun.RunAsync("policy", "--help");

        Assert.Equal(0, exit);
        Assert.Contains("policy explain", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPolicySubcommand_ExitsTwoWithTheUsageOnStderr()
    {
        var (exit, output, error) = await CommandRun.RunAsync("policy", "replay-all");

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.StartsWith("usage: glance-gateway", error, StringComparison.Ordinal);
    }
}
