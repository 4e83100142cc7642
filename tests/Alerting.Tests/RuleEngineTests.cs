namespace Alerting.Tests;

using EdgeAgent.Common.Observations;
using EdgeAgent.Alerting.Rules;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

public sealed class RuleEngineTests
{
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 11, 26, 2, 14, 0, TimeSpan.Zero));
    private readonly RuleEngine _rules;

    public RuleEngineTests()
    {
        _rules = new RuleEngine(
            Options.Create(new AlertingOptions
            {
                Rules =
                [
                    new AlertRule { Name = "any-person", Objects = ["person"], MinConfidence = 0.5f, Severity = AlertSeverity.Warning, Cooldown = TimeSpan.FromMinutes(5) },
                    new AlertRule { Name = "sure-person", Objects = ["person"], MinConfidence = 0.9f, Severity = AlertSeverity.Critical, Cooldown = TimeSpan.FromMinutes(5) },
                    new AlertRule { Name = "elephants", Objects = ["elephant"], Severity = AlertSeverity.Info, Recipients = ["ecologist@example.org"] },
                ],
            }),
            _time,
            NullLogger<RuleEngine>.Instance);
    }

    private Alert? See(string source, string label, float confidence)
    {
        var category = label == "person" ? DetectionCategory.Person : DetectionCategory.Animal;
        return _rules.Decide(new Observation(source, _time.Now, null, new Detection(label, category, confidence, default)), []);
    }

    [Fact]
    public void A_burst_confirmation_out_of_range_is_named_with_its_rule()
    {
        var options = new AlertingOptions
        {
            Rules =
            [
                new AlertRule { Name = "fine", Confirm = new BurstConfirmation() },
                new AlertRule { Name = "too-sure", Confirm = new BurstConfirmation { Below = 1.5f } },
                new AlertRule { Name = "too-long", Confirm = new BurstConfirmation { BurstGap = TimeSpan.FromHours(1) } },
            ],
        };

        var problems = options.Problems().ToList();

        Assert.Equal(2, problems.Count);
        Assert.StartsWith("Alerting:Rules:1:Confirm: Below must lie in (0, 1]", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("Alerting:Rules:2:Confirm:", problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void One_animal_in_front_of_a_camera_makes_one_alert_per_cooldown()
    {
        Assert.NotNull(See("CT-07", "person", 0.6f));
        _time.Now += TimeSpan.FromMinutes(1);
        Assert.Null(See("CT-07", "person", 0.6f));
        _time.Now += TimeSpan.FromMinutes(4);
        Assert.NotNull(See("CT-07", "person", 0.6f));
    }

    [Fact]
    public void An_alert_that_went_out_one_severity_lower_does_not_block_a_sure_one_of_its_rules_severity()
    {
        var unsure = See("CT-07", "person", 0.92f)!;
        Assert.Equal(AlertSeverity.Critical, unsure.Severity);

        // Its burst never confirmed it: it went out as a warning.
        _rules.Settle(unsure with { Severity = AlertSeverity.Warning });
        _time.Now += TimeSpan.FromMinutes(1);

        Assert.Equal(AlertSeverity.Critical, See("CT-07", "person", 0.95f)?.Severity);
        Assert.Null(See("CT-07", "person", 0.95f));
    }

    [Fact]
    public void Settling_an_older_alert_leaves_the_newer_cooldown_as_it_is()
    {
        var first = See("CT-07", "person", 0.92f)!;
        _time.Now += TimeSpan.FromMinutes(6);
        Assert.NotNull(See("CT-07", "person", 0.92f));

        _rules.Settle(first with { Severity = AlertSeverity.Warning });

        Assert.Null(See("CT-07", "person", 0.95f));
    }

    [Fact]
    public void A_more_severe_observation_alerts_within_the_cooldown()
    {
        Assert.Equal(AlertSeverity.Warning, See("CT-07", "person", 0.6f)!.Severity);
        _time.Now += TimeSpan.FromSeconds(10);

        var worse = See("CT-07", "person", 0.95f);

        Assert.Equal(AlertSeverity.Critical, worse!.Severity);
        Assert.Equal("sure-person", worse.Rule);
        Assert.Null(See("CT-07", "person", 0.95f));
    }

    [Fact]
    public void Cooldown_is_per_source_and_label()
    {
        Assert.NotNull(See("CT-07", "person", 0.6f));
        Assert.NotNull(See("CT-08", "person", 0.6f));
        Assert.NotNull(See("CT-07", "elephant", 0.6f));
    }

    [Fact]
    public void Alerts_carry_the_rules_recipients_and_their_own_id()
    {
        var first = See("CT-07", "elephant", 0.6f)!;
        var second = See("CT-08", "elephant", 0.6f)!;

        Assert.Equal(["ecologist@example.org"], first.Recipients);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(32, first.Id.Length);
    }

    [Fact]
    public void Unmatched_objects_raise_nothing()
    {
        Assert.Null(See("CT-07", "zebra", 0.99f));
    }
}
