using Fluxo.Values;

namespace Fluxo.Samples.Tests;

public class InstantMessagingTests
{
    private const double Minute = 60_000;

    [Fact]
    public async Task PresenceGoesAwayThenOffline()
    {
        using var im = new SampleService("im");
        Assert.False((await im.Call("setPresence", new { user = "ann", status = "dancing" })).AsBool);
        Assert.Equal("offline", (await im.Call("presence", new { user = "ann" })).AsString);
        Assert.True((await im.Call("setPresence", new { user = "ann", status = "busy" })).AsBool);
        Assert.Equal("busy", (await im.Call("presence", new { user = "ann" })).AsString);
        im.Now += 3 * Minute;
        Assert.Equal("away", (await im.Call("presence", new { user = "ann" })).AsString);
        im.Now += 13 * Minute;
        Assert.Equal("offline", (await im.Call("presence", new { user = "ann" })).AsString);
        Assert.True((await im.Call("setPresence", new { user = "ann", status = "invisible" })).AsBool);
        Assert.Equal("offline", (await im.Call("presence", new { user = "ann" })).AsString);
    }

    [Fact]
    public async Task SentMessagesArePolledWithALinkPreviewAndKeptInHistory()
    {
        using var im = new SampleService("im");
        var sent = await im.Call("send", new { sender = "ann", recipient = "bob", text = "  look at https://news.example.com/story/1 now " });
        Assert.True(sent.B("ok"));
        var polled = (await im.Call("poll", new { user = "bob", after = "" })).AsList;
        var item = Assert.Single(polled);
        Assert.Equal(sent.S("id"), item.S("key"));
        Assert.Equal("ann", item.S("sender"));
        Assert.Equal("look at https://news.example.com/story/1 now", item.S("text"));
        Assert.Contains("https://news.example.com/story/1", item.S("preview"));
        Assert.Empty((await im.Call("poll", new { user = "bob", after = item.S("key") })).AsList);
        Assert.Equal(1, (await im.Call("unreadCount", new { user = "bob" })).AsInt);
        var history = (await im.Call("history", new { user = "bob", other = "ann", day = "", limit = 20 })).AsList;
        Assert.Equal("ann", Assert.Single(history).S("sender"));
        var plain = await im.Call("send", new { sender = "bob", recipient = "ann", text = "no links here" });
        Assert.True(plain.B("ok"));
        Assert.Equal("", Assert.Single((await im.Call("poll", new { user = "ann", after = "" })).AsList).S("preview"));
        Assert.Equal(2, (await im.Call("history", new { user = "ann", other = "bob", day = "", limit = 20 })).AsList.Length);
    }

    [Theory]
    [InlineData("bob", "", "the message is empty")]
    [InlineData("ann", "hello me", "choose someone else to write to")]
    [InlineData("bob", null, "a message has at most 2000 characters")]
    public async Task SendRefusesBadMessages(string recipient, string? text, string expected)
    {
        using var im = new SampleService("im");
        var r = await im.Call("send", new { sender = "ann", recipient, text = text ?? new string('x', 2001) });
        Assert.False(r.B("ok"));
        Assert.Equal(expected, r.S("message"));
        Assert.Empty(await im.Rows("Inbox", recipient));
        Assert.Empty(await im.DrainQueue());
    }

    [Fact]
    public async Task RecipientsWhoAreNotOnlineGetAPush()
    {
        using var im = new SampleService("im");
        await im.Call("setPresence", new { user = "bob", status = "online" });
        await im.Call("send", new { sender = "ann", recipient = "bob", text = "hi" });
        await im.Call("send", new { sender = "bob", recipient = "carol", text = "hi" });
        var ran = await im.DrainQueue();
        Assert.Equal([("notify", Value.False), ("notify", Value.True)], ran);
    }

    [Fact]
    public async Task AcknowledgeDropsOnceAndAbsentIsFalse()
    {
        using var im = new SampleService("im");
        var key = (await im.Call("send", new { sender = "ann", recipient = "bob", text = "hi" })).S("id");
        Assert.True((await im.Call("acknowledge", new { user = "bob", key })).AsBool);
        Assert.False((await im.Call("acknowledge", new { user = "bob", key })).AsBool);
        Assert.Empty(await im.Rows("Inbox", "bob"));
        Assert.Single(await im.Rows("Messages", "ann|bob"));
    }

    [Fact]
    public async Task BuddiesComeFromAddressBookRowsWithPresence()
    {
        using var im = new SampleService("im");
        Assert.True((await im.Call("addContact", new { user = "ann", name = "Bob B", email = "Bob@chat.example" })).AsBool);
        Assert.True((await im.Call("addContact", new { user = "ann", name = "Carol", email = "carol@chat.example" })).AsBool);
        Assert.False((await im.Call("addContact", new { user = "ann", name = "Nobody", email = "no address" })).AsBool);
        await im.Call("setPresence", new { user = "bob", status = "online" });
        var buddies = (await im.Call("buddies", new { user = "ann" })).AsList;
        Assert.Equal(["bob:online", "carol:offline"], buddies.Select(b => b.S("user") + ":" + b.S("status")));
    }
}
