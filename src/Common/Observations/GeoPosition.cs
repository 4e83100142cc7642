namespace EdgeAgent.Common.Observations;

/// <summary>A point on the earth, WGS 84 degrees.</summary>
/// <param name="Latitude">North positive, −90 to 90.</param>
/// <param name="Longitude">East positive, −180 to 180.</param>
public readonly record struct GeoPosition(double Latitude, double Longitude)
{
    /// <summary>The position, where both values are known; null otherwise.</summary>
    public static GeoPosition? Of(double? latitude, double? longitude) =>
        latitude is { } la && longitude is { } lo ? new GeoPosition(la, lo) : null;

    /// <summary>Whether both values lie in their ranges.</summary>
    public bool IsValid => Latitude is >= -90 and <= 90 && Longitude is >= -180 and <= 180;

    /// <summary>A link that opens the position on a map, in a browser or a phone's map app.</summary>
    public string MapLink => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"https://www.openstreetmap.org/?mlat={Latitude:0.######}&mlon={Longitude:0.######}#map=15/{Latitude:0.######}/{Longitude:0.######}");

    /// <inheritdoc />
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Latitude:0.######}, {Longitude:0.######}");
}
