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

    /// <summary>
    /// Reads one of the agent's files: a file that cannot be read, is not valid, or is empty is a
    /// <see cref="ConfigurationException"/> naming it as <paramref name="what"/> ("model manifest x.json").
    /// </summary>
    public static T Read<T>(string path, string what)
        where T : class
    {
        try
        {
            using var stream = File.OpenRead(Path.GetFullPath(path));
            return JsonSerializer.Deserialize<T>(stream, Options) ?? throw new ConfigurationException($"{what}: the file is empty");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{what}: cannot be read: {e.Message}", e);
        }
        catch (JsonException e)
        {
            throw new ConfigurationException($"{what}: not a valid manifest: {e.Message}", e);
        }
    }
}
