using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Fluxo.Pipes.Fetching;
using Fluxo.Values;
using HtmlAgilityPack;

namespace Fluxo.Pipes.Modules;

/// <summary>
/// Documents as Yahoo's data modules saw them: an element is its text when it has neither attributes nor children,
/// otherwise a record of its attributes and children (repeated children become a list) with its text as <c>content</c>.
/// </summary>
internal static class XmlData
{
    public static XDocument? TryLoadXml(byte[] body)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null, MaxCharactersFromEntities = 1024 * 1024 };
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(body), settings);
            return XDocument.Load(reader, LoadOptions.None);
        }
        catch (XmlException)
        {
            return null;
        }
    }

    public static string NameOf(XElement e)
    {
        var prefix = e.Name.Namespace == XNamespace.None ? null : e.GetPrefixOfNamespace(e.Name.Namespace);
        return string.IsNullOrEmpty(prefix) ? e.Name.LocalName : $"{prefix}:{e.Name.LocalName}";
    }

    private static string NameOf(XAttribute a)
    {
        var prefix = a.Name.Namespace == XNamespace.None ? null : a.Parent?.GetPrefixOfNamespace(a.Name.Namespace);
        return string.IsNullOrEmpty(prefix) ? a.Name.LocalName : $"{prefix}:{a.Name.LocalName}";
    }

    public static Value ToValue(XElement e)
    {
        var attributes = e.Attributes().Where(a => !a.IsNamespaceDeclaration).ToList();
        var children = e.Elements().ToList();
        var text = string.Concat(e.Nodes().OfType<XText>().Select(t => t.Value)).Trim();
        if (attributes.Count == 0 && children.Count == 0)
        {
            return Value.String(text);
        }

        var fields = new List<KeyValuePair<string, Value>>();
        fields.AddRange(attributes.Select(a => new KeyValuePair<string, Value>(NameOf(a), Value.String(a.Value))));
        fields.AddRange(Group(children.Select(c => (NameOf(c), ToValue(c)))));
        if (text.Length > 0)
        {
            fields.Add(new("content", Value.String(text)));
        }

        return Value.Record(fields);
    }

    public static Value ToValue(HtmlNode e)
    {
        var children = e.ChildNodes.Where(c => c.NodeType == HtmlNodeType.Element).ToList();
        var text = HtmlEntity.DeEntitize(string.Concat(e.ChildNodes.Where(c => c.NodeType == HtmlNodeType.Text).Select(t => t.InnerText))).Trim();
        if (e.Attributes.Count == 0 && children.Count == 0)
        {
            return Value.String(text);
        }

        var fields = new List<KeyValuePair<string, Value>>();
        fields.AddRange(e.Attributes.Select(a => new KeyValuePair<string, Value>(a.Name, Value.String(HtmlEntity.DeEntitize(a.Value) ?? ""))));
        fields.AddRange(Group(children.Select(c => (c.Name, ToValue(c)))));
        if (text.Length > 0)
        {
            fields.Add(new("content", Value.String(text)));
        }

        return Value.Record(fields);
    }

    /// <summary>Repeated names become one field holding a list, at the position of the first.</summary>
    public static IEnumerable<KeyValuePair<string, Value>> Group(IEnumerable<(string Name, Value Value)> fields)
    {
        var order = new List<string>();
        var byName = new Dictionary<string, List<Value>>(StringComparer.Ordinal);
        foreach (var (name, value) in fields)
        {
            if (!byName.TryGetValue(name, out var list))
            {
                byName[name] = list = [];
                order.Add(name);
            }

            list.Add(value);
        }

        return order.Select(n => new KeyValuePair<string, Value>(n, byName[n].Count == 1 ? byName[n][0] : Value.List(byName[n])));
    }

    public static HtmlDocument LoadHtml(string text)
    {
        var doc = new HtmlDocument { OptionFixNestedTags = true };
        doc.LoadHtml(text);
        return doc;
    }

    /// <summary>A fetched document as data: JSON, else XML, else HTML; the root element's content (not its name) is the top.</summary>
    public static Value? Parse(FetchResult fetched)
    {
        var text = fetched.Text.TrimStart();
        if (text.StartsWith('{') || text.StartsWith('['))
        {
            try
            {
                return ValueJson.Parse(text);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        if (TryLoadXml(fetched.Body)?.Root is { } root)
        {
            return ToValue(root);
        }

        var html = LoadHtml(fetched.Text).DocumentNode.SelectSingleNode("//html");
        return html is null ? null : ToValue(html);
    }
}
