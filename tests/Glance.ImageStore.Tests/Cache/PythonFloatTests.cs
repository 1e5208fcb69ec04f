using Glance.ImageStore.Cache;

namespace Glance.ImageStore.Tests.Cache;

/// <summary><see cref="PythonFloat.Repr"/> against what Python 3.11's <c>repr</c> printed for the same doubles (given by their bits).</summary>
public sealed class PythonFloatTests
{
    [Theory]
    [InlineData("0x1.ac5a5d23b42e3p+30", "1796642632.9259574")]
    [InlineData("0x1.ac5a5d3f7b481p+30", "1796642639.870392")]
    [InlineData("0x1.ac5a5d2000000p+30", "1796642632.0")]
    [InlineData("0x1.0000000000000p+0", "1.0")]
    [InlineData("0x0.0p+0", "0.0")]
    [InlineData("0x1.a36e2eb1c432dp-14", "0.0001")]
    [InlineData("0x1.4f8b588e368f1p-17", "1e-05")]
    [InlineData("0x1.1c37937e08000p+53", "1e+16")]
    [InlineData("0x1.c6bf526340000p+49", "1000000000000000.0")]
    [InlineData("0x1.c12218377de66p+46", "123456789012345.6")]
    [InlineData("0x1.18b54f22aeb03p+50", "1234567890123456.8")]
    [InlineData("0x1.0c6f7a0b5ed8dp-22", "2.5e-07")]
    [InlineData("-0x1.a000000000000p+1", "-3.25")]
    [InlineData("0x1.56a95319d63e1p+63", "1.2345678901234567e+19")]
    public void Repr_Double_IsPythonsRepr(string hex, string python)
    {
        Assert.Equal(python, PythonFloat.Repr(FromHex(hex)));
    }

    // Python's float.hex() form: [-]0x1.<13 hex digits>p<exponent> (or 0x0.0p+0).
    private static double FromHex(string hex)
    {
        var negative = hex.StartsWith('-');
        var body = negative ? hex[3..] : hex[2..];
        var p = body.IndexOf('p', StringComparison.Ordinal);
        var exponent = int.Parse(body[(p + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var parts = body[..p].Split('.');
        var lead = long.Parse(parts[0], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
        var fraction = parts[1].PadRight(13, '0');
        var mantissa = (lead << 52) | long.Parse(fraction, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
        var value = Math.ScaleB(mantissa, exponent - 52);
        return negative ? -value : value;
    }
}
