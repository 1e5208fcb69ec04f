using Glance.ImageStore;

// The store on its own: settings from the standard sources (appsettings, ImageStore__Url and
// ImageStore__DataPath in the environment, --ImageStore:Url=... arguments).
var configuration = new ConfigurationBuilder()
    .AddJsonFile("appsettings.json", optional: true)
    .AddEnvironmentVariables()
    .AddCommandLine(args)
    .Build();
var options = configuration.GetSection(ImageStoreOptions.SectionName).Get<ImageStoreOptions>() ?? new ImageStoreOptions();

var app = ImageStoreApplication.Build(options, logging => logging
    .AddConfiguration(configuration.GetSection("Logging"))
    .AddSimpleConsole(console => console.SingleLine = true));
app.Run();
