//! The bench's SVG plots (plotters, SVG backend: self-contained files with
//! text left to the viewer's sans-serif font).

use crate::bench::{AnchorComparison, BenchEntry};
use zkcopro_host::anchors::AnchorKind;
use plotters::coord::Shift;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use std::path::Path;

type PlotResult = Result<(), String>;

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// One colour per job kind, one per time component.
const SERIES_COLOURS: [RGBColor; 4] = [RGBColor(31, 119, 180), RGBColor(255, 127, 14), RGBColor(44, 160, 44), RGBColor(148, 103, 189)];
const SPLIT: [(&str, RGBColor); 4] = [
    ("glue (host)", RGBColor(214, 39, 40)),
    ("host<->card transfer", RGBColor(255, 187, 120)),
    ("bus (AXI)", RGBColor(174, 199, 232)),
    ("device (projected)", RGBColor(31, 119, 180)),
];

/// Speed-up against arkworks (log scale) against log2 size, one line per job
/// kind; filled markers are cycle-accurate (Verilator), hollow ones modelled.
pub fn speedup_svg(entries: &[BenchEntry], path: &Path, clock_mhz: f64) -> PlotResult {
    let root = SVGBackend::new(path, (960, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let xmin = entries.iter().map(|e| e.log_size).min().unwrap_or(0) as f64 - 0.5;
    let xmax = entries.iter().map(|e| e.log_size).max().unwrap_or(1) as f64 + 0.5;
    let ymax = entries.iter().map(|e| e.speedup_vs_arkworks).fold(1.0f64, f64::max) * 2.0;
    let ymin = entries.iter().map(|e| e.speedup_vs_arkworks).filter(|s| *s > 0.0).fold(1.0f64, f64::min) / 2.0;
    let mut chart = ChartBuilder::on(&root)
        .caption(format!("zkcopro end-to-end speed-up over arkworks (same run, {clock_mhz} MHz projected)"), ("sans-serif", 20))
        .margin(16)
        .x_label_area_size(60)
        .y_label_area_size(64)
        .build_cartesian_2d(xmin..xmax, (ymin..ymax).log_scale())
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("log2 of the size (MSM points, NTT elements, proof constraints)")
        .y_desc("speed-up (x, log scale)")
        .x_label_formatter(&|x| format!("2^{}", x.round() as i64))
        .y_label_formatter(&|y| format!("{y:.1}"))
        .draw()
        .map_err(err)?;
    // The break-even line.
    chart
        .draw_series(LineSeries::new([(xmin, 1.0), (xmax, 1.0)], BLACK.mix(0.5).stroke_width(1)))
        .map_err(err)?;
    let mut kinds: Vec<&str> = Vec::new();
    for e in entries {
        if !kinds.contains(&e.job.as_str()) {
            kinds.push(&e.job);
        }
    }
    for (k, kind) in kinds.iter().enumerate() {
        let colour = SERIES_COLOURS[k % SERIES_COLOURS.len()];
        let pts: Vec<&BenchEntry> = entries.iter().filter(|e| e.job == *kind).collect();
        chart
            .draw_series(LineSeries::new(pts.iter().map(|e| (e.log_size as f64, e.speedup_vs_arkworks)), colour.stroke_width(2)))
            .map_err(err)?
            .label(kind.to_string())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2)));
        chart
            .draw_series(pts.iter().map(|e| {
                let style = if e.cycle_accurate { colour.filled() } else { colour.stroke_width(2) };
                Circle::new((e.log_size as f64, e.speedup_vs_arkworks), 5, style)
            }))
            .map_err(err)?;
    }
    legend(&mut chart)?;
    note(&root, "filled markers: cycle-accurate (Verilator); hollow: the functional model's cycle counts")?;
    root.present().map_err(err)
}

