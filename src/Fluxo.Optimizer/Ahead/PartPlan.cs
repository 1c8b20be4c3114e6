using System.Runtime.CompilerServices;
using Fluxo.Optimizer.Candidates;
using Fluxo.Optimizer.Replay;
using Fluxo.Policy;

namespace Fluxo.Optimizer.Ahead;

/// <summary>One handler's share of a policy, compiled for a replay: its caches (with fresh LRUs), pre-computed blocks and speculated blocks.</summary>
internal sealed class PartPlan
{
    private readonly CandidateKeys[] _keys;
    private readonly ByteLru[] _lrus;
    private readonly double[] _ttls;
    private readonly ulong _always;
    private readonly List<HotPart> _hot = [];
    private readonly List<Candidate> _blocks;
    private readonly FlatTrace _flat;
    private readonly Dictionary<(ulong Bypass, int Spec), ReplayProgram> _programs = [];

    // Under a sample per cache key: each cache's key bit, and its hits and lookups on its own sample.
    private readonly ulong[] _bits;
    private readonly (long Hits, long Lookups)[] _sampled;

    private PartPlan(ReplayProgram program, List<Candidate> caches, CandidateKeys[] keys, ByteLru[] lrus, double[] ttls, ulong always, int specBit, double[] ready, List<Candidate> blocks, FlatTrace flat)
    {
        _blocks = blocks;
        _flat = flat;
        _ttls = ttls;
        Base = program;
        _keys = keys;
        _lrus = lrus;
        _bits = [.. caches.Select(flat.KeyBit)];
        _sampled = new (long, long)[keys.Length];
        _always = always;
        SpecBit = specBit;
        Ready = ready;
    }

    public ReplayProgram Base { get; }

    public int SpecBit { get; }

    public double[] Ready { get; }

    public List<SpecPlan> Specs { get; } = [];

    /// <summary>The policy's caches of this handler, in the order of their hit bits, with their bytes as written.</summary>
    public List<CachePlacement> Caches { get; } = [];

    /// <summary>Nodes that write a table, with the input that is the partition key when it is one as is.</summary>
    public List<(int Node, string Table, int? PartitionInput)> Writers { get; } = [];

    /// <summary>The speculation started after this handler's requests: (part of B, index in B's plan).</summary>
    public (int Part, int Spec)? LaunchTarget { get; set; }

    public static PartPlan Build(Fluxo.Ir.IrModule module, ServiceReplay.Part part, PolicyDocument policy)
    {
        var facts = part.Facts;
        var name = part.Graph.Name;
        var caches = new List<Candidate>();
        var keys = new List<CandidateKeys>();
        var lrus = new List<ByteLru>();
        var ttls = new List<double>();
        var placements = new List<CachePlacement>();
        foreach (var c in policy.Caches.Where(c => c.Handler == name))
        {
            var candidate = Candidate.ForCache(module, facts, caches.Count, c.Nodes, c.TtlMs, out var problem, out var stale)
                ?? throw new ArgumentException($"cache {{{string.Join(",", c.Nodes)}}} of {name}: {stale ?? problem!.Reason}");
            var k = part.Simulator.KeysOf(candidate) ?? throw new ArgumentException($"the trace does not key cache {candidate} of {name}");
            caches.Add(candidate);
            keys.Add(k);
            ttls.Add(c.TtlMs);
            placements.Add(new CachePlacement(candidate, c.Bytes));
            lrus.Add(new ByteLru(FlatTrace.SampledBytes(c.Bytes, k.MeanEntryBytes, part.Flat.RateOf(candidate)), k.DistinctKeys, k.MinEntryBytes));
        }

        var blocks = new List<Candidate>(caches);
        ulong always = 0;
        var hot = new List<HotPart>();
        foreach (var p in policy.Precompute.Where(p => p.Handler == name))
        {
            var block = ServiceReplay.Block(facts, p.Nodes);
            if (p.KeyedByRequest)
            {
                var listed = PrecomputeRule.ParseHotKeys(p.HotKeys) ?? throw new ArgumentException($"a hot key of {name} is not 16 hex digits");
                hot.Add(new HotPart(blocks.Count, listed, part.KeysOf(block), p.RefreshSeconds * 1000, p.ComputeCostMs));
            }
            else
            {
                always |= 1UL << blocks.Count;
            }

            blocks.Add(block);
        }

        var program = ReplayProgram.Compile(part.Flat, blocks) ?? throw new ArgumentException($"the caches and pre-computed parts of {name} overlap or feed each other in a cycle");
        var plan = new PartPlan(program, caches, [.. keys], [.. lrus], [.. ttls], always, blocks.Count, new double[facts.NodeCount], blocks, part.Flat);
        plan._hot.AddRange(hot);
        plan.Caches.AddRange(placements);
        double[]? self = null;
        for (var d = 0; d < policy.Speculate.Length; d++)
        {
            var s = policy.Speculate[d];
            if (s.Handler != name)
            {
                continue;
            }

            var block = ServiceReplay.Block(facts, s.Nodes);
            var withSpec = ReplayProgram.Compile(part.Flat, [.. blocks, block]) ?? throw new ArgumentException($"speculated part {block} of {name} overlaps a cache or pre-computed part");
            plan.Specs.Add(new SpecPlan(d, s, block, withSpec, facts, self ??= part.MeanSelf()));
        }

        foreach (var node in part.Graph.Nodes.Where(n => !n.Props.Writes.IsDefaultOrEmpty))
        {
            if (AheadRules.TableAccess(node) is var (table, pk))
            {
                plan.Writers.Add((node.Id, table, pk));
            }
            else
            {
                plan.Writers.AddRange(node.Props.Writes.Select(t => (node.Id, t, (int?)null)));
            }
        }

        return plan;
    }

