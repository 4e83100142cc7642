namespace EdgeAgent.Common;

using Microsoft.Extensions.Options;

/// <summary>An options class that can say what is wrong with itself, each problem naming its key.</summary>
public interface ISelfValidating
{
    /// <summary>Problems, each as <c>Section:Key: what is wrong</c>; empty when all is well.</summary>
    IEnumerable<string> Problems();
}

/// <summary>An options class bound to one configuration section, which it names.</summary>
public interface IOptionsSection : ISelfValidating
{
    /// <summary>The section's name, e.g. <c>Sources</c>.</summary>
    static abstract string SectionName { get; }
}

/// <summary>Runs <see cref="ISelfValidating.Problems"/> when options are first read, so a bad file stops start-up.</summary>
public sealed class SelfValidator<T> : IValidateOptions<T>
    where T : class, ISelfValidating
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
