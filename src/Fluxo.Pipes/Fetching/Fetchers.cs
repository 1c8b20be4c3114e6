using Fluxo.Diagnostics;

namespace Fluxo.Pipes.Fetching;

/// <summary>The fetcher a command line asks for: fixtures when a directory is given, otherwise safe real HTTP.</summary>
public static class Fetchers
{
    public static IFetcher? Open(string? fixtures, bool allowPrivate, DiagnosticBag diags)
    {
        if (fixtures is null)
        {
            return new HttpFetcher(new FetchLimits(AllowPrivateAddresses: allowPrivate));
        }

        try
        {
            return FixtureFetcher.Load(fixtures);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diags.Add(Diag.PipeFixturesUnreadable(fixtures, e.Message));
            return null;
        }
    }
}
