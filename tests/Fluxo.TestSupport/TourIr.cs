using Fluxo.Ir;

namespace Fluxo.TestSupport;

/// <summary>
/// The tour sample (samples/tour) as the front end compiled it. Its <c>addMark</c> handler holds a part inside one arm of
/// a branch: <c>if existing == none { let title = fetchTitle(key); put ...; enqueue ...; }</c>, so fetchTitle runs only
/// for a mark not stored yet, behind a guard that tests the table read.
/// </summary>
public static class TourIr
{
    /// <summary>addMark's nodes: normalize(url), get Marks, fetchTitle (guarded), put Marks and enqueue in its arm, put Marks in the other arm.</summary>
    public const int Normalize = 1, Existing = 2, FetchTitle = 6, PutNew = 8, Announce = 9, PutOld = 10;

    public static string FlimpPath => Path.Combine(RepoPaths.Samples, "tour", "tour.flimp");

    public static string BindingsPath => Path.Combine(RepoPaths.Samples, "tour", "tour.bindings.json");

    public static IrModule Module() => IrJson.Deserialize(File.ReadAllText(Path.Combine(RepoPaths.Samples, "tour", "tour.ir.json")));

    public static Graph AddMark() => Module().FindGraph("addMark")!;
}
