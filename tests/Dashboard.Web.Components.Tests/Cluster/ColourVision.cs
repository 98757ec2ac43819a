namespace Dashboard.Web.Components.Tests.Cluster;

/// <summary>
/// How far apart two colours look, to a person with typical colour vision and with each of the three dichromacies:
/// Machado, Oliveira and Fernandes (2009) simulation matrices at full severity, in linear sRGB, and the CIE 1976
/// distance (ΔE*ab) in CIELAB (D65). A ΔE of about 2 is just noticeable; 15 and more is a plainly different colour.
/// </summary>
internal static class ColourVision
{
    private static readonly double[][][] Simulations =
    [
        [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
        [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
    ];

    /// <summary>The smallest ΔE between <paramref name="a"/> and <paramref name="b"/> (#rrggbb) over the four kinds of vision.</summary>
    public static double LeastDistance(string a, string b) =>
        Simulations.Min(matrix => Distance(Lab(Simulate(a, matrix)), Lab(Simulate(b, matrix))));

    /// <summary>CIELAB lightness (0-100) as typical vision sees it.</summary>
    public static double Lightness(string colour) => Lab(Simulate(colour, Simulations[0])).L;

    private static double[] Simulate(string hex, double[][] matrix)
    {
        double[] linear = [Linear(hex, 1), Linear(hex, 3), Linear(hex, 5)];
        return [.. matrix.Select(row => Math.Clamp((row[0] * linear[0]) + (row[1] * linear[1]) + (row[2] * linear[2]), 0, 1))];
    }

    private static double Linear(string hex, int at)
    {
        var c = Convert.ToInt32(hex.Substring(at, 2), 16) / 255.0;
        return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
    }

    private static (double L, double A, double B) Lab(double[] rgb)
    {
        var x = ((0.4124 * rgb[0]) + (0.3576 * rgb[1]) + (0.1805 * rgb[2])) / 0.95047;
        var y = (0.2126 * rgb[0]) + (0.7152 * rgb[1]) + (0.0722 * rgb[2]);
        var z = ((0.0193 * rgb[0]) + (0.1192 * rgb[1]) + (0.9505 * rgb[2])) / 1.08883;
        static double F(double t) => t > 0.008856 ? Math.Cbrt(t) : (7.787 * t) + (16.0 / 116);
        return ((116 * F(y)) - 16, 500 * (F(x) - F(y)), 200 * (F(y) - F(z)));
    }

    private static double Distance((double L, double A, double B) p, (double L, double A, double B) q) =>
        Math.Sqrt(Math.Pow(p.L - q.L, 2) + Math.Pow(p.A - q.A, 2) + Math.Pow(p.B - q.B, 2));
}
