// Placeholder: the image-store helper replaces this.
var app = WebApplication.CreateBuilder(args).Build();
app.Run();
