namespace Fluxo.Policy;

/// <summary>
/// When a speculation starts and when its result serves a request: the one rule the runtime
/// (<c>Runtime.Engine.AheadWork</c>) follows and the optimizer's replay (<c>Optimizer.Ahead.ServiceReplay</c>) predicts.
/// A request of A that succeeds starts the first decision in policy order whose first handler is A, with that
/// request's parameters or result as the guessed inputs; a client keeps at most one waiting speculation (a newer
/// one replaces it, wasted). The client's next request uses it only when <see cref="Serves"/> holds and, when the
/// request demands the speculated part, the guessed key equals the real one; otherwise its work is wasted.
/// </summary>
public static class SpeculationRule
{
    /// <summary>The index in <see cref="PolicyDocument.Speculate"/> of the decision a successful request of <paramref name="handler"/> starts; -1 for none.</summary>
    public static int Launched(PolicyDocument policy, string handler)
    {
        for (var d = 0; d < policy.Speculate.Length; d++)
        {
            if (policy.Speculate[d].AfterHandler == handler)
            {
                return d;
            }
        }

        return -1;
    }

    /// <summary>The guessed request of <paramref name="decision"/>'s handler after a request <paramref name="request"/> of its first handler answered <paramref name="result"/>.</summary>
    public static Values.Value Guess(SpeculateDecision decision, Values.Value request, Values.Value result) =>
        Values.Value.Record([.. decision.Inputs.Select(b => new KeyValuePair<string, Values.Value>(b.Param, Guess(b, request, result)))]);

    /// <summary>One bound parameter: the earlier request's parameter, its whole result, or one field of the result (none when the result has no such field).</summary>
    public static Values.Value Guess(InputBinding binding, Values.Value request, Values.Value result) =>
        !binding.FromResult ? request.GetField(binding.FromParam) ?? Values.Value.Null
        : binding.ResultField is { } field ? result.GetField(field) ?? Values.Value.Null
        : result;

    /// <summary>
    /// Whether a waiting speculation for <paramref name="expectedHandler"/>, ready at <paramref name="readyAtMs"/>, may
    /// serve a request of <paramref name="handler"/> arriving at <paramref name="arrivalMs"/>: the expected handler, ready
    /// in time, and no table it read written since it started (asked last, as it is the costly check).
    /// </summary>
    public static bool Serves(string expectedHandler, double readyAtMs, string handler, double arrivalMs, Func<bool> readsUnwritten) =>
        expectedHandler == handler && readyAtMs <= arrivalMs && readsUnwritten();
}
