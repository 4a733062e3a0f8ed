//! Inline SVG: horizontal score bars and the trend line chart. Coordinates are computed in
//! `f64` for drawing only; every number shown as text comes from the exact decimals.

use std::fmt::Write as _;

use super::html::escape;

/// A horizontal bar for `value` out of `max`, `width`×`height` pixels, filled with `color`.
pub fn bar(value: f64, max: f64, color: &str, unit: &str, width: u32, height: u32) -> String {
    let frac = if max > 0.0 {
        (value / max).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let w = f64::from(width) * frac;
    format!(
        "<svg class=\"bar\" data-unit=\"{unit}\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{value:.2} / {max:.0}\">\
         <rect class=\"bar-track\" x=\"0\" y=\"0\" width=\"{width}\" height=\"{height}\" rx=\"3\"/>\
         <rect class=\"bar-fill\" x=\"0\" y=\"0\" width=\"{w:.1}\" height=\"{height}\" rx=\"3\" \
         fill=\"{color}\"/></svg>",
        unit = escape(unit),
    )
}

/// One line of a chart.
pub struct Series<'a> {
    /// Legend label.
    pub label: &'a str,
    /// Stroke colour.
    pub color: &'a str,
    /// One value per x position (`None`: no data, the line breaks).
    pub values: Vec<Option<f64>>,
}

/// A line chart of percentages over labelled x positions.
pub fn line_chart(x_labels: &[String], series: &[Series<'_>], width: u32, height: u32) -> String {
    let (left, right, top, bottom) = (48.0, 16.0, 34.0, 30.0);
    let (w, h) = (f64::from(width), f64::from(height));
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let values = series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied());
    let lo = values.clone().fold(f64::INFINITY, f64::min);
    let hi = values.fold(f64::NEG_INFINITY, f64::max);
    // A y range from and to multiples of 4 points that contains every value, within 0..=100:
    // its four gridlines fall on whole points, as their labels say (with multiples of 2, a
    // range of 10 put them at 92.5 and 97.5, labelled 92% and 98%).
    let (lo, hi) = if lo.is_finite() && hi.is_finite() {
        let lo = (((lo - 1.0) / 4.0).floor() * 4.0).max(0.0);
        let hi = (((hi + 1.0) / 4.0).ceil() * 4.0).min(100.0).max(lo + 4.0);
        (lo, hi)
    } else {
        (0.0, 100.0)
    };
    let n = x_labels.len().max(1);
    let x_at = |i: usize| {
        if n == 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * (i as f64) / ((n - 1) as f64)
        }
    };
    let y_at = |v: f64| top + plot_h * (1.0 - (v - lo) / (hi - lo));
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"chart\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" \
         role=\"img\" aria-label=\"weekly rates\">"
    );
    // Horizontal grid and y labels.
    let steps = 4;
    for k in 0..=steps {
        let v = lo + (hi - lo) * f64::from(k) / f64::from(steps);
        let y = y_at(v);
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{left}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{v:.0}%</text>",
            w - right,
            left - 6.0,
            y + 4.0
        );
    }
    // X labels (thinned to at most 13).
    let every = n.div_ceil(13).max(1);
    for (i, l) in x_labels.iter().enumerate() {
        if i % every == 0 || i + 1 == n {
            let _ = write!(
                out,
                "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x_at(i),
                h - bottom + 18.0,
                escape(l)
            );
        }
    }
    for s in series {
        let mut path = String::new();
        let mut pen_down = false;
        for (i, v) in s.values.iter().enumerate() {
            match v {
                Some(v) => {
                    let _ = write!(
                        path,
                        "{}{:.1},{:.1} ",
                        if pen_down { "L" } else { "M" },
                        x_at(i),
                        y_at(*v)
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        let _ = write!(
            out,
            "<path class=\"line\" d=\"{}\" stroke=\"{}\"/>",
            path.trim_end(),
            s.color
        );
        for (i, v) in s.values.iter().enumerate() {
            if let Some(v) = v {
                let _ = write!(
                    out,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{}\"><title>{} {}: {v:.2}%</title></circle>",
                    x_at(i),
                    y_at(*v),
                    s.color,
                    escape(s.label),
                    escape(x_labels.get(i).map_or("", String::as_str))
                );
            }
        }
    }
    // Legend.
    for (k, s) in series.iter().enumerate() {
        let x = left + 8.0 + 200.0 * k as f64;
        let y = 16.0;
        let _ = write!(
            out,
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"14\" height=\"4\" fill=\"{}\"/>\
             <text class=\"legend\" x=\"{:.1}\" y=\"{y:.1}\">{}</text>",
            y - 6.0,
            s.color,
            x + 20.0,
            escape(s.label)
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_clamped_and_escaped() {
        let b = bar(150.0, 100.0, "#2e7d32", "a<b", 200, 14);
        assert!(b.contains("width=\"200.0\""));
        assert!(b.contains("data-unit=\"a&lt;b\""));
        let b = bar(-3.0, 100.0, "#c62828", "x", 200, 14);
        assert!(b.contains("width=\"0.0\""));
    }

    #[test]
    fn gridlines_fall_on_whole_points() {
        let labels: Vec<String> = ["01-01", "01-08"].map(String::from).to_vec();
        let s = Series {
            label: "办结率",
            color: "#1565c0",
            values: vec![Some(91.2), Some(99.5)],
        };
        let svg = line_chart(&labels, &[s], 600, 240);
        let axis: Vec<&str> = svg
            .split("text-anchor=\"end\">")
            .skip(1)
            .filter_map(|t| t.split('<').next())
            .collect();
        // 88 + 3k: each label is its line's value (a range of 10 put lines at 92.5 and 97.5).
        assert_eq!(axis, ["88%", "91%", "94%", "97%", "100%"], "{svg}");
    }

    #[test]
    fn chart_breaks_lines_without_data() {
        let labels: Vec<String> = ["01-01", "01-08", "01-15"].map(String::from).to_vec();
        let s = Series {
            label: "办结率",
            color: "#1565c0",
            values: vec![Some(90.0), None, Some(95.0)],
        };
        let svg = line_chart(&labels, &[s], 600, 240);
        assert_eq!(svg.matches('M').count(), 2, "{svg}");
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}
