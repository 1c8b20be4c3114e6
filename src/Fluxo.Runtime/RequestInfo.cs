namespace Fluxo.Runtime;

/// <summary>Who sent a request and when it arrived (ms from the run's start).</summary>
public readonly record struct RequestInfo(long Id, long Client, double ArrivalMs);
