using Glance.Policy.Language;

namespace Glance.Policy.Members;

/// <summary>
/// Glance's <c>ImageTarget</c> (glance/api/policy.py) over an image: <c>id</c> is the image id,
/// <c>project_id</c> the owner, <c>member_id</c> the image's <c>member</c> attribute — which
/// glance/db/__init__.py sets to <b>the caller's own project</b> when the image is shared and the
/// caller is not its owner, else None — then the image's attributes, then its custom properties;
/// any other key is missing (the check naming it fails; Glance would also read <c>tags</c>,
/// <c>created_at</c> and <c>updated_at</c>, which no default names). Values are Python's <c>str()</c>.
/// Built once per decision; lookups allocate nothing.
/// </summary>
public sealed class ImageTarget : IPolicyTarget
{
    private readonly ImageFacts _image;
    private readonly string _member;
    private readonly string _owner;

    /// <summary>The target of <paramref name="image"/> for a caller of project <paramref name="callerProject"/>.</summary>
    public ImageTarget(ImageFacts image, string? callerProject)
    {
        ArgumentNullException.ThrowIfNull(image);
        _image = image;
        _owner = PythonText.Of(image.Owner);
        _member = PythonText.Of(image.IsShared && !string.Equals(callerProject, image.Owner, StringComparison.Ordinal) ? callerProject : null);
    }

    /// <inheritdoc />
    public bool TryGetValue(string key, out string value)
    {
        switch (key)
        {
            case "id" or "image_id": value = _image.Id; return true;
            case "project_id" or "owner": value = _owner; return true;
            case "member_id" or "member": value = _member; return true;
            case "visibility": value = _image.Visibility; return true;
            case "status": value = _image.Status; return true;
            case "name": value = PythonText.Of(_image.Name); return true;
            case "protected": value = PythonText.Of(_image.Protected); return true;
            case "os_hidden": value = PythonText.Of(_image.OsHidden); return true;
            case "min_disk": value = PythonText.Of(_image.MinDisk); return true;
            case "min_ram": value = PythonText.Of(_image.MinRam); return true;
            case "disk_format": value = PythonText.Of(_image.DiskFormat); return true;
            case "container_format": value = PythonText.Of(_image.ContainerFormat); return true;
            case "size": value = PythonText.Of(_image.Size); return true;
            case "virtual_size": value = PythonText.Of(_image.VirtualSize); return true;
            case "checksum": value = PythonText.Of(_image.Checksum); return true;
            case "os_hash_algo": value = PythonText.Of(_image.OsHashAlgo); return true;
            case "os_hash_value": value = PythonText.Of(_image.OsHashValue); return true;
        }

        if (_image.Properties is { } properties && properties.TryGetValue(key, out var property))
        {
            value = property;
            return true;
        }

        value = string.Empty;
        return false;
    }
}
