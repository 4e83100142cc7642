namespace EdgeAgent.Species;

using System.Globalization;
using EdgeAgent.Common.Observations;

/// <summary>
/// The taxon behind each class of a classifier, and the roll-up that turns its scores into an honest
/// answer: the top class when it is sure enough, else the first rank above it whose classes together
/// are (genus, family, order, class), else <c>animal</c>. With a list of the taxa expected where the
/// camera stands, a class outside it first becomes its lowest ancestor that is on the list's branches
/// (an ice bear where only black bears live: genus <c>ursus</c>).
/// </summary>
public sealed class Taxonomy
{
    private readonly Taxon?[] _taxa;

    private Taxonomy(Taxon?[] taxa) => _taxa = taxa;

    /// <summary>No class is an animal.</summary>
    public static Taxonomy Empty { get; } = new([]);

    /// <summary>The taxon of each class; null for a class that is not an animal.</summary>
    public IReadOnlyList<Taxon?> Taxa => _taxa;

    /// <summary>A taxonomy from its lines, for classes named by <paramref name="labels"/>.</summary>
    public static Taxonomy Parse(IEnumerable<string> lines, IReadOnlyList<string> labels, string source)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(labels);
        var taxa = new Taxon?[labels.Count];
        var number = 0;
        foreach (var line in lines)
        {
            number++;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var split = line.IndexOf(';', StringComparison.Ordinal);
            if (split < 0 || !int.TryParse(line.AsSpan(0, split), NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= labels.Count)
            {
                throw new ConfigurationException($"taxonomy {source} line {number}: '{line}' does not start with a class index below {labels.Count} and ';'");
            }

            try
            {
                taxa[index] = Taxon.Parse(line[(split + 1)..]);
            }
            catch (FormatException e)
            {
                throw new ConfigurationException($"taxonomy {source} line {number}: {e.Message}", e);
            }
        }

        return new Taxonomy(taxa);
    }

    /// <summary>Reads a taxonomy file.</summary>
    public static Taxonomy Load(string path, IReadOnlyList<string> labels)
    {
        try
        {
            return Parse(File.ReadLines(path), labels, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"taxonomy {path} cannot be read: {e.Message}", e);
        }
    }

    /// <summary>
    /// The answer for one crop's class scores: the top class's taxon (after the expected list) when
    /// the classes with that taxon sum to <paramref name="threshold"/>, else the first rank above it
    /// whose classes sum to it, else <c>animal</c> with the animals' summed score. Classes that are not
    /// animals count for nothing.
    /// </summary>
    public (Taxon Taxon, float Score) RollUp(ReadOnlySpan<float> scores, float threshold, ExpectedTaxa? expected = null)
    {
        var answers = new Dictionary<Taxon, float>();
        var total = 0f;
        for (var i = 0; i < Math.Min(scores.Length, _taxa.Length); i++)
        {
            if (_taxa[i] is not { } taxon)
            {
                continue;
            }

            var allowed = expected is { Names.Count: > 0 } ? expected.Allow(taxon) : taxon;
            answers[allowed] = answers.GetValueOrDefault(allowed) + scores[i];
            total += scores[i];
        }

        if (answers.Count == 0)
        {
            return (Taxon.Animal, 0f);
        }

        var top = answers.MaxBy(a => a.Value).Key;
        if (answers[top] >= threshold)
        {
            return (top, answers[top]);
        }

        foreach (var rank in Taxon.Ranks.Reverse())
        {
            var above = top.Above(rank);
            if (above == Taxon.Animal)
            {
                continue;
            }

            var sum = answers.Where(a => a.Key.Above(rank) == above).Sum(a => a.Value);
            if (sum >= threshold)
            {
                return (above, sum);
            }
        }

        return (Taxon.Animal, total);
    }

    /// <summary>
    /// The answer sought under <paramref name="within"/> (the taxon the detector's label supports):
    /// null when less than <paramref name="share"/> of the animals' score lies under it; else the
    /// roll-up of the scores under it, each taken as a share of their sum — <paramref name="within"/>
    /// itself when no finer rank reaches the threshold.
    /// </summary>
    public (Taxon Taxon, float Score)? RollUpWithin(ReadOnlySpan<float> scores, Taxon within, float share, float threshold, ExpectedTaxa? expected = null)
    {
        ArgumentNullException.ThrowIfNull(within);
        var under = new float[scores.Length];
        var (inside, total) = (0f, 0f);
        for (var i = 0; i < Math.Min(scores.Length, _taxa.Length); i++)
        {
            if (_taxa[i] is not { } taxon)
            {
                continue;
            }

            total += scores[i];
            if (taxon.IsWithin(within.ScientificName))
            {
                under[i] = scores[i];
                inside += scores[i];
            }
        }

        if (inside <= 0 || inside < share * total)
        {
            return null;
        }

        for (var i = 0; i < under.Length; i++)
        {
            under[i] /= inside;
        }

        var (answer, score) = RollUp(under, threshold, expected);
        return answer.IsWithin(within.ScientificName) ? (answer, score) : (within, 1f);
    }
}

/// <summary>Taxa expected at a place, and every name on their branches (they and the ranks above them).</summary>
/// <param name="Names">The taxa, as configured.</param>
/// <param name="Branches">Their names and those of every rank above them.</param>
public sealed record ExpectedTaxa(IReadOnlyList<string> Names, IReadOnlySet<string> Branches)
{
    /// <summary>
    /// The taxa expected where the camera stands, named at any rank; each is looked up among
    /// <paramref name="known"/> (what the models can report) so that the ranks above it are known
    /// too (<c>ursus americanus</c> lies under <c>ursidae</c>). Names no model reports still hold
    /// what lies under them.
    /// </summary>
    public static ExpectedTaxa Resolve(IReadOnlyList<string> names, IEnumerable<Taxon> known)
    {
        ArgumentNullException.ThrowIfNull(names);
        var taxa = known.SelectMany(t => t.WithAncestors).Distinct().ToList();
        var trimmed = names.Select(n => n.Trim()).ToArray();
        var branches = new HashSet<string>(trimmed, StringComparer.OrdinalIgnoreCase);
        foreach (var name in trimmed)
        {
            foreach (var taxon in taxa.Where(t => t.ScientificName.Equals(name, StringComparison.OrdinalIgnoreCase) || t.CommonName.Equals(name, StringComparison.OrdinalIgnoreCase)))
            {
                branches.UnionWith(taxon.Lineage);
            }
        }

        return new ExpectedTaxa(trimmed, branches);
    }

    /// <summary>
    /// A taxon as the list allows it: itself when it lies under an expected taxon, else its lowest
    /// ancestor on an expected taxon's branch (an ice bear where black bears are expected: genus
    /// <c>ursus</c>), else <c>animal</c>.
    /// </summary>
    public Taxon Allow(Taxon taxon)
    {
        ArgumentNullException.ThrowIfNull(taxon);
        if (Names.Any(taxon.IsWithin))
        {
            return taxon;
        }

        foreach (var rank in Taxon.Ranks.Reverse().Skip(1))
        {
            var above = taxon.Above(rank);
            if (above != Taxon.Animal && Branches.Contains(above.ScientificName))
            {
                return above;
            }
        }

        return Taxon.Animal;
    }
}
