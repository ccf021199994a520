//! Waveform options for the Verilator backend: format by extension, a cycle
//! window (absolute, or counted from the first job start) and a scope/depth
//! limit, so that a trace of a real job stays small enough to open.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use zkcopro_sim::{TraceConfig, TraceFormat};

/// Default scope: the coprocessor top, whose ports are the AXI interfaces.
pub const DEFAULT_TRACE_SCOPE: &str = "TOP.zkcopro_top";
/// Default depth: the scope's own signals (level 1) and those of the blocks it
/// instantiates (engines, bus slave), not their insides.
pub const DEFAULT_TRACE_DEPTH: u32 = 2;

/// One end of the traced cycle window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TracePoint {
    /// Cycle N, counted from the model's construction (the reset cycles included).
    Cycle(u64),
    /// N cycles after the first job start (the AXI4-Lite write of
    /// `CTRL_AP_START`), written `start+N` (or `start`).
    AfterStart(u64),
}

/// Why a trace-window argument was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a cycle number, `start` or `start+N`")]
pub struct BadTracePoint(pub String);

impl FromStr for TracePoint {
    type Err = BadTracePoint;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let bad = || BadTracePoint(s.to_string());
        if let Some(rest) = t.strip_prefix("start") {
            let rest = rest.trim();
            if rest.is_empty() {
                return Ok(TracePoint::AfterStart(0));
            }
            let n = rest.strip_prefix('+').ok_or_else(bad)?;
            return n.trim().parse().map(TracePoint::AfterStart).map_err(|_| bad());
        }
        t.parse().map(TracePoint::Cycle).map_err(|_| bad())
    }
}

impl fmt::Display for TracePoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TracePoint::Cycle(n) => write!(f, "{n}"),
            TracePoint::AfterStart(n) => write!(f, "start+{n}"),
        }
    }
}

/// Everything about one waveform.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceSpec {
    /// `.fst` (compressed) or `.vcd`.
    pub path: PathBuf,
    /// First traced cycle (default: cycle 0).
    pub from: TracePoint,
    /// End of the window, exclusive (default: the end of the run).
    pub to: Option<TracePoint>,
    /// Dot-separated Verilog scope, e.g. `TOP.zkcopro_top.msm`.
    pub scope: String,
    /// Hierarchy levels traced, `scope`'s own signals being level 1; 0 traces
    /// the whole design.
    pub depth: u32,
    /// Clock period on the waveform's time axis, picoseconds.
    pub period_ps: u64,
}

/// Why a trace specification was refused (before any simulation).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TraceSpecError {
    #[error("{}: the extension must be .fst or .vcd", .0.display())]
    Extension(PathBuf),
    #[error("the window ends ({to}) before it starts ({from})")]
    EmptyWindow { from: TracePoint, to: TracePoint },
    #[error("scope `{0}` must be a dot-separated path starting at TOP (e.g. {DEFAULT_TRACE_SCOPE})")]
    Scope(String),
    #[error("{}: directory {} does not exist", .path.display(), .dir.display())]
    Directory { path: PathBuf, dir: PathBuf },
}

impl TraceSpec {
    /// The defaults: all cycles, the top and one level below, the projected clock.
    pub fn new(path: &Path) -> Self {
        TraceSpec {
            path: path.to_path_buf(),
            from: TracePoint::Cycle(0),
            to: None,
            scope: DEFAULT_TRACE_SCOPE.to_string(),
            depth: DEFAULT_TRACE_DEPTH,
            period_ps: zkcopro_hdl::params::PROJECTED_PERIOD_PS,
        }
    }

    pub fn format(&self) -> Result<TraceFormat, TraceSpecError> {
        TraceFormat::from_path(&self.path).ok_or_else(|| TraceSpecError::Extension(self.path.clone()))
    }

