using System.Text;

namespace Fluxo.Backend.Azure;

/// <summary>Indented text with LF line ends, for generated files.</summary>
internal sealed class CodeBuilder
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public CodeBuilder Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _indent * 4);
        }

        _text.Append(line).Append('\n');
        return this;
    }

    public CodeBuilder Open(string line)
    {
        Line(line);
        Line("{");
        _indent++;
        return this;
    }

    public CodeBuilder Close(string tail = "")
    {
        _indent--;
        return Line("}" + tail);
    }

    public override string ToString() => _text.ToString();
}
