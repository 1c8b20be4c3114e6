using Fluxo.Diagnostics;
using Fluxo.Ir;

namespace Fluxo.Backend.Azure;

/// <summary>The names a generated solution uses: the C# namespace root, project names and the Azure resource prefix.</summary>
internal sealed record ServiceNames(string Root, string Prefix, bool HasWorker)
{
    public string Support => "Fluxo.Support";
    public string Handlers => Root + ".Handlers";
    public string FrontEnd => Root + ".FrontEnd";
    public string Worker => Root + ".Worker";

    /// <summary>Azure names: queues allow lowercase letters, digits and hyphens, tables letters and digits; both start with a letter.</summary>
    public static ServiceNames For(IrModule module, bool hasWorker)
    {
        var root = CSharp.Pascal(module.Service);
        var prefix = new string(module.Service.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray());
        if (prefix.Length == 0 || !char.IsAsciiLetter(prefix[0]))
        {
            prefix = "svc" + prefix;
        }

        return new ServiceNames(root, prefix.Length > 24 ? prefix[..24] : prefix, hasWorker);
    }

    /// <summary>A handler's queue, as the support runtime's <c>ServiceModel.QueueName</c> names it.</summary>
    public string Queue(string handler) => Prefix + "-" + new string(handler.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray());

    /// <summary>A table's Azure table, as the support runtime's <c>ServiceModel.TableName</c> names it.</summary>
    public string Table(string table) => Prefix + new string(table.Where(char.IsAsciiLetterOrDigit).ToArray());

    /// <summary>
    /// Names that would make a broken service rather than a build error: a handler that is not one URL path segment,
    /// two handlers sharing a queue, two tables (or a table and the journal) sharing an Azure table.
    /// </summary>
    public void Check(IrModule module, DiagnosticBag diagnostics)
    {
        foreach (var g in module.Graphs)
        {
            if (g.Name.Length == 0 || g.Name == "healthz" || !g.Name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-' or '.' or '~'))
            {
                diagnostics.Add(Diag.AzureNameUnusable(g.Name, "a handler is served at /<name>, so its name must be letters, digits, '_', '-', '.' or '~' (and not healthz)"));
            }
        }

        Distinct(module.Graphs.Select(g => (g.Name, Queue(g.Name))), "queue", diagnostics);
        Distinct([("journal", Table("journal")), .. module.Tables.Select(t => (t.Name, Table(t.Name)))], "Azure table", diagnostics);
    }

    private static void Distinct(IEnumerable<(string Name, string Azure)> names, string what, DiagnosticBag diagnostics)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, azure) in names)
        {
            if (!seen.TryAdd(azure, name))
            {
                diagnostics.Add(Diag.AzureNameUnusable(name, $"its {what} '{azure}' is also the {what} of '{seen[azure]}'"));
            }
        }
    }
}
