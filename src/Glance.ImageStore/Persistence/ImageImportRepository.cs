using System.Text.Json;
using Glance.ImageStore.Images;

namespace Glance.ImageStore.Persistence;

/// <summary>
/// The image changes of stage and import: read the row, change it in memory, write it back only
/// when its status and its extra properties are still what was read (compare and swap, the
/// same SQL on both engines, no lock held while deciding). A lost race reads again. This is how
/// Glance's <c>set_property_atomic</c> (the <c>os_glance_import_task</c> lock) and the import
/// flow's <c>image_repo.save(image, from_state)</c> hold across replicas.
/// </summary>
internal sealed class ImageImportRepository(IStoreDatabase database)
{
    private const int Attempts = 20;

    /// <summary>
    /// Applies <paramref name="change"/> to the image (not deleted) and saves it; the function
    /// returns false to leave the image as it is. Returns the image as saved (or as read, when
    /// <paramref name="change"/> declined), or null when there is no such image.
    /// </summary>
    public async Task<(ImageRecord? Image, bool Saved)> MutateAsync(string id, Func<ImageRecord, bool> change, string now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var (image, properties) = await ReadAsync(id, cancellationToken);
            if (image is null)
            {
                return (null, false);
            }

            var status = image.Status;
            if (!change(image))
            {
                return (image, false);
            }

            image.UpdatedAt = now;
            await using var lease = await database.OpenForWriteAsync(cancellationToken);
            await using var command = lease.Connection.Command(
                "UPDATE images SET status = @status, size = @size, virtual_size = @virtual_size, checksum = @checksum, "
                + "os_hash_algo = @os_hash_algo, os_hash_value = @os_hash_value, properties = @properties, updated_at = @updated_at "
                + "WHERE id = @id AND deleted = FALSE AND status = @old_status AND properties = @old_properties");
            command.Text("@id", id)
                .Text("@status", image.Status)
                .Int64("@size", image.Size)
                .Int64("@virtual_size", image.VirtualSize)
                .Text("@checksum", image.Checksum)
                .Text("@os_hash_algo", image.OsHashAlgo)
                .Text("@os_hash_value", image.OsHashValue)
                .Text("@properties", Serialize(image.Properties))
                .Text("@updated_at", now)
                .Text("@old_status", status)
                .Text("@old_properties", properties);
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return (image, true);
            }
        }

        throw new InvalidOperationException($"Image {id} kept changing while an import step tried to save it.");
    }

    private async Task<(ImageRecord? Image, string Properties)> ReadAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT " + ImageRepository.Columns + ", FALSE FROM images WHERE id = @id AND deleted = FALSE");
        command.Text("@id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (ImageRepository.Read(reader, callerIsMember: false), reader.GetString(17))
            : (null, string.Empty);
    }

    private static string Serialize(List<KeyValuePair<string, string>> properties) =>
        JsonSerializer.Serialize(properties.ToDictionary(), StoreJsonContext.Default.DictionaryStringString);
}
