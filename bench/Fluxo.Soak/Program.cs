using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Fluxo.TestSupport;

// The soak of issue 18 (deliverable 8): the generated messaging service (front end + worker) on Azurite and
// redis-server under a steady load, a worker killed every minute and Redis restarted twice. A client retries a 503 or
// 504 with the same X-Request-Id, as the answer asks. At the end every post, answered or not, is checked against the
// tables: a request is lost when it got no answer (or an error) and its write is not applied; a post whose client gave
// up but whose writes are all there exactly once is "unanswered, applied once"; a write applied more than once is doubled.
// scripts/soak.sh builds everything and runs this.
var options = Options.Parse(args);
try
{
    return await SoakAsync(options);
}
catch (Exception e) when (e is TimeoutException or InvalidOperationException or IOException or HttpRequestException)
{
    // Caught, so the servers' using blocks stop them: a failed soak leaves no process behind.
    Console.Error.WriteLine($"soak failed: {e.Message}");
    return 2;
}

static async Task<int> SoakAsync(Options options)
{
    Directory.CreateDirectory(options.Out);
    var frontDll = Directory.GetFiles(Path.Combine(options.Solution, "src"), "*.FrontEnd.dll", SearchOption.AllDirectories).Single(p => p.Contains("/bin/Release/", StringComparison.Ordinal));
    var workerDll = Directory.GetFiles(Path.Combine(options.Solution, "src"), "*.Worker.dll", SearchOption.AllDirectories).Single(p => p.Contains("/bin/Release/", StringComparison.Ordinal));

    using var azurite = new AzuriteServer();
    using var redis = new RedisServer(256L * 1024 * 1024);
    var environment = new Dictionary<string, string>
    {
        ["ConnectionStrings__Storage"] = azurite.ConnectionString,
        ["ConnectionStrings__Redis"] = redis.ConnectionString,
        ["Fluxo__VisibilityTimeoutSeconds"] = "10",
        ["Fluxo__ResultTimeoutSeconds"] = "30",
        ["Fluxo__Trace__Enabled"] = "false",
        ["Logging__LogLevel__Default"] = "Warning",
    };
    foreach (var e in options.Externs)
    {
        environment["Externs__" + e] = options.StandIns.TrimEnd('/') + "/" + e;
    }

    using var frontEnd = new ServiceProcess(frontDll, environment, Path.Combine(options.Out, "frontend.log"));
    var worker = new ServiceProcess(workerDll, environment, Path.Combine(options.Out, "worker.log"), healthy: false);
    try
    {
        using var http = new HttpClient { BaseAddress = new Uri(frontEnd.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        var load = new Load(http, options.Seed);
        var clock = Stopwatch.StartNew();
        var duration = TimeSpan.FromMinutes(options.Minutes);
        var events = new List<string>();
        void Note(string what)
        {
            var line = $"{clock.Elapsed.TotalSeconds,7:F1}s {what}";
            events.Add(line);
            Console.WriteLine(line);
        }

        Note($"front end on {frontEnd.BaseUrl}, worker pid {worker.ProcessId}; {options.Rate} requests/s for {options.Minutes} min");
        var sending = load.RunAsync(options.Rate, duration);
        await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, duration.TotalSeconds / 4)));
        var frontStart = frontEnd.ResidentBytes;
        var workerStart = worker.ResidentBytes;
        var frontPeak = frontStart;
        var samples = new List<Sample>();
        var azuritePid = Sample.ProcessListening("--queuePort " + azurite.QueuePort.ToString(CultureInfo.InvariantCulture));
        var nextSample = TimeSpan.Zero;
        var redisAt = Enumerable.Range(1, options.RedisRestarts).Select(i => duration * i / (options.RedisRestarts + 1)).ToList();
        var nextKill = TimeSpan.FromSeconds(options.KillEverySeconds);
        var kills = 0;
        while (clock.Elapsed < duration)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            frontPeak = Math.Max(frontPeak, frontEnd.ResidentBytes);
            if (clock.Elapsed >= nextSample)
            {
                samples.Add(new Sample(clock.Elapsed.TotalSeconds, frontEnd.ResidentBytes, worker.ResidentBytes, Sample.LoadAverage(), load.Sent, load.Answered, load.Waiting, Sample.CpuSeconds(azuritePid)));
                nextSample += TimeSpan.FromSeconds(30);
            }

            // The replacement starts first, as a second replica would be there: on this loaded machine a worker takes 20-30 s
            // to start, and with none running for that long each minute the queue grew without bound. The kill is the same.
            if (clock.Elapsed >= nextKill && clock.Elapsed < duration)
            {
                var next = new ServiceProcess(workerDll, environment, Path.Combine(options.Out, "worker.log"), healthy: false);
                worker.Kill();
                worker.Dispose();
                kills++;
                worker = next;
                Note($"worker killed (SIGKILL) once its replacement was up, pid {worker.ProcessId}; {load.Summary()}");
                nextKill += TimeSpan.FromSeconds(options.KillEverySeconds);
            }

            if (redisAt.Count > 0 && clock.Elapsed >= redisAt[0])
            {
                redisAt.RemoveAt(0);
                redis.Stop();
                Note("redis-server killed");
                await Task.Delay(TimeSpan.FromSeconds(5));
                redis.Start();
                Note("redis-server started again (empty)");
            }
        }

        var frontEndRss = frontEnd.ResidentBytes;
        var workerEnd = worker.ResidentBytes;
        Note($"load stopped; waiting for the requests in flight; {load.Summary()}");
        await sending;
        Note($"all requests finished; {load.Summary()}; waiting for the deliveries to drain");
        var check = await Check.RunAsync(azurite.ConnectionString, load.Posts.ToList(), TimeSpan.FromMinutes(3));
        var lost = load.UnansweredReads + check.UnansweredNotApplied;
        File.WriteAllLines(Path.Combine(options.Out, "memory.tsv"), samples.Select(x => x.Row()).Prepend(Sample.Header));
        var loads = samples.Select(x => x.Load).DefaultIfEmpty(0).ToList();
        var half = samples.Where(x => x.Seconds >= duration.TotalSeconds / 2).Select(x => x.FrontEnd).DefaultIfEmpty(frontStart).First();

        var degraded = File.ReadLines(Path.Combine(options.Out, "frontend.log")).Concat(File.ReadLines(Path.Combine(options.Out, "worker.log")))
            .Count(l => l.Contains("degraded:", StringComparison.Ordinal));
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"minutes\t{options.Minutes}");
        report.AppendLine(CultureInfo.InvariantCulture, $"rate_per_second\t{options.Rate}");
        report.AppendLine(CultureInfo.InvariantCulture, $"workers_killed\t{kills}");
        report.AppendLine(CultureInfo.InvariantCulture, $"redis_restarts\t{options.RedisRestarts}");
        report.AppendLine(CultureInfo.InvariantCulture, $"requests_sent\t{load.Sent}");
        report.AppendLine(CultureInfo.InvariantCulture, $"requests_answered\t{load.Answered}");
        report.AppendLine(CultureInfo.InvariantCulture, $"requests_unanswered\t{load.GaveUp + load.Failed}");
        report.AppendLine(CultureInfo.InvariantCulture, $"requests_gave_up_after_3_min\t{load.GaveUp}");
        report.AppendLine(CultureInfo.InvariantCulture, $"requests_failed\t{load.Failed}");
        report.AppendLine(CultureInfo.InvariantCulture, $"unanswered_posts_applied_once\t{check.UnansweredAppliedOnce}");
        report.AppendLine(CultureInfo.InvariantCulture, $"requests_lost\t{lost}");
        report.AppendLine(CultureInfo.InvariantCulture, $"requests_doubled\t{check.PostsDoubled}");
        report.AppendLine(CultureInfo.InvariantCulture, $"retries_after_503_504\t{load.Retries}");
        report.AppendLine(CultureInfo.InvariantCulture, $"posts_sent\t{check.Posts}");
        report.AppendLine(CultureInfo.InvariantCulture, $"posts_answered\t{check.Answered}");
        report.AppendLine(CultureInfo.InvariantCulture, $"writes_expected\t{check.Expected}");
        report.AppendLine(CultureInfo.InvariantCulture, $"writes_lost\t{check.Lost}");
        report.AppendLine(CultureInfo.InvariantCulture, $"writes_doubled\t{check.Doubled}");
        report.AppendLine(CultureInfo.InvariantCulture, $"rows_unexplained\t{check.Unexplained}");
        report.AppendLine(CultureInfo.InvariantCulture, $"load_average_mean\t{loads.Average():F1}");
        report.AppendLine(CultureInfo.InvariantCulture, $"load_average_max\t{loads.Max():F1}");
        report.AppendLine(CultureInfo.InvariantCulture, $"frontend_rss_mb_start\t{frontStart / 1048576.0:F1}");
        report.AppendLine(CultureInfo.InvariantCulture, $"frontend_rss_mb_half\t{half / 1048576.0:F1}");
        report.AppendLine(CultureInfo.InvariantCulture, $"frontend_rss_mb_end\t{frontEndRss / 1048576.0:F1}");
        report.AppendLine(CultureInfo.InvariantCulture, $"frontend_rss_mb_peak\t{frontPeak / 1048576.0:F1}");
        report.AppendLine(CultureInfo.InvariantCulture, $"worker_rss_mb_first_start\t{workerStart / 1048576.0:F1}");
        report.AppendLine(CultureInfo.InvariantCulture, $"worker_rss_mb_end\t{workerEnd / 1048576.0:F1}");
        report.AppendLine(CultureInfo.InvariantCulture, $"degraded_log_lines\t{degraded}");
        File.WriteAllText(Path.Combine(options.Out, "soak.tsv"), report.ToString());
        File.WriteAllLines(Path.Combine(options.Out, "events.txt"), events);
        Console.Write(report);
        return lost == 0 && check.PostsDoubled == 0 && check.Lost == 0 && check.Doubled == 0 && check.Unexplained == 0 ? 0 : 1;
    }
    finally
    {
        worker.Dispose();
    }
}

