//! The Vitis RTL kernel package of the exported top: `kernel.xml` (the
//! kernel's ports and its arguments, read from the register map), a
//! `package_xo` Tcl script for Vivado, an out-of-context clock constraint and
//! the `v++` link step. Vitis and Vivado cannot run here; the tests check the
//! XML against the register map and the top's Verilog ports, and run the Tcl
//! through `tclsh` with Vivado's commands stubbed.

use crate::mem::{CARD_ADDR_BITS, CARD_DATA_BITS};
use crate::regmap::{self, Access, Register, AXIL_ADDR_BITS};
use std::fmt::Write;

/// Width of the AXI4-Stream data ports (one field element per beat).
pub const STREAM_DATA_BITS: usize = crate::params::FIELD_BITS;

/// Vendor and library of the packaged IP (its VLNV is `VENDOR:LIBRARY:top:VERSION`).
pub const VENDOR: &str = "zkcopro";
pub const LIBRARY: &str = "kernel";
pub const VERSION: &str = "1.0";

/// The part `package_xo.tcl` packages for unless given another (Alveo U55C).
pub const DEFAULT_PART: &str = "xcu55c-fsvh2892-2L-e";

/// How a kernel port moves data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortKind {
    /// AXI4-Lite control slave; the range is its register window in bytes.
    Control { range: u64 },
    /// AXI4 memory master over the card's global memory.
    Memory,
    /// AXI4-Stream into the kernel.
    StreamIn,
    /// AXI4-Stream out of the kernel.
    StreamOut,
}

/// One bus interface of the kernel: the prefix of its Verilog ports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KernelPort {
    pub name: &'static str,
    pub kind: PortKind,
    pub data_bits: usize,
}

impl KernelPort {
    fn mode(&self) -> &'static str {
        match self.kind {
            PortKind::Control { .. } => "slave",
            PortKind::Memory => "master",
            PortKind::StreamIn => "read_only",
            PortKind::StreamOut => "write_only",
        }
    }
}

/// The top's bus interfaces, by the prefixes of `top.rs`'s ports.
pub const PORTS: [KernelPort; 4] = [
    KernelPort { name: "s_axil", kind: PortKind::Control { range: 1 << AXIL_ADDR_BITS }, data_bits: 32 },
    KernelPort { name: "m_axi", kind: PortKind::Memory, data_bits: CARD_DATA_BITS },
    KernelPort { name: "s_axis", kind: PortKind::StreamIn, data_bits: STREAM_DATA_BITS },
    KernelPort { name: "m_axis", kind: PortKind::StreamOut, data_bits: STREAM_DATA_BITS },
];

/// What a kernel argument is to XRT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgKind {
    /// A 32-bit value written to one register.
    Scalar,
    /// A 64-bit card-memory address, low word then high word (`_LO`, `_HI`).
    Pointer,
    /// An AXI4-Stream port (no register).
    Stream,
}

/// One kernel argument, in the order XRT numbers them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KernelArg {
    /// Lower-case register name (a pointer's without `_LO`), or the stream port.
    pub name: String,
    pub kind: ArgKind,
    /// Byte offset in the control window (0 for streams).
    pub offset: u32,
    /// Bytes (0 for streams).
    pub size: u32,
    /// The bus interface the argument belongs to.
    pub port: &'static str,
}

impl KernelArg {
    fn address_qualifier(&self) -> u32 {
        match self.kind {
            ArgKind::Scalar => 0,
            ArgKind::Pointer => 1,
            ArgKind::Stream => 4,
        }
    }

    fn type_name(&self) -> String {
        match self.kind {
            ArgKind::Scalar => "uint".into(),
            ArgKind::Pointer => "void*".into(),
            ArgKind::Stream => format!("stream<qdma_axis<{STREAM_DATA_BITS},0,0,0>>&"),
        }
    }
}

/// Arguments start after ap_ctrl_hs's four control words (CTRL, GIE, IER,
/// ISR), which XRT drives itself.
pub const FIRST_ARG_OFFSET: u32 = 0x10;

