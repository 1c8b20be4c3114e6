namespace Fluxo.Runtime;

/// <summary>Real time sleeps through stand-in latencies; virtual time draws and adds them without sleeping.</summary>
public enum ClockMode
{
    Virtual,
    Real,
}