internal sealed record Options(string Solution, string StandIns, string[] Externs, double Minutes, double Rate, int KillEverySeconds, int RedisRestarts, string Out, int Seed)
{
    public static Options Parse(string[] args)
    {
        var map = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            map[args[i].TrimStart('-')] = args[i + 1];
        }

        string Get(string name, string? fallback = null) => map.TryGetValue(name, out var v) ? v : fallback ?? throw new ArgumentException($"--{name} is required");
        return new Options(
            Path.GetFullPath(Get("solution")),
            Get("standins"),
            Get("externs", "").Split(',', StringSplitOptions.RemoveEmptyEntries),
            double.Parse(Get("minutes", "30"), CultureInfo.InvariantCulture),
            double.Parse(Get("rate", "20"), CultureInfo.InvariantCulture),
            int.Parse(Get("kill-every", "60"), CultureInfo.InvariantCulture),
            int.Parse(Get("redis-restarts", "2"), CultureInfo.InvariantCulture),
            Path.GetFullPath(Get("out", "out/soak")),
            int.Parse(Get("seed", "18"), CultureInfo.InvariantCulture));
    }
}

/// <summary>A post: its sender (one per post, so its outbox partition is its own), recipients, and the id the service answered with (null when unanswered).</summary>
internal sealed record Post(string Sender, string[] Recipients, string? Id);

