using System.Globalization;

#pragma warning disable CA1050 // The runtime looks a startup hook up by this exact name, in no namespace.

/// <summary>
/// Loaded into a child `fluxo` by <c>DOTNET_STARTUP_HOOKS</c> (see <see cref="Fluxo.Bench.Optimizer.JitExperiment"/>): at exit it
/// appends the process's count of JIT-compiled methods and the time spent compiling them to the file <c>FLUXO_JIT_LOG</c> names,
/// so any build of `fluxo`, before or after a change, can be counted without code of its own.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        var log = Environment.GetEnvironmentVariable("FLUXO_JIT_LOG");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            var line = string.Create(CultureInfo.InvariantCulture,
                $"{System.Runtime.JitInfo.GetCompiledMethodCount()} {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:F0}\n");
            if (log is null)
            {
                Console.Error.Write("JIT methods, ms: " + line);
            }
            else
            {
                File.AppendAllText(log, line);
            }
        };
    }
}
