using System.Collections.Immutable;
using System.Xml.Linq;
using Fluxo.Values;

namespace Fluxo.Pipes.Modules;

/// <summary>
/// RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom to Yahoo's items: every element of an entry becomes a field, and the
/// normalized fields Yahoo added (title, link, description, pubDate, author, guid, y:id, y:title, y:published) are set.
/// </summary>
internal static class FeedReader
{
    /// <summary>The feed's items, or null when the document is not a feed.</summary>
    public static ImmutableArray<Value>? Read(byte[] body, DateTimeOffset now)
    {
        var root = XmlData.TryLoadXml(body)?.Root;
        if (root is null)
        {
            return null;
        }

        return root.Name.LocalName switch
        {
            "rss" => [.. root.Elements().Where(e => e.Name.LocalName == "channel").Elements().Where(e => e.Name.LocalName == "item").Select(e => RssItem(e, now))],
            "RDF" => [.. root.Descendants().Where(e => e.Name.LocalName == "item").Select(e => RssItem(e, now))],
            "feed" => [.. root.Elements().Where(e => e.Name.LocalName == "entry").Select(e => AtomEntry(e, now))],
            _ => null,
        };
    }

    private static Value RssItem(XElement item, DateTimeOffset now)
    {
        var fields = XmlData.Group(item.Elements().Select(c => (XmlData.NameOf(c), XmlData.ToValue(c)))).ToList();
        var title = Field(fields, "title");
        var link = Field(fields, "link");
        var guid = Field(fields, "guid");
        var published = Field(fields, "pubDate") ?? Field(fields, "dc:date");
        var permalink = item.Elements().FirstOrDefault(e => e.Name.LocalName == "guid")?.Attribute("isPermaLink")?.Value ?? "true";
        Ensure(fields, "title", title ?? "");
        Ensure(fields, "link", link ?? "");
        Ensure(fields, "description", "");
        if (published is not null)
        {
            Ensure(fields, "pubDate", published);
        }

        return Finish(fields, title, guid ?? link, permalink, published, now);
    }

    private static Value AtomEntry(XElement entry, DateTimeOffset now)
    {
        var fields = XmlData.Group(entry.Elements().Where(e => e.Name.LocalName != "link").Select(c => (XmlData.NameOf(c), XmlData.ToValue(c)))).ToList();
        var links = entry.Elements().Where(e => e.Name.LocalName == "link").ToList();
        var alternate = links.FirstOrDefault(l => (l.Attribute("rel")?.Value ?? "alternate") == "alternate") ?? links.FirstOrDefault();
        var link = alternate?.Attribute("href")?.Value;
        var title = Text(entry, "title");
        var summary = Text(entry, "summary") ?? Text(entry, "content") ?? "";
        var published = Text(entry, "published") ?? Text(entry, "updated");
        var id = Text(entry, "id");
        fields.RemoveAll(f => f.Key is "title" or "author");
        fields.Insert(0, new("title", Value.String(title ?? "")));
        fields.Insert(1, new("link", Value.String(link ?? "")));
        fields.Insert(2, new("description", Value.String(summary)));
        if (published is not null)
        {
            fields.Add(new("pubDate", Value.String(published)));
        }

        if (entry.Elements().FirstOrDefault(e => e.Name.LocalName == "author") is { } author)
        {
            fields.Add(new("author", Value.String(Text(author, "name") ?? author.Value.Trim())));
        }

        if (id is not null)
        {
            fields.Add(new("guid", Value.String(id)));
        }

        return Finish(fields, title, id ?? link, "false", published, now);
    }

    private static Value Finish(List<KeyValuePair<string, Value>> fields, string? title, string? id, string permalink, string? published, DateTimeOffset now)
    {
        if (id is not null)
        {
            fields.Add(new("y:id", Items.Record(("value", Value.String(id)), ("permalink", Value.String(permalink)))));
        }

        fields.Add(new("y:title", Value.String(title ?? "")));
        if (published is not null && DateParsing.Parse(published, now) is { } date)
        {
            fields.Add(new("y:published", DateParsing.ToRecord(date)));
        }

        return Value.Record(fields);
    }

    private static string? Text(XElement parent, string localName) =>
        parent.Elements().FirstOrDefault(e => e.Name.LocalName == localName)?.Value.Trim();

    private static string? Field(List<KeyValuePair<string, Value>> fields, string name)
    {
        foreach (var kv in fields)
        {
            if (kv.Key == name)
            {
                return Items.Text(kv.Value);
            }
        }

        return null;
    }

    private static void Ensure(List<KeyValuePair<string, Value>> fields, string name, string text)
    {
        var i = fields.FindIndex(f => f.Key == name);
        var kv = new KeyValuePair<string, Value>(name, Value.String(text));
        if (i < 0)
        {
            fields.Add(kv);
        }
        else if (fields[i].Value.Kind != ValueKind.String)
        {
            fields[i] = kv;
        }
    }
}
