using System.Globalization;

namespace Glance.ImageStore.Cache;

/// <summary>
/// A float as Python's <c>repr</c> (and so <c>json.dumps</c>) writes it: the shortest text that
/// reads back to the same double, always with a fraction or an exponent (<c>1.0</c>, not
/// <c>1</c>), fixed notation for decimal exponents from -4 to 15 and <c>1e+16</c> style beyond.
/// Glance's cache listing writes its <c>time.time()</c> values so.
/// </summary>
internal static class PythonFloat
{
    public static string Repr(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        // "R": the shortest round-trip digits; "E16" would pad. Take the digits and the exponent
        // from the "E" form of the shortest text, then lay them out as Python's float_repr_style.
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = shortest.StartsWith('-');
        if (negative)
        {
            shortest = shortest[1..];
        }

        string mantissa;
        int exponent;
        var e = shortest.IndexOf('E', StringComparison.Ordinal);
        if (e >= 0)
        {
            mantissa = shortest[..e];
            exponent = int.Parse(shortest[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }
        else
        {
            mantissa = shortest;
            exponent = 0;
        }

        // Normalise to digits d1d2...dn and a decimal exponent: value = 0.d1d2...dn * 10^point.
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var point = (dot < 0 ? mantissa.Length : dot) + exponent;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        point -= leadingZeros;
        if (digits.Length == 0)
        {
            return negative ? "-0.0" : "0.0";
        }

        var decimalExponent = point - 1;
        string text;
        if (decimalExponent is >= -4 and < 16)
        {
            if (point <= 0)
            {
                text = "0." + new string('0', -point) + digits;
            }
            else if (point >= digits.Length)
            {
                text = digits + new string('0', point - digits.Length) + ".0";
            }
            else
            {
                text = digits[..point] + "." + digits[point..];
            }
        }
        else
        {
            var head = digits.Length == 1 ? digits : digits[..1] + "." + digits[1..];
            text = head + "e" + (decimalExponent < 0 ? "-" : "+") + Math.Abs(decimalExponent).ToString("00", CultureInfo.InvariantCulture);
        }

        return negative ? "-" + text : text;
    }
}
