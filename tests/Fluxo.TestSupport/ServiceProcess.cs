using System.Collections.Concurrent;
using System.Diagnostics;
using Fluxo.TestSupport;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>A generated deployable run as `dotnet X.dll --urls http://127.0.0.1:port`, configured by environment variables.</summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public ServiceProcess(string dll, IReadOnlyDictionary<string, string> environment)
    {
        Port = Ports.Free();
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add(BaseUrl);
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (k, v) in environment)
        {
            psi.Environment[k] = v;
        }

        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitHealthy();
    }

    /// <summary>The last lines the process printed, for failure messages.</summary>
    public string Log => string.Join("\n", _log);

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _log.Enqueue(line);
        while (_log.Count > 200 && _log.TryDequeue(out _))
        {
        }
    }

    private void WaitHealthy()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var sw = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"service exited with {_process.ExitCode}:\n{Log}");
            }

            try
            {
                if (http.GetAsync(BaseUrl + "/healthz").Result.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (AggregateException)
            {
            }

            if (sw.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"service not healthy after 60 s:\n{Log}");
            }

            Thread.Sleep(100);
        }
    }

    /// <summary>Stops the process as a platform does (SIGTERM): hosted services stop gracefully and flush what they hold.</summary>
    public void Terminate()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
            if (!_process.WaitForExit(30_000))
            {
                throw new TimeoutException($"service did not stop within 30 s of SIGTERM:\n{Log}");
            }
        }

        Ports.WaitClosed(Port, TimeSpan.FromSeconds(5));
    }

    /// <summary>Kills the process as a crash would: no graceful shutdown, messages in flight stay invisible until their timeout.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        Ports.WaitClosed(Port, TimeSpan.FromSeconds(5));
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