/// Where each job's end-to-end time goes: one stacked bar per job, glue /
/// transfer / bus / device as shares of its end-to-end time.
pub fn time_split_svg(entries: &[BenchEntry], path: &Path) -> PlotResult {
    let rows = entries.len().max(1);
    let height = 150 + 26 * rows as u32;
    let root = SVGBackend::new(path, (960, height)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    // First entry at the top.
    let labels: Vec<String> =
        entries.iter().rev().map(|e| format!("{} 2^{} ({})", e.job, e.log_size, human_time(e.end_to_end_s))).collect();
    let mut chart = ChartBuilder::on(&root)
        .caption("Where the end-to-end time goes (share of each job's time)", ("sans-serif", 20))
        .margin(16)
        .margin_top(40)
        .x_label_area_size(40)
        .y_label_area_size(230)
        .build_cartesian_2d(0.0f64..100.0f64, (0..rows).into_segmented())
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc("% of end-to-end time")
        .y_labels(rows)
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => labels.get(*i).cloned().unwrap_or_default(),
            SegmentValue::Last => String::new(),
        })
        .draw()
        .map_err(err)?;
    for (i, e) in entries.iter().enumerate() {
        let row = rows - 1 - i;
        let total = e.end_to_end_s.max(f64::MIN_POSITIVE);
        let parts = [e.glue_s, e.transfer_s, e.bus_s, e.device_s];
        let mut x0 = 0.0;
        for (part, (_, colour)) in parts.iter().zip(SPLIT) {
            let x1 = (x0 + 100.0 * part / total).min(100.0);
            let mut bar = Rectangle::new([(x0, SegmentValue::Exact(row)), (x1, SegmentValue::Exact(row + 1))], colour.filled());
            bar.set_margin(3, 3, 0, 0);
            chart.draw_series(std::iter::once(bar)).map_err(err)?;
            x0 = x1;
        }
    }
    // Legend in one row above the caption, clear of the bars.
    let mut x = 240;
    for (name, colour) in SPLIT {
        root.draw(&Rectangle::new([(x, 12), (x + 14, 26)], colour.filled())).map_err(err)?;
        root.draw(&Text::new(name, (x + 20, 13), ("sans-serif", 14).into_font())).map_err(err)?;
        x += 30 + 8 * name.len() as i32;
    }
    root.present().map_err(err)
}

/// Projected absolute times (log scale) against log2 size: zkcopro's
/// uniform-scalar MSMs and NTTs end to end (lines; filled markers
/// cycle-accurate), and the published results (not measured here) as
/// labelled markers: triangles GPUs, squares CPUs, diamonds FPGAs; hollow
/// where the curve is not BN254.
pub fn absolute_svg(entries: &[BenchEntry], anchors: &[AnchorComparison], path: &Path, clock_mhz: f64) -> PlotResult {
    let root = SVGBackend::new(path, (960, 600)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let jobs = [("msm uniform", "msm", SERIES_COLOURS[0]), ("ntt", "ntt", SERIES_COLOURS[2])];
    let ours: Vec<&BenchEntry> = entries.iter().filter(|e| jobs.iter().any(|j| j.0 == e.job)).collect();
    let sizes = ours.iter().map(|e| e.log_size).chain(anchors.iter().map(|a| a.anchor.log_size));
    let (lo, hi) = sizes.fold((u32::MAX, 0), |(a, b), k| (a.min(k), b.max(k)));
    let (xmin, xmax) = if lo > hi { (0.0, 1.0) } else { (lo as f64 - 0.5, hi as f64 + 3.5) };
    let times = ours.iter().map(|e| e.end_to_end_s).chain(anchors.iter().map(|a| a.anchor.time_s)).filter(|t| *t > 0.0);
    let (tmin, tmax) = times.fold((f64::INFINITY, 0.0f64), |(a, b), t| (a.min(t), b.max(t)));
    let (ymin, ymax) = if tmin.is_finite() { (tmin / 3.0, tmax * 3.0) } else { (1e-6, 1.0) };
    let mut chart = ChartBuilder::on(&root)
        .caption(format!("zkcopro's projected times ({clock_mhz} MHz) beside published results"), ("sans-serif", 20))
        .margin(16)
        .margin_top(24)
        .x_label_area_size(60)
        .y_label_area_size(70)
        .build_cartesian_2d(xmin..xmax, (ymin..ymax).log_scale())
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("log2 of the size (MSM points, NTT elements)")
        .y_desc("time for one job (log scale)")
        .x_label_formatter(&|x| format!("2^{}", x.round() as i64))
        .y_label_formatter(&|y| human_time(*y))
        .draw()
        .map_err(err)?;
    for (job, _, colour) in jobs {
        let pts: Vec<&&BenchEntry> = ours.iter().filter(|e| e.job == job).collect();
        if pts.is_empty() {
            continue;
        }
        chart
            .draw_series(LineSeries::new(pts.iter().map(|e| (e.log_size as f64, e.end_to_end_s)), colour.stroke_width(2)))
            .map_err(err)?
            .label(format!("zkcopro {job}, end to end (projected)"))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2)));
        chart
            .draw_series(pts.iter().map(|e| {
                let style = if e.cycle_accurate { colour.filled() } else { colour.stroke_width(2) };
                Circle::new((e.log_size as f64, e.end_to_end_s), 4, style)
            }))
            .map_err(err)?;
    }
    for c in anchors {
        let a = &c.anchor;
        let colour = jobs.iter().find(|j| j.1 == a.job).map(|j| j.2).unwrap_or(BLACK);
        let style = if a.same_curve() { colour.filled() } else { colour.stroke_width(2) };
        let at = (a.log_size as f64, a.time_s);
        match a.kind {
            AnchorKind::Gpu => chart.draw_series(std::iter::once(TriangleMarker::new(at, 8, style))).map_err(err)?,
            AnchorKind::Cpu => chart
                .draw_series(std::iter::once(EmptyElement::at(at) + Rectangle::new([(-6, -6), (6, 6)], style)))
                .map_err(err)?,
            AnchorKind::Fpga => {
                let diamond = vec![(0, -8), (8, 0), (0, 8), (-8, 0), (0, -8)];
                if a.same_curve() {
                    chart.draw_series(std::iter::once(EmptyElement::at(at) + Polygon::new(diamond, style))).map_err(err)?
                } else {
                    chart.draw_series(std::iter::once(EmptyElement::at(at) + PathElement::new(diamond, style))).map_err(err)?
                }
            }
        };
        let label = if a.same_curve() { a.name.clone() } else { format!("{} ({})", a.name, a.curve) };
        // The rightmost labels go on the marker's left, clear of the edge.
        let dx = if a.log_size + 1 >= hi { -12 - 6 * label.len() as i32 } else { 10 };
        chart
            .draw_series(std::iter::once(
                EmptyElement::at(at) + Text::new(label, (dx, -4), ("sans-serif", 11).into_font().color(&BLACK.mix(0.75))),
            ))
            .map_err(err)?;
    }
    legend(&mut chart)?;
    note(
        &root,
        "markers: published figures, not measured here (triangle GPU, square CPU, diamond FPGA; hollow: another curve)",
    )?;
    root.present().map_err(err)
}

