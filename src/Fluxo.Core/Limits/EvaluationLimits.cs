namespace Fluxo.Limits;

/// <summary>Limits on one request's evaluation, shared by the local runtime and the generated service.</summary>
public static class EvaluationLimits
{
    /// <summary>
    /// Nested fn calls per request. Evaluation recurses on the stack of a thread-pool thread (about 1.5 MB), a few
    /// hundred bytes per call level; 200 levels stay far inside it and far beyond what a real service nests.
    /// </summary>
    public const int MaxCallDepth = 200;

    /// <summary>
    /// Steps of work per request: fn calls plus items visited by map, filter and fold. A real request takes
    /// thousands; 5 million is about a second of evaluation (and a bounded amount of memory for the lists it builds), so a program doubling its work through 30 fns, or
    /// nested maps over large ranges, stops with an error instead of running for minutes.
    /// </summary>
    public const long MaxSteps = 5_000_000;

    /// <summary>How often (in steps) evaluation checks for cancellation: rarely enough to cost nothing, often enough to stop within milliseconds.</summary>
    public const int StepsPerCancellationCheck = 4096;
}