/// The kernel's arguments: every read-write register from
/// [FIRST_ARG_OFFSET] on (an `_ADDR_LO`/`_ADDR_HI` pair is one pointer to
/// card memory on `m_axi`), then the two streams.
pub fn kernel_args() -> Vec<KernelArg> {
    let writable: Vec<&Register> = regmap::ALL
        .iter()
        .filter(|r| r.offset >= FIRST_ARG_OFFSET && r.access == Access::ReadWrite)
        .collect();
    let mut args = Vec::new();
    let mut i = 0;
    while i < writable.len() {
        let r = writable[i];
        let hi = r.name.strip_suffix("_ADDR_LO").map(|stem| format!("{stem}_ADDR_HI"));
        match (hi, writable.get(i + 1)) {
            (Some(hi), Some(next)) if next.name == hi && next.offset == r.offset + 4 => {
                args.push(KernelArg {
                    name: r.name.trim_end_matches("_LO").to_lowercase(),
                    kind: ArgKind::Pointer,
                    offset: r.offset,
                    size: 8,
                    port: "m_axi",
                });
                i += 2;
            }
            _ => {
                args.push(KernelArg {
                    name: r.name.to_lowercase(),
                    kind: ArgKind::Scalar,
                    offset: r.offset,
                    size: 4,
                    port: "s_axil",
                });
                i += 1;
            }
        }
    }
    for port in PORTS.iter().filter(|p| matches!(p.kind, PortKind::StreamIn | PortKind::StreamOut)) {
        args.push(KernelArg { name: port.name.into(), kind: ArgKind::Stream, offset: 0, size: 0, port: port.name });
    }
    args
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// `kernel.xml` for `v++`'s `package_xo`: an ap_ctrl_hs kernel with an
/// interrupt, its four bus interfaces and its arguments.
pub fn kernel_xml(top_name: &str) -> String {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(s, "<!-- {top_name}: Vitis RTL kernel description, generated by zkcopro from its register map. -->");
    s += "<root versionMajor=\"1\" versionMinor=\"6\">\n";
    let _ = writeln!(
        s,
        "  <kernel name=\"{top_name}\" language=\"ip_c\" vlnv=\"{VENDOR}:{LIBRARY}:{top_name}:{VERSION}\" attributes=\"\" \
         preferredWorkGroupSizeMultiple=\"0\" workGroupSize=\"1\" interrupt=\"true\" hwControlProtocol=\"ap_ctrl_hs\">"
    );
    s += "    <ports>\n";
    for p in PORTS {
        let range = match p.kind {
            PortKind::Control { range } => Some(range),
            PortKind::Memory => Some(if CARD_ADDR_BITS >= 64 { u64::MAX } else { (1u64 << CARD_ADDR_BITS) - 1 }),
            PortKind::StreamIn | PortKind::StreamOut => None,
        };
        let (name, mode, bits) = (p.name, p.mode(), p.data_bits);
        let _ = match range {
            Some(range) => writeln!(
                s,
                "      <port name=\"{name}\" mode=\"{mode}\" range=\"0x{range:X}\" dataWidth=\"{bits}\" portType=\"addressable\" base=\"0x0\"/>"
            ),
            None => writeln!(s, "      <port name=\"{name}\" mode=\"{mode}\" dataWidth=\"{bits}\" portType=\"stream\"/>"),
        };
    }
    s += "    </ports>\n    <args>\n";
    for (id, a) in kernel_args().iter().enumerate() {
        let _ = writeln!(
            s,
            "      <arg name=\"{}\" addressQualifier=\"{}\" id=\"{id}\" port=\"{}\" size=\"0x{:X}\" offset=\"0x{:02X}\" \
             hostOffset=\"0x0\" hostSize=\"0x{:X}\" type=\"{}\"/>",
            a.name,
            a.address_qualifier(),
            a.port,
            a.size,
            a.offset,
            a.size,
            xml_escape(&a.type_name())
        );
    }
    s += "    </args>\n  </kernel>\n</root>\n";
    s
}

/// Clock period in ns, three decimals (Vivado's own precision).
fn period_ns(clock_mhz: f64) -> String {
    format!("{:.3}", 1000.0 / clock_mhz)
}

/// Out-of-context clock constraint at `clock_mhz`.
pub fn clock_xdc(clock_mhz: f64) -> String {
    format!(
        "# ap_clk at {clock_mhz} MHz: the clock zkcopro's logic-depth report supports\n\
         # (PROJECTED_CLOCK_MHZ). Out-of-context synthesis only: in a v++ link the\n\
         # platform's kernel clock (--kernel_frequency) drives ap_clk.\n\
         create_clock -period {} -name ap_clk [get_ports ap_clk]\n",
        period_ns(clock_mhz)
    )
}

/// The registers `package_xo.tcl` declares on the control interface: the
/// ap_ctrl_hs words and every argument, as `{NAME offset bits pointer}` rows.
fn tcl_register_rows() -> String {
    let mut rows = String::new();
    for r in regmap::ALL.iter().filter(|r| r.offset < FIRST_ARG_OFFSET) {
        let _ = writeln!(rows, "    {{{} 0x{:02X} 32 0}}", r.name, r.offset);
    }
    for a in kernel_args().iter().filter(|a| a.kind != ArgKind::Stream) {
        let _ = writeln!(
            rows,
            "    {{{} 0x{:02X} {} {}}}",
            a.name,
            a.offset,
            8 * a.size,
            u8::from(a.kind == ArgKind::Pointer)
        );
    }
    rows
}

/// Vivado batch script that packages the Verilog as an IP and an `.xo`.
pub fn package_xo_tcl(top_name: &str, clock_mhz: f64) -> String {
    let busifs: Vec<&str> = PORTS.iter().map(|p| p.name).collect();
    let control = PORTS.iter().find(|p| matches!(p.kind, PortKind::Control { .. })).map(|p| p.name).unwrap_or("s_axil");
    let range = 1u32 << AXIL_ADDR_BITS;
    let freq_hz = (clock_mhz * 1e6).round() as u64;
    format!(
        r#"# package_xo.tcl: packages {top_name}.v as a Vitis RTL kernel, {top_name}.xo.
# Generated by `zkcopro verilog --vitis`; run it from anywhere with Vivado:
#   vivado -mode batch -source package_xo.tcl [-tclargs PART]
# PART defaults to {DEFAULT_PART} (Alveo U55C). The IP and the project go to
# ./build next to this script, the .xo next to it.

set kernel {top_name}
set part [expr {{[llength $argv] > 0 ? [lindex $argv 0] : "{DEFAULT_PART}"}}]
set here [file dirname [file normalize [info script]]]
set build [file join $here build]
set ip_dir [file join $build ip]
set xo [file join $here $kernel.xo]
# Bus interfaces (Vivado infers them from the port prefixes) and the kernel
# clock they run on.
set busifs {{{busifs}}}
set freq_hz {freq_hz}
# Control registers: name, byte offset, bits, pointer (1: a card-memory
# address on m_axi).
set registers {{
{rows}}}

file delete -force $build
create_project -force $kernel.pack [file join $build project] -part $part
add_files -norecurse [file join $here $kernel.v]
add_files -fileset constrs_1 -norecurse [file join $here $kernel.xdc]
set_property top $kernel [current_fileset]
update_compile_order -fileset sources_1

set core [ipx::package_project -root_dir $ip_dir -vendor {VENDOR} -library {LIBRARY} \
    -taxonomy /KernelIP -import_files -set_current false]
set_property version {VERSION} $core
set_property sdx_kernel true $core
set_property sdx_kernel_type rtl $core
foreach busif $busifs {{
    ipx::associate_bus_interfaces -busif $busif -clock ap_clk $core
}}
set clock_freq [ipx::add_bus_parameter -quiet FREQ_HZ [ipx::get_bus_interfaces -of_objects $core ap_clk]]
set_property value $freq_hz $clock_freq
set_property value_resolve_type user $clock_freq

# The control interface's register map: Vitis reads each argument's offset
# from here and which memory interface each pointer addresses.
set map [ipx::add_memory_map -quiet {control} $core]
set_property slave_memory_map_ref {control} [ipx::get_bus_interfaces -of_objects $core {control}]
set block [ipx::add_address_block -quiet reg0 $map]
set_property range 0x{range:X} $block
foreach row $registers {{
    lassign $row name offset bits pointer
    set reg [ipx::add_register $name $block]
    set_property address_offset $offset $reg
    set_property size $bits $reg
    if {{$pointer}} {{
        set busif [ipx::add_register_parameter ASSOCIATED_BUSIF $reg]
        set_property value m_axi $busif
    }}
}}

ipx::create_xgui_files $core
ipx::update_checksums $core
ipx::check_integrity -kernel $core
ipx::save_core $core
close_project -delete
package_xo -force -xo_path $xo -kernel_name $kernel -ip_directory $ip_dir \
    -kernel_xml [file join $here kernel.xml]
puts "package_xo.tcl: wrote $xo"
"#,
        busifs = busifs.join(" "),
        rows = tcl_register_rows(),
    )
}

/// How to package and link the kernel, for people who work from the export alone.
pub fn vitis_readme(top_name: &str, clock_mhz: f64) -> String {
    let args: Vec<String> = kernel_args()
        .iter()
        .map(|a| match a.kind {
            ArgKind::Scalar => format!("| {} | `{}` | 0x{:02X} | 32-bit register |", a.name, a.port, a.offset),
            ArgKind::Pointer => {
                format!("| {} | `{}` | 0x{:02X} | 64-bit card-memory address (low word first) |", a.name, a.port, a.offset)
            }
            ArgKind::Stream => format!("| {} | `{}` | - | AXI4-Stream, {STREAM_DATA_BITS} bits |", a.name, a.port),
        })
        .collect();
    format!(
        r#"# {top_name} as a Vitis RTL kernel

Generated by `zkcopro verilog --vitis`. Files:

| file | what |
|---|---|
| `{top_name}.v` | the coprocessor (ap_ctrl_hs, `ap_clk`, `ap_rst_n`, `interrupt`) |
| `kernel.xml` | ports and arguments for `package_xo`, from the register map |
| `package_xo.tcl` | Vivado batch script: IP package and `{top_name}.xo` |
| `{top_name}.xdc` | out-of-context clock: {clock_mhz} MHz (period {period} ns) |
| `{top_name}_regs.md`, `{top_name}_regs.h` | the register map |

## 1. Package

    vivado -mode batch -source package_xo.tcl -tclargs {DEFAULT_PART}

## 2. Link

    v++ -l -t hw --platform <your platform> --kernel_frequency {mhz_int} \
        --connectivity.sp {top_name}_1.m_axi:HBM[0:31] \
        -o zkcopro.xclbin {top_name}.xo

Use `DDR[0]` in place of `HBM[0:31]` on a DDR card (U250, VU9P on AWS F1).
`s_axis` and `m_axis` carry the job's stream: connect them to kernels that feed
and drain it (`--connectivity.stream_connect`), or to the host on a platform
with host streaming (QDMA). On a platform without either, use the card-memory
modes of the register map (NTT_MODE bits 0 and 1), which need no stream.

## Reset

Hold `ap_rst_n` low for at least {reset} `ap_clk` cycles (`RESET_CYCLES`): the
MSM's bucket occupancy flags are swept clear meanwhile. A shorter reset leaves
stale flags and wrong MSM results.

## Arguments (XRT order)

| argument | interface | offset | what |
|---|---|---|---|
{args}

The read-only registers (ID, VERSION, CAPS, ERROR, PERF_*) are not arguments:
read them with `xrt::ip` or `xrt::kernel::read_register` after a run.

Nothing here was run through Vivado or v++ (they cannot run where zkcopro is
built); the XML is checked against the register map and the Verilog's ports,
and the Tcl runs in tclsh with Vivado's commands stubbed.
"#,
        period = period_ns(clock_mhz),
        mhz_int = clock_mhz.floor() as u64,
        reset = regmap::RESET_CYCLES,
        args = args.join("\n"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_pair_lo_and_hi_and_every_writable_register_is_an_argument() {
        let args = kernel_args();
        let pointers: Vec<&str> =
            args.iter().filter(|a| a.kind == ArgKind::Pointer).map(|a| a.name.as_str()).collect();
        assert_eq!(pointers, ["msm_bases_addr", "ntt_src_addr", "ntt_dst_addr", "ntt_src_b_addr"]);
        let covered: Vec<u32> = args
            .iter()
            .filter(|a| a.kind != ArgKind::Stream)
            .flat_map(|a| (0..a.size / 4).map(move |k| a.offset + 4 * k))
            .collect();
        let writable: Vec<u32> = regmap::ALL
            .iter()
            .filter(|r| r.offset >= FIRST_ARG_OFFSET && r.access == Access::ReadWrite)
            .map(|r| r.offset)
            .collect();
        assert_eq!(covered, writable);
        assert_eq!(args.iter().filter(|a| a.kind == ArgKind::Stream).count(), 2);
    }

    #[test]
    fn xdc_period_matches_the_clock() {
        assert!(clock_xdc(250.0).contains("create_clock -period 4.000 -name ap_clk [get_ports ap_clk]"));
        assert!(clock_xdc(140.0).contains("-period 7.143 "));
    }
}
