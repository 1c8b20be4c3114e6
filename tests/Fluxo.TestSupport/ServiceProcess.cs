using System.Collections.Concurrent;
using System.Diagnostics;

namespace Fluxo.TestSupport;

/// <summary>
/// A generated deployable run as `dotnet X.dll --urls http://127.0.0.1:port`, configured by environment variables
/// (used by the end-to-end tests and the soak in bench/Fluxo.Soak). With a log file, every line it prints is kept there too.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly StreamWriter? _logFile;
    private bool _closed;

    public int Port { get; }
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <param name="healthy">Wait for /healthz to answer 200; when false, for it to answer at all (a dependency may be down).</param>
    public ServiceProcess(string dll, IReadOnlyDictionary<string, string> environment, string? logFile = null, bool healthy = true)
    {
        Port = Ports.Free();
        _logFile = logFile is null ? null : new StreamWriter(logFile, append: true) { AutoFlush = true };
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
        WaitHealthy(healthy);
    }

    public int ProcessId => _process.Id;

    /// <summary>The process's resident memory (VmRSS), in bytes; 0 once it has exited.</summary>
    public long ResidentBytes
    {
        get
        {
            try
            {
                var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
            catch (IOException)
            {
                return 0;
            }
        }
    }

    /// <summary>The last lines the process printed, for failure messages.</summary>
    public string Log => string.Join("\n", _log);

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            if (!_closed)
            {
                _logFile?.WriteLine(line);
            }
        }

        _log.Enqueue(line);
        while (_log.Count > 200 && _log.TryDequeue(out _))
        {
        }
    }

    private void WaitHealthy(bool healthy)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        var sw = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"service exited with {_process.ExitCode}:\n{Log}");
            }

            try
            {
                if (http.GetAsync(BaseUrl + "/healthz").Result is var answer && (answer.IsSuccessStatusCode || !healthy))
                {
                    return;
                }
            }
            catch (AggregateException)
            {
            }

            if (sw.Elapsed > TimeSpan.FromSeconds(120))
            {
                throw new TimeoutException($"service not healthy after 120 s:\n{Log}");
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
        lock (_log)
        {
            _closed = true;
            _logFile?.Dispose();
        }
    }
}
