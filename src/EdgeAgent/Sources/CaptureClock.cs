namespace EdgeAgent.Sources;

using System.Globalization;

/// <summary>When a picture was taken, as far as can be told, and why its camera's own word was not taken.</summary>
/// <param name="At">The capture time the records use.</param>
/// <param name="Issue">Why the camera's time was not believed or not there; null when it was.</param>
/// <param name="CameraTime">What the camera's clock said (EXIF), when it said anything.</param>
public readonly record struct CaptureTime(DateTimeOffset At, string? Issue, DateTimeOffset? CameraTime);

/// <summary>
/// Camera-trap clocks lie: after a battery change they restart at 2000-01-01 or the firmware's date,
/// or were set to another time zone. A capture time in the future, before the camera was deployed or
/// more than a set span before the picture arrived cannot be right: the picture is taken as captured
/// when it arrived — so it is on the map and in the recent counts — and flagged, with the camera's own
/// time kept. A picture without EXIF time is dated by its file and flagged as such.
/// </summary>
public static class CaptureClock
{
    /// <summary>How far ahead of arrival a capture time may be (a camera a time zone ahead, uploads that are quick).</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromDays(1);

    /// <summary>Judges a picture's capture time.</summary>
    /// <param name="exif">The EXIF capture time in the camera's zone, if any.</param>
    /// <param name="fileTime">The file's last write time.</param>
    /// <param name="arrived">When the agent took the picture.</param>
    /// <param name="deployedSince">When the camera was deployed, if configured.</param>
    /// <param name="maxAge">Oldest a capture time may be when it arrives; null: any age.</param>
    public static CaptureTime Judge(DateTimeOffset? exif, DateTimeOffset fileTime, DateTimeOffset arrived, DateTimeOffset? deployedSince, TimeSpan? maxAge)
    {
        if (exif is not { } said)
        {
            return new CaptureTime(fileTime, "no EXIF capture time: dated by the file's time", null);
        }

        var c = CultureInfo.InvariantCulture;
        var issue = said > arrived + Slack ? string.Create(c, $"the camera's clock says {said:yyyy-MM-dd HH:mm}, in the future")
            : deployedSince is { } start && said < start ? string.Create(c, $"the camera's clock says {said:yyyy-MM-dd HH:mm}, before its deployment on {start:yyyy-MM-dd} (reset clock?)")
            : maxAge is { } age && arrived - said > age ? string.Create(c, $"the camera's clock says {said:yyyy-MM-dd HH:mm}, more than {age.TotalDays:0} days before the picture arrived (reset clock?)")
            : null;
        return issue is null ? new CaptureTime(said, null, said) : new CaptureTime(arrived, issue + ": dated by its arrival", said);
    }
}
