using System.Text.Json.Serialization;

namespace Fluxo.Support;

/// <summary>A side effect a handler decided on; effects are journaled before they are applied, so a re-run replays them.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(PutEffect), "put")]
[JsonDerivedType(typeof(DeleteEffect), "delete")]
[JsonDerivedType(typeof(EnqueueEffect), "enqueue")]
public abstract record Effect;

/// <summary>
/// Insert or replace a row. <see cref="ETag"/> is the row's version when the handler read it ("" = read as absent,
/// null = not read); <see cref="History"/> the writers the read saw, carried on so replays can find their own write.
/// </summary>
public sealed record PutEffect(string Table, string PartitionKey, string RowKey, Dictionary<string, string> FieldsJson, string? ETag, string? History) : Effect;

public sealed record DeleteEffect(string Table, string PartitionKey, string RowKey, string? ETag) : Effect;

/// <summary>Queue a handler call; <see cref="MessageId"/> is derived from the request so a replay sends the same id.</summary>
public sealed record EnqueueEffect(string Handler, string MessageId, string ArgsJson) : Effect;
