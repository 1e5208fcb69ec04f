using System.Text.Json;

namespace Glance.ImageStore.Members;

/// <summary>Glance's member view (image_members.py ResponseSerializer).</summary>
internal static class MemberJson
{
    public static void Write(Utf8JsonWriter writer, MemberRecord member)
    {
        writer.WriteStartObject();
        writer.WriteString("member_id", member.MemberId);
        writer.WriteString("image_id", member.ImageId);
        writer.WriteString("status", member.Status);
        writer.WriteString("created_at", member.CreatedAt);
        writer.WriteString("updated_at", member.UpdatedAt);
        writer.WriteString("schema", "/v2/schemas/member");
        writer.WriteEndObject();
    }

    public static void WriteList(Utf8JsonWriter writer, IEnumerable<MemberRecord> members)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("members");
        foreach (var member in members)
        {
            Write(writer, member);
        }

        writer.WriteEndArray();
        writer.WriteString("schema", "/v2/schemas/members");
        writer.WriteEndObject();
    }
}
