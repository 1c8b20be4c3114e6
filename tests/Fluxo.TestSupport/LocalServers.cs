using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Fluxo.TestSupport;

/// <summary>Where the repository is, found from the test binary by walking up to Fluxo.sln.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The third-party Pipes corpus and fixtures, kept in the repository (see its PROVENANCE.md) so no test reads outside it.</summary>
    public static string Pipes => Path.Combine(Root, "tests", "data", "pipes");

    public static string Samples => Path.Combine(Root, "samples");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Fluxo.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Fluxo.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Free loopback ports and waiting on them: servers are ready when their port accepts, not after a sleep.</summary>
public static class Ports
{
    public static int Free()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    public static bool IsOpen(int port)
    {
        try
        {
            using var c = new TcpClient();
            c.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static void WaitOpen(int port, TimeSpan timeout, Process? process = null)
    {
        var sw = Stopwatch.StartNew();
        while (!IsOpen(port))
        {
            if (process is { HasExited: true })
            {
                throw new InvalidOperationException($"server exited with code {process.ExitCode} before port {port} opened");
            }

            if (sw.Elapsed > timeout)
            {
                throw new TimeoutException($"port {port} did not open within {timeout.TotalSeconds:0} s");
            }

            Thread.Sleep(50);
        }
    }

    /// <summary>A killed process can look alive for a couple of seconds here; wait for its port to close.</summary>
    public static void WaitClosed(int port, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (IsOpen(port) && sw.Elapsed < timeout)
        {
            Thread.Sleep(50);
        }
    }
}

/// <summary>
/// A real redis-server on a free loopback port, with a memory limit, stopped on dispose. <see cref="Stop"/> and
/// <see cref="Start"/> take it down and bring it back on the same port, as an outage would.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly long _maxMemoryBytes;
    private Process? _process;

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    public RedisServer(long maxMemoryBytes = 64 * 1024 * 1024)
    {
        Port = Ports.Free();
        _maxMemoryBytes = maxMemoryBytes;
        Start();
    }

    /// <summary>Starts the server (again) on its port; its data starts empty.</summary>
    public void Start()
    {
        var exe = File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server";
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--bind", "127.0.0.1", "--port", Port.ToString(), "--save", "", "--appendonly", "no", "--maxmemory", _maxMemoryBytes.ToString(), "--maxmemory-policy", "allkeys-lru" })
        {
            psi.ArgumentList.Add(a);
        }

        _process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start (run scripts/install-deps.sh)");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Ports.WaitOpen(Port, TimeSpan.FromSeconds(20), _process);
    }

    /// <summary>Kills the server, as a crash would, and waits for its port to close.</summary>
    public void Stop()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }

        Ports.WaitClosed(Port, TimeSpan.FromSeconds(5));
        _process.Dispose();
        _process = null;
    }

    public void Dispose() => Stop();
}

/// <summary>
/// A real Azurite (queues, tables and blobs) on free loopback ports, stopped on dispose: in memory by default, or kept
/// on disk in its work folder (<c>persistent</c>) so that <see cref="Stop"/> and <see cref="Start"/> make an outage that
/// loses nothing; in memory, a restart is a storage reset (every queue, table and row gone).
/// </summary>
public sealed class AzuriteServer : IDisposable
{
    private readonly string _workDir;
    private readonly bool _persistent;
    private Process? _process;

    public int BlobPort { get; }
    public int QueuePort { get; }
    public int TablePort { get; }

    /// <summary>The well-known development account with explicit endpoints (UseDevelopmentStorage only works on the default ports).</summary>
    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    public AzuriteServer(bool persistent = false)
    {
        var exe = Path.Combine(RepoPaths.Root, "tools", "node_modules", ".bin", "azurite");
        if (!File.Exists(exe))
        {
            throw new InvalidOperationException($"Azurite is not installed at {exe}: run scripts/install-deps.sh");
        }

        BlobPort = Ports.Free();
        QueuePort = Ports.Free();
        TablePort = Ports.Free();
        _persistent = persistent;
        _workDir = Directory.CreateTempSubdirectory("fluxo-azurite-").FullName;
        Start();
    }

    /// <summary>Starts Azurite (again) on its ports.</summary>
    public void Start()
    {
        var psi = new ProcessStartInfo(Path.Combine(RepoPaths.Root, "tools", "node_modules", ".bin", "azurite"))
        {
            WorkingDirectory = _workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(),
            "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--silent",
        })
        {
            psi.ArgumentList.Add(a);
        }

        if (_persistent)
        {
            psi.ArgumentList.Add("--location");
            psi.ArgumentList.Add(_workDir);
        }
        else
        {
            psi.ArgumentList.Add("--inMemoryPersistence");
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("azurite did not start");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // Node takes long to start on a loaded machine (eight builds at once); a dead Azurite still fails at once.
        try
        {
            Ports.WaitOpen(QueuePort, TimeSpan.FromSeconds(120), process);
            Ports.WaitOpen(TablePort, TimeSpan.FromSeconds(120), process);
            Ports.WaitOpen(BlobPort, TimeSpan.FromSeconds(30), process);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            // No Dispose follows a failed constructor: leave no Azurite behind.
            process.Kill(entireProcessTree: true);
            throw;
        }

        _process = process;
    }

    /// <summary>
    /// Stops Azurite and waits for its ports to close. On disk it gets SIGTERM, so it saves what it holds (a kill could
    /// lose its last seconds of writes, which would be the emulator's loss, not the service's); in memory it is killed.
    /// </summary>
    public void Stop()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            if (_persistent)
            {
                using var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                term.WaitForExit();
                if (!_process.WaitForExit(30_000))
                {
                    _process.Kill(entireProcessTree: true);
                }
            }
            else
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        Ports.WaitClosed(QueuePort, TimeSpan.FromSeconds(5));
        Ports.WaitClosed(TablePort, TimeSpan.FromSeconds(5));
        Ports.WaitClosed(BlobPort, TimeSpan.FromSeconds(5));
        _process.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        Stop();
        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
