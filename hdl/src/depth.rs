//! Logic depth of a synthesized netlist: the deepest register-to-register
//! path in LUT levels and carry-chain bits, from Yosys's JSON (`write_json`
//! after `synth_xilinx`). Yosys's own `sta` has no UltraScale+ timing, so this
//! counts structure and prices it with a first-order delay model
//! ([DelayModel]) against a clock budget.
//!
//! Start points: flip-flop, SRL, DSP and block-RAM outputs, and the module's
//! inputs. End points: their inputs, and the module's outputs. LUTs count one
//! level each; a CARRY4 adds the carry bits a path runs through it; MUXF7/8/9
//! and INV count nothing (Vivado folds them into the LUT level before them).
//! A DSP48E2 with no internal register (Yosys 0.23 leaves the product register
//! in fabric) is combinational: its A/B-to-P delay counts once per DSP.
//! LUTRAM reads are combinational and count one LUT level. A cell that is no
//! Xilinx primitive (a black box left in the netlist, such as the multipliers
//! `synth.sh` synthesizes on their own) is a start and end point: paths
//! through it are measured in its own netlist.

use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// A path's structure: LUT levels and carry bits from one start point.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Depth {
    pub luts: u32,
    pub carry_bits: u32,
    /// Carry chains the path enters (through a chain's S, DI or CYINIT input).
    pub carry_chains: u32,
    /// 1 if the path starts at a block RAM or UltraRAM read port (the
    /// exports register reads in the memory itself, not behind it).
    pub ram_start: u32,
    /// Combinational (unregistered) DSP48E2s on the path.
    pub dsps: u32,
}

/// First-order delay of a register-to-register path on UltraScale+ (-2):
/// `fixed + luts * per_lut + carry_bits * per_carry_bit + carry_chains *
/// per_carry_chain + dsps * per_dsp`, in ns.
#[derive(Clone, Copy, Debug)]
pub struct DelayModel {
    /// Clock-to-out, setup, clock uncertainty and skew, and the first net.
    pub fixed_ns: f64,
    /// One LUT and the routed net after it.
    pub per_lut_ns: f64,
    /// One bit of a carry chain, along the chain (CI to CO and the cascade).
    pub per_carry_bit_ns: f64,
    /// Entering a carry chain and leaving it (S to CO, CI to O).
    pub per_carry_chain_ns: f64,
    /// A DSP48E2 multiply with no internal pipeline register, inputs to P.
    pub per_dsp_ns: f64,
    /// A memory read's clock-to-out beyond a flip-flop's.
    pub ram_start_ns: f64,
}

impl DelayModel {
    /// UltraScale+ -2, calibrated against routed Vivado timing reports
    /// (sources in the README's hardware section, "Calibration"):
    /// - fixed 0.60 ns: FDRE clock-to-Q 0.08 + setup (CE pin) 0.06 + clock
    ///   uncertainty 0.035 + skew about 0.1 in a full design + the first net
    ///   out of a register, about 0.3 (high-fanout nets 0.47-0.52);
    /// - per LUT level 0.35 ns: measured LUT + net 0.25-0.32 ns per level
    ///   (xcvu3p -2: 7 LUTs in 2.33 ns; a VU9P design: 0.28 ns per level),
    ///   taken at the top and rounded up for the fanout of 256-bit selects;
    /// - per carry bit 0.006 ns: CARRY8 CI to CO[7] 0.015-0.023 ns plus the
    ///   cascade net 0.026 ns, per 8 bits;
    /// - per carry chain 0.30 ns: S to CO[7] 0.155-0.163 ns in, CI to O
    ///   0.07-0.15 ns out;
    /// - per unregistered DSP48E2 1.9 ns: B to P measured 1.92 ns with its
    ///   nets on a -1 part (a -2 part is faster; DS923 gives 544 MHz with
    ///   only MREG off and 775 MHz fully registered);
    /// - a path from a block RAM or UltraRAM read 0.80 ns more: clock to
    ///   DOUT without the output register 0.80-0.97 ns at -2/-1 (Versal's
    ///   DS958 T_RCKO_DO, standing in for DS923's table), less the
    ///   flip-flop's 0.08 ns already in `fixed_ns`.
    ///
    /// Yosys maps differently from Vivado from run to run (one LUT level
    /// either way), so the projected clock keeps a margin below this model's.
    pub const ULTRASCALE_PLUS_2: DelayModel = DelayModel {
        fixed_ns: 0.60,
        per_lut_ns: 0.35,
        per_carry_bit_ns: 0.006,
        per_carry_chain_ns: 0.30,
        per_dsp_ns: 1.9,
        ram_start_ns: 0.80,
    };

