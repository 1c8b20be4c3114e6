namespace Fluxo.Builtins;

/// <summary>What non-deterministic builtins read: the runtime's clock (real or virtual) and its seeded randomness.</summary>
public interface IBuiltinContext
{
    /// <summary>Milliseconds since the Unix epoch on the runtime's clock.</summary>
    long NowMs { get; }

    /// <summary>A new unique id (random, or seeded for reproducible runs).</summary>
    string NewId();

    /// <summary>A float in [0, 1).</summary>
    double NextRandom();
}

/// <summary>Real time and OS randomness: for the generated services and one-off runs.</summary>
public sealed class SystemBuiltinContext : IBuiltinContext
{
    public static readonly SystemBuiltinContext Instance = new();

    public long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public string NewId() => Guid.NewGuid().ToString("N");

    public double NextRandom() => Random.Shared.NextDouble();
}
