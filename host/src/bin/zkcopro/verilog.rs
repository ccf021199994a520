//! `zkcopro verilog`: the synthesizable export.

use std::path::PathBuf;
use std::process::ExitCode;
use zkcopro_hdl::export;
use zkcopro_hdl::field::MulImpl;
use zkcopro_hdl::top::TopConfig;

#[derive(clap::Args)]
pub struct VerilogArgs {
    #[arg(long)]
    out: PathBuf,
    /// Multiplier implementation: tiled (synthesizable) or fast (simulation only).
    #[arg(long, value_parser = ["tiled", "fast"], default_value = "tiled")]
    mul: String,
    /// Name of the top module.
    #[arg(long, default_value = export::DEFAULT_TOP_NAME)]
    top_name: String,
    /// Also write the Vitis RTL kernel package: kernel.xml, package_xo.tcl,
    /// an XDC clock constraint and README_vitis.md (the v++ link step).
    #[arg(long)]
    vitis: bool,
}

pub fn run(a: &VerilogArgs) -> ExitCode {
    let mul = if a.mul == "fast" { MulImpl::Fast } else { MulImpl::Tiled };
    match export::write_bundle(&a.out, &TopConfig { mul }, &a.top_name, a.vitis) {
        Ok(files) => {
            for f in files {
                println!("wrote {}", f.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: writing {}: {e}", a.out.display());
            ExitCode::FAILURE
        }
    }
}
