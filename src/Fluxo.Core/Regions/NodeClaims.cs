namespace Fluxo.Regions;

/// <summary>
/// The rule that a node is served by at most one cache or pre-computed part, for everything that turns a policy into
/// groups (the runtime and the back end).
/// </summary>
public static class NodeClaims
{
    /// <summary>A claim table for a graph of <paramref name="nodeCount"/> nodes, with no node claimed.</summary>
    public static int[] Empty(int nodeCount)
    {
        var groupOf = new int[nodeCount];
        Array.Fill(groupOf, -1);
        return groupOf;
    }

    /// <summary>
    /// Gives <paramref name="members"/> to the group at <paramref name="index"/> in <paramref name="groupOf"/>, unless one
    /// of them already belongs to another group. Returns that node (and changes nothing), or null.
    /// </summary>
    public static int? Claim(int[] groupOf, IReadOnlyList<int> members, int index)
    {
        foreach (var m in members)
        {
            if (groupOf[m] >= 0)
            {
                return m;
            }
        }

        foreach (var m in members)
        {
            groupOf[m] = index;
        }

        return null;
    }
}
