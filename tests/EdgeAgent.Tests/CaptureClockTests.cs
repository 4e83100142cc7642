namespace EdgeAgent.Tests;

using EdgeAgent.Sources;

public sealed class CaptureClockTests
{
    private static readonly DateTimeOffset Arrived = new(2026, 12, 1, 6, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset FileTime = Arrived.AddMinutes(-3);
    private static readonly DateTimeOffset Deployed = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_believable_camera_time_is_taken_as_it_is()
    {
        var dawn = Arrived.AddHours(-2);
        Assert.Equal(new CaptureTime(dawn, null, dawn), CaptureClock.Judge(dawn, FileTime, Arrived, Deployed, TimeSpan.FromDays(90)));

        // A camera set an hour ahead (another time zone) is within the slack.
        Assert.Null(CaptureClock.Judge(Arrived.AddHours(1), FileTime, Arrived, Deployed, null).Issue);
    }

    [Theory]
    [InlineData("2000-01-01T00:00:00Z", "before its deployment")]
    [InlineData("2027-06-01T12:00:00Z", "in the future")]
    [InlineData("2026-10-15T12:00:00Z", "more than 30 days before the picture arrived")]
    public void A_time_that_cannot_be_right_is_flagged_and_the_picture_dated_by_its_arrival(string said, string why)
    {
        var exif = DateTimeOffset.Parse(said, System.Globalization.CultureInfo.InvariantCulture);
        var clock = CaptureClock.Judge(exif, FileTime, Arrived, Deployed, TimeSpan.FromDays(30));

        Assert.Equal(Arrived, clock.At);
        Assert.Equal(exif, clock.CameraTime);
        Assert.Contains(why, clock.Issue, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_deployment_date_or_an_age_limit_an_old_picture_is_believed_and_one_without_exif_is_dated_by_its_file()
    {
        var old = new DateTimeOffset(2010, 8, 4, 5, 43, 15, TimeSpan.Zero);
        Assert.Equal(old, CaptureClock.Judge(old, FileTime, Arrived, null, null).At);

        var noExif = CaptureClock.Judge(null, FileTime, Arrived, Deployed, null);
        Assert.Equal((FileTime, (DateTimeOffset?)null), (noExif.At, noExif.CameraTime));
        Assert.Contains("no EXIF capture time", noExif.Issue, StringComparison.Ordinal);
    }
}
