//! The Vitis RTL kernel package (`zkcopro verilog --vitis`): kernel.xml is
//! well-formed XML that agrees with the register map and with the exported
//! top's Verilog ports, and package_xo.tcl runs through tclsh with Vivado's
//! commands stubbed (each records its arguments), asking for what Vitis
//! needs: every bus interface on ap_clk, a register per argument, pointers
//! on m_axi, and package_xo with the kernel XML.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use zkcopro_hdl::export;
use zkcopro_hdl::field::MulImpl;
use zkcopro_hdl::regmap;
use zkcopro_hdl::top::TopConfig;
use zkcopro_hdl::vitis::{self, ArgKind, PortKind};

const TOP: &str = "zkcopro_top";

fn bundle(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("zkcopro_vitis_{tag}_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    export::write_bundle(&dir, &TopConfig { mul: MulImpl::Tiled }, TOP, true).unwrap();
    dir
}

/// The top module's ports: name -> (is input, width).
fn verilog_ports(v: &str) -> HashMap<String, (bool, usize)> {
    let start = v.find(&format!("module {TOP}(")).expect("top module");
    let body = &v[start..start + v[start..].find("endmodule").unwrap()];
    let mut ports = HashMap::new();
    for line in body.lines() {
        let words: Vec<&str> = line.trim().trim_end_matches(';').split_whitespace().collect();
        let dir = match words.first() {
            Some(&"input") => true,
            Some(&"output") => false,
            _ => continue,
        };
        let name = words.last().unwrap().to_string();
        let width = words
            .iter()
            .find(|w| w.starts_with('['))
            .map(|w| w.trim_matches(|c| c == '[' || c == ']').split(':').next().unwrap().parse::<usize>().unwrap() + 1)
            .unwrap_or(1);
        ports.insert(name, (dir, width));
    }
    ports
}

/// AXI signals each kind of interface needs: (suffix, driven by the kernel).
fn signals(kind: PortKind) -> Vec<(&'static str, bool)> {
    let out = |names: &[&'static str], d: bool| names.iter().map(|n| (*n, d)).collect::<Vec<_>>();
    match kind {
        PortKind::Control { .. } => [
            out(&["awaddr", "awvalid", "wdata", "wstrb", "wvalid", "bready", "araddr", "arvalid", "rready"], false),
            out(&["awready", "wready", "bresp", "bvalid", "arready", "rdata", "rresp", "rvalid"], true),
        ]
        .concat(),
        PortKind::Memory => [
            out(
                &["araddr", "arlen", "arsize", "arburst", "arvalid", "arid", "rready", "awaddr", "awlen", "awsize"],
                true,
            ),
            out(&["awburst", "awvalid", "awid", "wdata", "wstrb", "wlast", "wvalid", "bready"], true),
            out(&["arready", "rdata", "rresp", "rlast", "rvalid", "rid", "awready", "wready", "bresp", "bvalid", "bid"], false),
        ]
        .concat(),
        PortKind::StreamIn => [out(&["tdata", "tvalid", "tlast"], false), out(&["tready"], true)].concat(),
        PortKind::StreamOut => [out(&["tdata", "tvalid", "tlast"], true), out(&["tready"], false)].concat(),
    }
}

#[test]
fn kernel_xml_agrees_with_the_register_map_and_the_verilog_ports() {
    let dir = bundle("xml");
    let xml = std::fs::read_to_string(dir.join("kernel.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("kernel.xml is well-formed XML");
    let kernel = doc.root_element().children().find(|n| n.has_tag_name("kernel")).expect("<kernel>");
    assert_eq!(kernel.attribute("name"), Some(TOP));
    assert_eq!(kernel.attribute("hwControlProtocol"), Some("ap_ctrl_hs"));
    assert_eq!(kernel.attribute("interrupt"), Some("true"));

    let v = std::fs::read_to_string(dir.join(format!("{TOP}.v"))).unwrap();
    assert!(v.contains("`timescale 1ns / 1ps"), "the export declares a timescale");
    assert!(v.contains(&format!("at least {} ap_clk cycles", regmap::RESET_CYCLES)));
    let ports = verilog_ports(&v);
    assert!(ports.len() > 40, "parsed {} ports", ports.len());

    // Ports: each kernel.xml port is a bus interface of the Verilog with every
    // AXI signal its kind needs, in the right direction and width.
    let xml_ports: Vec<roxmltree::Node> = kernel.descendants().filter(|n| n.has_tag_name("port")).collect();
    assert_eq!(xml_ports.len(), vitis::PORTS.len());
    let mut claimed = vec!["ap_clk".to_string(), "ap_rst_n".to_string(), "interrupt".to_string()];
    for (node, port) in xml_ports.iter().zip(vitis::PORTS) {
        assert_eq!(node.attribute("name"), Some(port.name));
        let width: usize = node.attribute("dataWidth").unwrap().parse().unwrap();
        for (suffix, driven) in signals(port.kind) {
            let name = format!("{}_{suffix}", port.name);
            let (is_input, w) = *ports.get(&name).unwrap_or_else(|| panic!("Verilog has no port {name}"));
            assert_eq!(is_input, !driven, "{name} direction");
            if ["wdata", "rdata", "tdata"].contains(&suffix) {
                assert_eq!(w, width, "{name} is the interface's dataWidth");
            }
            if suffix == "wstrb" {
                assert_eq!(w, width / 8, "{name}");
            }
            claimed.push(name);
        }
        match port.kind {
            PortKind::Control { range } => {
                assert_eq!(node.attribute("mode"), Some("slave"));
                assert_eq!(u64::from_str_radix(node.attribute("range").unwrap().trim_start_matches("0x"), 16), Ok(range));
                assert_eq!(1u64 << ports[&format!("{}_awaddr", port.name)].1, range);
            }
            PortKind::Memory => {
                assert_eq!(node.attribute("mode"), Some("master"));
                assert_eq!(ports["m_axi_araddr"].1, 64, "Vitis masters address 64 bits");
            }
            PortKind::StreamIn => assert_eq!(node.attribute("mode"), Some("read_only")),
            PortKind::StreamOut => assert_eq!(node.attribute("mode"), Some("write_only")),
        }
    }
    let mut unclaimed: Vec<&String> = ports.keys().filter(|p| !claimed.contains(p)).collect();
    unclaimed.sort();
    assert!(unclaimed.is_empty(), "Verilog ports in no interface: {unclaimed:?}");
    assert!(ports["ap_clk"].0 && ports["ap_rst_n"].0 && !ports["interrupt"].0);

    // Arguments: ids in order, each register's offset and size from the map,
    // pointers as LO/HI pairs on m_axi, and every writable register covered.
    let args: Vec<roxmltree::Node> = kernel.descendants().filter(|n| n.has_tag_name("arg")).collect();
    assert_eq!(args.len(), vitis::kernel_args().len());
    let hex = |n: &roxmltree::Node, a: &str| u32::from_str_radix(n.attribute(a).unwrap().trim_start_matches("0x"), 16).unwrap();
    let mut covered = vec![];
    for (id, arg) in args.iter().enumerate() {
        assert_eq!(arg.attribute("id").unwrap().parse::<usize>().unwrap(), id);
        let name = arg.attribute("name").unwrap().to_uppercase();
        let port = arg.attribute("port").unwrap();
        assert!(vitis::PORTS.iter().any(|p| p.name == port), "arg {name} on unknown port {port}");
        match arg.attribute("addressQualifier").unwrap() {
            "0" => {
                let r = regmap::ALL.iter().find(|r| r.name == name).unwrap_or_else(|| panic!("no register {name}"));
                assert_eq!((hex(arg, "offset"), hex(arg, "size"), port), (r.offset, 4, "s_axil"));
                assert_eq!(r.access, regmap::Access::ReadWrite);
                covered.push(r.offset);
            }
            "1" => {
                let lo = regmap::ALL.iter().find(|r| r.name == format!("{name}_LO")).unwrap();
                let hi = regmap::ALL.iter().find(|r| r.name == format!("{name}_HI")).unwrap();
                assert_eq!((hex(arg, "offset"), hex(arg, "size"), port), (lo.offset, 8, "m_axi"));
                assert_eq!(hi.offset, lo.offset + 4);
                assert_eq!(arg.attribute("type"), Some("void*"));
                covered.extend([lo.offset, hi.offset]);
            }
            "4" => {
                assert_eq!(port, arg.attribute("name").unwrap());
                assert!(arg.attribute("type").unwrap().starts_with("stream<qdma_axis<256,"));
            }
            q => panic!("arg {name}: addressQualifier {q}"),
        }
    }
    let writable: Vec<u32> = regmap::ALL
        .iter()
        .filter(|r| r.offset >= vitis::FIRST_ARG_OFFSET && r.access == regmap::Access::ReadWrite)
        .map(|r| r.offset)
        .collect();
    assert_eq!(covered, writable);

    let regs_h = std::fs::read_to_string(dir.join(format!("{TOP}_regs.h"))).unwrap();
    assert!(regs_h.contains(&format!("#define ZKCOPRO_TOP_RESET_CYCLES {}u", regmap::RESET_CYCLES)));
    let regs_md = std::fs::read_to_string(dir.join(format!("{TOP}_regs.md"))).unwrap();
    assert!(regs_md.contains(&format!("at least {} `ap_clk` cycles", regmap::RESET_CYCLES)));
    let xdc = std::fs::read_to_string(dir.join(format!("{TOP}.xdc"))).unwrap();
    let period = 1000.0 / zkcopro_hdl::params::PROJECTED_CLOCK_MHZ;
    assert!(xdc.contains(&format!("create_clock -period {period:.3} -name ap_clk [get_ports ap_clk]")));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Vivado's commands as Tcl procs that append `{command args...}` to a log;
/// those whose result the script uses return a handle.
const VIVADO_STUBS: &str = r#"
set stub_log [open $env(ZKCOPRO_TCL_LOG) w]
set stub_handles 0
proc stub_record {name argv} {
    global stub_log
    puts $stub_log [linsert $argv 0 $name]
    flush $stub_log
}
proc stub {name handle} {
    proc $name args "stub_record $name \$args; if {{$handle} ne {}} { global stub_handles; incr stub_handles; return $handle\$stub_handles }"
}
namespace eval ipx {}
foreach name {create_project add_files update_compile_order close_project set_property package_xo
              ipx::associate_bus_interfaces ipx::create_xgui_files ipx::update_checksums
              ipx::check_integrity ipx::save_core} {
    stub $name {}
}
stub current_fileset fileset
stub ipx::package_project core
stub ipx::get_bus_interfaces busif
stub ipx::add_bus_parameter param
stub ipx::add_memory_map map
stub ipx::add_address_block block
stub ipx::add_register reg
stub ipx::add_register_parameter regparam
"#;

fn run_tcl(dir: &Path, part: Option<&str>) -> Vec<Vec<String>> {
    let log = dir.join("vivado_calls.log");
    let driver = dir.join("driver.tcl");
    let argv = part.map(|p| format!("{{{p}}}")).unwrap_or_default();
    std::fs::write(
        &driver,
        format!("{VIVADO_STUBS}\nset argv [list {argv}]\nsource {}\nclose $stub_log\n", dir.join("package_xo.tcl").display()),
    )
    .unwrap();
    let out = Command::new("tclsh")
        .arg(&driver)
        .env("ZKCOPRO_TCL_LOG", &log)
        .current_dir(std::env::temp_dir())
        .output()
        .expect("tclsh (scripts/setup.sh installs Tcl)");
    assert!(out.status.success(), "package_xo.tcl failed in tclsh:\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("wrote"));
    // Each log line is a Tcl list; split it into words with tclsh itself.
    let words = Command::new("tclsh")
        .arg(dir.join("split.tcl"))
        .arg(&log)
        .output()
        .unwrap();
    String::from_utf8(words.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('\u{1f}').map(str::to_string).collect())
        .collect()
}

fn flag<'a>(call: &'a [String], name: &str) -> Option<&'a str> {
    call.iter().position(|w| w == name).map(|i| call[i + 1].as_str())
}

#[test]
fn package_xo_tcl_runs_in_tclsh_with_vivado_stubbed() {
    let dir = bundle("tcl");
    std::fs::write(
        dir.join("split.tcl"),
        "set f [open [lindex $argv 0]]\nwhile {[gets $f line] >= 0} { puts [join $line \"\\x1f\"] }\n",
    )
    .unwrap();
    let calls = run_tcl(&dir, None);
    fn named<'a>(calls: &'a [Vec<String>], n: &'a str) -> impl Iterator<Item = &'a Vec<String>> + 'a {
        calls.iter().filter(move |c| c[0] == n)
    }
    let named = |n: &'static str| named(&calls, n);

    let project = named("create_project").next().expect("create_project");
    assert_eq!(flag(project, "-part"), Some(vitis::DEFAULT_PART));
    let added: Vec<PathBuf> = named("add_files").map(|c| PathBuf::from(c.last().unwrap())).collect();
    assert_eq!(added.len(), 2);
    for f in &added {
        assert!(f.is_file(), "add_files {} exists", f.display());
    }
    assert!(added.iter().any(|f| f.ends_with(format!("{TOP}.v"))) && added.iter().any(|f| f.ends_with(format!("{TOP}.xdc"))));

    let package = named("ipx::package_project").next().unwrap();
    let ip_dir = flag(package, "-root_dir").unwrap().to_string();
    assert_eq!(flag(package, "-taxonomy"), Some("/KernelIP"));
    let mut busifs: Vec<&str> = named("ipx::associate_bus_interfaces")
        .map(|c| {
            assert_eq!(flag(c, "-clock"), Some("ap_clk"));
            flag(c, "-busif").unwrap()
        })
        .collect();
    busifs.sort();
    let mut expected: Vec<&str> = vitis::PORTS.iter().map(|p| p.name).collect();
    expected.sort();
    assert_eq!(busifs, expected);
    assert!(calls.iter().any(|c| c[0] == "set_property" && c[1] == "sdx_kernel" && c[2] == "true"));
    assert!(calls.iter().any(|c| c[0] == "set_property" && c[1] == "sdx_kernel_type" && c[2] == "rtl"));
    let freq = (zkcopro_hdl::params::PROJECTED_CLOCK_MHZ * 1e6).round() as u64;
    assert!(calls.iter().any(|c| c[0] == "set_property" && c[1] == "value" && c[2] == freq.to_string()));

    // One register per control word and argument, at its offset.
    let regs: Vec<&str> = named("ipx::add_register").map(|c| c[1].as_str()).collect();
    let offsets: Vec<u32> = calls
        .iter()
        .filter(|c| c[0] == "set_property" && c[1] == "address_offset")
        .map(|c| u32::from_str_radix(c[2].trim_start_matches("0x"), 16).unwrap())
        .collect();
    let args = vitis::kernel_args();
    let with_regs: Vec<_> = args.iter().filter(|a| a.kind != ArgKind::Stream).collect();
    assert_eq!(regs.len(), 4 + with_regs.len());
    assert_eq!(&offsets[..4], &[0x00, 0x04, 0x08, 0x0C]);
    for (a, (name, off)) in with_regs.iter().zip(regs[4..].iter().zip(&offsets[4..])) {
        assert_eq!((a.name.as_str(), a.offset), (*name, *off));
    }
    let pointers = args.iter().filter(|a| a.kind == ArgKind::Pointer).count();
    assert_eq!(named("ipx::add_register_parameter").filter(|c| c[1] == "ASSOCIATED_BUSIF").count(), pointers);
    assert!(calls.iter().any(|c| c[0] == "set_property" && c[1] == "value" && c[2] == "m_axi"));

    let xo = named("package_xo").next().expect("package_xo");
    assert_eq!(flag(xo, "-kernel_name"), Some(TOP));
    assert_eq!(flag(xo, "-ip_directory"), Some(ip_dir.as_str()));
    let kernel_xml = PathBuf::from(flag(xo, "-kernel_xml").unwrap());
    assert!(kernel_xml.is_file() && kernel_xml.ends_with("kernel.xml"));
    assert!(flag(xo, "-xo_path").unwrap().ends_with(&format!("{TOP}.xo")));
    let order: Vec<&str> = calls.iter().map(|c| c[0].as_str()).collect();
    let pos = |n: &str| order.iter().position(|c| *c == n).unwrap();
    assert!(pos("create_project") < pos("ipx::package_project"));
    assert!(pos("ipx::save_core") < pos("package_xo"));

    // A part on the command line replaces the default.
    let calls = run_tcl(&dir, Some("xcu250-figd2104-2L-e"));
    let project = calls.iter().find(|c| c[0] == "create_project").unwrap();
    assert_eq!(flag(project, "-part"), Some("xcu250-figd2104-2L-e"));
    let _ = std::fs::remove_dir_all(&dir);
}
