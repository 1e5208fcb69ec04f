using System.Text.Json;
using Glance.Gateway.AccessLog;
using Glance.Gateway.Auditing;
using Glance.Gateway.Hosting;
using Glance.Gateway.Logging;
using Glance.Gateway.Policy;
using Glance.Gateway.Routing;
using Microsoft.Extensions.Options;

namespace Glance.Gateway.Commands;

/// <summary>
/// <c>check [--config DIR]</c>: every operator file and setting read as start-up reads them, with
/// start-up's own code and without network: the Serilog sections (<see cref="SerilogSection"/>),
/// the routes file with the fail-closed rules and YARP's validation
/// (<see cref="RouteFileConfiguration"/>, <see cref="RouteFileValidator"/>), the policy file and
/// its rule problems (<see cref="PolicyFileWatcher"/>'s load), the candidate policy when one is
/// configured, and every validated option (the host built, not started, and its start-up
/// validators run). One line per problem. Exit 0 when clean; 1 when only the policy's rule
/// problems were found (start-up would run, logging them); 2 when start-up would refuse.
/// </summary>
internal static class CheckCommand
{
    private const string Help = """
        usage: glance-gateway check [--config DIR] [--json]

        Reads every operator file and setting exactly as start-up reads them, without network:
        config/serilog.json and the Serilog sections, config/reverse-proxy.json (JSON, YARP's
        validation, the fail-closed rules of the image routes), the policy file (YAML or JSON) and
        its rule problems, the candidate policy (Policy:Candidate:File) if set, and every validated
        setting (Keystone, Backend, EdgePolicy:Operations modes, ...). One line per problem.

          --config DIR   the operator folder (default: Gateway:ConfigPath, else ./config)
          --json         {"config", "ok", "problems": [{"severity", "source", "message"}]}

        exit: 0 clean; 1 policy rule problems only (start-up would run and log them);
              2 start-up would refuse (a bad file or setting)
        """;

    private sealed record Problem(bool IsError, string Source, string Message);

    /// <summary>Runs the command.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, TextWriter output, IReadOnlyDictionary<string, string?>? settings)
    {
        var args = CommandArguments.Parse(arguments, ["--config"], []);
        if (args.Help)
        {
            await output.WriteLineAsync(Help);
            return CommandExit.Ok;
        }

        if (args.Positionals.Count > 0)
        {
            throw new CommandUsageException($"unexpected argument '{args.Positionals[0]}'");
        }

        var configuration = CommandConfiguration.Read(args.Option("--config"), settings);
        var problems = new List<Problem>();
        var checkedItems = new List<string>();
        Collect(problems, "settings", () => configuration.Builder.AddGatewayHosting());
        CheckSerilog(configuration.Settings, problems);
        checkedItems.Add("serilog");
        await CheckRoutesAsync(configuration.Directory, problems);
        checkedItems.Add(ConfigDirectory.RoutesFile);
        checkedItems.AddRange(CheckPolicy(configuration, problems));
        if (!problems.Any(p => p.IsError))
        {
            await CheckOptionsAsync(configuration, settings, problems);
            checkedItems.Add("options");
        }
        else
        {
            checkedItems.Add("options not validated (start-up stops at the first bad file)");
        }

        Write(output, args.Json, configuration.Directory.Path, problems, checkedItems);
        return problems.Any(p => p.IsError) ? CommandExit.Usage : problems.Count > 0 ? CommandExit.Found : CommandExit.Ok;
    }

    // The application log's section and the audit and access pipelines, as AddGatewayHosting and
    // the two logger factories read them.
    private static void CheckSerilog(IConfiguration settings, List<Problem> problems)
    {
        Collect(problems, "serilog", () => SerilogSection.Check(settings.GetSection(HostingExtensions.SerilogSectionName), HostingExtensions.OwnPipelines));
        Collect(problems, "serilog", () => SerilogSection.Check(settings.GetSection(AuditLoggerFactory.SectionName)));
        Collect(problems, "serilog", () => SerilogSection.Check(settings.GetSection(AccessLoggerFactory.SectionName)));
    }

