namespace EdgeAgent.Common;

/// <summary>A <c>TimeZone</c> setting: an IANA name (e.g. <c>Africa/Nairobi</c>), or empty for none.</summary>
public static class TimeZoneSetting
{
    /// <summary>What is wrong with <paramref name="zone"/> as <c>:TimeZone: …</c>; null when it is empty or known.</summary>
    public static string? Problem(string zone) =>
        zone.Length > 0 && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _)
            ? $":TimeZone: '{zone}' is not a known time zone (use an IANA name such as Africa/Nairobi)"
            : null;
}