/// <summary>One row of memory.tsv: the processes' resident memory, the machine's load and the load's progress, every 30 s.</summary>
internal sealed record Sample(double Seconds, long FrontEnd, long Worker, double Load, long Sent, long Answered, long Waiting, double AzuriteCpu)
{
    public const string Header = "seconds\tfrontend_rss_mb\tworker_rss_mb\tload_average_1min\tsent\tanswered\twaiting\tazurite_cpu_s";

    /// <summary>The process whose command line holds <paramref name="argument"/> (Azurite runs under node, started by the test support), or 0.</summary>
    public static int ProcessListening(string argument)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (int.TryParse(Path.GetFileName(dir), out var pid) && File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Contains(argument, StringComparison.Ordinal))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return 0;
    }

    /// <summary>CPU time (user + system) a process has used, from /proc/PID/stat (clock ticks of 1/100 s).</summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The one-minute load average: other jobs on the machine slow Azurite, so a figure says what it ran beside.</summary>
    public static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    public string Row() => string.Create(CultureInfo.InvariantCulture, $"{Seconds:F0}\t{FrontEnd / 1048576.0:F1}\t{Worker / 1048576.0:F1}\t{Load:F1}\t{Sent}\t{Answered}\t{Waiting}\t{AzuriteCpu:F1}");
}