    // The start-up load (which applies the fail-closed rules), then YARP's own validation, which
    // start-up runs when the proxy takes the configuration.
    private static async Task CheckRoutesAsync(ConfigDirectory directory, List<Problem> problems)
    {
        RouteFileConfiguration routes;
        try
        {
            routes = new RouteFileConfiguration(directory.File(ConfigDirectory.RoutesFile));
        }
        catch (Exception ex) when (StartupFailure.IsConfigurationError(ex))
        {
            problems.Add(new Problem(true, "routes", StartupFailure.Describe(ex)));
            return;
        }

        using (routes)
        {
            foreach (var problem in await RouteFileValidator.ValidateAsync(routes.Configuration.AsEnumerable()))
            {
                problems.Add(new Problem(true, "routes", $"{routes.FilePath}: {problem}"));
            }
        }
    }

    private static IEnumerable<string> CheckPolicy(CommandConfiguration configuration, List<Problem> problems)
    {
        var noArgs = CommandArguments.Parse([], PolicySources.Options, PolicySources.Flags);
        PolicySet live;
        PolicySet? candidate;
        try
        {
            (live, candidate) = PolicySources.Load(noArgs, configuration);
        }
        catch (CommandUsageException ex)
        {
            problems.Add(new Problem(true, "policy", ex.Message));
            return ["policy"];
        }

        foreach (var set in PolicySources.Both(live, candidate))
        {
            foreach (var diagnostic in set.Rules.Diagnostics)
            {
                problems.Add(new Problem(false, set.Name == "live" ? "policy" : "candidate policy", $"rule {diagnostic.Rule}: {diagnostic.Message}"));
            }
        }

        return PolicySources.Both(live, candidate).Select(s => s.Title);
    }

    // Every option start-up validates (ValidateOnStart): the host built as Main builds it, not
    // run, and its start-up validator asked.
    private static async Task CheckOptionsAsync(CommandConfiguration configuration, IReadOnlyDictionary<string, string?>? settings, List<Problem> problems)
    {
        WebApplication? app = null;
        try
        {
            app = Program.Build([], builder =>
            {
                if (settings is not null)
                {
                    builder.Configuration.AddInMemoryCollection(settings);
                }

                builder.Configuration[$"{GatewayOptions.SectionName}:ConfigPath"] = configuration.Directory.Path;
            });
            app.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception ex) when (ex is OptionsValidationException or AggregateException || StartupFailure.IsConfigurationError(ex))
        {
            var failures = ex is AggregateException aggregate
                ? aggregate.Flatten().InnerExceptions.SelectMany(e => e is OptionsValidationException o ? o.Failures : [StartupFailure.Describe(e)])
                : ex is OptionsValidationException options ? options.Failures : [StartupFailure.Describe(ex)];
            problems.AddRange(failures.Select(f => new Problem(true, "options", f.ReplaceLineEndings(" "))));
        }
        finally
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }
    }

    private static void Collect(List<Problem> problems, string source, Action read)
    {
        try
        {
            read();
        }
        catch (Exception ex) when (StartupFailure.IsConfigurationError(ex) || ex is FormatException)
        {
            problems.Add(new Problem(true, source, StartupFailure.Describe(ex)));
        }
    }

    private static void Write(TextWriter output, bool json, string directory, List<Problem> problems, List<string> checkedItems)
    {
        if (json)
        {
            JsonOutput.Write(output, writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("config", directory);
                writer.WriteBoolean("ok", problems.Count == 0);
                writer.WriteStartArray("checked");
                foreach (var item in checkedItems)
                {
                    writer.WriteStringValue(item);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("problems");
                foreach (var problem in problems)
                {
                    writer.WriteStartObject();
                    writer.WriteString("severity", problem.IsError ? "error" : "warning");
                    writer.WriteString("source", problem.Source);
                    writer.WriteString("message", problem.Message);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            });
            return;
        }

        foreach (var problem in problems)
        {
            output.WriteLine($"{(problem.IsError ? "error" : "warning")}: {problem.Source}: {problem.Message}");
        }

        var errors = problems.Count(p => p.IsError);
        output.WriteLine(problems.Count == 0
            ? $"check: ok ({directory}): {string.Join("; ", checkedItems)}"
            : $"check: {errors} errors, {problems.Count - errors} warnings ({directory}): {string.Join("; ", checkedItems)}");
    }
}
