//! `prove --timeline FILE`: the proof's host, transfer and device lanes as
//! an SVG (plotters), one colour per proof part, the critical path outlined.

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use std::path::Path;
use zkcopro_host::groth16::PROOF_PARTS;
use zkcopro_host::timeline::{LANES, Timeline};

/// One colour per proof part (PROOF_PARTS order).
const PART_COLOURS: [RGBColor; 8] = [
    RGBColor(148, 103, 189),
    RGBColor(44, 160, 44),
    RGBColor(31, 119, 180),
    RGBColor(23, 190, 207),
    RGBColor(255, 127, 14),
    RGBColor(188, 189, 34),
    RGBColor(214, 39, 40),
    RGBColor(127, 127, 127),
];

fn part_colour(part: &str) -> RGBColor {
    PROOF_PARTS.iter().position(|p| *p == part).map_or(BLACK, |i| PART_COLOURS[i])
}

/// Draws `t` (seconds) into `path`; `title` heads it.
pub fn timeline_svg(t: &Timeline, title: &str, path: &Path) -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let root = SVGBackend::new(path, (1200, 330)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let end_ms = (t.end_s * 1e3).max(1e-6);
    let lanes = LANES.len();
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 18))
        .margin(16)
        .margin_top(44)
        .x_label_area_size(40)
        .y_label_area_size(80)
        .build_cartesian_2d(0.0..end_ms * 1.01, (0..lanes).into_segmented())
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc("ms from the proof's start (device at the projected clock)")
        .y_labels(lanes)
        .y_label_formatter(&|v| match v {
            // Host on top.
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
                LANES.get(lanes - 1 - *i).map(|l| l.name().to_string()).unwrap_or_default()
            }
            SegmentValue::Last => String::new(),
        })
        .draw()
        .map_err(|e| err(&e))?;
    for s in t.spans.iter().filter(|s| s.end_s > s.start_s) {
        let row = lanes - 1 - LANES.iter().position(|l| *l == s.lane).expect("a lane");
        let (x0, x1) = (s.start_s * 1e3, s.end_s * 1e3);
        let corners = [(x0, SegmentValue::Exact(row)), (x1, SegmentValue::Exact(row + 1))];
        let mut bar = Rectangle::new(corners.clone(), part_colour(s.part).mix(if s.critical { 1.0 } else { 0.45 }).filled());
        bar.set_margin(6, 6, 0, 0);
        chart.draw_series(std::iter::once(bar)).map_err(|e| err(&e))?;
        if s.critical {
            let mut edge = Rectangle::new(corners, BLACK.stroke_width(1));
            edge.set_margin(6, 6, 0, 0);
            chart.draw_series(std::iter::once(edge)).map_err(|e| err(&e))?;
        }
    }
    // Legend: the parts, then what an outline means.
    let mut x = 24;
    for part in PROOF_PARTS {
        root.draw(&Rectangle::new([(x, 30), (x + 12, 42)], part_colour(part).filled())).map_err(|e| err(&e))?;
        root.draw(&Text::new(part, (x + 16, 30), ("sans-serif", 13).into_font())).map_err(|e| err(&e))?;
        x += 28 + 7 * part.len() as i32;
    }
    root.draw(&Rectangle::new([(x, 30), (x + 12, 42)], BLACK.stroke_width(1))).map_err(|e| err(&e))?;
    root.draw(&Text::new("critical path (pale: hidden under other work)", (x + 16, 30), ("sans-serif", 13).into_font()))
        .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))
}
