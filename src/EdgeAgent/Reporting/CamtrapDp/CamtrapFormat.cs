namespace EdgeAgent.Reporting.CamtrapDp;

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using EdgeAgent.Common.Observations;

/// <summary>Values as Camtrap DP writes them, and its tables as CSV files: what every table's writer shares.</summary>
internal static class CamtrapFormat
{
    /// <summary>Numbers and dates are written in the invariant culture, whatever the machine's.</summary>
    internal static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>A time in UTC to the second, as the standard's schemas ask.</summary>
    internal static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", C);

    /// <summary>A stable identifier for a record: the same source and key give the same id in every export.</summary>
    internal static string Id(string prefix, string source, string key) =>
        prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{source}\u001f{key}")).AsSpan(0, 8));

    /// <summary>A taxon's scientific name as checklists write it: the genus (or the one name) capitalized, the epithet not.</summary>
    internal static string ScientificName(Taxon taxon) => Capitalized(taxon.ScientificName);

    /// <summary>The name with its first letter capitalized (the taxonomy is lowercase).</summary>
    internal static string Capitalized(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];

    /// <summary>A row in the order of <paramref name="columns"/>, empty where no value is given.</summary>
    internal static string[] Fields(string[] columns, Dictionary<string, string?> values) => columns.Select(c => values.GetValueOrDefault(c) ?? "").ToArray();

    /// <summary>Opens a table's CSV file and writes its header.</summary>
    internal static StreamWriter Table(string path, string[] header)
    {
        var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.WriteLine(string.Join(',', header));
        return writer;
    }

    /// <summary>Writes one row, quoted where CSV needs it.</summary>
    internal static void Row(StreamWriter writer, string[] values) => writer.WriteLine(ReportFiles.Row(values));
}
