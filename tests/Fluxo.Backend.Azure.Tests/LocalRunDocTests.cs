using System.Diagnostics;
using Fluxo.TestSupport;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>
/// Runs the local-run steps of docs/deploy.md exactly as written, from the repository root as a fresh clone has it,
/// and checks the answer the doc promises. The steps use Azurite's default ports and 5000/5001, so they must be free.
/// </summary>
public class LocalRunDocTests
{
    private const string Expected = """{"owner":"ann","count":0,"titles":["(none)"]}""";

    [Fact]
    public void TheDocumentedLocalRunAnswersAsTheDocSays()
    {
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "deploy.md"));
        var begin = doc.IndexOf("<!-- local-run:begin -->", StringComparison.Ordinal);
        var end = doc.IndexOf("<!-- local-run:end -->", StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "docs/deploy.md has no local-run block");
        var steps = doc[begin..end].Split('\n').Skip(1).Where(l => l.StartsWith("    ", StringComparison.Ordinal)).Select(l => l[4..]).ToList();
        Assert.Contains(Expected, doc, StringComparison.Ordinal);
        foreach (var port in new[] { 10000, 10001, 10002, 5000, 5001 })
        {
            Assert.False(Ports.IsOpen(port), $"port {port}, which the documented steps use, is taken");
        }

        var outDir = Path.Combine(RepoPaths.Root, "out", "tour");
        var script = "set -e\n" + string.Join("\n", steps) + "\n";
        var psi = new ProcessStartInfo("setsid", ["bash", "-c", script])
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        using var bash = Process.Start(psi)!;
        var stderr = bash.StandardError.ReadToEndAsync();
        var stdout = bash.StandardOutput.ReadToEndAsync();
        bool finished;
        var serverLogs = "";
        try
        {
            // The script ends after the last curl; the servers it started in the background keep running until killed.
            // It builds the CLI and the generated solution: on a 2-core machine at a load average of 45 that took
            // over 8 minutes, so the limit only catches a hang.
            finished = bash.WaitForExit(TimeSpan.FromMinutes(15));
        }
        finally
        {
            // setsid made bash the leader of its own process group: end the background servers it started, and only them.
            using (var kill = Process.Start("kill", ["-TERM", "--", "-" + bash.Id]))
            {
                kill.WaitForExit();
            }

            foreach (var port in new[] { 5000, 5001, 10000 })
            {
                Ports.WaitClosed(port, TimeSpan.FromSeconds(10));
            }

            // A server still shutting down keeps the output pipes open, and the answer would never be read.
            using (var kill = Process.Start("kill", ["-KILL", "--", "-" + bash.Id]))
            {
                kill.WaitForExit();
            }

            serverLogs = string.Join("\n", new[] { "frontend.log", "worker.log" }
                .Select(f => Path.Combine(outDir, f))
                .Where(File.Exists)
                .Select(f => $"--- {Path.GetFileName(f)}\n" + string.Join("\n", File.ReadLines(f).TakeLast(30))));
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }

        // The servers log to files, so stdout holds the health check's answer and then the summary's.
        var lines = Lines(stdout);
        Assert.True(finished && bash.ExitCode == 0 && lines.Contains(Expected), $"finished {finished}, exit {(finished ? bash.ExitCode : -1)}\n{Tail(stdout)}\n{Tail(stderr)}\n{serverLogs}");
    }

    private static string[] Lines(Task<string> output) =>
        output.Wait(TimeSpan.FromSeconds(30)) ? output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries) : [];

    private static string Tail(Task<string> output) => string.Join("\n", Lines(output).TakeLast(40));
}
