namespace EdgeAgent.Common;

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

/// <summary>One options class per configuration section: bound strictly, checked at start-up, read with every problem named.</summary>
public static class OptionsSections
{
    /// <summary>Binds a section, rejecting unknown keys, and checks it when first read.</summary>
    public static IServiceCollection AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class, ISelfValidating
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section), o => o.ErrorOnUnknownConfiguration = true).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>, SelfValidator<T>>();
        return services;
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
}