/// The series legend, the same on every plot: upper left, framed.
fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(chart: &mut ChartContext<'a, DB, CT>) -> PlotResult {
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .border_style(BLACK.mix(0.4))
        .background_style(WHITE.mix(0.9))
        .draw()
        .map_err(err)
}

fn note(root: &DrawingArea<SVGBackend<'_>, Shift>, text: &str) -> PlotResult {
    // Under the caption, right-aligned by its estimated width.
    let (w, _) = root.dim_in_pixel();
    let x = w as i32 - 24 - 6 * text.len() as i32;
    root.draw(&Text::new(text.to_string(), (x, 44), ("sans-serif", 12).into_font().color(&BLACK.mix(0.6))))
        .map_err(err)
}

/// An axis label: whole numbers without decimals, small ones with a few.
fn axis_number(v: f64) -> String {
    if v.abs() >= 1e7 {
        format!("{v:.2e}")
    } else if v.abs() >= 100.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}")
    }
}

pub fn human_time(s: f64) -> String {
    if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}

/// A sweep's plot: one line per series, the figure against the parameter.
pub fn sweep_svg(series: &[zkcopro_host::sweep::merge::Series], spec: &zkcopro_host::sweep::spec::PlotSpec, path: &Path) -> PlotResult {
    let root = SVGBackend::new(path, (960, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let all = || series.iter().flat_map(|s| s.points.iter());
    let (mut xmin, mut xmax) = all().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (mut ymin, mut ymax) = all().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p.1), b.max(p.1)));
    if !xmin.is_finite() {
        (xmin, xmax, ymin, ymax) = (0.0, 1.0, 1.0, 10.0);
    }
    let xpad = ((xmax - xmin) * 0.05).max(0.5);
    let caption = format!("{}: {} against {}", spec.job, spec.y, spec.x);
    let mut builder = ChartBuilder::on(&root);
    builder.caption(caption, ("sans-serif", 20)).margin(16).x_label_area_size(50).y_label_area_size(90);
    let x_range = (xmin - xpad)..(xmax + xpad);
    // Drawn with a closure over either axis type.
    macro_rules! draw {
        ($chart:expr) => {{
            let mut chart = $chart;
            chart
                .configure_mesh()
                .x_desc(spec.x.as_str())
                .y_desc(spec.y.as_str())
                .x_label_formatter(&|v| axis_number(*v))
                .y_label_formatter(&|v| axis_number(*v))
                .draw()
                .map_err(err)?;
            for (k, s) in series.iter().enumerate() {
                let colour = SERIES_COLOURS[k % SERIES_COLOURS.len()];
                chart
                    .draw_series(LineSeries::new(s.points.iter().copied(), colour.stroke_width(2)))
                    .map_err(err)?
                    .label(s.label.clone())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2)));
                chart.draw_series(s.points.iter().map(|&p| Circle::new(p, 4, colour.filled()))).map_err(err)?;
            }
            legend(&mut chart)?;
        }};
    }
    if spec.log_y {
        let lo = if ymin > 0.0 { ymin / 1.5 } else { 1e-9 };
        draw!(builder.build_cartesian_2d(x_range, (lo..ymax.max(lo) * 1.5).log_scale()).map_err(err)?);
    } else {
        let pad = ((ymax - ymin) * 0.08).max(ymax.abs() * 0.02).max(1e-12);
        draw!(builder.build_cartesian_2d(x_range, (ymin - pad).min(0.0f64.max(ymin - pad))..(ymax + pad)).map_err(err)?);
    }
    note(&root, "each point: the mean of the runs at that x (seeds, other parameters)")?;
    root.present().map_err(err)
}
