using Fluxo.Values;

namespace Fluxo.Pipes.Modules;

/// <summary>Modules that make items: itembuilder, rssitembuilder and createrss.</summary>
internal static class BuilderModules
{
    public static Value ItemBuilder(ModuleCall call)
    {
        var item = Value.Record([]);
        foreach (var attr in call.List("attrs"))
        {
            var key = call.Text(attr.At("key"));
            if (key.Length > 0)
            {
                item = Items.With(item, key, call.Resolve(attr.At("value")));
            }
        }

        return Value.List([item]);
    }

    public static Value RssItemBuilder(ModuleCall call) => Value.List([Rss(name => call.Resolve(call.Conf[name]))]);

    /// <summary>createrss: each setting names a field of the incoming item that becomes that RSS element.</summary>
    public static Value CreateRss(ModuleCall call) =>
        Value.List(Items.AsItems(call.Input).Select(item => Rss(name =>
        {
            var path = call.Text(name, item);
            return path.Length == 0 ? Value.Null : Items.Get(item, path) ?? Value.Null;
        })));

    private static Value Rss(Func<string, Value> setting)
    {
        var fields = new List<(string, Value)>();
        void Add(string name, string from)
        {
            var v = setting(from);
            if (!v.IsNull && Items.Text(v).Length > 0)
            {
                fields.Add((name, v));
            }
        }

        Add("title", "title");
        Add("description", "description");
        Add("link", "link");
        Add("pubDate", "pubdate");
        Add("author", "author");
        Add("guid", "guid");
        var media = Media(setting, "mediaContentURL", "mediaContentType", "mediaContentWidth", "mediaContentHeight");
        if (media is not null)
        {
            fields.Add(("media:content", media));
        }

        var thumb = Media(setting, "mediaThumbURL", null, "mediaThumbWidth", "mediaThumbHeight");
        if (thumb is not null)
        {
            fields.Add(("media:thumbnail", thumb));
        }

        var title = fields.FirstOrDefault(f => f.Item1 == "title").Item2;
        var id = fields.FirstOrDefault(f => f.Item1 == "guid").Item2 ?? fields.FirstOrDefault(f => f.Item1 == "link").Item2;
        if (id is not null)
        {
            fields.Add(("y:id", Items.Record(("value", Value.String(Items.Text(id))))));
        }

        fields.Add(("y:title", Value.String(Items.Text(title))));
        return Items.Record([.. fields]);
    }

    private static Value? Media(Func<string, Value> setting, string url, string? type, string width, string height)
    {
        var u = Items.Text(setting(url));
        if (u.Length == 0)
        {
            return null;
        }

        var fields = new List<(string, Value)> { ("url", Value.String(u)) };
        foreach (var (name, key) in new[] { ("type", type), ("width", width), ("height", height) })
        {
            if (key is not null && Items.Text(setting(key)) is { Length: > 0 } v)
            {
                fields.Add((name, Value.String(v)));
            }
        }

        return Items.Record([.. fields]);
    }
}