    /// <summary>Before any request of the service: the refreshes of this handler's hot-key parts that are due.</summary>
    public void RefreshDue(double arrivalMs)
    {
        foreach (var h in _hot)
        {
            h.RefreshDue(arrivalMs);
        }
    }

    /// <summary>Refreshes of stored hot-key entries so far (each one entry recomputed off any request's path).</summary>
    public long HotRefreshes => _hot.Sum(h => h.Refreshes);

    public double HotRefreshWorkMs => _hot.Sum(h => h.RefreshWorkMs);

    /// <summary>
    /// The program for a request whose hot-key parts in <paramref name="bypass"/> (bits of block positions) run as if there
    /// were no part (<see cref="PrecomputeRule.IsHotKey"/>), served by speculation <paramref name="spec"/> when not null.
    /// </summary>
    public ReplayProgram ProgramFor(ulong bypass, SpecPlan? spec = null)
    {
        if (bypass == 0)
        {
            return spec?.Program ?? Base;
        }

        var key = (bypass, spec?.Index ?? -1);
        if (!_programs.TryGetValue(key, out var program))
        {
            // A bypassed part keeps its position (the hit bits are positions) but holds no nodes.
            var blocks = _blocks.Select((b, j) => (bypass & (1UL << j)) != 0 ? new Candidate(-1, [], [], [], b.Handler) : b).ToList();
            if (spec is not null)
            {
                blocks.Add(spec.Block);
            }

            program = _programs[key] = ReplayProgram.Compile(_flat, blocks)!;
        }

        return program;
    }

    /// <summary>
    /// Looks request <paramref name="r"/>, arriving at <paramref name="arrivalMs"/>, up in every cache it demands (LRU order changes) and returns
    /// the hit bits, pre-computed parts included; <paramref name="bypass"/> gets the hot-key parts the request runs without.
    /// </summary>
    // Called once per request: compiled optimized at once, as ReplayProgram.Run is.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ulong CacheHits(int r, double arrivalMs, out ulong bypass)
    {
        bypass = 0;
        var hits = _always;
        foreach (var h in _hot)
        {
            switch (h.Access(r))
            {
                case true:
                    hits |= 1UL << h.Bit;
                    break;
                case null:
                    bypass |= 1UL << h.Bit;
                    break;
            }
        }

        for (var j = 0; j < _keys.Length; j++)
        {
            var size = _keys[j].EntryBytes[r];
            if (size >= 0 && !_flat.Owns(r, _bits[j]))
            {
                hits |= Sampling.KeySample.Guess(_flat.IdOf(r), j, _sampled[j].Hits, _sampled[j].Lookups) ? 1UL << j : 0;
            }
            else if (size >= 0 && _lrus[j].Access(_keys[j].KeyIds[r], size, arrivalMs, _ttls[j]))
            {
                hits |= 1UL << j;
                _sampled[j].Hits++;
                _sampled[j].Lookups++;
            }
            else if (size >= 0)
            {
                _sampled[j].Lookups++;
            }
        }

        return hits;
    }
}

