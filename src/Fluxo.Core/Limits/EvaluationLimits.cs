namespace Fluxo.Limits;

/// <summary>Limits on one request's evaluation, shared by the local runtime and the generated service.</summary>
public static class EvaluationLimits
{
    /// <summary>
    /// Nested fn calls per request. Evaluation recurses on the stack of a thread-pool thread (about 1.5 MB), a few
    /// hundred bytes per call level; 200 levels stay far inside it and far beyond what a real service nests.
    /// </summary>
    public const int MaxCallDepth = 200;
}
