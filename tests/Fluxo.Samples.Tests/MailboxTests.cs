using Fluxo.Values;

namespace Fluxo.Samples.Tests;

public class MailboxTests
{
    private static async Task<(SampleService Mail, string Key)> WithOneDelivered()
    {
        var mail = new SampleService("messaging");
        var posted = await mail.Call("post", new { sender = "ann", recipients = "Bob, carol", subject = " Plans ", body = "# Agenda\n\n- one" });
        Assert.True(posted.B("ok"));
        Assert.Equal("sent to 2 recipient(s)", posted.S("message"));
        var ran = await mail.DrainQueue();
        Assert.Equal(["deliver", "deliver"], ran.Select(r => r.Handler));
        var key = (await mail.Call("newest", new { user = "bob", folder = "inbox" })).S("key");
        Assert.NotEqual("", key);
        return (mail, key);
    }

    [Fact]
    public async Task PostDeliversThroughTheQueueToEveryRecipient()
    {
        var (mail, _) = await WithOneDelivered();
        using var _1 = mail;
        Assert.Single(await mail.Rows("Outbox", "ann"));
        foreach (var user in new[] { "bob", "carol" })
        {
            var list = (await mail.Call("listFolder", new { user, folder = "", limit = 10 })).AsList;
            var m = Assert.Single(list);
            Assert.Equal("Plans", m.S("subject"));
            Assert.False(m.B("read"));
        }

        Assert.Single((await mail.Call("sent", new { user = "ann", limit = 10 })).AsList);
    }

    [Fact]
    public async Task ReadRendersTheBodyAndMarksItRead()
    {
        var (mail, key) = await WithOneDelivered();
        using var _1 = mail;
        Assert.Equal(1, (await mail.Call("unreadCount", new { user = "bob" })).AsInt);
        var view = await mail.Call("read", new { user = "bob", key });
        Assert.StartsWith("<div class=\"mail\">", view.S("html"));
        Assert.Contains("# Agenda", view.S("html"));
        Assert.Equal("inbox", view.S("folder"));
        Assert.Equal(0, (await mail.Call("unreadCount", new { user = "bob" })).AsInt);
        Assert.True((await mail.Row("Mail", "bob", key))!.B("read"));
        Assert.True((await mail.Call("markRead", new { user = "bob", key, read = false })).AsBool);
        Assert.Equal(1, (await mail.Call("unreadCount", new { user = "bob" })).AsInt);
        Assert.True((await mail.Call("read", new { user = "bob", key = "no-such-key" })).IsNull);
        Assert.False((await mail.Call("markRead", new { user = "bob", key = "no-such-key", read = true })).AsBool);
    }

    [Theory]
    [InlineData(" , ", "hi", "name at least one recipient")]
    [InlineData("a,b,c,d,e,f", "hi", "at most 5 recipients")]
    [InlineData("bob", null, "the message is longer than 20000 characters")]
    public async Task PostRefusesBadInput(string recipients, string? body, string expected)
    {
        using var mail = new SampleService("messaging");
        var r = await mail.Call("post", new { sender = "ann", recipients, subject = "s", body = body ?? new string('x', 20001) });
        Assert.False(r.B("ok"));
        Assert.Equal(expected, r.S("message"));
        Assert.Empty(await mail.DrainQueue());
        Assert.Empty(await mail.Rows("Outbox", "ann"));
    }

    [Fact]
    public async Task SpamGoesToTheSpamFolder()
    {
        using var mail = new SampleService("messaging");
        await mail.Call("post", new { sender = "promo@deals.example", recipients = "bob", subject = "WIN NOW", body = "Click here to claim your prize." });
        await mail.DrainQueue();
        Assert.Empty((await mail.Call("listFolder", new { user = "bob", folder = "inbox", limit = 10 })).AsList);
        Assert.Single((await mail.Call("listFolder", new { user = "bob", folder = "spam", limit = 10 })).AsList);
    }

    [Fact]
    public async Task FoldersMoveAndCount()
    {
        var (mail, key) = await WithOneDelivered();
        using var _1 = mail;
        Assert.Equal("no such folder", (await mail.Call("move", new { user = "bob", key, folder = "projects" })).AsString);
        Assert.True((await mail.Call("createFolder", new { user = "bob", name = "projects" })).AsBool);
        Assert.False((await mail.Call("createFolder", new { user = "bob", name = "projects" })).AsBool);
        Assert.False((await mail.Call("createFolder", new { user = "bob", name = "inbox" })).AsBool);
        Assert.Equal("moved", (await mail.Call("move", new { user = "bob", key, folder = "projects" })).AsString);
        Assert.Equal("no such message", (await mail.Call("move", new { user = "bob", key = "nope", folder = "archive" })).AsString);
        var folders = (await mail.Call("folders", new { user = "bob" })).AsList;
        Assert.Equal(["inbox:0/0", "archive:0/0", "spam:0/0", "trash:0/0", "projects:1/1"],
            folders.Select(f => $"{f.S("name")}:{f.F("unread").AsInt}/{f.F("total").AsInt}"));
    }

    [Fact]
    public async Task RemoveGoesToTrashThenForGood()
    {
        var (mail, key) = await WithOneDelivered();
        using var _1 = mail;
        Assert.True((await mail.Call("remove", new { user = "bob", key })).AsBool);
        Assert.Equal("trash", (await mail.Row("Mail", "bob", key))!.S("folder"));
        Assert.True((await mail.Call("remove", new { user = "bob", key })).AsBool);
        Assert.Null(await mail.Row("Mail", "bob", key));
        Assert.False((await mail.Call("remove", new { user = "bob", key })).AsBool);
        Assert.Equal("", (await mail.Call("newest", new { user = "bob", folder = "inbox" })).S("key"));
    }
}
