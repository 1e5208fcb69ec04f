// Placeholder: the gateway helper replaces this.
var app = WebApplication.CreateBuilder(args).Build();
app.Run();
