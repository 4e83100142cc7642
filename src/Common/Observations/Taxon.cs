namespace EdgeAgent.Common.Observations;

using System.Text.Json.Serialization;

/// <summary>
/// A name in the tree of life at one rank, with the ranks above it, as Camtrap DP and MegaDetector's
/// classification descriptions write them: <c>class;order;family;genus;species;common name</c>,
/// lowercase, empty where the taxon is coarser. The species field holds the epithet alone
/// (<c>africana</c>); <see cref="ScientificName"/> joins it to the genus.
/// </summary>
public sealed record Taxon(string Class, string Order, string Family, string Genus, string Species, string CommonName)
{
    /// <summary>The ranks from the coarsest, in Camtrap DP's words (the whole kingdom is <see cref="Animal"/>).</summary>
    public static IReadOnlyList<string> Ranks => RankOrder;

    private static readonly List<string> RankOrder = ["class", "order", "family", "genus", "species"];

    /// <summary>Any animal: what an answer rolls up to when no rank is sure enough.</summary>
    public static readonly Taxon Animal = new("", "", "", "", "", "animal");

    /// <summary>The finest rank given: <c>species</c> … <c>class</c>, or <c>kingdom</c> for <see cref="Animal"/>.</summary>
    [JsonIgnore]
    public string Rank => Species.Length > 0 ? "species" : Genus.Length > 0 ? "genus" : Family.Length > 0 ? "family" : Order.Length > 0 ? "order" : Class.Length > 0 ? "class" : "kingdom";

    /// <summary>The scientific name at <see cref="Rank"/>: <c>loxodonta africana</c>, <c>bovidae</c>, <c>animalia</c>.</summary>
    [JsonIgnore]
    public string ScientificName => Rank switch
    {
        "species" => $"{Genus} {Species}",
        "genus" => Genus,
        "family" => Family,
        "order" => Order,
        "class" => Class,
        _ => "animalia",
    };

    /// <summary>
    /// How people read it: the common name with the scientific name (<c>african elephant (Loxodonta
    /// africana)</c>), the rank where there is no common name (<c>family Bovidae</c>), <c>animal</c>.
    /// </summary>
    [JsonIgnore]
    public string Display
    {
        get
        {
            var scientific = Capitalized(ScientificName);
            return Rank == "kingdom" ? "animal"
                : CommonName.Length > 0 && !string.Equals(CommonName, ScientificName, StringComparison.OrdinalIgnoreCase) ? $"{CommonName} ({scientific})"
                : $"{Rank} {scientific}";
        }
    }

    /// <summary>The taxonomy string: <c>class;order;family;genus;species;common name</c>.</summary>
    [JsonIgnore]
    public string Description => string.Join(';', Class, Order, Family, Genus, Species, CommonName);

    /// <summary>Every name the taxon lies under or is, coarsest first (<c>mammalia</c> … <c>loxodonta africana</c>).</summary>
    [JsonIgnore]
    public IEnumerable<string> Lineage
    {
        get
        {
            foreach (var name in new[] { Class, Order, Family, Genus })
            {
                if (name.Length > 0)
                {
                    yield return name;
                }
            }

            if (Species.Length > 0)
            {
                yield return ScientificName;
            }
        }
    }

    /// <summary>Reads <c>class;order;family;genus;species;common name</c>; null for a line that names no rank.</summary>
    public static Taxon? Parse(string description)
    {
        ArgumentNullException.ThrowIfNull(description);
        var fields = description.Split(';').Select(f => f.Trim().ToLowerInvariant()).ToArray();
        if (fields.Length != 6)
        {
            throw new FormatException($"'{description}' is not class;order;family;genus;species;common name (6 fields)");
        }

        if (fields[4].Length > 0 && fields[3].Length == 0)
        {
            throw new FormatException($"'{description}' names a species without its genus");
        }

        var taxon = new Taxon(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
        return taxon.Rank == "kingdom" ? null : taxon;
    }

    /// <summary>
    /// True when this taxon is <paramref name="name"/> or lies under it: a scientific name at any rank
    /// (<c>felidae</c>, <c>loxodonta africana</c>) or the common name; <c>animal</c> holds every taxon.
    /// </summary>
    public bool IsWithin(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var wanted = name.Trim();
        return wanted.Equals("animal", StringComparison.OrdinalIgnoreCase) || wanted.Equals("animalia", StringComparison.OrdinalIgnoreCase)
            || (CommonName.Length > 0 && wanted.Equals(CommonName, StringComparison.OrdinalIgnoreCase))
            || Lineage.Any(n => n.Equals(wanted, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// The taxon at <paramref name="rank"/> that this one lies under, or is (<c>kingdom</c>:
    /// <see cref="Animal"/>), without a common name: the common name named a finer taxon, or one of
    /// several classes (dog breeds) that share the rank.
    /// </summary>
    public Taxon Above(string rank)
    {
        var keep = RankOrder.IndexOf(rank);
        var cut = keep < 0 ? Animal : new Taxon(Class, keep >= 1 ? Order : "", keep >= 2 ? Family : "", keep >= 3 ? Genus : "", keep >= 4 ? Species : "", "");
        return cut.Rank == "kingdom" ? Animal : cut;
    }

    /// <summary>This taxon and every rank above it that it names.</summary>
    [JsonIgnore]
    public IEnumerable<Taxon> WithAncestors => Ranks.Select(Above).Prepend(this).Distinct();

    private static string Capitalized(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];
}

/// <summary>What an animal was named: the answer after roll-up, its score, and how it was reached.</summary>
/// <param name="Taxon">The answer: a species, or the coarser taxon whose summed score passed the threshold.</param>
/// <param name="Score">The answer's score (summed over the classes under it).</param>
/// <param name="Method">The classifier's name, or <c>detector</c> when the detector's own label was all there was.</param>
/// <param name="Top">The classifier's raw best classes, best first: kept beside the answer.</param>
public sealed record Classification(Taxon Taxon, float Score, string Method, IReadOnlyList<ScoredClass> Top)
{
    /// <summary>How people read it: <c>african elephant (Loxodonta africana) 0.95</c>.</summary>
    [JsonIgnore]
    public string Display => $"{Taxon.Display} {Score.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <summary>One class of a classifier with its score, and its taxon (null when the class is not an animal).</summary>
public sealed record ScoredClass(string Label, float Score, Taxon? Taxon);