    /// Checks everything that can be checked without running.
    pub fn validate(&self) -> Result<(), TraceSpecError> {
        self.format()?;
        if let Some(to) = self.to {
            let empty = match (self.from, to) {
                (TracePoint::Cycle(a), TracePoint::Cycle(b)) | (TracePoint::AfterStart(a), TracePoint::AfterStart(b)) => b <= a,
                // An absolute end before a relative start cannot be known to
                // be empty until the job starts; an absolute start before a
                // relative end is fine.
                _ => false,
            };
            if empty {
                return Err(TraceSpecError::EmptyWindow { from: self.from, to });
            }
        }
        let scope_ok = self.scope == "TOP"
            || (self.scope.starts_with("TOP.")
                && self.scope.split('.').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')));
        if !scope_ok {
            return Err(TraceSpecError::Scope(self.scope.clone()));
        }
        let dir = self.path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if !dir.is_dir() {
            return Err(TraceSpecError::Directory { path: self.path.clone(), dir: dir.to_path_buf() });
        }
        Ok(())
    }

    /// The window before any job has started: absolute ends as given, a
    /// start-relative beginning not yet open.
    pub(crate) fn initial_window(&self) -> (u64, u64) {
        let from = match self.from {
            TracePoint::Cycle(c) => c,
            TracePoint::AfterStart(_) => u64::MAX,
        };
        let to = match self.to {
            None | Some(TracePoint::AfterStart(_)) => u64::MAX,
            Some(TracePoint::Cycle(c)) => c,
        };
        (from, to)
    }

    /// Whether the window depends on the first job start.
    pub(crate) fn waits_for_start(&self) -> bool {
        matches!(self.from, TracePoint::AfterStart(_)) || matches!(self.to, Some(TracePoint::AfterStart(_)))
    }

    /// The window once the first job started at cycle `start`.
    pub(crate) fn window_at_start(&self, start: u64) -> (u64, u64) {
        let at = |p: TracePoint| match p {
            TracePoint::Cycle(c) => c,
            TracePoint::AfterStart(n) => start.saturating_add(n),
        };
        (at(self.from), self.to.map_or(u64::MAX, at))
    }

    pub(crate) fn sim_config(&self) -> Result<TraceConfig, TraceSpecError> {
        let (from, to) = self.initial_window();
        Ok(TraceConfig {
            path: self.path.clone(),
            format: self.format()?,
            depth: self.depth,
            scope: self.scope.clone(),
            from,
            to,
            period_ps: self.period_ps,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_points_parse() {
        assert_eq!("120".parse::<TracePoint>(), Ok(TracePoint::Cycle(120)));
        assert_eq!("start".parse::<TracePoint>(), Ok(TracePoint::AfterStart(0)));
        assert_eq!("start+500".parse::<TracePoint>(), Ok(TracePoint::AfterStart(500)));
        for bad in ["", "-3", "start-5", "stop", "start+x", "1e3"] {
            assert!(bad.parse::<TracePoint>().is_err(), "{bad}");
        }
    }

    #[test]
    fn specs_are_checked() {
        let mut s = TraceSpec::new(Path::new("t.fst"));
        assert_eq!(s.validate(), Ok(()));
        s.path = PathBuf::from("t.txt");
        assert!(matches!(s.validate(), Err(TraceSpecError::Extension(_))));
        s.path = PathBuf::from("t.VCD");
        assert_eq!(s.format(), Ok(TraceFormat::Vcd));
        s.from = TracePoint::Cycle(10);
        s.to = Some(TracePoint::Cycle(10));
        assert!(matches!(s.validate(), Err(TraceSpecError::EmptyWindow { .. })));
        s.to = Some(TracePoint::AfterStart(0));
        assert_eq!(s.validate(), Ok(()));
        s.scope = "zkcopro_top".into();
        assert!(matches!(s.validate(), Err(TraceSpecError::Scope(_))));
        s.scope = "TOP.zkcopro_top.msm".into();
        assert_eq!(s.validate(), Ok(()));
    }

    #[test]
    fn start_relative_windows() {
        let mut s = TraceSpec::new(Path::new("t.fst"));
        s.from = TracePoint::AfterStart(5);
        s.to = Some(TracePoint::AfterStart(105));
        assert!(s.waits_for_start());
        assert_eq!(s.initial_window(), (u64::MAX, u64::MAX));
        assert_eq!(s.window_at_start(1000), (1005, 1105));
    }
}
