namespace Fluxo.Pipes.Modules;

/// <summary>What a module produces: a stream of items (a list of records), one value, or a user input.</summary>
public enum ModuleShape
{
    Stream,
    Scalar,
    UserInput,
}

/// <summary>Whether Fluxo runs a Yahoo module.</summary>
public enum ModuleStatus
{
    /// <summary>Runs with Yahoo's semantics.</summary>
    Implemented,

    /// <summary>Imports, but running it stops the pipe with FLX3104: the service behind it is gone.</summary>
    ServiceGone,

    /// <summary>Refused at import with FLX3201.</summary>
    Refused,
}

/// <summary>One Yahoo Pipes module type: its exported type, the name Yahoo's editor showed, its output and Fluxo's status.</summary>
public sealed record ModuleInfo(string Type, string Name, string Category, ModuleShape Shape, ModuleStatus Status, string Notes);

/// <summary>Every module type Yahoo Pipes had, with the facts the importer and the runner need about each.</summary>
public static class ModuleCatalog
{
    private const ModuleShape S = ModuleShape.Stream;
    private const ModuleShape V = ModuleShape.Scalar;
    private const ModuleShape U = ModuleShape.UserInput;
    private const ModuleStatus Run = ModuleStatus.Implemented;
    private const ModuleStatus Gone = ModuleStatus.ServiceGone;

    /// <summary>In the order of Yahoo's module library: sources, user inputs, operators, URL, string, date, location, number.</summary>
    public static IReadOnlyList<ModuleInfo> All { get; } =
    [
        new("fetch", "Fetch Feed", "source", S, Run, "RSS 0.9x/2.0, RSS 1.0 and Atom; several URLs; a response that is not a feed gives no items and warning FLX3200"),
        new("fetchdata", "Fetch Data", "source", S, Run, "JSON, XML or HTML with a dotted path; an unreadable response gives no items and FLX3200"),
        new("fetchpage", "Fetch Page", "source", S, Run, "from/to/token cut of the page text"),
        new("fetchsitefeed", "Fetch Site Feed", "source", S, Run, "the feed itself, or the first feed the page links to; neither gives no items and FLX3200"),
        new("feedautodiscovery", "Find First Site Feed", "source", S, Run, "the feed links of a page"),
        new("csv", "Fetch CSV", "source", S, Run, "separator, skipped rows, header rows or custom names, quoted cells"),
        new("xpathfetchpage", "XPath Fetch Page", "source", S, Run, "HTML parsed leniently, XPath 1.0"),
        new("itembuilder", "Item Builder", "source", S, Run, "one item from key/value settings"),
        new("rssitembuilder", "RSS Item Builder", "source", S, Run, "one RSS item, media:content and media:thumbnail"),
        new("yql", "YQL", "source", S, Gone, "Yahoo Query Language was shut down in January 2019"),
        new("flickr", "Flickr", "source", S, Gone, "searched through Yahoo's own Flickr key and API of 2007; no exported pipe confirms this type name"),
        new("yahoosearch", "Yahoo! Search", "source", S, Gone, "Yahoo's search web services (later BOSS) are shut down; no exported pipe confirms this type name"),
        new("yahoolocal", "Yahoo! Local", "source", S, Gone, "Yahoo's local search web service is shut down; no exported pipe confirms this type name"),
        new("googlebase", "Google Base", "source", S, Gone, "Google Base and its API are shut down; no exported pipe confirms this type name"),
        new("textinput", "Text Input", "user input", U, Run, "a request field (string)"),
        new("numberinput", "Number Input", "user input", U, Run, "a request field (float)"),
        new("urlinput", "URL Input", "user input", U, Run, "a request field (string)"),
        new("dateinput", "Date Input", "user input", U, Run, "a request field (string, read as a date by date modules)"),
        new("locationinput", "Location Input", "user input", U, Run, "a request field (string)"),
        new("privateinput", "Private Text Input", "user input", U, Run, "a request field (string)"),
        new("output", "Pipe Output", "operator", S, Run, "the pipe's result"),
        new("count", "Count", "operator", V, Run, "number of items"),
        new("createrss", "Create RSS", "operator", S, Run, "maps item fields to RSS elements"),
        new("filter", "Filter", "operator", S, Run, "permit/block, all/any; contains, doesnotcontain, matches, is, isnot, greater, less, after, before"),
        new("loop", "Loop (For Each)", "operator", S, Run, "assign (first/all) or emit; any implemented module embedded except loop, output, split and user inputs"),
        new("regex", "Regex", "operator", S, Run, "per-field rules, $1 and ${field}, flags g/s/m/i"),
        new("rename", "Rename", "operator", S, Run, "copy or rename fields"),
        new("reverse", "Reverse", "operator", S, Run, ""),
        new("sort", "Sort", "operator", S, Run, "several keys; numbers, dates or text"),
        new("split", "Split", "operator", S, Run, "two outputs, _OUTPUT and _OUTPUT2, each a separate edge carrying the same items"),
        new("subelement", "Sub-element", "operator", S, Run, "the values at a dotted path of every item, lists flattened, as items"),
        new("tail", "Tail", "operator", S, Run, ""),
        new("truncate", "Truncate", "operator", S, Run, ""),
        new("union", "Union", "operator", S, Run, "_INPUT, _OTHER, _OTHER0, _OTHER1, ... in that order"),
        new("uniq", "Unique", "operator", S, Run, "first item per value of a field"),
        new("webservice", "Web Service", "operator", S, ModuleStatus.Refused, "posts the items to a user's URL and reads its answer: a write to another service, while Fluxo treats every module as a side-effect-free, cacheable read"),
        new("locationextractor", "Location Extractor", "operator", S, Gone, "used Yahoo's Placemaker service, which is shut down"),
        new("urlbuilder", "URL Builder", "url", V, Run, "base, path parts and query parameters"),
        new("strconcat", "String Builder", "string", V, Run, ""),
        new("strreplace", "String Replace", "string", V, Run, "rules of find/replace, each for the first (1), last (2) or every (3) occurrence"),
        new("stringtokenizer", "String Tokenizer", "string", V, Run, "delimiter, dedupe, sort"),
        new("substr", "Sub String", "string", V, Run, "from (0-based) and length, clamped to the string"),
        new("strregex", "String Regex", "string", V, Run, "rules of match/replace on one string, every match, $1 groups"),
        new("termextraction", "Term Extractor", "string", S, Gone, "Yahoo's Term Extraction web service was shut down in 2011"),
        new("translate", "Translate", "string", V, Gone, "Yahoo's Babel Fish translation service is shut down"),
        new("yahooshortcuts", "Yahoo! Shortcuts", "string", S, Gone, "Yahoo's content analysis (Shortcuts) service is shut down"),
        new("datebuilder", "Date Builder", "date", V, Run, "absolute or relative dates (\"-1 day\", \"now\")"),
        new("dateformat", "Date Formatter", "date", V, Run, "strftime formats"),
        new("locationbuilder", "Location Builder", "location", V, Gone, "Yahoo's geocoder (PlaceFinder) was shut down in 2013"),
        new("simplemath", "Simple Math", "number", V, Run, "add, subtract, multiply, divide, modulo, power"),
        new("currencyformat", "Currency Format", "number", V, ModuleStatus.Refused, "formatted with Yahoo's locale data, which is not recorded anywhere Fluxo could follow"),
        new("exchangerate", "Exchange Rate", "number", V, Gone, "read Yahoo Finance's currency service, which is shut down"),
    ];

