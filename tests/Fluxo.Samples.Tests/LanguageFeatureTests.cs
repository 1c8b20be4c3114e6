using Fluxo.Values;

namespace Fluxo.Samples.Tests;

/// <summary>Issue 17's language features, run end to end through the runtime engine.</summary>
public class LanguageFeatureTests
{
    private const string Fanout = """
        service Fanout;
        table Seen(partition user: string, row tag: string) { at: int; }
        handler tagDeclared(user: string, tags: string) -> int {
          let all = split(tags, ",");
          for each t in all max 3 {
            put Seen(user, t) { at: 1 };
          }
          return count(all);
        }
        handler tagLiteral(user: string) -> bool {
          for each t in ["a", "b"] {
            if t != "b" { put Seen(user, t) { at: 2 }; }
          }
          return true;
        }
        handler total(n: int) -> int {
          return fold(range(n), 0, (acc, i) => acc + i);
        }
        handler names(user: string, tags: string) -> list<string> {
          return map(split(tags, ","), t => {
            let row = get Seen(user, t);
            return if row != none then t + "=" + str(row.at) else t + "?";
          });
        }
        """;

    private static SampleService Service() => new("fanout.flimp", Fanout);

    [Fact]
    public async Task ForEachRunsItsEffectsOncePerItem()
    {
        using var s = Service();
        Assert.Equal(3, (await s.Call("tagDeclared", new { user = "u", tags = "x,y,z" })).AsInt);
        Assert.Equal(["x", "y", "z"], (await s.Rows("Seen", "u")).Select(r => r.S("tag")));
        Assert.Equal(1, (await s.Call("tagDeclared", new { user = "v", tags = "only" })).AsInt);
        Assert.Single(await s.Rows("Seen", "v"));
        await s.Call("tagLiteral", new { user = "w" });
        Assert.Equal(["a"], (await s.Rows("Seen", "w")).Select(r => r.S("tag")));
    }

    [Fact]
    public async Task ForEachBeyondItsDeclaredMaximumFailsTheRequestAndWritesNothing()
    {
        using var s = Service();
        var r = await s.Try("tagDeclared", new { user = "u", tags = "a,b,c,d" });
        Assert.False(r.Succeeded);
        Assert.Contains("atMost: the list has 4 items, more than the 3 allowed", r.Error);
        Assert.Empty(await s.Rows("Seen", "u"));
    }

    [Fact]
    public async Task RangeBeyondItsLimitIsARequestErrorNamingIt()
    {
        using var s = Service();
        Assert.Equal(4950, (await s.Call("total", new { n = 100 })).AsInt);
        var r = await s.Try("total", new { n = 20_000_000 });
        Assert.False(r.Succeeded);
        Assert.Contains("range: 20000000 is beyond its limit (at most 100,000 items)", r.Error);
    }

    [Fact]
    public async Task LambdaBlockBodiesBindLets()
    {
        using var s = Service();
        await s.Call("tagLiteral", new { user = "u" });
        var names = (await s.Call("names", new { user = "u", tags = "a,b" })).AsList.Select(v => v.AsString);
        Assert.Equal(["a=2", "b?"], names);
    }

    [Fact]
    public void InternalHandlersAndForEachAreMarkedInTheIr()
    {
        using var mail = new SampleService("messaging");
        Assert.True(mail.Module.FindGraph("deliver")!.Internal);
        Assert.False(mail.Module.FindGraph("post")!.Internal);
        var post = mail.Module.FindGraph("post")!;
        Assert.Equal(5, post.Nodes.Count(n => n.Kind == Ir.NodeKind.Enqueue));
        Assert.Single(post.Nodes, n => n.Target == "atMost");
    }
}
