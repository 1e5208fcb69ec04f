using System.Globalization;
using System.Text.RegularExpressions;

namespace Glance.ImageStore.Images;

/// <summary>
/// oslo.utils' <c>timeutils.parse_isotime</c> (the <c>iso8601</c> package's <c>parse_date</c>:
/// its regular expression, UTC when no zone is given) followed by <c>normalize_time</c>: the
/// instant in UTC, or null where Glance raises ValueError.
/// </summary>
internal static partial class IsoTime
{
    public static DateTime? ParseUtc(string text)
    {
        var match = Iso8601().Match(text);
        if (!match.Success)
        {
            return null;
        }

        int Group(string name, int fallback) => match.Groups[name].Success ? int.Parse(match.Groups[name].ValueSpan, CultureInfo.InvariantCulture) : fallback;

        var year = Group("year", 0);
        var month = match.Groups["month"].Success ? Group("month", 1) : Group("monthdash", 1);
        var day = match.Groups["day"].Success ? Group("day", 1) : Group("daydash", 1);
        var hour = Group("hour", 0);
        var minute = Group("minute", 0);
        var second = Group("second", 0);
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return null;
        }

        // Python keeps microseconds: the fraction's first six digits.
        var fraction = match.Groups["second_fraction"];
        var microseconds = fraction.Success ? int.Parse(fraction.Value.PadRight(6, '0')[..6], CultureInfo.InvariantCulture) : 0;
        var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(microseconds * 10L);

        var offset = TimeSpan.Zero;
        if (match.Groups["tz_sign"].Success)
        {
            var hours = Group("tz_hour", 0);
            var minutes = Group("tz_minute", 0);
            offset = new TimeSpan(hours, minutes, 0);
            if (match.Groups["tz_sign"].Value == "-")
            {
                offset = -offset;
            }

            if (offset.Duration() >= TimeSpan.FromDays(1))
            {
                return null;
            }
        }

        var utc = local - offset;
        return utc.Year is < 1 or > 9999 ? null : DateTime.SpecifyKind(utc, DateTimeKind.Utc);
    }

    [GeneratedRegex("""
        ^(?<year>[0-9]{4})
        (
            (
                (-(?<monthdash>[0-9]{1,2}))
                |
                (?<month>[0-9]{2})
                (?!$)
            )
            (
                (
                    (-(?<daydash>[0-9]{1,2}))
                    |
                    (?<day>[0-9]{2})
                )
                (
                    (
                        (?<separator>[ T])
                        (?<hour>[0-9]{2})
                        (:{0,1}(?<minute>[0-9]{2})){0,1}
                        (
                            :{0,1}(?<second>[0-9]{1,2})
                            ([.,](?<second_fraction>[0-9]+)){0,1}
                        ){0,1}
                        (?<timezone>
                            Z
                            |
                            (
                                (?<tz_sign>[-+])
                                (?<tz_hour>[0-9]{2})
                                :{0,1}
                                (?<tz_minute>[0-9]{2}){0,1}
                            )
                        ){0,1}
                    ){0,1}
                )
            ){0,1}
        ){0,1}
        $
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant)]
    private static partial Regex Iso8601();
}
