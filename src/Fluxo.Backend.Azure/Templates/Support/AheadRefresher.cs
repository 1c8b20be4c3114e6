using Fluxo.Policy;
using Fluxo.Values;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fluxo.Support;

/// <summary>
/// Computes the policy's pre-computed parts into the store and refreshes each every <c>refreshSeconds</c>, on whole
/// periods of the clock as the local runtime does; a part with no period is deterministic, stored once and stored again
/// only if the store lost it. Runs in the worker tier (in the front end of a service without one).
/// </summary>
public sealed class AheadRefresher(FluxoServices services, ILogger<AheadRefresher> logger) : BackgroundService
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.Model.Ahead is not { } ahead)
        {
            return;
        }

        var parts = ahead.Parts.Where(p => !p.Speculated).ToArray();
        var due = new DateTimeOffset[parts.Length];
        while (!stoppingToken.IsCancellationRequested && parts.Length > 0)
        {
            for (var k = 0; k < parts.Length; k++)
            {
                if (DateTimeOffset.UtcNow >= due[k])
                {
                    due[k] = await RefreshAsync(parts[k], ahead.Policy.Precompute[parts[k].Decisions[0]].RefreshSeconds, due[k] != default, stoppingToken);
                }
            }

            var wait = due.Min() - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, stoppingToken);
            }
        }
    }

    /// <summary>Computes and stores one part; answers when it is due next.</summary>
    private async Task<DateTimeOffset> RefreshAsync(AheadPart part, double refreshSeconds, bool stored, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        try
        {
            if (refreshSeconds <= 0 && stored && await services.Ahead.StoredAsync(part))
            {
                return now + Recheck;
            }

            if (services.Ahead.HotKeys(part) is not null)
            {
                // Hot keys are stored at their first demand; a refresh recomputes those stored so far from their request fields.
                if (refreshSeconds <= 0)
                {
                    return now + Recheck;
                }

                foreach (var (key, request) in await services.Ahead.HotRequestsAsync(part))
                {
                    var hotScope = new RequestScope("refresh." + Guid.NewGuid().ToString("N"), services, ct);
                    var hotValues = await services.Model.Handler(part.Handler).RunPart!(hotScope, request, part.Part);
                    await services.Ahead.StoreAsync(part, hotValues, key, request);
                }
            }
            else
            {
                var scope = new RequestScope("refresh." + Guid.NewGuid().ToString("N"), services, ct);
                var values = await services.Model.Handler(part.Handler).RunPart!(scope, Value.Record([]), part.Part);
                if (!await services.Ahead.StoreAsync(part, values))
                {
                    return now + Retry;
                }
            }

            FluxoTelemetry.Ahead(part.Id, "refreshed");
            logger.LogInformation("pre-computed part {Part} refreshed", part.Id);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning("pre-computed part {Part} not refreshed: {Message}", part.Id, e.Message);
            return now + Retry;
        }

        if (refreshSeconds <= 0)
        {
            return now + Recheck;
        }

        // Whole periods of the clock, as the runtime refreshes on whole periods of the run's clock.
        return DateTimeOffset.FromUnixTimeMilliseconds((long)PrecomputeRule.NextRefreshMs(now.ToUnixTimeMilliseconds(), refreshSeconds));
    }
}