    pub fn delay_ns(&self, d: Depth) -> f64 {
        self.fixed_ns
            + d.luts as f64 * self.per_lut_ns
            + d.carry_bits as f64 * self.per_carry_bit_ns
            + d.carry_chains as f64 * self.per_carry_chain_ns
            + d.dsps as f64 * self.per_dsp_ns
            + d.ram_start as f64 * self.ram_start_ns
    }

    /// The highest clock (MHz) a path of this depth meets.
    pub fn fmax_mhz(&self, d: Depth) -> f64 {
        1000.0 / self.delay_ns(d)
    }
}

/// The deepest path ending at one named end point.
#[derive(Clone, Debug)]
pub struct PathReport {
    /// Net name of the end point (hierarchical, dots between levels).
    pub end: String,
    /// Net name of the start point.
    pub start: String,
    pub depth: Depth,
}

#[derive(Debug, thiserror::Error)]
pub enum DepthError {
    #[error("netlist JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("netlist: {0}")]
    Format(String),
    #[error("module `{0}` not in the netlist")]
    NoModule(String),
    #[error("combinational loop through cell `{0}`")]
    Loop(String),
}

fn is_sequential(ty: &str) -> bool {
    ty.starts_with("FD") || ty.starts_with("SRL") || ty.starts_with("RAMB") || ty.starts_with("URAM")
}

/// Xilinx primitives this model knows; any other cell type is a black box.
fn is_primitive(ty: &str) -> bool {
    ["LUT", "CARRY", "MUXF", "INV", "FD", "SRL", "RAM", "URAM", "DSP48", "BUF", "IBUF", "OBUF", "VCC", "GND"]
        .iter()
        .any(|p| ty.starts_with(p))
}

/// A DSP48E2 is a start and end point only if one of its pipeline registers is on.
fn dsp_registered(cell: &Value) -> bool {
    ["AREG", "BREG", "MREG", "PREG"].iter().any(|p| {
        let v = &cell["parameters"][*p];
        match v {
            Value::String(bits) => bits.chars().any(|c| c == '1'),
            Value::Number(n) => n.as_u64().unwrap_or(0) != 0,
            _ => false,
        }
    })
}

fn is_lutram(ty: &str) -> bool {
    ty.starts_with("RAM") && !ty.starts_with("RAMB")
}

/// How a combinational output bit depends on one input bit.
#[derive(Clone, Copy)]
enum Arc {
    /// Through a LUT (or a LUTRAM read): one level.
    Lut,
    /// Through n bits of a carry chain, along it (from CI).
    Carry(u32),
    /// Into a carry chain (from S, DI or CYINIT) and through n of its bits.
    CarryIn(u32),
    /// Through an unregistered DSP48E2.
    Dsp,
    /// Free (MUXF, INV, buffers).
    Wire,
}

struct Node {
    /// (input bit, arc) pairs this bit depends on.
    fanin: Vec<(usize, Arc)>,
    cell: String,
}

/// Parsed netlist of one module: combinational drivers of each bit, the end
/// points and names for bits.
pub struct Netlist {
    drivers: HashMap<usize, Node>,
    /// Output bits of block RAMs and UltraRAMs (start points).
    ram_outputs: HashSet<usize>,
    /// (bit, end-point name) for every sequential input and module output.
    ends: Vec<(usize, String)>,
    names: HashMap<usize, String>,
}

fn bit_ids(v: &Value) -> Vec<Option<usize>> {
    v.as_array()
        .map(|a| a.iter().map(|b| b.as_u64().map(|x| x as usize)).collect())
        .unwrap_or_default()
}