/// <summary>
/// A steady open-loop load: posts (each from its own sender, to one to three of 20 users) and reads of the users'
/// inboxes. A request is retried with its id on 503 (after its Retry-After) and 504 (and when the front end cannot be
/// reached, after 1 s) for up to three minutes; then the client gives up. Any other answer than 200 is a failure. Every post is kept, answered or
/// not, so the tables can say whether its write was applied.
/// </summary>
internal sealed class Load(HttpClient http, int seed)
{
    private static readonly string[] Bodies = [.. Enumerable.Range(0, 12).Select(i => $"# Note {i}\n\nPlease read **item {i}** and the [notes](https://example.com/{i}).")];
    private readonly ConcurrentBag<Post> _posts = [];
    private long _sent;
    private long _answered;
    private long _gaveUp;
    private long _failed;
    private long _unansweredReads;
    private long _retries;

    public IEnumerable<Post> Posts => _posts;
    public long Sent => Interlocked.Read(ref _sent);
    public long Answered => Interlocked.Read(ref _answered);
    public long GaveUp => Interlocked.Read(ref _gaveUp);
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Reads that got no answer: nothing to apply, so each is lost.</summary>
    public long UnansweredReads => Interlocked.Read(ref _unansweredReads);
    public long Retries => Interlocked.Read(ref _retries);
    public long Waiting => Sent - Answered - GaveUp - Failed;

    public string Summary() => $"sent {Sent}, answered {Answered}, waiting {Waiting}, gave up {GaveUp}, failed {Failed}, retries {Retries}";

    public async Task RunAsync(double rate, TimeSpan duration)
    {
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        var running = new List<Task>();
        for (var n = 0; clock.Elapsed < duration; n++)
        {
            var due = TimeSpan.FromSeconds(n / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            var roll = random.NextDouble();
            var user = "u" + random.Next(20).ToString(CultureInfo.InvariantCulture);
            var id = "soak-" + n.ToString(CultureInfo.InvariantCulture);
            if (roll < 0.6)
            {
                var to = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => "u" + random.Next(20).ToString(CultureInfo.InvariantCulture)).Distinct().ToArray();
                var sender = "s" + n.ToString(CultureInfo.InvariantCulture);
                var body = JsonSerializer.Serialize(new { sender, recipients = string.Join(",", to), subject = "Update " + (n % 5).ToString(CultureInfo.InvariantCulture), body = Bodies[random.Next(Bodies.Length)] });
                running.Add(PostAsync(id, body, sender, to));
            }
            else
            {
                var body = roll < 0.85 ? JsonSerializer.Serialize(new { user, folder = "inbox", limit = 10 }) : JsonSerializer.Serialize(new { user });
                running.Add(ReadAsync(roll < 0.85 ? "/listFolder" : "/unreadCount", id, body));
            }

            running.RemoveAll(t => t.IsCompleted);
        }

        await Task.WhenAll(running);
    }

    private async Task PostAsync(string id, string body, string sender, string[] to)
    {
        var answer = await SendAsync("/post", id, body);
        string? answeredId = null;
        if (answer is not null)
        {
            using var doc = JsonDocument.Parse(answer);
            answeredId = doc.RootElement.GetProperty("ok").GetBoolean() ? doc.RootElement.GetProperty("id").GetString() : null;
        }

        _posts.Add(new Post(sender, to, answeredId));
    }

    private async Task ReadAsync(string path, string id, string body)
    {
        if (await SendAsync(path, id, body) is null)
        {
            Interlocked.Increment(ref _unansweredReads);
        }
    }

    /// <summary>The answer's body, or null when there was none (the client gave up, or an answer other than 200, 503, 504).</summary>
    private async Task<string?> SendAsync(string path, string id, string json)
    {
        Interlocked.Increment(ref _sent);
        var giveUp = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var wait = TimeSpan.FromSeconds(1);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
                request.Headers.Add("X-Request-Id", id);
                using var response = await http.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref _answered);
                    return body;
                }

                if (response.StatusCode is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout))
                {
                    Console.WriteLine($"request {id} {path}: {(int)response.StatusCode} {body}");
                    Interlocked.Increment(ref _failed);
                    return null;
                }

                // As a well-behaved client does: a 503 says when to come back.
                wait = response.Headers.RetryAfter?.Delta ?? wait;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            if (DateTime.UtcNow > giveUp)
            {
                Console.WriteLine($"request {id} {path}: no answer in 3 minutes");
                Interlocked.Increment(ref _gaveUp);
                return null;
            }

            Interlocked.Increment(ref _retries);
            await Task.Delay(wait);
        }
    }
}

