namespace EdgeAgent.Verdicts;


/// <summary>Registration of the rangers' verdicts on alerts.</summary>
public static class VerdictsRegistration
{
    /// <summary>Registers <c>Verdicts</c> and the verdict store.</summary>
    public static IServiceCollection AddVerdicts(this IServiceCollection services, IConfiguration configuration) => services
        .AddValidatedOptions<VerdictOptions>(configuration)
        .AddSingleton<VerdictStore>();
}
