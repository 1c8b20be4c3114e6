using System.Diagnostics;
using System.Globalization;
using Fluxo.Diagnostics;
using Fluxo.Ir;
using Fluxo.Optimizer;
using Fluxo.Optimizer.Ahead;
using Fluxo.Optimizer.Replay;
using Fluxo.Optimizer.Search;
using Fluxo.Policy;
using Fluxo.TestSupport;
using Fluxo.Trace;

namespace Fluxo.Bench.Optimizer;

/// <summary>
/// Issue 14's targets as ratios from one run: read + flatten against one exact replay of a 3-cache policy,
/// `fluxo optimize --search mrc` (a child process, CPU and peak memory by /usr/bin/time) against the same replay
/// and the trace's size, and the paper's search on 2 threads against 1.
/// </summary>
internal static class PerfExperiment
{
    public static int Run(string[] args, TextWriter output)
    {
        var requests = Arg(args, "--requests", 1_000_000);
        var paperRequests = Arg(args, "--paper-requests", 100_000);
        var fluxo = args.SkipWhile(a => a != "--fluxo").Skip(1).FirstOrDefault();
        var keep = args.SkipWhile(a => a != "--keep").Skip(1).FirstOrDefault();
        var dir = keep ?? Directory.CreateTempSubdirectory("fluxo-perf-").FullName;
        Directory.CreateDirectory(dir);
        try
        {
            var module = WeatherIr.Module();
            var service = Path.Combine(dir, "weather.ir.json");
            File.WriteAllText(service, IrJson.Serialize(module));
            var trace = Path.Combine(dir, Inv($"weather-{requests}.trace"));
            var workload = WeatherWorkload.Paper[0];
            if (!File.Exists(trace))
            {
                Generate(workload, requests, trace);
            }
            var size = new FileInfo(trace).Length;
            output.WriteLine(Inv($"## perf: {requests} requests, workload {workload.Name}, binary trace {size / 1e6:F1} MB, load average {Load()}"));

            if (args.Contains("--memory"))
            {
                // Alone in the process, so that nothing else holds memory.
                Memory(service, trace, output);
                return 0;
            }

            if (Arg(args, "--reads-only", 0) is var readsOnly and > 0)
            {
                // Only reads (for counting a read's instructions: the difference of two counts); --parse-only without flattening.
                for (var i = 0; i < readsOnly; i++)
                {
                    _ = args.Contains("--parse-only") ? TraceFile.Scan(trace, new DiagnosticBag(), new NullSink()) : ServiceReplay.Read(module, trace, new DiagnosticBag()) is not null;
                }

                return 0;
            }

            // Warm the reader and the simulator once (JIT), then time them: the median of 3 reads, as the replay's of 5.
            Flatten(module, trace, out _);
            ServiceReplay replay = null!;
            var kernelBefore = Process.GetCurrentProcess().PrivilegedProcessorTime;
            var reads = Enumerable.Range(0, 3).Select(_ => Flatten(module, trace, out replay)).ToArray();
            // The kernel's share (mostly clearing the fresh pages of the flat arrays): it differs much between machines.
            var kernel = (Process.GetCurrentProcess().PrivilegedProcessorTime - kernelBefore).TotalSeconds / reads.Sum();
            var read = reads.Order().ElementAt(1);
            var session = OptimizationSession.Create(module, replay, trace, 8 * 1024, new DiagnosticBag())!;
            var three = new[] { 1, 2, 3 }.Select(v => new CachePlacement(session.Evaluator.Candidates.Single(c => c.Nodes.SequenceEqual([v])), 8 * 1024 / 3)).ToArray();
            // The handler's own simulator: the service simulator keeps each placement's result, so a second run would cost nothing.
            var handler = session.Simulator.Parts.Single();
            handler.Run(three);
            // Each timed replay runs its caches' LRUs: the simulator would otherwise reuse the runs it kept of them.
            var replayTimes = Enumerable.Range(0, 5).Select(_ =>
            {
                handler.ForgetCacheRuns();
                return Cpu(() => handler.Run(three));
            }).Order().ToArray();
            var exact = replayTimes[2];
            output.WriteLine(Inv($"one exact replay, 3 caches: {exact * 1000:F1} ms CPU (median of 5)"));
            output.WriteLine(Inv($"read + flatten: {read * 1000:F1} ms CPU (median of 3; {kernel:P0} of it in the kernel) = {read / exact:F2}x a replay (target <= 3x)"));

            if (args.Contains("--read-split"))
            {
                // The parse alone (a sink that keeps nothing) against the whole read: what flattening adds.
                var parse = Enumerable.Range(0, 3).Select(_ => Cpu(() => TraceFile.Scan(trace, new DiagnosticBag(), new NullSink()))).Order().ElementAt(1);
                output.WriteLine(Inv($"  parse alone: {parse * 1000:F1} ms CPU (median of 3) = {parse / exact:F2}x a replay; flattening adds {(read - parse) * 1000:F1} ms"));
            }

            if (args.Contains("--phases"))
            {
                Phases(module, trace, output);
            }


            if (fluxo is not null)
            {
                // The median of a few runs: at the load these figures are taken under, one run's CPU time moves by 20%.
                var rounds = Arg(args, "--optimize-rounds", 3);
                var runs = Enumerable.Range(0, rounds)
                    .Select(_ => TimeChild("dotnet", [fluxo, "optimize", service, "--trace", trace, "--budget", "8KB", "--search", "mrc", "-o", Path.Combine(dir, "policy.json")], output))
                    .ToArray();
                var cpu = runs.Select(r => r.CpuSeconds).Order().ElementAt(rounds / 2);
                var rss = runs.Select(r => r.PeakBytes).Order().ElementAt(rounds / 2);
                output.WriteLine(Inv($"fluxo optimize --search mrc (default 20% hold-out), median of {rounds}: {cpu:F2} s CPU = {cpu / exact:F1}x a replay (target <= 25x); peak RSS {rss / 1e6:F0} MB = {rss / (double)size:F2}x the trace (target <= 3x); CPU [{string.Join(", ", runs.Select(r => r.CpuSeconds.ToString("F2", CultureInfo.InvariantCulture)))}] s, peak [{string.Join(", ", runs.Select(r => (r.PeakBytes / 1e6).ToString("F0", CultureInfo.InvariantCulture)))}] MB"));
            }

            if (fluxo is not null && !args.Contains("--no-run"))
            {
                RunTracing.Run(fluxo, Arg(args, "--run-rounds", 3), dir, output);
            }

            if (paperRequests > 0)
            {
                Paper(module, workload, paperRequests, Arg(args, "--paper-rounds", 3), dir, output);
            }

            output.WriteLine(Inv($"load average at the end: {Load()}"));

            return 0;
        }
        finally
        {
            if (keep is null)
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    /// <summary>`fluxo optimize --hold-out 0`'s steps one by one, each with its CPU time and bytes allocated: where the whole process's time goes.</summary>
    private static void Phases(IrModule module, string trace, TextWriter output)
    {
        void Step(string name, Action action)
        {
            var allocated = GC.GetTotalAllocatedBytes(precise: false);
            var cpu = Cpu(action);
            output.WriteLine(Inv($"  {name}: {cpu * 1000:F0} ms CPU, {(GC.GetTotalAllocatedBytes(precise: false) - allocated) / 1e6:F0} MB allocated, {GC.GetTotalMemory(forceFullCollection: false) / 1e6:F0} MB heap, working set {Environment.WorkingSet / 1e6:F0} MB, peak {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB"));
        }

        ServiceReplay replay = null!;
        OptimizationSession session = null!;
        SearchResult found = null!;
        PolicyDocument caches = null!;
        Step("read", () => replay = ServiceReplay.Read(module, trace, new DiagnosticBag())!);
        Step("ahead plan alone (reserved bytes)", () => AheadPlanner.Plan(replay, PolicyDocument.Empty(module.Service, 0), null));
        Step("session", () => session = OptimizationSession.Create(module, replay, trace, 8 * 1024, new DiagnosticBag())!);
        Step("hit curves", () => Parallel.For(0, session.Evaluator.Candidates.Count, new ParallelOptions { MaxDegreeOfParallelism = 1 }, i => HitCurve.Of(session.Simulator, session.Evaluator.Candidates[i], session.Evaluator.Budget)));
        Step("mrc alone", () => MrcSearch.Run(session.Evaluator));
        output.WriteLine(Inv($"  replays so far {session.Evaluator.Replays}, candidates {session.Evaluator.Candidates.Count}"));
        Step("search mrc", () => found = session.Search(SearchMethod.Mrc));
        output.WriteLine(Inv($"  replays so far {session.Evaluator.Replays}"));
        Step("references", () => session.References());
        output.WriteLine(Inv($"  replays so far {session.Evaluator.Replays}"));
        Step("best for each objective", () => session.BestForEachObjective(found, SearchMethod.Mrc));
        Step("to policy", () => caches = session.ToPolicy(found.Placement));
        Step("one ahead replay", () => replay.Run(caches));
        Step("ahead precompute", () => AheadPlanner.Precompute(replay, caches, null));
        Step("ahead plan", () => AheadPlanner.Plan(replay, caches, null, precompute: false));
        Step("held-out check's replay (in-sample after a warm-up)", () => replay.Run(caches, replay.Requests / 5));
    }

    /// <summary>`fluxo optimize`'s call in process, its heap and working set sampled every 100 ms: when memory peaks, and whether as live data or as garbage.</summary>
    private static void Memory(string service, string trace, TextWriter output)
    {
        GC.Collect();
        var module = IrJson.Deserialize(File.ReadAllText(service))!;
        using var done = new ManualResetEventSlim();
        var samples = new List<string>();
        var clock = Stopwatch.StartNew();
        var sampler = new Thread(() =>
        {
            while (!done.Wait(100))
            {
                var info = GC.GetGCMemoryInfo();
                samples.Add(Inv($"{clock.Elapsed.TotalSeconds:F1}s heap {GC.GetTotalMemory(false) / 1e6:F0} frag {info.FragmentedBytes / 1e6:F0} committed {info.TotalCommittedBytes / 1e6:F0} ws {Environment.WorkingSet / 1e6:F0}"));
            }
        });
        sampler.Start();
        var report = ServiceOptimizer.Optimize(module, new OptimizeRequest(service, trace, 8 * 1024), new DiagnosticBag(), (stage, f) =>
        {
            lock (samples)
            {
                samples.Add(Inv($"{clock.Elapsed.TotalSeconds:F1}s stage {stage} {f:F2}"));
            }
        });
        done.Set();
        sampler.Join();
        output.WriteLine(Inv($"optimize in process: {report?.Policy.Caches.Length} caches, {clock.Elapsed.TotalSeconds:F1} s"));
        foreach (var line in samples.Where((_, i) => i % 5 == 0 || (samples[i].Contains("stage", StringComparison.Ordinal) && !samples[i - 1].Contains("stage", StringComparison.Ordinal))))
        {
            output.WriteLine("  " + line);
        }
    }

    /// <summary>Streams a generated trace to <paramref name="path"/> in constant memory.</summary>
    public static void Generate(WeatherWorkload workload, long requests, string path, int seed = 7)
    {
        var generator = new WeatherTraceGenerator();
        using var writer = TraceWriter.Create(path, generator.Header);
        foreach (var r in generator.Requests(workload, requests, seed))
        {
            writer.Write(r);
        }
    }

    internal static double Flatten(IrModule module, string path, out ServiceReplay replay)
    {
        ServiceReplay? read = null;
        var seconds = Cpu(() =>
        {
            var diagnostics = new DiagnosticBag();
            read = ServiceReplay.Read(module, path, diagnostics) ?? throw new InvalidOperationException(string.Join("\n", diagnostics.Items));
        });
        replay = read!;
        return seconds;
    }

    /// <summary>Process CPU seconds of a single-threaded step: on a loaded machine wall time measures the neighbours.</summary>
    internal static double Cpu(Action step)
    {
        var before = Process.GetCurrentProcess().TotalProcessorTime;
        step();
        return (Process.GetCurrentProcess().TotalProcessorTime - before).TotalSeconds;
    }

    private static void Paper(IrModule module, WeatherWorkload workload, int requests, int rounds, string dir, TextWriter output)
    {
        var path = Path.Combine(dir, Inv($"paper-{requests}.trace"));
        if (!File.Exists(path))
        {
            Generate(workload, requests, path);
        }

        var options = new PaperSearch.Options(RandomPolicies: 2000, ClimbFrom: 20);
        // A small search on each thread count first: without it the JIT's tier-up of the search's methods (0.4-0.8 s of
        // the tiering thread's CPU, measured) runs during the timed searches, on the core the one-thread search leaves free.
        foreach (var threads in new[] { 2, 1 })
        {
            var (warm, _) = PaperSession(module, path, threads);
            PaperSearch.Run(warm, new PaperSearch.Options(RandomPolicies: 300, ClimbFrom: 4));
        }

        // Rounds alternate 1 and 2 threads, so that a change of the machine's load falls on both.
        var runs = new List<(int Threads, double Seconds, double Cpu, double Busiest, SearchResult Result)>();
        OptimizationSession? session = null;
        for (var round = 0; round < rounds; round++)
        {
            foreach (var threads in new[] { 1, 2 })
            {
                // A fresh read for each: a simulator keeps every replay's result, so a second search on it would replay nothing.
                (var evaluator, session) = PaperSession(module, path, threads);
                var threadsBefore = ThreadTimes();
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                var result = PaperSearch.Run(evaluator, options);
                var wall = clock.Elapsed.TotalSeconds;
                var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
                var busiest = ThreadTimes().Max(t => (t.Value - threadsBefore.GetValueOrDefault(t.Key)).TotalSeconds);
                runs.Add((threads, wall, cpu, busiest, result));
            }
        }

        // One replay of the search's answer on this thread: its CPU time and what it allocates. On the handler's simulator,
        // its kept cache runs forgotten: the service simulator would answer from its memo.
        var placement = runs[0].Result.Placement;
        var part = session!.Simulator.Parts.Single();
        part.ForgetCacheRuns();
        part.Run(placement);
        part.ForgetCacheRuns();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var replayCpu = Cpu(() => part.Run(placement));
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        output.WriteLine(Inv($"paper replay ({placement.Count} caches) on {requests} requests: {replayCpu * 1000:F1} ms CPU, {allocated / 1024.0:F0} KiB allocated ({allocated / (double)requests:F2} B per request)"));

        var first = runs[0].Result;
        var same = runs.All(r => r.Result.Replays == first.Replays && r.Result.Result.P50Ms == first.Result.P50Ms && r.Result.Result.MeanMs == first.Result.MeanMs
            && r.Result.Placement.Select(c => c.ToString()).SequenceEqual(first.Placement.Select(c => c.ToString())));
        double Median(int threads, Func<(int Threads, double Seconds, double Cpu, double Busiest, SearchResult Result), double> of)
        {
            var values = runs.Where(r => r.Threads == threads).Select(of).Order().ToArray();
            return values[values.Length / 2];
        }

        string Each(int threads, Func<(int Threads, double Seconds, double Cpu, double Busiest, SearchResult Result), double> of) =>
            string.Join(", ", runs.Where(r => r.Threads == threads).Select(r => of(r).ToString("F2", CultureInfo.InvariantCulture)));

        var one = Median(1, r => r.Seconds);
        var two = Median(2, r => r.Seconds);
        output.WriteLine(Inv($"paper search (N=2000, K=20) on {requests} requests, after a warm-up search, median of {rounds} alternated rounds: 1 thread {one:F2} s [{Each(1, r => r.Seconds)}], 2 threads {two:F2} s [{Each(2, r => r.Seconds)}] wall = {one / two:F2}x (target >= 1.8x); {first.Replays} replays, {one / first.Replays * 1000:F2} ms each on 1 thread; same result in every run: {same}; load average {Load()}"));

        // On a machine shared with other work, wall time measures the neighbours; the busiest thread's CPU time is the
        // wall time the search would take with its cores to itself.
        var busy1 = Median(1, r => r.Busiest);
        var busy2 = Median(2, r => r.Busiest);
        output.WriteLine(Inv($"paper search by CPU time, medians: 1 thread {Median(1, r => r.Cpu):F2} s CPU (busiest thread {busy1:F2} s), 2 threads {Median(2, r => r.Cpu):F2} s CPU (busiest thread {busy2:F2} s) = {busy1 / busy2:F2}x on two free cores (target >= 1.8x)"));
    }

    /// <summary>A freshly read paper trace's evaluator replaying on <paramref name="threads"/> threads.</summary>
    private static (PolicyEvaluator Evaluator, OptimizationSession Session) PaperSession(IrModule module, string path, int threads)
    {
        Flatten(module, path, out var replay);
        var session = OptimizationSession.Create(module, replay, path, 8 * 1024, new DiagnosticBag())!;
        return (new PolicyEvaluator(session.Simulator, session.Evaluator.Candidates, session.Budget, session.Evaluator.Objective) { Parallelism = threads }, session);
    }

    /// <summary>CPU time of each of this process's threads, by thread id.</summary>
    private static Dictionary<int, TimeSpan> ThreadTimes()
    {
        var times = new Dictionary<int, TimeSpan>();
        foreach (ProcessThread t in Process.GetCurrentProcess().Threads)
        {
            try
            {
                times[t.Id] = t.TotalProcessorTime;
            }
            catch (InvalidOperationException)
            {
                // The thread ended meanwhile.
            }
        }

        return times;
    }

    private static (double CpuSeconds, long PeakBytes) TimeChild(string program, string[] args, TextWriter output)
    {
        var (cpu, peak, _) = TimeChild(program, args);
        return (cpu, peak);
    }

    /// <summary>Runs a child under /usr/bin/time (with <paramref name="environment"/> added): its user + system CPU seconds, peak resident bytes and standard output.</summary>
    public static (double CpuSeconds, long PeakBytes, string Output) TimeChild(string program, string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("/usr/bin/time") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-f", "FLUXOTIME %U %S %M", program }.Concat(args))
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        var line = stderr.Split('\n').LastOrDefault(l => l.StartsWith("FLUXOTIME ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("no timing from /usr/bin/time: " + stderr + stdout.Result);
        var parts = line.Split(' ');
        var user = double.Parse(parts[1], CultureInfo.InvariantCulture);
        var sys = double.Parse(parts[2], CultureInfo.InvariantCulture);
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {p.ExitCode}: {stderr}");
        }

        return (user + sys, long.Parse(parts[3], CultureInfo.InvariantCulture) * 1024, stdout.Result);
    }

    internal static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    public static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";

    public static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private sealed class NullSink : ITraceSink
    {
        public long Events;

        public bool Begin(TraceHeader header) => true;

        public bool Request(in RequestHead head, ReadOnlySpan<NodeEvent> nodes, ReadOnlySpan<EdgeEvent> edges)
        {
            Events += nodes.Length + edges.Length;
            return true;
        }
    }
}
