namespace Fluxo.Backend.Azure;

/// <summary>One file of a generated solution: a path relative to the output folder (with '/') and its text.</summary>
public sealed record GeneratedFile(string Path, string Text);