impl Netlist {
    /// Reads module `top` of a Yosys JSON netlist (flattened).
    pub fn from_json(text: &str, top: &str) -> Result<Netlist, DepthError> {
        let root: Value = serde_json::from_str(text)?;
        let module = root
            .get("modules")
            .and_then(|m| m.get(top))
            .ok_or_else(|| DepthError::NoModule(top.to_string()))?;
        // Names: prefer public (unhidden) net names, shortest first.
        let mut names: HashMap<usize, String> = HashMap::new();
        if let Some(nets) = module.get("netnames").and_then(Value::as_object) {
            for (name, net) in nets {
                if net.get("hide_name").and_then(Value::as_u64) == Some(1) {
                    continue;
                }
                for (k, bit) in bit_ids(&net["bits"]).into_iter().enumerate() {
                    if let Some(b) = bit {
                        let label = format!("{name}[{k}]");
                        let better = names.get(&b).is_none_or(|old| label.len() < old.len());
                        if better {
                            names.insert(b, label);
                        }
                    }
                }
            }
        }
        let mut drivers = HashMap::new();
        let mut ram_outputs = HashSet::new();
        let mut ends = vec![];
        if let Some(ports) = module.get("ports").and_then(Value::as_object) {
            for (name, port) in ports {
                if port.get("direction").and_then(Value::as_str) == Some("output") {
                    for (k, bit) in bit_ids(&port["bits"]).into_iter().enumerate() {
                        if let Some(b) = bit {
                            ends.push((b, format!("{name}[{k}] (output)")));
                        }
                    }
                }
            }
        }
        let cells = module
            .get("cells")
            .and_then(Value::as_object)
            .ok_or_else(|| DepthError::Format(format!("module `{top}` has no cells")))?;
        for (cname, cell) in cells {
            let ty = cell.get("type").and_then(Value::as_str).unwrap_or("");
            let conns = cell
                .get("connections")
                .and_then(Value::as_object)
                .ok_or_else(|| DepthError::Format(format!("cell `{cname}` has no connections")))?;
            let dirs = cell.get("port_directions").and_then(Value::as_object);
            let dir = |port: &str| dirs.and_then(|d| d.get(port)).and_then(Value::as_str).unwrap_or("input");
            let boundary = is_sequential(ty) || !is_primitive(ty);
            if ty.starts_with("RAMB") || ty.starts_with("URAM") {
                for (port, bits) in conns {
                    if dir(port) == "output" {
                        ram_outputs.extend(bit_ids(bits).into_iter().flatten());
                    }
                }
            }
            if boundary || (ty.starts_with("DSP48") && dsp_registered(cell)) {
                // Name the end point after what the cell drives (a flip-flop's
                // Q net keeps the register's hierarchical name).
                let label = conns
                    .iter()
                    .filter(|(p, _)| dir(p) == "output")
                    .flat_map(|(_, bits)| bit_ids(bits).into_iter().flatten())
                    .find_map(|b| names.get(&b).cloned())
                    .unwrap_or_else(|| cname.clone());
                for (port, bits) in conns {
                    if dir(port) == "input" && port != "C" && !port.starts_with("CLK") {
                        for bit in bit_ids(bits).into_iter().flatten() {
                            ends.push((bit, format!("{label} ({port})")));
                        }
                    }
                }
                continue;
            }
            let port_bits = |p: &str| conns.get(p).map(bit_ids).unwrap_or_default();
            if ty == "CARRY4" || ty == "CARRY8" {
                let width = if ty == "CARRY4" { 4 } else { 8 };
                let (ci, cyinit) = (port_bits("CI"), port_bits("CYINIT"));
                let (s, di) = (port_bits("S"), port_bits("DI"));
                for out in ["O", "CO"] {
                    for (k, bit) in port_bits(out).into_iter().enumerate().take(width) {
                        let Some(b) = bit else { continue };
                        let mut fanin = vec![];
                        for c in ci.iter().flatten() {
                            fanin.push((*c, Arc::Carry(k as u32 + 1)));
                        }
                        for c in cyinit.iter().flatten() {
                            fanin.push((*c, Arc::CarryIn(k as u32 + 1)));
                        }
                        for i in 0..=k {
                            for src in [s.get(i), di.get(i)].into_iter().flatten().flatten() {
                                fanin.push((*src, Arc::CarryIn((k - i) as u32 + 1)));
                            }
                        }
                        drivers.insert(b, Node { fanin, cell: cname.clone() });
                    }
                }
                continue;
            }
            let arc = if ty.starts_with("LUT") || is_lutram(ty) {
                Arc::Lut
            } else if ty.starts_with("DSP48") {
                Arc::Dsp
            } else {
                Arc::Wire
            };
            let inputs: Vec<usize> = conns
                .iter()
                .filter(|(p, _)| dir(p) == "input")
                .flat_map(|(_, bits)| bit_ids(bits).into_iter().flatten())
                .collect();
            for (port, bits) in conns {
                if dir(port) != "output" {
                    continue;
                }
                for b in bit_ids(bits).into_iter().flatten() {
                    let fanin = inputs.iter().map(|&i| (i, arc)).collect();
                    drivers.insert(b, Node { fanin, cell: cname.clone() });
                }
            }
        }
        Ok(Netlist { drivers, ram_outputs, ends, names })
    }

