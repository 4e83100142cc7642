namespace EdgeAgent.Alerting;

using EdgeAgent.Alerting.Geofencing;
using EdgeAgent.Alerting.Outbox;
using EdgeAgent.Alerting.Rules;
using EdgeAgent.Alerting.Senders;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

/// <summary>The one registration point of the alerting stage.</summary>
public static class AlertingServiceCollectionExtensions
{
    /// <summary>
    /// Registers zones, rules, the outbox and its dispatcher, and the channels that are configured
    /// (e-mail when <c>Email:Host</c> is set, MQTT when <c>Mqtt:Host</c> is set).
    /// </summary>
    public static IServiceCollection AddAlerting(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddStateDatabase(configuration);
        services.AddValidatedOptions<AlertingOptions>(configuration);
        services.AddValidatedOptions<GeofencingOptions>(configuration);
        services.AddValidatedOptions<OutboxOptions>(configuration);
        services.AddValidatedOptions<EmailOptions>(configuration);
        services.AddValidatedOptions<MqttOptions>(configuration);

        services.AddSingleton(sp => ZoneMap.Load(sp.GetRequiredService<IOptions<GeofencingOptions>>().Value));
        services.AddSingleton<CameraRegistry>();
        services.AddSingleton<RuleEngine>();
        services.AddSingleton<AlertOutbox>();
        services.AddSingleton<OutboxQueries>();
        services.TryAddSingleton<IPictureFitter, SizeLimitPictureFitter>();

        if (!string.IsNullOrEmpty(configuration[$"{EmailOptions.SectionName}:Host"]))
        {
            services.AddSingleton<EmailSender>();
            services.AddSingleton<IAlertSender>(sp => sp.GetRequiredService<EmailSender>());
        }

        if (!string.IsNullOrEmpty(configuration[$"{MqttOptions.SectionName}:Host"]))
        {
            services.AddHostedSingleton<MqttConnection>();
            services.AddSingleton<IAlertSender>(sp => sp.GetRequiredService<MqttConnection>());
        }

        services.AddHostedSingleton<OutboxDispatcher>();
        services.AddSingleton(sp => new AlertRaiser(
            sp.GetRequiredService<ZoneMap>(),
            sp.GetRequiredService<CameraRegistry>(),
            sp.GetRequiredService<RuleEngine>(),
            sp.GetRequiredService<AlertOutbox>(),
            sp.GetServices<IAlertSender>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<AlertRaiser>>(),
            sp.GetService<MqttConnection>()));
        return services;
    }

    /// <summary>
    /// Reads every alerting option and the zones file now, so that a mistake stops start-up with a
    /// message naming the key; returns warnings that do not stop it.
    /// </summary>
    public static IReadOnlyList<string> VerifyAlertingConfiguration(this IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var problems = new List<string>();
        T? Read<T>()
            where T : class, IOptionsSection => services.ReadOptions<T>(problems);

        var alerting = Read<AlertingOptions>();
        var geofencing = Read<GeofencingOptions>();
        Read<OutboxOptions>();
        Read<DatabaseOptions>();
        var email = Read<EmailOptions>();
        Read<MqttOptions>();
        if (problems.Count > 0)
        {
            throw new ConfigurationException(string.Join(Environment.NewLine, problems));
        }

        var zones = services.GetRequiredService<ZoneMap>();
        var ids = zones.Zones.Select(z => z.Id).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < alerting!.Rules.Count; i++)
        {
            foreach (var unknown in alerting.Rules[i].Zones.Where(z => !ids.Contains(z)))
            {
                problems.Add($"Alerting:Rules:{i}:Zones: '{unknown}' is not a zone in {geofencing!.ZonesFile} (zones: {string.Join(", ", ids)})");
            }

            if (email!.Enabled && email.To.Count == 0 && alerting.Rules[i].Recipients.Count == 0)
            {
                problems.Add($"Alerting:Rules:{i}:Recipients: the rule has no recipients and Email:To is empty");
            }
        }

        if (problems.Count > 0)
        {
            throw new ConfigurationException(string.Join(Environment.NewLine, problems));
        }

        var warnings = zones.SwappedOrderSuspects(geofencing!.Cameras).ToList();
        if (!email!.Enabled && services.GetService<MqttConnection>() is null)
        {
            warnings.Add("neither Email:Host nor Mqtt:Host is set: alerts are recorded in the outbox but go nowhere");
        }

        return warnings;
    }
}
