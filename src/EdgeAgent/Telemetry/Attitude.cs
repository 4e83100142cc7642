namespace EdgeAgent.Telemetry;

/// <summary>
/// Which way a body points, as the three angles telemetry sends, in degrees; null where the sender
/// said nothing. For an aircraft: heading clockwise from true north, pitch nose up positive, roll
/// right wing down positive. For its sensor: azimuth, elevation up positive and roll.
/// </summary>
/// <param name="Yaw">Heading or azimuth.</param>
/// <param name="Pitch">Pitch or elevation.</param>
/// <param name="Roll">Roll.</param>
public readonly record struct Attitude(double? Yaw, double? Pitch, double? Roll)
{
    /// <summary>The attitude a share <paramref name="t"/> of the way to <paramref name="next"/>, yaw by the shorter way round.</summary>
    public Attitude Toward(Attitude next, double t) => new(
        Yaw is { } p && next.Yaw is { } q ? p + ((((q - p + 540) % 360) - 180) * t) : Yaw ?? next.Yaw,
        Linear(Pitch, next.Pitch, t),
        Linear(Roll, next.Roll, t));

    /// <summary>A share <paramref name="t"/> of the way from <paramref name="from"/> to <paramref name="to"/>; the one known where only one is.</summary>
    internal static double? Linear(double? from, double? to, double t) => from is { } p && to is { } q ? p + ((q - p) * t) : from ?? to;
}
