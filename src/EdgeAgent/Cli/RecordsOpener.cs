namespace EdgeAgent.Cli;

using EdgeAgent.Common.Observations;
using EdgeAgent.Detection;
using EdgeAgent.Recording;

/// <summary>Opens the records for the verbs that read them (<c>counts</c>, <c>export</c>, <c>report</c>), read-only.</summary>
internal static class RecordsOpener
{
    /// <summary>
    /// The records in <paramref name="database"/>, with the taxa of the configured detector's labels
    /// (<paramref name="manifest"/>, else the default model's) for animals recorded before records
    /// kept taxa; a manifest that cannot be read leaves those animals known by their label.
    /// </summary>
    public static (RecordQueries Records, string ModelName) Open(string database, string? manifest)
    {
        IReadOnlyDictionary<string, Taxon>? taxa = null;
        var modelName = "";
        try
        {
            var model = ModelManifest.Load(manifest is { Length: > 0 } ? manifest : ModelManifest.DefaultPath);
            (taxa, modelName) = (model.LabelTaxa, model.Name);
        }
        catch (ConfigurationException)
        {
        }

        return (new RecordQueries(database, taxa), modelName);
    }
}
