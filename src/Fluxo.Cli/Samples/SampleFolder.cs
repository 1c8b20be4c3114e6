namespace Fluxo.Cli.Samples;

/// <summary>One sample of the report: a service with the workload it is measured on.</summary>
public sealed record SampleFolder(string Name, string Service, string Workload)
{
    /// <summary>The preferred workload of a sample; others are used only when it is absent.</summary>
    public const string PreferredWorkload = "workload-sessions.json";

    /// <summary>
    /// Every folder <c>dir/name</c> holding <c>name.flimp</c> and a workload: <see cref="PreferredWorkload"/>,
    /// else the first <c>workload-*.json</c> by name. Ordered by folder name.
    /// </summary>
    public static IReadOnlyList<SampleFolder> Find(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return [];
        }

        var found = new List<SampleFolder>();
        foreach (var folder in Directory.GetDirectories(dir).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(folder);
            var service = Path.Combine(folder, name + ".flimp");
            var preferred = Path.Combine(folder, PreferredWorkload);
            var workload = File.Exists(preferred)
                ? preferred
                : Directory.GetFiles(folder, "workload-*.json").Order(StringComparer.Ordinal).FirstOrDefault();
            if (File.Exists(service) && workload is not null)
            {
                found.Add(new SampleFolder(name, service, workload));
            }
        }

        return found;
    }
}
