using Fluxo.Trace;
using Fluxo.Values;

namespace Fluxo.Samples.Tests;

public class AuthTests
{
    private const string Password = "correct horse battery";
    private const double Minute = 60_000;

    private static async Task<SampleService> WithAlice()
    {
        var auth = new SampleService("auth");
        Assert.Equal("registered", (await auth.Call("register", new { user = "Alice", password = Password, email = "alice@example.org" })).AsString);
        return auth;
    }

    private static Task<Value> Login(SampleService auth, string user, string password, string ip = "198.51.100.7") =>
        auth.Call("login", new { user, password, ip });

    [Fact]
    public async Task RegisterStoresASaltedHashAndSendsTheWelcomeMail()
    {
        using var auth = await WithAlice();
        var row = await auth.Row("Users", "alice", "account");
        Assert.NotNull(row);
        Assert.NotEqual(Password, row.S("hash"));
        Assert.Equal(64, row.S("hash").Length);
        Assert.NotEqual("", row.S("salt"));
        var ran = await auth.DrainQueue();
        Assert.Equal(("welcome", Value.True), Assert.Single(ran));
    }

    [Theory]
    [InlineData("alice", Password, "alice@example.org", "this user name is not available")]
    [InlineData("bob", "short", "bob@example.org", "the password needs at least 10 characters")]
    [InlineData("bob", "bob-is-my-password", "bob@example.org", "the password must not contain the user name")]
    [InlineData("bob", "password123456", "bob@example.org", "this password appears in known data breaches; choose another")]
    [InlineData("bob", Password, "not-an-address", "the e-mail address is not valid")]
    [InlineData("b b", Password, "bob@example.org", "the user name must have 3 to 32 characters and no spaces")]
    public async Task RegisterRefusesBadInput(string user, string password, string email, string expected)
    {
        using var auth = await WithAlice();
        Assert.Equal(expected, (await auth.Call("register", new { user, password, email })).AsString);
        Assert.Null(await auth.Row("Users", "bob", "account"));
    }

    [Fact]
    public async Task LoginGivesATokenThatValidates()
    {
        using var auth = await WithAlice();
        var login = await Login(auth, " ALICE ", Password);
        Assert.True(login.B("ok"));
        var token = login.S("token");
        Assert.Equal(64, token.Length);
        var v = await auth.Call("validate", new { token });
        Assert.True(v.B("valid"));
        Assert.Equal("alice", v.S("user"));
        Assert.Single((await auth.Call("sessions", new { token })).AsList);
    }

    [Fact]
    public async Task WrongPasswordAndUnknownUserGetTheSameAnswer()
    {
        using var auth = await WithAlice();
        var wrong = await Login(auth, "alice", "correct horse batterY");
        var unknown = await Login(auth, "mallory", Password);
        Assert.False(wrong.B("ok"));
        Assert.Equal(ValueJson.Serialize(wrong), ValueJson.Serialize(unknown));
        Assert.Equal("unknown user name or wrong password", unknown.S("message"));
        Assert.Equal(1, (await auth.Row("Users", "alice", "account"))!.F("failedLogins").AsInt);
    }

    [Fact]
    public async Task UnknownUsersPayTheSlowHashToo()
    {
        using var auth = await WithAlice();
        var verify = auth.Module.FindGraph("login")!.Nodes.Single(n => n.Label == "verifyPassword").Id;
        await Login(auth, "mallory", Password);
        Assert.Equal(NodeStatus.Ran, auth.LastTrace!.Nodes.Single(n => n.Node == verify).Status);
        await Login(auth, "alice", "wrong wrong wrong");
        Assert.Equal(NodeStatus.Ran, auth.LastTrace!.Nodes.Single(n => n.Node == verify).Status);
    }

    [Fact]
    public async Task FiveFailuresLockTheAccountWithTheSameAnswer()
    {
        using var auth = await WithAlice();
        for (var i = 0; i < 5; i++)
        {
            Assert.False((await Login(auth, "alice", "nope nope nope")).B("ok"));
        }

        var locked = await Login(auth, "alice", Password);
        Assert.False(locked.B("ok"));
        Assert.Equal("unknown user name or wrong password", locked.S("message"));
    }

    [Fact]
    public async Task RiskyAddressIsRefused()
    {
        using var auth = await WithAlice();
        Assert.False((await Login(auth, "alice", Password, ip: "203.0.113.66")).B("ok"));
        Assert.True((await Login(auth, "alice", Password)).B("ok"));
    }

    [Fact]
    public async Task IdleSessionsExpireAndUsedOnesLiveOn()
    {
        using var auth = await WithAlice();
        var token = (await Login(auth, "alice", Password)).S("token");
        auth.Now += 20 * Minute;
        Assert.True((await auth.Call("validate", new { token })).B("valid"));
        auth.Now += 25 * Minute;
        Assert.True((await auth.Call("validate", new { token })).B("valid"));
        auth.Now += 31 * Minute;
        var expired = await auth.Call("validate", new { token });
        Assert.False(expired.B("valid"));
        Assert.Equal("", expired.S("user"));
        Assert.Empty((await auth.Call("sessions", new { token })).AsList);
    }

    [Fact]
    public async Task LogoutEndsTheSessionAndIsFalseTheSecondTime()
    {
        using var auth = await WithAlice();
        var token = (await Login(auth, "alice", Password)).S("token");
        Assert.True((await auth.Call("logout", new { token })).AsBool);
        Assert.Null(await auth.Row("Sessions", token, "session"));
        Assert.False((await auth.Call("validate", new { token })).B("valid"));
        Assert.False((await auth.Call("logout", new { token })).AsBool);
        Assert.False((await auth.Call("validate", new { token = "no-such-token" })).B("valid"));
    }

    [Fact]
    public async Task ChangingThePasswordEndsOlderSessions()
    {
        using var auth = await WithAlice();
        var token = (await Login(auth, "alice", Password)).S("token");
        Assert.Equal("unknown user name or wrong password",
            (await auth.Call("changePassword", new { user = "alice", oldPassword = "guess guess guess", newPassword = "staple battery horse" })).AsString);
        Assert.Equal("unknown user name or wrong password",
            (await auth.Call("changePassword", new { user = "nobody", oldPassword = Password, newPassword = "staple battery horse" })).AsString);
        Assert.Equal("the new password must differ from the old one",
            (await auth.Call("changePassword", new { user = "alice", oldPassword = Password, newPassword = Password })).AsString);
        Assert.Equal("changed",
            (await auth.Call("changePassword", new { user = "alice", oldPassword = Password, newPassword = "staple battery horse" })).AsString);
        Assert.False((await auth.Call("validate", new { token })).B("valid"));
        Assert.False((await Login(auth, "alice", Password)).B("ok"));
        Assert.True((await Login(auth, "alice", "staple battery horse")).B("ok"));
    }
}
