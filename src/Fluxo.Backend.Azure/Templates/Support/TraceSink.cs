using System.Collections.Immutable;
using System.Threading.Channels;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Fluxo.Trace;
using Fluxo.Values;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fluxo.Support;

/// <summary>
/// Writes the requests this instance traced as a binary trace (the format <c>fluxo run</c> writes) into Azure append
/// blobs, one per instance and hour: <c>&lt;service&gt;/&lt;yyyyMMdd-HH&gt;/&lt;role&gt;-&lt;instance&gt;.bin</c>. Requests reach it
/// through a bounded channel: a full channel drops the request (counted, never blocking or failing it), and storage
/// errors drop what could not be written. The count of requests dropped while a blob was open is kept in its metadata
/// (<see cref="DroppedKey"/>), so <c>fluxo traces pull</c> reports it. A block holds whole requests only, so a blob
/// cut off by a crash is read up to its last whole request.
/// </summary>
public sealed class TraceSink : BackgroundService
{
    public const string DroppedKey = "fluxodropped";

    private readonly ServiceModel _model;
    private readonly ILogger<TraceSink> _logger;
    private readonly DependencyHealth _health;
    private readonly Channel<(RequestTrace Trace, Value Request)> _channel;
    private readonly BlobContainerClient? _container;
    private readonly string _name;
    private readonly TimeSpan _flushEvery;
    private long _dropped;
    private long _droppedBefore;
    private TraceWriter? _writer;
    private AppendBlobStream? _blob;
    private string _hour = "";

    public TraceSink(ServiceModel model, IConfiguration configuration, IEnumerable<BlobServiceClient> blobs, DependencyHealth health, ILogger<TraceSink> logger)
    {
        _model = model;
        _logger = logger;
        _health = health;
        Enabled = configuration.GetValue("Fluxo:Trace:Enabled", true);
        SampleRate = Math.Clamp(configuration.GetValue("Fluxo:Trace:SampleRate", 1.0), double.Epsilon, 1.0);
        _flushEvery = TimeSpan.FromSeconds(configuration.GetValue("Fluxo:Trace:FlushSeconds", 2.0));
        _channel = Channel.CreateBounded<(RequestTrace, Value)>(new BoundedChannelOptions(configuration.GetValue("Fluxo:Trace:Capacity", 16_384))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var role = configuration.GetValue("Fluxo:Trace:Role", "service")!;
        var instance = configuration.GetValue<string?>("Fluxo:Trace:Instance", null) ?? $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
        _name = $"{role}-{instance}";
        // Registered by AzureClients when blob storage is configured (connection string or Storage:BlobServiceUri).
        var blobService = blobs.FirstOrDefault();
        if (Enabled && blobService is not null)
        {
            _container = blobService.GetBlobContainerClient(configuration.GetValue("Fluxo:Trace:Container", "fluxo-traces"));
        }

        Enabled &= _container is not null;
    }

    public bool Enabled { get; }

    public double SampleRate { get; }

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Whether this request is traced: spatial sampling on its key fields, so a key is traced on every instance or on none.</summary>
    public bool Samples(HandlerInfo handler, Value request)
    {
        if (!Enabled)
        {
            return false;
        }

        if (SampleRate >= 1)
        {
            return true;
        }

        Span<ulong> hashes = stackalloc ulong[handler.Graph.KeyFields.Length];
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i] = (request.GetField(handler.Graph.KeyFields[i]) ?? Value.Null).StableHash;
        }

        return SpatialSampling.Keeps(SpatialSampling.KeyHash(hashes), SampleRate);
    }

    /// <summary>Hands a finished request to the writer; never waits.</summary>
    public void Add(RequestTrace trace, Value request)
    {
        if (!_channel.Writer.TryWrite((trace, request)))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        var reader = _channel.Reader;
        var nextFlush = DateTime.UtcNow + _flushEvery;
        while (true)
        {
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                wait.CancelAfter(_flushEvery);
                try
                {
                    if (!await reader.WaitToReadAsync(wait.Token))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            while (reader.TryRead(out var item))
            {
                Write(item.Trace, item.Request);
            }

            if (DateTime.UtcNow >= nextFlush)
            {
                Flush();
                nextFlush = DateTime.UtcNow + _flushEvery;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _channel.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        while (_channel.Reader.TryRead(out var item))
        {
            Write(item.Trace, item.Request);
        }

        Close();
    }

    private void Write(RequestTrace trace, Value request)
    {
        try
        {
            var hour = trace.Arrival.UtcDateTime.ToString("yyyyMMdd-HH", System.Globalization.CultureInfo.InvariantCulture);
            if (hour != _hour)
            {
                Close();
                _hour = hour;
                _droppedBefore = Dropped;
                _blob = new AppendBlobStream(_container!.GetAppendBlobClient($"{_model.Service}/{hour}/{_name}.bin"), EnsureContainer);
                _writer = TraceWriter.Create(_blob, Header(), binary: true);
            }

            _writer!.Write(trace.Build(request));
        }
        catch (Exception e) when (DependencyHealth.IsStorageFault(e))
        {
            Interlocked.Increment(ref _dropped);
            _logger.Log(Level, "trace write failed: {Message}", DependencyHealth.Reason(e));
        }
    }

    private void Flush() => Guarded("flush", () =>
    {
        _writer?.Flush();
        _blob?.SetDropped(Dropped - _droppedBefore);
    });

    private void Close()
    {
        Guarded("close", () =>
        {
            _writer?.Dispose();
            _blob?.SetDropped(Dropped - _droppedBefore);
        });
        (_writer, _blob) = (null, null);
    }

    // Storage trouble costs trace data, never a request: it is logged and the sink carries on.
    private void Guarded(string what, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (DependencyHealth.IsStorageFault(e))
        {
            _logger.Log(Level, "trace {What} failed: {Message}", what, DependencyHealth.Reason(e));
        }
    }

    // While storage is down its outage has been logged once already (DependencyHealth).
    private LogLevel Level => _health.IsUp(DependencyHealth.Storage) ? LogLevel.Warning : LogLevel.Debug;

    private void EnsureContainer() => _container!.CreateIfNotExists();

    private TraceHeader Header() => new(
        TraceHeader.CurrentFormat,
        _model.Service,
        [.. _model.Handlers.Select(h => new TraceGraph(h.Graph.Index, h.Name, h.Graph.Hash, h.Graph.NodeCount)).OrderBy(g => g.Index)],
        "real",
        SampleRate);
}

/// <summary>A write-only stream over an append blob: bytes collect in memory and each flush appends them as blocks.</summary>
internal sealed class AppendBlobStream(AppendBlobClient blob, Action ensureContainer) : Stream
{
    private const int MaxBlock = 4 * 1024 * 1024;
    private readonly MemoryStream _pending = new();
    private bool _created;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => _pending.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => _pending.Write(buffer);

    public override void Flush()
    {
        if (_pending.Length == 0)
        {
            return;
        }

        Create();
        var data = _pending.GetBuffer();
        for (var at = 0; at < _pending.Length; at += MaxBlock)
        {
            using var block = new MemoryStream(data, at, (int)Math.Min(MaxBlock, _pending.Length - at), writable: false);
            blob.AppendBlock(block);
        }

        _pending.SetLength(0);
    }

    public void SetDropped(long dropped)
    {
        if (_created)
        {
            blob.SetMetadata(new Dictionary<string, string> { [TraceSink.DroppedKey] = dropped.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
    }

    private void Create()
    {
        if (!_created)
        {
            ensureContainer();
            blob.CreateIfNotExists();
            _created = true;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
