using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Trace;

namespace Fluxo.Cli.Deployed;

/// <summary>Reads the trace blobs a deployed service wrote (the generated <c>TraceSink</c>'s layout) for a time range.</summary>
internal static class TraceBlobs
{
    /// <summary>The blob names' hour folder (yyyyMMdd-HH) and the metadata key of dropped requests, as the generated TraceSink writes them.</summary>
    private const string HourFormat = "yyyyMMdd-HH";
    private const string DroppedKey = "fluxodropped";

    /// <summary>Every blob of <paramref name="module"/>'s service in <paramref name="container"/> whose hour overlaps [from, to)
    /// and that reads as a trace of this version of it; storage failures and unreadable blobs become diagnostics.</summary>
    public static async Task<List<TracePart>> ReadAsync(IrModule module, string storage, string container, DateTimeOffset? from, DateTimeOffset? to, DiagnosticBag diags, CancellationToken ct)
    {
        var parts = new List<TracePart>();
        try
        {
            var blobs = new BlobContainerClient(storage, container);
            await foreach (var item in blobs.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = module.Service + "/" }, ct))
            {
                if (!InRange(item.Name, from, to))
                {
                    continue;
                }

                var blob = blobs.GetBlobClient(item.Name);
                var bytes = (await blob.DownloadContentAsync(ct)).Value.Content.ToArray();
                var props = await blob.GetPropertiesAsync(cancellationToken: ct);
                var dropped = props.Value.Metadata.TryGetValue(DroppedKey, out var d) && long.TryParse(d, CultureInfo.InvariantCulture, out var n) ? n : 0;
                var name = $"{container}/{item.Name}";
                var data = TraceFile.ReadCut(name, bytes, diags, out var lost);
                if (data is not null && TraceFile.Matches(name, data, module, diags))
                {
                    parts.Add(new TracePart(name, data, lost, dropped));
                }
            }
        }
        catch (Exception e) when (e is RequestFailedException or FormatException or ArgumentException or AggregateException or HttpRequestException)
        {
            diags.Add(Diag.TracesStorageFailed(container, e.Message));
        }

        // One trace has one sample rate: parts recorded at different rates cannot be joined.
        if (parts.Select(p => p.Data.Header.SampleRate).Distinct().Skip(1).Any())
        {
            var first = parts[0];
            var other = parts.First(p => p.Data.Header.SampleRate != first.Data.Header.SampleRate);
            diags.Add(Diag.TraceSampleRatesDiffer(other.Name, other.Data.Header.SampleRate, first.Name, first.Data.Header.SampleRate));
        }

        return parts;
    }

    /// <summary>A blob's hour folder overlaps [from, to): whole hours, the requests are filtered by arrival after reading.</summary>
    private static bool InRange(string name, DateTimeOffset? from, DateTimeOffset? to)
    {
        var parts = name.Split('/');
        if (parts.Length < 3 || !DateTimeOffset.TryParseExact(parts[^2], HourFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var hour))
        {
            return false;
        }

        return (from is null || hour.AddHours(1) > from) && (to is null || hour < to);
    }
}
