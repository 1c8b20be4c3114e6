using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Fluxo.Support;

/// <summary>
/// An extern as the program declares it: how long one call may take (from its declared latency) and whether a failed
/// call may be tried again (only when the extern has no side effects: a retried side effect could happen twice).
/// </summary>
public sealed record ExternSpec(string Name, TimeSpan AttemptTimeout, bool Retry)
{
    /// <summary>Tries after the first, for externs that may be retried.</summary>
    public const int Retries = 2;

    /// <summary>The whole call, retries and their backoff included: past this the handler fails, it never hangs.</summary>
    public TimeSpan TotalTimeout => (AttemptTimeout * (Retry ? Retries + 1 : 1)) + (Retry ? TimeSpan.FromSeconds(1) : TimeSpan.Zero);

    public string ClientName => "extern:" + Name;
}

/// <summary>One HttpClient per extern behind a resilience pipeline built from its <see cref="ExternSpec"/>.</summary>
public static class ExternResilience
{
    public static IServiceCollection AddFluxoExterns(this IServiceCollection services, ImmutableArray<ExternSpec> externs)
    {
        // The factory ExternClient takes, even when the program declares no extern.
        services.AddHttpClient();
        foreach (var spec in externs)
        {
            // The pipeline owns every timeout; HttpClient's own 100 s default must not cut in first.
            services.AddHttpClient(spec.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
                .AddResilienceHandler("extern", b =>
                {
                    b.AddTimeout(spec.TotalTimeout);
                    if (spec.Retry)
                    {
                        b.AddRetry(new HttpRetryStrategyOptions
                        {
                            MaxRetryAttempts = ExternSpec.Retries,
                            BackoffType = DelayBackoffType.Exponential,
                            UseJitter = true,
                            Delay = TimeSpan.FromMilliseconds(100),
                        });
                    }

                    // A dead extern fails fast instead of holding every request for its full timeout.
                    b.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                    {
                        SamplingDuration = spec.AttemptTimeout * 2 > TimeSpan.FromSeconds(30) ? spec.AttemptTimeout * 2 : TimeSpan.FromSeconds(30),
                        FailureRatio = 0.5,
                        MinimumThroughput = 20,
                        BreakDuration = TimeSpan.FromSeconds(5),
                    });
                    b.AddTimeout(spec.AttemptTimeout);
                });
        }

        return services;
    }
}
