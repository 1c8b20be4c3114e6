using Fluxo.Values;

namespace Fluxo.Samples.Tests;

public class AddressBookTests
{
    private static async Task<SampleService> WithContacts()
    {
        var book = new SampleService("addressbook");
        Assert.Equal("ada lovelace", (await book.Call("add", new { owner = "me", name = " Ada Lovelace ", email = "Ada@Example.org", phone = "(425) 555-0100", address = "1 Microsoft Way, Redmond" })).AsString);
        Assert.Equal("alan turing", (await book.Call("add", new { owner = "me", name = "Alan Turing", email = "", phone = "", address = "77 Massachusetts Ave, Cambridge" })).AsString);
        Assert.Equal("grace hopper", (await book.Call("add", new { owner = "me", name = "Grace Hopper", email = "grace@navy.example", phone = "", address = "" })).AsString);
        return book;
    }

    [Fact]
    public async Task LookupShowsTheStoredContactWithGeocodeAndAvatar()
    {
        using var book = await WithContacts();
        var ada = await book.Call("lookup", new { owner = "me", name = "ADA LOVELACE" });
        Assert.Equal("Ada Lovelace", ada.S("name"));
        Assert.Equal("ada@example.org", ada.S("email"));
        Assert.Equal("4255550100", ada.S("phone"));
        Assert.Equal(47.6396, ada.F("lat").AsFloat, 4);
        Assert.StartsWith("https://avatars.example.net/", ada.S("avatar"));
        Assert.Equal("", (await book.Call("lookup", new { owner = "me", name = "Alan Turing" })).S("avatar"));
        Assert.True((await book.Call("lookup", new { owner = "someone else", name = "Ada Lovelace" })).IsNull);
    }

    [Theory]
    [InlineData("Ada Lovelace", "a@b.org", "a contact with this name already exists")]
    [InlineData("   ", "a@b.org", "a contact needs a name")]
    [InlineData("Bob", "bob-at-example", "the e-mail address is not valid")]
    [InlineData("Bob", "bob@invalid.example", "the e-mail address is not valid")]
    public async Task AddRefusesBadInput(string name, string email, string expected)
    {
        using var book = await WithContacts();
        Assert.Equal(expected, (await book.Call("add", new { owner = "me", name, email, phone = "", address = "" })).AsString);
        Assert.Equal(3, (await book.Rows("Contacts", "me")).Count);
    }

    [Fact]
    public async Task UpdateKeepsWhatIsNotGivenAndRefusesTheAbsent()
    {
        using var book = await WithContacts();
        Assert.True((await book.Call("update", new { owner = "me", name = "ada lovelace", email = "", phone = "206-555-0199", address = "" })).AsBool);
        var row = (await book.Row("Contacts", "me", "ada lovelace"))!;
        Assert.Equal("2065550199", row.S("phone"));
        Assert.Equal("ada@example.org", row.S("email"));
        Assert.Equal("1 Microsoft Way, Redmond", row.S("address"));
        Assert.False((await book.Call("update", new { owner = "me", name = "Nobody", email = "", phone = "1", address = "" })).AsBool);
        Assert.False((await book.Call("update", new { owner = "me", name = "Ada Lovelace", email = "broken", phone = "", address = "" })).AsBool);
        Assert.Null(await book.Row("Contacts", "me", "nobody"));
    }

    [Fact]
    public async Task RemoveDeletesOnceAndThenSaysFalse()
    {
        using var book = await WithContacts();
        Assert.True((await book.Call("remove", new { owner = "me", name = "Grace Hopper" })).AsBool);
        Assert.Null(await book.Row("Contacts", "me", "grace hopper"));
        Assert.False((await book.Call("remove", new { owner = "me", name = "Grace Hopper" })).AsBool);
        Assert.Equal(2, (await book.Rows("Contacts", "me")).Count);
    }

    [Fact]
    public async Task SearchByPrefixIsInNameOrderAndLimited()
    {
        using var book = await WithContacts();
        var a = (await book.Call("search", new { owner = "me", prefix = "A", limit = 10 })).AsList;
        Assert.Equal(["ada lovelace", "alan turing"], a.Select(c => c.S("key")));
        Assert.Single((await book.Call("search", new { owner = "me", prefix = "a", limit = 1 })).AsList);
        Assert.Empty((await book.Call("search", new { owner = "me", prefix = "z", limit = 10 })).AsList);
    }

    [Fact]
    public async Task VcardExportEscapesValues()
    {
        using var book = await WithContacts();
        var text = (await book.Call("exportVcard", new { owner = "me" })).AsString;
        Assert.Equal(3, text.Split("BEGIN:VCARD").Length - 1);
        Assert.Contains("FN:Ada Lovelace\n", text);
        Assert.Contains("ADR:;;1 Microsoft Way\\, Redmond;;;;\n", text);
        Assert.Contains("GEO:47.6396;-122.1283\n", text);
        Assert.Equal("", (await book.Call("exportVcard", new { owner = "nobody" })).AsString);
    }

    [Fact]
    public async Task NearbyUsesGeocodedPlaces()
    {
        using var book = await WithContacts();
        var near = (await book.Call("nearby", new { owner = "me", address = "1 Microsoft Way, Redmond", maxKm = 5.0 })).AsList;
        Assert.Equal("Ada Lovelace", Assert.Single(near).S("name"));
        Assert.Equal(2, (await book.Call("nearby", new { owner = "me", address = "1 Microsoft Way, Redmond", maxKm = 10000.0 })).AsList.Length);
        Assert.StartsWith("3 contacts, 2 with e-mail, 1 with phone, last change ", (await book.Call("stats", new { owner = "me" })).AsString);
    }
}
