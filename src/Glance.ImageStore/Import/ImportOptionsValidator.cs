namespace Glance.ImageStore.Import;

/// <summary>Start-up checks of <see cref="ImageImportOptions"/>, one line per wrong setting.</summary>
internal static class ImportOptionsValidator
{
    public static void Validate(ImageImportOptions? import, List<string> failures)
    {
        if (import is null)
        {
            failures.Add("ImageStore:Import must not be null.");
            return;
        }

        foreach (var method in import.MethodList())
        {
            if (!ImageImportOptions.SupportedMethods.Contains(method))
            {
                failures.Add($"ImageStore:Import:Methods names '{method}': the store implements glance-direct and web-download only (copy-image needs several stores).");
            }
        }

        if (import.TaskTimeToLiveHours < 1)
        {
            failures.Add("ImageStore:Import:TaskTimeToLiveHours must be at least 1.");
        }

        var filtering = import.Filtering;
        if (filtering is null)
        {
            failures.Add("ImageStore:Import:Filtering must not be null.");
            return;
        }

        foreach (var port in ImportFilteringOptions.Split(filtering.AllowedPorts).Concat(ImportFilteringOptions.Split(filtering.DisallowedPorts)))
        {
            if (!int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            {
                failures.Add($"ImageStore:Import:Filtering port '{port}' is not a number between 1 and 65535.");
            }
        }
    }
}
