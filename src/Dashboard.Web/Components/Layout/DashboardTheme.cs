using MudBlazor;

namespace Dashboard.Web.Components.Layout;

/// <summary>
/// MudBlazor's palettes with the colours that carry text changed so that text reaches WCAG AA contrast (4.5:1) in
/// both modes: in light mode the state colours are dark enough for white text on a filled chip and for coloured text
/// on white (MudBlazor's success #00c853 under white text is 2.2:1); in dark mode they are light, with dark text on
/// filled chips, and secondary text is less faint. Checked by the axe test of every page in both modes.
/// </summary>
public static class DashboardTheme
{
    private const string White = "#ffffff";
    private const string NearBlack = "rgba(0,0,0,0.87)";

    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#594ae2",
            PrimaryContrastText = White,
            Secondary = "#c2185b",
            SecondaryContrastText = White,
            Tertiary = "#00695c",
            TertiaryContrastText = White,
            Info = "#0b6bcb",
            InfoContrastText = White,
            Success = "#2e7d32",
            SuccessContrastText = White,
            Warning = "#b45309",
            WarningContrastText = White,
            Error = "#c62828",
            ErrorContrastText = White,
            TextSecondary = "rgba(0,0,0,0.65)",
            AppbarBackground = "#4a3bc9",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#9e95f5",
            PrimaryContrastText = NearBlack,
            Secondary = "#f48fb1",
            SecondaryContrastText = NearBlack,
            Tertiary = "#4dd0e1",
            TertiaryContrastText = NearBlack,
            Info = "#64b5f6",
            InfoContrastText = NearBlack,
            Success = "#66bb6a",
            // Coloured text (alerts, text chips) uses the "darken" shade: on a dark background it must be the lighter one.
            SuccessDarken = "#a5d6a7",
            InfoDarken = "#90caf9",
            WarningDarken = "#ffcc80",
            ErrorDarken = "#ffcdd2",
            PrimaryDarken = "#c5c0fa",
            SuccessContrastText = NearBlack,
            Warning = "#ffb74d",
            WarningContrastText = NearBlack,
            Error = "#ef9a9a",
            ErrorContrastText = NearBlack,
            TextSecondary = "rgba(255,255,255,0.72)",
            ActionDefault = "rgba(255,255,255,0.72)",
        },
    };
}
