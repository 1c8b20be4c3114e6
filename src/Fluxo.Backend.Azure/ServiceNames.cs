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
}
