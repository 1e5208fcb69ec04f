using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Glance.Policy.Language;
using Glance.Policy.Rules;

namespace Glance.Policy.Tests.Oslo;

/// <summary>
/// <see cref="GlanceDefaults"/> against Glance 25.1's registered rules as oslo.policy 4.0 compiles
/// them: for every rule, in the legacy and the secure mode, <see cref="PolicyRules.Describe"/> must
/// print what <c>str(enforcer.rules[name])</c> prints after <c>load_rules()</c>, with the same
/// <c>scope_types</c>; and the new defaults must be the check strings
/// <c>oslopolicy-sample-generator --namespace glance</c> prints.
/// </summary>
public sealed partial class DefaultsConformanceTests
{
    private const string SampleGenerator = "/usr/bin/oslopolicy-sample-generator";

    // One Enforcer per mode over glance.policies' base, image, metadef, task, discovery and cache rules, as Glance builds its own.
    private const string EnforcerScript = """
        try:
            import glance.policies
            from glance.policies import base, cache, image, metadef, tasks, discovery
        except ImportError as e:
            sys.stderr.write('MISSING: glance.policies is not importable by /usr/bin/python3 (apt-get install python3-glance): %s\n' % e)
            sys.exit(3)
        out = {'registered': [r.name for r in list(base.list_rules()) + list(image.list_rules()) + list(metadef.list_rules()) + list(tasks.list_rules()) + list(discovery.list_rules()) + list(cache.list_rules())], 'modes': {}}
        for mode in data['modes']:
            conf = cfg.ConfigOpts()
            conf([], project='glance-policy-tests', default_config_files=[], default_config_dirs=[])
            enforcer = policy.Enforcer(conf)
            conf.set_override('enforce_new_defaults', mode['new_defaults'], group='oslo_policy')
            conf.set_override('enforce_scope', mode['scope'], group='oslo_policy')
            enforcer.register_defaults(glance.policies.list_rules())
            enforcer.load_rules()
            rules = {}
            for name in data['names']:
                registered = enforcer.registered_rules[name]
                rules[name] = {
                    'check': str(enforcer.rules[name]),
                    'scope_types': registered.scope_types,
                    'check_str': registered.check_str,
                    'deprecated': registered.deprecated_rule.check_str if registered.deprecated_rule else None,
                }
            out['modes'][mode['name']] = rules
        print(json.dumps(out))
        """;

    private static readonly (string Name, PolicyMode Mode)[] Modes =
    [
        ("legacy", PolicyMode.Legacy),
        ("secure", PolicyMode.Secure),
        ("new-defaults", new PolicyMode(EnforceNewDefaults: true, EnforceScope: false)),
        ("legacy+scope", new PolicyMode(EnforceNewDefaults: false, EnforceScope: true)),
    ];

