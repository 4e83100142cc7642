namespace EdgeAgent.Common;

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

/// <summary>One options class per configuration section: bound strictly, checked at start-up, read with every problem named.</summary>
public static partial class OptionsSections
{
    /// <summary>Binds the section of <typeparamref name="T"/>, rejecting unknown keys, and checks it when first read.</summary>
    public static IServiceCollection AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration)
        where T : class, IOptionsSection
    {
        services.AddOptions<T>().Bind(configuration.GetSection(T.SectionName), o => o.ErrorOnUnknownConfiguration = true).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>, SelfValidator<T>>();
        return services;
    }

    /// <summary>
    /// Reads an options section, adding its problems — failed checks, unknown keys, values of the
    /// wrong type, each named by its key — to <paramref name="problems"/>; null when there were any.
    /// </summary>
    public static T? ReadOptions<T>(this IServiceProvider services, ICollection<string> problems)
        where T : class, IOptionsSection
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
        catch (InvalidOperationException e)
        {
            problems.Add(BindingProblem(e, T.SectionName, services.GetService<IConfiguration>()));
        }

        return null;
    }

    /// <summary>
    /// The binder wraps what went wrong in "'ErrorOnUnknownConfiguration' was set and binding has
    /// failed"; the key and the value are in the exceptions inside.
    /// </summary>
    private static string BindingProblem(InvalidOperationException failure, string section, IConfiguration? configuration)
    {
        for (Exception? e = failure; e is not null; e = e.InnerException)
        {
            if (ConversionFailure().Match(e.Message) is { Success: true } conversion)
            {
                var (value, key, typeName) = (conversion.Groups["value"].Value, conversion.Groups["key"].Value, conversion.Groups["type"].Value);
                var type = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(typeName)).FirstOrDefault(t => t is not null);
                var expected = type switch
                {
                    { IsEnum: true } => $"one of {string.Join(", ", Enum.GetNames(type))}",
                    _ when type == typeof(TimeSpan) => "a duration (hh:mm:ss)",
                    _ when type == typeof(bool) => "true or false",
                    _ => $"a {type?.Name ?? typeName[(typeName.LastIndexOf('.') + 1)..]}",
                };
                return $"{key}: '{value}' is not {expected}";
            }

            if (e.Message.Contains("were not found on the instance", StringComparison.Ordinal))
            {
                // The binder names the key but not where it is: find it in the section.
                var names = e.Message[(e.Message.LastIndexOf(':') + 1)..].Split(',', StringSplitOptions.TrimEntries).Select(n => n.Trim('\'')).ToHashSet(StringComparer.OrdinalIgnoreCase);
                var paths = (configuration?.GetSection(section).AsEnumerable() ?? []).Select(kv => kv.Key.Split(':'))
                    .Select(parts => Array.FindIndex(parts, names.Contains) is var at and >= 0 ? string.Join(':', parts[..(at + 1)]) : null)
                    .OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                return $"{(paths.Count > 0 ? string.Join(", ", paths) : section + ": " + string.Join(", ", names))}: unknown key (keys are case-insensitive; see deploy/edge-agent.example.json)";
            }
        }

        return $"{section}: {failure.Message}";
    }

    [System.Text.RegularExpressions.GeneratedRegex("^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial System.Text.RegularExpressions.Regex ConversionFailure();
}
