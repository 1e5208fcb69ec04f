using Glance.ImageStore;
using Microsoft.Extensions.Options;

// The store on its own: settings from the standard sources (appsettings, ImageStore__Url,
// ImageStore__DataPath, ImageStore__Policy__File ... in the environment, --ImageStore:Url=...
// arguments). The policy (mode and operator's file) is read once, here, at start.
var configuration = new ConfigurationBuilder()
    .AddJsonFile("appsettings.json", optional: true)
    .AddEnvironmentVariables()
    .AddCommandLine(args)
    .Build();
var options = configuration.GetSection(ImageStoreOptions.SectionName).Get<ImageStoreOptions>() ?? new ImageStoreOptions();
if (string.IsNullOrWhiteSpace(options.Database.ConnectionString))
{
    options.Database.ConnectionString = configuration.GetConnectionString("ImageStore");
}

WebApplication app;
try
{
    app = ImageStoreApplication.Build(options, logging => logging
        .AddConfiguration(configuration.GetSection("Logging"))
        .AddSimpleConsole(console => console.SingleLine = true));
}
catch (OptionsValidationException exception)
{
    // A configuration error: one line per wrong setting, no stack trace, and a failing exit code.
    foreach (var failure in exception.Failures)
    {
        await Console.Error.WriteLineAsync("Glance.ImageStore: " + failure);
    }

    return 2;
}

await app.RunAsync();
return 0;
