//! Published results to set zkcopro's projected times beside: MSM and NTT
//! times that GPUs, CPU libraries and FPGA designs report, each with its
//! hardware and source. They are figures read from their authors' pages, not
//! measured here; `zkcopro bench` prints them and plots them next to its own
//! projected times, and says which ones are a different curve or batch.
//!
//! The table is `host/data/published_anchors.toml`, built into the binary.

use serde::{Deserialize, Serialize};

/// The committed table, as text.
pub const ANCHORS_TOML: &str = include_str!("../data/published_anchors.toml");

/// What kind of machine a published result ran on.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum AnchorKind {
    Gpu,
    Cpu,
    Fpga,
}

/// One published result.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Anchor {
    /// Who: the library or design.
    pub name: String,
    /// "msm" or "ntt".
    pub job: String,
    /// The curve (its MSM group or its NTT's scalar field).
    pub curve: String,
    /// log2 of the points (MSM) or elements (NTT) of one job.
    pub log_size: u32,
    /// Seconds for one job of that size, as published (a batch's time is
    /// divided by its jobs; `note` says so).
    pub time_s: f64,
    /// The machine.
    pub hardware: String,
    pub kind: AnchorKind,
    /// Where the figure is published.
    pub source: String,
    /// What differs from zkcopro's job, or how the time was read.
    #[serde(default)]
    pub note: String,
}

impl Anchor {
    /// Whether the job is zkcopro's own (BN254), so times compare directly.
    pub fn same_curve(&self) -> bool {
        self.curve == "BN254"
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AnchorFile {
    anchor: Vec<Anchor>,
}

/// The table's rows, checked: known jobs, sizes 1..=40, positive finite
/// times, a source on every row.
pub fn parse(text: &str) -> Result<Vec<Anchor>, String> {
    let file: AnchorFile = toml::from_str(text).map_err(|e| format!("published anchors: {e}"))?;
    for a in &file.anchor {
        let what = format!("published anchor {} ({} 2^{})", a.name, a.job, a.log_size);
        if a.job != "msm" && a.job != "ntt" {
            return Err(format!("{what}: job must be msm or ntt"));
        }
        if !(1..=40).contains(&a.log_size) {
            return Err(format!("{what}: log_size must be 1..=40"));
        }
        if !(a.time_s.is_finite() && a.time_s > 0.0) {
            return Err(format!("{what}: time_s must be a positive number of seconds"));
        }
        if a.source.trim().is_empty() || a.hardware.trim().is_empty() {
            return Err(format!("{what}: every row needs its hardware and source"));
        }
    }
    Ok(file.anchor)
}

/// The committed table.
pub fn published() -> Vec<Anchor> {
    parse(ANCHORS_TOML).expect("host/data/published_anchors.toml is checked by its unit test")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_table_parses_and_has_both_jobs() {
        let rows = parse(ANCHORS_TOML).unwrap();
        assert!(rows.iter().any(|a| a.job == "msm" && a.same_curve() && a.log_size == 20));
        assert!(rows.iter().any(|a| a.job == "ntt" && a.same_curve() && a.log_size == 20));
        assert!(rows.iter().any(|a| a.kind == AnchorKind::Fpga));
        // A different curve or a batch must say so.
        for a in &rows {
            if !a.same_curve() {
                assert!(!a.note.is_empty(), "{} needs a note", a.name);
            }
        }
    }

    #[test]
    fn bad_rows_are_refused() {
        let row = |job: &str, log: u32, t: f64, src: &str| {
            format!(
                "[[anchor]]\nname = \"x\"\njob = \"{job}\"\ncurve = \"BN254\"\nlog_size = {log}\ntime_s = {t}\nhardware = \"h\"\nkind = \"gpu\"\nsource = \"{src}\"\n"
            )
        };
        assert!(parse(&row("msm", 20, 0.011, "s")).is_ok());
        assert!(parse(&row("fft", 20, 0.011, "s")).unwrap_err().contains("msm or ntt"));
        assert!(parse(&row("msm", 0, 0.011, "s")).unwrap_err().contains("log_size"));
        assert!(parse(&row("msm", 20, -1.0, "s")).unwrap_err().contains("positive"));
        assert!(parse(&row("msm", 20, 0.011, " ")).unwrap_err().contains("source"));
        assert!(parse("[[anchor]]\nname = \"x\"\n").is_err());
        assert!(parse(&(row("msm", 20, 0.011, "s") + "extra = 1\n")).is_err());
    }
}