    /// The deepest path into every end point, deepest first (by the model).
    pub fn paths(&self, model: &DelayModel) -> Result<Vec<PathReport>, DepthError> {
        // Arrival depth of each bit and the start point it comes from.
        let mut memo: HashMap<usize, (Depth, usize)> = HashMap::new();
        let mut reports = vec![];
        for (bit, end) in &self.ends {
            let (depth, start) = self.arrival(*bit, model, &mut memo)?;
            let end_name = end.clone();
            let start_name = self.names.get(&start).cloned().unwrap_or_else(|| format!("bit {start}"));
            reports.push(PathReport { end: end_name, start: start_name, depth });
        }
        reports.sort_by(|a, b| model.delay_ns(b.depth).total_cmp(&model.delay_ns(a.depth)));
        Ok(reports)
    }

    /// Iterative DFS (netlists are deep: a 512-bit carry chain is 128 cells).
    fn arrival(
        &self,
        bit: usize,
        model: &DelayModel,
        memo: &mut HashMap<usize, (Depth, usize)>,
    ) -> Result<(Depth, usize), DepthError> {
        if let Some(v) = memo.get(&bit) {
            return Ok(*v);
        }
        let mut stack = vec![(bit, false)];
        let mut on_stack: HashSet<usize> = HashSet::new();
        while let Some((b, expanded)) = stack.pop() {
            if memo.contains_key(&b) {
                continue;
            }
            let Some(node) = self.drivers.get(&b) else {
                let ram_start = u32::from(self.ram_outputs.contains(&b));
                memo.insert(b, (Depth { ram_start, ..Depth::default() }, b));
                continue;
            };
            if !expanded {
                if !on_stack.insert(b) {
                    return Err(DepthError::Loop(node.cell.clone()));
                }
                stack.push((b, true));
                for (src, _) in &node.fanin {
                    if !memo.contains_key(src) {
                        stack.push((*src, false));
                    }
                }
                continue;
            }
            on_stack.remove(&b);
            let mut best = (Depth::default(), b);
            let mut best_ns = f64::MIN;
            for (src, arc) in &node.fanin {
                let (d, start) = *memo
                    .get(src)
                    .ok_or_else(|| DepthError::Loop(node.cell.clone()))?;
                let d = match arc {
                    Arc::Lut => Depth { luts: d.luts + 1, ..d },
                    Arc::Carry(n) => Depth { carry_bits: d.carry_bits + n, ..d },
                    Arc::CarryIn(n) => Depth { carry_bits: d.carry_bits + n, carry_chains: d.carry_chains + 1, ..d },
                    Arc::Dsp => Depth { dsps: d.dsps + 1, ..d },
                    Arc::Wire => d,
                };
                let ns = model.delay_ns(d);
                if ns > best_ns {
                    best_ns = ns;
                    best = (d, start);
                }
            }
            memo.insert(b, best);
        }
        Ok(memo[&bit])
    }
}

