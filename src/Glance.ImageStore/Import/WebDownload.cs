using System.Net;
using System.Net.Sockets;

namespace Glance.ImageStore.Import;

/// <summary>
/// web-download's fetch (Glance's <c>open_external_uri</c>): the URI is filtered again when the
/// task runs and the connection goes to the address the filter resolved, never to a second DNS
/// answer; a redirect is followed (at most 5) only to a URI that passes the filter too.
/// </summary>
internal static class WebDownload
{
    private const int MaxRedirects = 5;

    /// <summary>
    /// The response to read the image from (its status checked) and the client that owns its
    /// connection (the caller disposes both), or an exception saying why there is none.
    /// </summary>
    public static async Task<(HttpClient Client, HttpResponseMessage Response)> OpenAsync(ImportUriFilter filter, string uri, CancellationToken cancellationToken)
    {
        var current = uri;
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            var (address, reason) = await filter.ValidateAsync(current, cancellationToken);
            if (address is null)
            {
                throw new InvalidOperationException(reason);
            }

            var client = new HttpClient(Pinned(address), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
            var response = await client.GetAsync(current, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                response.Dispose();
                client.Dispose();
                current = new Uri(new Uri(current), location).AbsoluteUri;
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                // urllib's HTTPError, as str() shows it: the status and the server's reason phrase.
                var status = response.StatusCode;
                var phrase = response.ReasonPhrase;
                response.Dispose();
                client.Dispose();
                throw new HttpRequestException($"HTTP Error {(int)status}: {phrase}", null, status);
            }

            return (client, response);
        }

        throw new InvalidOperationException($"Too many redirects fetching {uri}");
    }

    private static SocketsHttpHandler Pinned(IPAddress address) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        ConnectTimeout = TimeSpan.FromSeconds(30),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
