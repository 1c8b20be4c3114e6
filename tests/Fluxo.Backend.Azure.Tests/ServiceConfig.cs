using Fluxo.Ir;
using Fluxo.TestSupport;

namespace Fluxo.Backend.Azure.Tests;

/// <summary>A generated service's settings in the end-to-end tests: its storage, its Redis when it has one, and every
/// extern the module declares served at <c>externUrl(name)</c>.</summary>
internal static class ServiceConfig
{
    public static Dictionary<string, string> For(IrModule module, AzuriteServer azurite, RedisServer? redis, Func<string, string> externUrl)
    {
        var config = new Dictionary<string, string> { ["ConnectionStrings__Storage"] = azurite.ConnectionString };
        if (redis is not null)
        {
            config["ConnectionStrings__Redis"] = redis.ConnectionString;
        }

        foreach (var e in module.Externs)
        {
            config["Externs__" + e.Name] = externUrl(e.Name);
        }

        return config;
    }

    /// <summary>The weather sample's settings: the service most end-to-end tests run.</summary>
    public static Dictionary<string, string> Weather(AzuriteServer azurite, RedisServer? redis, Func<string, string> externUrl) =>
        For(Samples.Weather(), azurite, redis, externUrl);
}