    private static readonly Dictionary<string, ModuleInfo> ByType = All.ToDictionary(m => m.Type, StringComparer.Ordinal);

    public const string SubPipePrefix = "pipe:";

    /// <summary>Key under which the importer stores a resolved sub-pipe's definition in the module's config.</summary>
    public const string SubPipeKey = "fluxo:subpipe";

    /// <summary>The output terminals of a split; every other module has one, <see cref="MainOutput"/>.</summary>
    public static readonly IReadOnlyList<string> SplitOutputs = ["_OUTPUT", "_OUTPUT2"];

    public const string MainOutput = "_OUTPUT";

    public static ModuleInfo? Find(string type) => ByType.GetValueOrDefault(type);

    public static bool IsKnown(string type) => ByType.ContainsKey(type) || IsSubPipe(type);

    public static bool IsSubPipe(string type) => type.StartsWith(SubPipePrefix, StringComparison.Ordinal) && type.Length > SubPipePrefix.Length;

    public static ModuleShape ShapeOf(string type) => Find(type)?.Shape ?? ModuleShape.Stream;

    /// <summary>The output terminals a module has; a wire from any other is refused at import.</summary>
    public static IReadOnlyList<string> OutputsOf(string type) => type == "split" ? SplitOutputs : [MainOutput];

    /// <summary>The IR type of a module's output: a split's is a record of its two outputs, which edges read by field.</summary>
    public static string IrType(string type) => type switch
    {
        "count" => "int",
        "numberinput" or "simplemath" => "float",
        "datebuilder" or "locationbuilder" => "any",
        "split" => "record",
        _ => ShapeOf(type) == ModuleShape.Stream ? "list<any>" : "string",
    };
}