/// <summary>
/// Every post against the tables, once the worker has drained its queues. A post's writes are its outbox row (in its
/// sender's partition, which no other post shares) and one mail row per recipient, all under the id the service gave it.
/// An answered post must have them under the answered id; an unanswered one either has none (lost) or has them exactly
/// once (applied though unanswered). Any row more is doubled.
/// </summary>
internal sealed record Check(int Posts, int Answered, int UnansweredAppliedOnce, int UnansweredNotApplied, int PostsDoubled, int Expected, int Lost, int Doubled, int Unexplained)
{
    public static async Task<Check> RunAsync(string storage, List<Post> posts, TimeSpan drain)
    {
        var tables = new TableServiceClient(storage);
        var names = new List<string>();
        await foreach (var t in tables.QueryAsync())
        {
            names.Add(t.Name);
        }

        var outbox = tables.GetTableClient(names.Single(n => n.EndsWith("Outbox", StringComparison.Ordinal)));
        var mail = tables.GetTableClient(names.Single(n => n.EndsWith("Mail", StringComparison.Ordinal)));
        var queues = new QueueServiceClient(storage);
        var deadline = DateTime.UtcNow + drain;
        var last = -1;
        while (DateTime.UtcNow < deadline)
        {
            var waiting = 0;
            await foreach (var q in queues.GetQueuesAsync())
            {
                // Replies nobody waits for any more stay until they expire; they hold no work.
                if (!q.Name.EndsWith("-poison", StringComparison.Ordinal) && !q.Name.Contains("-replies-", StringComparison.Ordinal))
                {
                    waiting += (await queues.GetQueueClient(q.Name).GetPropertiesAsync()).Value.ApproximateMessagesCount;
                }
            }

            var rows = await CountAsync(mail);
            if (waiting == 0 && rows == last)
            {
                break;
            }

            last = rows;
            await Task.Delay(TimeSpan.FromSeconds(5));
        }

        // Row keys are mailKey(sentAt, id): "<9999999999999 - sentAt>-<id>".
        static string IdOf(string rowKey) => rowKey[(rowKey.IndexOf('-', StringComparison.Ordinal) + 1)..];
        var outboxIds = (await RowsAsync(outbox)).ToLookup(r => r.Partition, r => IdOf(r.Row));
        var mailRows = (await RowsAsync(mail)).GroupBy(r => (r.Partition, IdOf(r.Row))).ToDictionary(g => g.Key, g => g.Count());
        int answered = 0, appliedOnce = 0, notApplied = 0, postsDoubled = 0, expected = 0, lost = 0, doubled = 0;
        var explained = new HashSet<(string, string)>();
        foreach (var p in posts)
        {
            var ids = outboxIds[p.Sender].ToList();
            answered += p.Id is null ? 0 : 1;
            if (p.Id is null && ids.Count == 0)
            {
                notApplied++;
                continue;
            }

            // The post's id: the answered one, else the one its single outbox row carries.
            var id = p.Id ?? ids[0];
            var rows = 0;
            expected += 1 + p.Recipients.Length;
            var outboxRows = ids.Count(i => i == id);
            lost += outboxRows == 0 ? 1 : 0;
            doubled += Math.Max(0, outboxRows - 1) + (ids.Count - outboxRows);
            rows += ids.Count;
            foreach (var r in p.Recipients)
            {
                explained.Add((r, id));
                var n = mailRows.GetValueOrDefault((r, id));
                lost += n == 0 ? 1 : 0;
                doubled += Math.Max(0, n - 1);
                rows += n;
            }

            var once = rows == 1 + p.Recipients.Length && outboxRows == 1 && p.Recipients.All(r => mailRows.GetValueOrDefault((r, id)) == 1);
            postsDoubled += rows > 1 + p.Recipients.Length ? 1 : 0;
            appliedOnce += p.Id is null && once ? 1 : 0;
        }

        // A mail row no post explains: a post applied twice under two ids, or a write from nowhere.
        var unexplained = mailRows.Where(kv => !explained.Contains(kv.Key)).Sum(kv => kv.Value);
        return new Check(posts.Count, answered, appliedOnce, notApplied, postsDoubled, expected, lost, doubled, unexplained);
    }

    private static async Task<int> CountAsync(TableClient table)
    {
        var n = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(select: ["PartitionKey"]))
        {
            n++;
        }

        return n;
    }

    private static async Task<List<(string Partition, string Row)>> RowsAsync(TableClient table)
    {
        var rows = new List<(string, string)>();
        await foreach (var e in table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
        {
            rows.Add((e.PartitionKey, e.RowKey));
        }

        return rows;
    }
}