/// <summary>
/// A part stored per hot key in a replay: the runtime's rule (<c>AheadWork</c>): every stored entry is recomputed at the first
/// request of each refresh period (off the request's path), a listed key's entry is stored at its first demand (a miss) and
/// served from then on, and a key not listed runs without the part.
/// </summary>
internal sealed class HotPart(int bit, HashSet<ulong> listed, ServiceReplay.PartKeys keys, double refreshMs, double workMs)
{
    private readonly HashSet<ulong> _stored = [];
    private double _nextRefresh;

    public int Bit { get; } = bit;

    public long Refreshes { get; private set; }

    public double RefreshWorkMs => Refreshes * workMs;

    /// <summary>True: served; false: a listed key's first demand (stored now); null: not demanded here or not a hot key.</summary>
    public bool? Access(int r)
    {
        if (keys.At(r) is not { } key || !PrecomputeRule.IsHotKey(listed, key))
        {
            return null;
        }

        return !_stored.Add(key);
    }

    /// <summary>Before any request of the service, arriving at <paramref name="arrivalMs"/>: recompute every stored entry when a new period has begun.</summary>
    public void RefreshDue(double arrivalMs)
    {
        if (refreshMs > 0 && arrivalMs >= _nextRefresh)
        {
            Refreshes += _stored.Count;
            _nextRefresh = PrecomputeRule.NextRefreshMs(arrivalMs, refreshMs / 1000);
        }
    }
}

/// <summary>A speculated block of the expected handler B, with what its run is expected to take.</summary>
internal sealed class SpecPlan
{
    public SpecPlan(int index, SpeculateDecision decision, Candidate block, ReplayProgram program, GraphFacts facts, double[] meanSelf)
    {
        Index = index;
        Decision = decision;
        Block = block;
        Program = program;
        Fields = [.. block.EnteringEdges.Select(e => facts.Edges[e].Field)];
        var finish = new double[facts.NodeCount];
        foreach (var v in block.Nodes)
        {
            var start = facts.Graph.Nodes[v].Inputs.Where(i => block.Contains(i.From)).Select(i => finish[i.From]).DefaultIfEmpty(0).Max();
            finish[v] = start + meanSelf[v];
            WorkMs += meanSelf[v];
        }

        DurationMs = block.Nodes.Max(v => finish[v]);
        Reads = [.. block.Nodes.Where(v => AheadRules.IsTableRead(facts.Graph.Nodes[v]) && AheadRules.TableAccess(facts.Graph.Nodes[v]) is not null)
            .Select(v => (v, AheadRules.TableAccess(facts.Graph.Nodes[v])!.Value.Table, AheadRules.TableAccess(facts.Graph.Nodes[v])!.Value.PartitionInput))];
    }

    /// <summary>Position in the policy's speculate list.</summary>
    public int Index { get; }

    public SpeculateDecision Decision { get; }

    public Candidate Block { get; }

    public ReplayProgram Program { get; }

    /// <summary>The request field each entering edge carries.</summary>
    public string?[] Fields { get; }

    public double DurationMs { get; }

    public double WorkMs { get; }

    /// <summary>The part's table reads: node, table, and the input that is the partition key when it is one as is.</summary>
    public (int Node, string Table, int? PartitionInput)[] Reads { get; }

    /// <summary>The entering values guessed from request <paramref name="rA"/> of the earlier handler.</summary>
    /// <summary>What a run launched after request <paramref name="rA"/> of <paramref name="a"/> predicts for entering field <paramref name="k"/>.</summary>
    private ulong Predict(ServiceReplay.Part a, int rA, int k) =>
        Decision.Inputs.FirstOrDefault(b => b.Param == Fields[k]) is not { } b ? ServiceReplay.NullHash
        : b.FromResult ? (b.ResultField is { } field ? a.ResultFieldHash(rA, field) : a.ResultHash(rA)) ?? ServiceReplay.NullHash
        : a.FieldHash(rA, b.FromParam) ?? ServiceReplay.NullHash;

    /// <summary>Whether request <paramref name="r"/> of <paramref name="b"/> carries into the block the values a run launched after request <paramref name="rA"/> of <paramref name="a"/> predicted.</summary>
    public bool Matches(FlatTrace b, int r, ServiceReplay.Part a, int rA)
    {
        var edges = b.Facts.Edges.Count;
        for (var k = 0; k < Fields.Length; k++)
        {
            var at = (r * edges) + Block.EnteringEdges[k];
            if (b.EdgeBytes[at] < 0 || b.EdgeHash[at] != Predict(a, rA, k))
            {
                return false;
            }
        }

        return true;
    }
}
