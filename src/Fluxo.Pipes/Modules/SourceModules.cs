using System.Collections.Immutable;
using Fluxo.Pipes.Fetching;
using Fluxo.Values;
using HtmlAgilityPack;

namespace Fluxo.Pipes.Modules;

/// <summary>Modules that read the web: feeds, feed discovery, data with a path, pages, XPath and CSV.</summary>
internal static class SourceModules
{
    public static async Task<Value> FetchAsync(ModuleCall call)
    {
        var items = new List<Value>();
        foreach (var url in call.Urls())
        {
            items.AddRange(await FeedAsync(call, url));
        }

        return Value.List(items);
    }

    private static async Task<ImmutableArray<Value>> FeedAsync(ModuleCall call, string url)
    {
        var fetched = await call.FetchAsync(url);
        return FeedReader.Read(fetched.Body, call.Now) ?? call.NoItems(url, "the response is not an RSS or Atom feed");
    }

    public static async Task<Value> FetchSiteFeedAsync(ModuleCall call)
    {
        var items = new List<Value>();
        foreach (var url in call.Urls())
        {
            var page = await call.FetchAsync(url);
            if (FeedReader.Read(page.Body, call.Now) is { } direct)
            {
                items.AddRange(direct);
                continue;
            }

            var feeds = Discover(page, url);
            items.AddRange(feeds.Count == 0
                ? call.NoItems(url, "the page is not a feed and links to no RSS or Atom feed")
                : await FeedAsync(call, Items.Text(feeds[0].GetField("link"))));
        }

        return Value.List(items);
    }

    public static async Task<Value> FeedAutoDiscoveryAsync(ModuleCall call)
    {
        var items = new List<Value>();
        foreach (var url in call.Urls())
        {
            var page = await call.FetchAsync(url);
            items.AddRange(FeedReader.Read(page.Body, call.Now) is not null
                ? [Items.Record(("link", Value.String(url)), ("href", Value.String(url)))]
                : Discover(page, url));
        }

        return Value.List(items);
    }

    // <link rel="alternate" type="application/rss+xml" ...> elements, with hrefs made absolute.
    private static List<Value> Discover(FetchResult page, string url)
    {
        var doc = XmlData.LoadHtml(page.Text);
        var links = doc.DocumentNode.SelectNodes("//link[@rel and @href]") ?? Enumerable.Empty<HtmlNode>();
        var baseUri = Uri.TryCreate(HttpFetcher.WithScheme(url), UriKind.Absolute, out var b) ? b : null;
        var found = new List<Value>();
        foreach (var link in links)
        {
            var rel = link.GetAttributeValue("rel", "").ToLowerInvariant();
            var type = link.GetAttributeValue("type", "").ToLowerInvariant();
            if (!rel.Split(' ').Contains("alternate") || !(type.Contains("rss") || type.Contains("atom") || type.Contains("rdf")))
            {
                continue;
            }

            var href = HtmlEntity.DeEntitize(link.GetAttributeValue("href", ""));
            var absolute = baseUri is not null && Uri.TryCreate(baseUri, href, out var abs) ? abs.ToString() : href;
            found.Add(Items.Record(
                ("rel", Value.String(rel)), ("type", Value.String(type)), ("title", Value.String(HtmlEntity.DeEntitize(link.GetAttributeValue("title", "")))),
                ("href", Value.String(absolute)), ("link", Value.String(absolute))));
        }

        return found;
    }

    public static async Task<Value> FetchDataAsync(ModuleCall call)
    {
        var url = call.Urls().FirstOrDefault() ?? "";
        var fetched = await call.FetchAsync(url);
        if (XmlData.Parse(fetched) is not { } data)
        {
            return Value.List(call.NoItems(url, "the response is neither JSON, XML nor HTML"));
        }

        var path = call.Text("path");
        var selected = path.Length == 0 ? data : Items.Select(data, path);
        return Value.List(Items.AsItems(selected));
    }

    public static async Task<Value> FetchPageAsync(ModuleCall call)
    {
        var url = call.Urls().FirstOrDefault() ?? "";
        var text = (await call.FetchAsync(url)).Text;
        var from = call.Text("from");
        var to = call.Text("to");
        var token = call.Text("token");
        if (from.Length > 0)
        {
            var start = text.IndexOf(from, StringComparison.Ordinal);
            text = start < 0 ? "" : text[(start + from.Length)..];
        }

        if (to.Length > 0)
        {
            var end = text.IndexOf(to, StringComparison.Ordinal);
            text = end < 0 ? text : text[..end];
        }

        var chunks = token.Length > 0 ? text.Split(token) : [text];
        return Value.List(chunks.Where(c => c.Trim().Length > 0).Select(c => Items.Record(("content", Value.String(c)))));
    }

    public static async Task<Value> XPathFetchPageAsync(ModuleCall call)
    {
        var url = call.Urls().FirstOrDefault() ?? "";
        var doc = XmlData.LoadHtml((await call.FetchAsync(url)).Text);
        var xpath = call.Text("xpath");
        HtmlNodeCollection? nodes;
        try
        {
            nodes = doc.DocumentNode.SelectNodes(xpath.Length == 0 ? "/html" : xpath);
        }
        catch (System.Xml.XPath.XPathException e)
        {
            throw call.BadSetting("xpath", e.Message);
        }

        return Value.List((nodes ?? Enumerable.Empty<HtmlNode>()).Select(n => Items.AsItems(XmlData.ToValue(n))[0]));
    }

    public static async Task<Value> CsvAsync(ModuleCall call)
    {
        var url = call.Urls().FirstOrDefault() ?? "";
        var text = (await call.FetchAsync(url)).Text;
        var separator = call.Text("separator") is { Length: > 0 } s ? s : ",";
        if (call.Text("other_sep") is { Length: > 0 } other)
        {
            separator = other;
        }

        var rows = Csv.Parse(text, separator[0]);
        var skip = (int)(call.Number("skip") ?? 0);
        rows = [.. rows.Skip(Math.Max(0, skip))];
        List<string> names;
        if (call.Text("col_mode") == "custom")
        {
            names = [.. call.List("col_name").Select(n => call.Text(n))];
        }
        else
        {
            var start = Math.Max(1, (int)(call.Number("col_row_start") ?? 1));
            var end = Math.Max(start, (int)(call.Number("col_row_end") ?? start));
            var header = rows.Skip(start - 1).Take(end - start + 1).ToList();
            names = [.. Enumerable.Range(0, header.Count == 0 ? 0 : header.Max(r => r.Count))
                .Select(i => string.Join(" ", header.Select(r => i < r.Count ? r[i].Trim() : "").Where(x => x.Length > 0)))];
            rows = [.. rows.Skip(end)];
        }

        return Value.List(rows.Select(row => Value.Record(row.Select((cell, i) =>
            new KeyValuePair<string, Value>(i < names.Count && names[i].Length > 0 ? names[i] : $"column{i + 1}", Value.String(cell)))
            .DistinctBy(kv => kv.Key))));
    }
}