    [Fact]
    public void Describe_EveryGlanceDefaultInEveryMode_IsWhatOsloPolicyCompiles()
    {
        var oslo = RunEnforcer();
        Assert.NotEqual(
            oslo["modes"]!["legacy"]![PolicyRuleNames.DeleteMember]!["check"]!.GetValue<string>(),
            oslo["modes"]!["secure"]![PolicyRuleNames.DeleteMember]!["check"]!.GetValue<string>());

        var mismatches = new List<string>();
        foreach (var (name, mode) in Modes)
        {
            var ours = PolicyRules.Defaults(mode);
            var theirs = oslo["modes"]![name]!;
            foreach (var rule in GlanceDefaults.All)
            {
                var expected = theirs[rule.Name]!["check"]!.GetValue<string>();
                if (ours.Describe(rule.Name) != expected)
                {
                    mismatches.Add($"{name} {rule.Name}: oslo.policy {expected}, ours {ours.Describe(rule.Name)}");
                }
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Fact]
    public void ScopeTypes_EveryGlanceDefault_AreGlanceScopeTypes()
    {
        var oslo = RunEnforcer();

        foreach (var (name, mode) in Modes)
        {
            var ours = PolicyRules.Defaults(mode);
            foreach (var rule in GlanceDefaults.All)
            {
                var theirs = oslo["modes"]![name]![rule.Name]!["scope_types"];
                var expected = theirs is null ? null : theirs.AsArray().Select(s => s!.GetValue<string>()).ToArray();
                Assert.True(
                    (expected is null && ours.ScopeTypes(rule.Name) is null) || (expected is not null && ours.ScopeTypes(rule.Name)?.SequenceEqual(expected) == true),
                    $"{name} {rule.Name}: oslo.policy [{(expected is null ? "None" : string.Join(", ", expected))}], ours [{(ours.ScopeTypes(rule.Name) is { } s ? string.Join(", ", s) : "None")}]");
            }
        }
    }

    [Fact]
    public void All_RuleNamesAndCheckStrings_AreGlanceRegistrations()
    {
        var oslo = RunEnforcer();

        var registered = oslo["registered"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Equal(registered, GlanceDefaults.All.Select(d => d.Name));
        foreach (var rule in GlanceDefaults.All)
        {
            var theirs = oslo["modes"]!["legacy"]![rule.Name]!;
            Assert.Equal(theirs["check_str"]!.GetValue<string>(), rule.CheckString);
            Assert.Equal(theirs["deprecated"]?.GetValue<string>(), rule.DeprecatedCheckString);
        }
    }

    [Fact]
    public void CheckString_EveryGlanceDefault_IsTheSampleGeneratorsJson()
    {
        var sample = JsonNode.Parse(OsloPython.RunCommand(SampleGenerator, "--namespace", "glance", "--format", "json"))!.AsObject();

        foreach (var rule in GlanceDefaults.All)
        {
            Assert.True(sample.ContainsKey(rule.Name), $"the sample has no {rule.Name}");
            Assert.Equal(sample[rule.Name]!.GetValue<string>(), rule.CheckString);
        }
    }

    [Fact]
    public void CheckString_EveryGlanceDefault_IsTheSampleGeneratorsYaml()
    {
        var yaml = OsloPython.RunCommand(SampleGenerator, "--namespace", "glance", "--format", "yaml");
        var sample = SampleLine().Matches(yaml).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["check"].Value, StringComparer.Ordinal);

        foreach (var rule in GlanceDefaults.All)
        {
            Assert.True(sample.ContainsKey(rule.Name), $"the YAML sample has no {rule.Name}");
            Assert.Equal(sample[rule.Name], rule.CheckString);
        }
    }

    // The sample's default (new) check strings parse, in our parser, to what oslo.policy compiles in the secure mode.
    [Fact]
    public void Parse_SampleCheckStrings_GiveTheSecureModeRules()
    {
        var sample = JsonNode.Parse(OsloPython.RunCommand(SampleGenerator, "--namespace", "glance", "--format", "json"))!.AsObject();
        var secure = PolicyRules.Defaults(PolicyMode.Secure);

        foreach (var rule in GlanceDefaults.All)
        {
            Assert.Equal(secure.Describe(rule.Name), PolicyParser.Parse(sample[rule.Name]!.GetValue<string>()).OsloText);
        }
    }

    private static JsonNode RunEnforcer() => OsloPython.Run(EnforcerScript, new JsonObject
    {
        ["names"] = new JsonArray([.. GlanceDefaults.All.Select(d => JsonValue.Create(d.Name))]),
        ["modes"] = new JsonArray([.. Modes.Select(m => new JsonObject
        {
            ["name"] = m.Name,
            ["new_defaults"] = m.Mode.EnforceNewDefaults,
            ["scope"] = m.Mode.EnforceScope,
        })]),
    });

    // The commented default of each rule: #"name": "check string"
    [GeneratedRegex("^#\"(?<name>[^\"]+)\": \"(?<check>.*)\"$", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
