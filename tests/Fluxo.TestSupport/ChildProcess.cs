using System.Diagnostics;

namespace Fluxo.TestSupport;

/// <summary>Runs a program to its end, capturing stdout and stderr; past <c>limit</c> it is killed with its children.</summary>
public static class ChildProcess
{
    public static (int ExitCode, string Output, bool TimedOut) Run(
        string exe, string? dir, IEnumerable<string> args, TimeSpan? limit = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (dir is not null)
        {
            psi.WorkingDirectory = dir;
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(limit ?? Timeout.InfiniteTimeSpan))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return (-1, stdout.Result + stderr.Result, true);
        }

        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result, false);
    }
}
