using BenchmarkDotNet.Running;
using Glance.Gateway.Benchmarks;

// run.sh's helpers: `keystone-stub URL` serves the Keystone stand-in for the load runs;
// `seed STORE_URL IMAGE THREADS PER_THREAD` adds the members they delete. Anything else goes to
// BenchmarkDotNet (e.g. `--filter *`).
if (args.Length == 2 && args[0] == "keystone-stub")
{
    await KeystoneStub.RunAsync(args[1]);
    return 0;
}

if (args.Length == 5 && args[0] == "seed")
{
    return await Seeder.RunAsync(args[1], args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture), int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture));
}

BenchmarkSwitcher.FromAssembly(typeof(PolicyBenchmarks).Assembly).Run(args);
return 0;
