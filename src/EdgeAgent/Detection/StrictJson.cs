namespace EdgeAgent.Detection;

using System.Text.Json;
using System.Text.Json.Serialization;

/// <summary>How the agent reads its own JSON files (manifests, masks): comments allowed, unknown keys refused, enums in kebab case.</summary>
internal static class StrictJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };
}
