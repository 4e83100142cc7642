namespace EdgeAgent.Common.Observations;

/// <summary>
/// The three categories MegaDetector reports and that alert rules are written against.
/// The numeric values are MegaDetector's category ids ("1", "2", "3" in its batch output).
/// </summary>
public enum DetectionCategory
{
    /// <summary>Any animal; the species is kept in <see cref="Detection.Label"/>.</summary>
    Animal = 1,

    /// <summary>A person: a ranger, a tourist or a poacher.</summary>
    Person = 2,

    /// <summary>A vehicle: car, truck, motorcycle, boat…</summary>
    Vehicle = 3,
}

/// <summary>Parsing and naming of <see cref="DetectionCategory"/> in MegaDetector's words.</summary>
public static class DetectionCategories
{
    /// <summary>MegaDetector's <c>detection_categories</c> table: id → name.</summary>
    public static IReadOnlyDictionary<string, string> MegaDetectorTable { get; } = new Dictionary<string, string>
    {
        ["1"] = "animal",
        ["2"] = "person",
        ["3"] = "vehicle",
    };

    /// <summary>The lower-case name used in manifests, output and rules.</summary>
    public static string Name(this DetectionCategory category) => category switch
    {
        DetectionCategory.Animal => "animal",
        DetectionCategory.Person => "person",
        DetectionCategory.Vehicle => "vehicle",
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, "not a detection category"),
    };

    /// <summary>Parses <c>animal</c>, <c>person</c> or <c>vehicle</c> (any case).</summary>
    public static bool TryParse(string? name, out DetectionCategory category)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "animal": category = DetectionCategory.Animal; return true;
            case "person": category = DetectionCategory.Person; return true;
            case "vehicle": category = DetectionCategory.Vehicle; return true;
            default: category = default; return false;
        }
    }
}
