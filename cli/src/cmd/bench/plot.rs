//! `zkid bench --plot FILE`: one stacked bar of prove time per phase for zkid's prover, and
//! one for stock ark-groth16 when `--stock` ran (it has no phase breakdown: one segment).
//!
//! plotters draws both formats (`.svg`, `.png`); the text uses an embedded subset of DejaVu
//! Sans (`cli/assets/`), so a plot looks the same on every machine and needs no system
//! fonts. plotters is a CLI-only dependency (never in the device libraries).

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::Path;
use std::sync::Once;

/// The embedded font (printable ASCII and a few symbols).
const FONT: &[u8] = include_bytes!("../../../assets/DejaVuSans-subset.ttf");
const FAMILY: &str = "sans-serif";

/// One bar: a label and its segments `(name, milliseconds)`, drawn bottom up.
pub struct Bar {
    /// Shown above the bar with its total.
    pub label: String,
    /// Segments; the same name in two bars gets the same colour and one legend entry.
    pub segments: Vec<(String, f64)>,
}

impl Bar {
    fn total(&self) -> f64 {
        self.segments.iter().map(|(_, v)| v.max(0.0)).sum()
    }
}

/// The output format, from the file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Scalable vector graphics.
    Svg,
    /// A 1000 × 560 bitmap.
    Png,
}

/// The format of `path` (`.svg` or `.png`, any case), or an error naming the choices.
pub fn format_of(path: &Path) -> Result<Format> {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("svg") => Ok(Format::Svg),
        Some("png") => Ok(Format::Png),
        _ => Err(anyhow!("--plot needs a .svg or .png file name, got {}", path.display())),
    }
}

const SIZE: (u32, u32) = (1000, 560);

/// Colours for the segments, in order of first appearance.
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
    RGBColor(127, 127, 127),
];

fn register_font() -> Result<()> {
    static ONCE: Once = Once::new();
    let mut result = Ok(());
    ONCE.call_once(|| {
        result = plotters::style::register_font(FAMILY, FontStyle::Normal, FONT)
            .map_err(|_| anyhow!("the embedded plot font is not a valid TrueType font"));
    });
    result
}

/// Draws `bars` with `title` into `path` (format from the extension).
pub fn draw(path: &Path, title: &str, bars: &[Bar]) -> Result<()> {
    let format = format_of(path)?;
    register_font()?;
    let failed = |e: String| anyhow!("cannot draw the plot {}: {e}", path.display());
    match format {
        Format::Svg => chart(SVGBackend::new(path, SIZE).into_drawing_area(), title, bars).map_err(failed),
        Format::Png => chart(BitMapBackend::new(path, SIZE).into_drawing_area(), title, bars).map_err(failed),
    }
}

fn chart<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, title: &str, bars: &[Bar]) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    root.fill(&WHITE).map_err(err)?;
    let root = root.titled(title, (FAMILY, 20)).map_err(err)?;
    // The bars on the left, the legend in a column on the right (never over a bar).
    let (left, legend) = root.split_horizontally(SIZE.0 - 260);
    let top = bars.iter().map(Bar::total).fold(0.0, f64::max).max(1e-3) * 1.15;
    let n = bars.len().max(1) as f64;
    let mut chart = ChartBuilder::on(&left)
        .margin(16)
        .x_label_area_size(10)
        .y_label_area_size(80)
        .build_cartesian_2d(0.0..n, 0.0..top)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .disable_x_axis()
        .light_line_style(WHITE)
        .y_labels(8)
        .y_label_formatter(&|v| format!("{v:.0}"))
        .y_desc("prove time (ms)")
        .label_style((FAMILY, 15))
        .axis_desc_style((FAMILY, 16))
        .draw()
        .map_err(err)?;

    // Segment names in order of first appearance: one colour and one legend entry each.
    let mut names: Vec<&str> = Vec::new();
    for bar in bars {
        for (name, _) in &bar.segments {
            if !names.contains(&name.as_str()) {
                names.push(name);
            }
        }
    }
    for (k, name) in names.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let mut rects = Vec::new();
        for (i, bar) in bars.iter().enumerate() {
            let mut base = 0.0;
            for (seg, ms) in &bar.segments {
                let ms = ms.max(0.0);
                if seg == name && ms > 0.0 {
                    let x = i as f64;
                    rects.push(Rectangle::new([(x + 0.2, base), (x + 0.8, base + ms)], colour.filled()));
                }
                base += ms;
            }
        }
        chart.draw_series(rects).map_err(err)?;
        let y = 40 + 24 * k as i32;
        legend.draw(&Rectangle::new([(10, y), (24, y + 14)], colour.filled())).map_err(err)?;
        legend.draw(&Text::new(name.to_string(), (32, y), (FAMILY, 15))).map_err(err)?;
    }
    for (i, bar) in bars.iter().enumerate() {
        let label = format!("{}: {}", bar.label, ms_text(bar.total()));
        let style = TextStyle::from((FAMILY, 16).into_font()).pos(Pos::new(HPos::Center, VPos::Bottom));
        chart
            .draw_series(std::iter::once(Text::new(label, (i as f64 + 0.5, bar.total() + top * 0.01), style)))
            .map_err(err)?;
    }
    root.present().map_err(err)
}

/// `275 ms`, `2.17 s`.
fn ms_text(ms: f64) -> String {
    if ms >= 1000.0 { format!("{:.2} s", ms / 1e3) } else { format!("{ms:.1} ms") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_svg_and_png_and_refuses_other_names() {
        let dir = std::env::temp_dir().join(format!("zkid-plot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bars = [
            Bar { label: "zkid".into(), segments: vec![("synthesis".into(), 20.0), ("msm_h".into(), 150.0)] },
            Bar { label: "stock ark-groth16".into(), segments: vec![("stock (whole proof)".into(), 300.0)] },
        ];
        let svg = dir.join("p.svg");
        draw(&svg, "digits infer", &bars).unwrap();
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(text.starts_with("<svg") && text.contains("msm_h") && text.contains("stock ark-groth16"), "{text}");
        let png = dir.join("p.PNG");
        draw(&png, "digits infer", &bars).unwrap();
        assert_eq!(&std::fs::read(&png).unwrap()[..4], b"\x89PNG");
        assert!(draw(&dir.join("p.pdf"), "x", &bars).is_err());
        assert!(format_of(Path::new("noext")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
