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
        AddSection<AlertingOptions>(services, configuration, AlertingOptions.SectionName);
        AddSection<GeofencingOptions>(services, configuration, GeofencingOptions.SectionName);
        AddSection<OutboxOptions>(services, configuration, OutboxOptions.SectionName);
        AddSection<EmailOptions>(services, configuration, EmailOptions.SectionName);
        AddSection<MqttOptions>(services, configuration, MqttOptions.SectionName);

        services.AddSingleton(sp => ZoneMap.Load(sp.GetRequiredService<IOptions<GeofencingOptions>>().Value));
        services.AddSingleton<CameraRegistry>();
        services.AddSingleton<RuleEngine>();
        services.AddSingleton<AlertOutbox>();
        services.TryAddSingleton<IPictureFitter, SizeLimitPictureFitter>();

        if (!string.IsNullOrEmpty(configuration[$"{EmailOptions.SectionName}:Host"]))
        {
            services.AddSingleton<EmailSender>();
            services.AddSingleton<IAlertSender>(sp => sp.GetRequiredService<EmailSender>());
        }

        if (!string.IsNullOrEmpty(configuration[$"{MqttOptions.SectionName}:Host"]))
        {
            services.AddSingleton<MqttConnection>();
            services.AddSingleton<IAlertSender>(sp => sp.GetRequiredService<MqttConnection>());
            services.AddHostedService(sp => sp.GetRequiredService<MqttConnection>());
        }

        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
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
        T? Read<T>(string section)
            where T : class => services.ReadOptions<T>(section, problems);

        var alerting = Read<AlertingOptions>(AlertingOptions.SectionName);
        var geofencing = Read<GeofencingOptions>(GeofencingOptions.SectionName);
        Read<OutboxOptions>(OutboxOptions.SectionName);
        var email = Read<EmailOptions>(EmailOptions.SectionName);
        Read<MqttOptions>(MqttOptions.SectionName);
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

    /// <summary>
    /// Reads an options section, adding its problems — failed checks, unknown keys, values of the
    /// wrong type, each named by its key — to <paramref name="problems"/>; null when there were any.
    /// </summary>
    public static T? ReadOptions<T>(this IServiceProvider services, string section, ICollection<string> problems)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(problems);
        try
        {
            return services.GetRequiredService<IOptions<T>>().Value;
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures)
            {
                problems.Add(failure);
            }
        }
        catch (InvalidOperationException e) when (e.Message.Contains("were not found on the instance", StringComparison.Ordinal))
        {
            problems.Add($"{section}: unknown key {e.Message[(e.Message.LastIndexOf(':') + 1)..].Trim()} (keys are case-insensitive; see deploy/edge-agent.example.json)");
        }
        catch (InvalidOperationException e)
        {
            // The binder's own words for a value of the wrong type name the key's path.
            problems.Add(e.Message);
        }

        return null;
    }

    /// <summary>Binds a section, rejecting unknown keys, and checks it when first read.</summary>
    public static IServiceCollection AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class, ISelfValidating
    {
        AddSection<T>(services, configuration, section);
        return services;
    }

    private static void AddSection<T>(IServiceCollection services, IConfiguration configuration, string section)
        where T : class, ISelfValidating
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section), o => o.ErrorOnUnknownConfiguration = true).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>, SelfValidator<T>>();
    }
}
