using Fluxo.Values;

namespace Fluxo.Samples.Tests;

/// <summary>samples/shortener, the service written from the docs alone: every issue-17 feature working together.</summary>
public class ShortenerTests
{
    [Fact]
    public async Task ShortenRedirectCountAndList()
    {
        using var s = new SampleService("shortener");
        var made = await s.Call("shorten", new { owner = "ann", url = " https://site1.example/page " });
        Assert.True(made.B("ok"), made.S("message"));
        var code = made.S("code");

        var go = HttpResult.Read(await s.Call("go", new { code }));
        Assert.Equal(301, go.Status);
        Assert.Equal("https://site1.example/page", go.Header("Location"));
        await s.Call("go", new { code });
        var ran = await s.DrainQueue();
        Assert.Equal(["countClick", "countClick"], ran.Select(r => r.Handler));

        var mine = Assert.Single((await s.Call("mine", new { owner = "ann" })).AsList);
        Assert.Equal(2, mine.F("clicksToday").AsInt);
        Assert.StartsWith("<p>Preview of https://site1.example/page</p>", (await s.Call("preview", new { code })).AsString);

        var missing = HttpResult.Read(await s.Call("go", new { code = "nope" }));
        Assert.Equal(404, missing.Status);
        Assert.Equal("no such link", missing.Body);
        Assert.True(s.Module.FindGraph("countClick")!.Internal);
        Assert.Equal(60_000, s.Module.FindExtern("safetyScore")!.FreshnessMs);
    }

    [Fact]
    public async Task RefusesBadAndUnsafeUrlsAndImportsInBulk()
    {
        using var s = new SampleService("shortener");
        Assert.Equal("not an http(s) URL", (await s.Call("shorten", new { owner = "ann", url = "not a url" })).S("message"));
        Assert.Equal("this URL looks unsafe", (await s.Call("shorten", new { owner = "ann", url = "http://bad.example/win" })).S("message"));
        Assert.Equal(2, (await s.Call("importLinks", new { owner = "bob", urls = "ftp://nope\nhttps://d.example/4\nhttps://e.example/5" })).AsInt);
        Assert.Equal(2, (await s.Rows("Owned", "bob")).Count);
        var tooMany = string.Join("\n", Enumerable.Range(0, 21).Select(i => $"https://x{i}.example/"));
        var r = await s.Try("importLinks", new { owner = "carl", urls = tooMany });
        Assert.False(r.Succeeded);
        Assert.Contains("atMost", r.Error);
    }
}