/// The block an end point belongs to: the first `levels` components of its
/// hierarchical name (register names carry their instance path).
pub fn block_of(name: &str, levels: usize) -> String {
    let base = name.split('[').next().unwrap_or(name).trim_start_matches('\\');
    let parts: Vec<&str> = base.split('.').collect();
    let keep = levels.min(parts.len().saturating_sub(1)).max(1);
    parts[..keep.min(parts.len())].join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A flip-flop feeding two LUTs in series into an 8-bit carry chain
    /// (two CARRY4s) whose top bit reaches another flip-flop.
    const NETLIST: &str = r#"{"modules": {"top": {
      "ports": {"clk": {"direction": "input", "bits": [2]}},
      "cells": {
        "ff_a": {"type": "FDRE", "port_directions": {"C": "input", "D": "input", "Q": "output"},
                 "connections": {"C": [2], "D": [20], "Q": [3]}},
        "lut1": {"type": "LUT2", "port_directions": {"I0": "input", "I1": "input", "O": "output"},
                 "connections": {"I0": [3], "I1": [3], "O": [4]}},
        "lut2": {"type": "LUT2", "port_directions": {"I0": "input", "I1": "input", "O": "output"},
                 "connections": {"I0": [4], "I1": [3], "O": [5]}},
        "c0": {"type": "CARRY4", "port_directions": {"CI": "input", "CYINIT": "input", "DI": "input", "S": "input", "O": "output", "CO": "output"},
               "connections": {"CI": ["0"], "CYINIT": ["0"], "DI": ["0","0","0","0"], "S": [5, "0", "0", "0"], "O": [6,7,8,9], "CO": [10,11,12,13]}},
        "c1": {"type": "CARRY4", "port_directions": {"CI": "input", "CYINIT": "input", "DI": "input", "S": "input", "O": "output", "CO": "output"},
               "connections": {"CI": [13], "CYINIT": ["0"], "DI": ["0","0","0","0"], "S": ["0","0","0","0"], "O": [14,15,16,17], "CO": [18,19,21,22]}},
        "ff_b": {"type": "FDRE", "port_directions": {"C": "input", "D": "input", "Q": "output"},
                 "connections": {"C": [2], "D": [17], "Q": [20]}}
      },
      "netnames": {"a_q": {"hide_name": 0, "bits": [3]}, "sum": {"hide_name": 0, "bits": [17]},
                   "b_q": {"hide_name": 0, "bits": [20]}}
    }}}"#;

    #[test]
    fn counts_luts_and_carry_bits_between_registers() {
        let net = Netlist::from_json(NETLIST, "top").unwrap();
        let model = DelayModel::ULTRASCALE_PLUS_2;
        let paths = net.paths(&model).unwrap();
        let worst = &paths[0];
        // Into c0 at S[0] and up through its four bits, then c1's CI to O[3].
        assert_eq!(worst.depth, Depth { luts: 2, carry_bits: 8, carry_chains: 1, dsps: 0, ram_start: 0 });
        assert_eq!(worst.start, "a_q[0]");
        assert_eq!(worst.end, "b_q[0] (D)");
        let ns = model.delay_ns(worst.depth);
        assert!((ns - (0.6 + 2.0 * 0.35 + 8.0 * 0.006 + 0.30)).abs() < 1e-9);
    }

    #[test]
    fn a_path_from_a_block_ram_read_costs_its_clock_to_out() {
        // ff_a's D now comes from a RAMB36E2's read data through one LUT.
        let with_ram = NETLIST.replace(
            r#""ff_b": {"type""#,
            r#""ram": {"type": "RAMB36E2", "port_directions": {"CLKARDCLK": "input", "DOUTADOUT": "output"},
                     "connections": {"CLKARDCLK": [2], "DOUTADOUT": [30]}},
        "lut3": {"type": "LUT1", "port_directions": {"I0": "input", "O": "output"},
                 "connections": {"I0": [30], "O": [31]}},
        "ff_c": {"type": "FDRE", "port_directions": {"C": "input", "D": "input", "Q": "output"},
                 "connections": {"C": [2], "D": [31], "Q": [32]}},
        "ff_b": {"type""#,
        );
        let net = Netlist::from_json(&with_ram, "top").unwrap();
        let model = DelayModel::ULTRASCALE_PLUS_2;
        let paths = net.paths(&model).unwrap();
        let from_ram = paths.iter().find(|p| p.end.contains("(D)") && p.depth.ram_start == 1).expect("a path from the RAM");
        assert_eq!(from_ram.depth, Depth { luts: 1, ram_start: 1, ..Depth::default() });
        assert!((model.delay_ns(from_ram.depth) - (0.6 + 0.35 + 0.8)).abs() < 1e-9);
    }

    #[test]
    fn a_combinational_loop_is_an_error() {
        let looped = NETLIST.replace(r#""I1": [3], "O": [4]"#, r#""I1": [5], "O": [4]"#);
        let net = Netlist::from_json(&looped, "top").unwrap();
        assert!(matches!(net.paths(&DelayModel::ULTRASCALE_PLUS_2), Err(DepthError::Loop(_))));
    }

    #[test]
    fn missing_module_is_an_error() {
        assert!(matches!(Netlist::from_json(NETLIST, "other"), Err(DepthError::NoModule(_))));
    }

    #[test]
    fn blocks_from_names() {
        assert_eq!(block_of("alu.mul_fq.t_part__0__q[3]", 2), "alu.mul_fq");
        assert_eq!(block_of("t_part__0__q[3]", 2), "t_part__0__q");
    }
}
