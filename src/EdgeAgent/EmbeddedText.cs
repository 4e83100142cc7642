namespace EdgeAgent;

/// <summary>Text files built into the executable (style sheets, scripts): kept as files so they are edited as what they are.</summary>
internal static class EmbeddedText
{
    /// <summary>The file at <paramref name="path"/> (relative to the project, with forward slashes).</summary>
    public static string Read(string path)
    {
        var name = "EdgeAgent." + path.Replace('/', '.');
        using var stream = typeof(EmbeddedText).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{name} is not built into the executable");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
