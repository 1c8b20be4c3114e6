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

/// <summary>A real redis-server on a free loopback port, with a memory limit, stopped on dispose.</summary>
public sealed class RedisServer : IDisposable
{
    private readonly Process _process;

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false";

    public RedisServer(long maxMemoryBytes = 64 * 1024 * 1024)
    {
        Port = Ports.Free();
        var exe = File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server";
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--bind", "127.0.0.1", "--port", Port.ToString(), "--save", "", "--appendonly", "no", "--maxmemory", maxMemoryBytes.ToString(), "--maxmemory-policy", "allkeys-lru" })
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

    public void Dispose()
    {
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
    }
}

/// <summary>A real Azurite (queues and tables, in memory) on free loopback ports, stopped on dispose.</summary>
public sealed class AzuriteServer : IDisposable
{
    private readonly Process _process;
    private readonly string _workDir;

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

    public AzuriteServer()
    {
        var exe = Path.Combine(RepoPaths.Root, "tools", "node_modules", ".bin", "azurite");
        if (!File.Exists(exe))
        {
            throw new InvalidOperationException($"Azurite is not installed at {exe}: run scripts/install-deps.sh");
        }

        BlobPort = Ports.Free();
        QueuePort = Ports.Free();
        TablePort = Ports.Free();
        _workDir = Directory.CreateTempSubdirectory("fluxo-azurite-").FullName;
        var psi = new ProcessStartInfo(exe)
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
            "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--silent",
        })
        {
            psi.ArgumentList.Add(a);
        }

        _process = Process.Start(psi) ?? throw new InvalidOperationException("azurite did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // Node takes long to start on a loaded machine (eight builds at once); a dead Azurite still fails at once.
        try
        {
            Ports.WaitOpen(QueuePort, TimeSpan.FromSeconds(120), _process);
            Ports.WaitOpen(TablePort, TimeSpan.FromSeconds(120), _process);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            // No Dispose follows a failed constructor: leave no Azurite behind.
            _process.Kill(entireProcessTree: true);
            throw;
        }
        Ports.WaitOpen(BlobPort, TimeSpan.FromSeconds(30), _process);
    }

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
        }

        Ports.WaitClosed(QueuePort, TimeSpan.FromSeconds(5));
        Ports.WaitClosed(TablePort, TimeSpan.FromSeconds(5));
        _process.Dispose();
        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
