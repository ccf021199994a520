//! `zkcopro`: run jobs on the simulated coprocessor, benchmark it against
//! arkworks, export its Verilog, show its register map. One module per
//! subcommand.

mod args;
mod bench;
mod demo;
mod info;
mod msm;
mod ntt;
mod plot;
mod prove;
mod prove_circom;
mod prove_many;
mod timeline_svg;
mod qap_h;
mod setup;
mod sweep;
mod verilog;

use clap::{Parser, Subcommand};
use std::process::ExitCode;
use zkcopro_host::sweep::SweepError;

#[derive(Parser)]
#[command(name = "zkcopro", version, about = "Simulated zero-knowledge coprocessor (BN254): glue on the host, heavy work in cycle-accurate RTL")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Main job: random Fq and Fr add/sub/mul batches, a forward and inverse
    /// Fr NTT, a G1 MSM and a small Groth16 proof on the device, verified
    /// against arkworks, with the glue / transfer / bus / device time split.
    Demo(demo::DemoArgs),
    /// NTT of 2^K random BN254 Fr elements on the device, checked against
    /// ark-poly (Radix2EvaluationDomain) run on the same input.
    Ntt(ntt::NttArgs),
    /// MSM of 2^K random BN254 G1 points on the device, checked against
    /// arkworks' `G1Projective::msm` run on the same input.
    Msm(msm::MsmArgs),
    /// The performance targets against arkworks in one run: MSM (uniform and
    /// witness-like scalars), NTT and Groth16 proofs across sizes; writes
    /// bench.json and SVG plots.
    Bench(bench::BenchArgs),
    /// A Groth16 proof (BN254) with h(X) and the G1 MSMs on the device,
    /// against ark-groth16 on the same input, step by step: a built-in
    /// circuit, or a circom circuit's snarkjs zkey and witness (--zkey, --wtns).
    Prove(prove::ProveArgs),
    /// A Groth16 key for a circom circuit's .r1cs made by arkworks (snarkjs's
    /// reduction), written as a zkey: one party's setup, for tests and
    /// benchmarks where a snarkjs ceremony is too slow.
    Setup(setup::SetupArgs),
    /// Groth16's h(X) chain alone (A, B, C's evaluations to h's
    /// coefficients) on device buffers, against the same chain in ark-poly.
    QapH(qap_h::QapHArgs),
    /// A design sweep: jobs over grids of run and build parameters, on this
    /// machine or a Slurm cluster, merged into sweep.json with plots.
    Sweep(sweep::SweepArgs),
    /// Write the coprocessor's Verilog, lint waivers and register map to DIR.
    Verilog(verilog::VerilogArgs),
    /// Show the build configuration as the device reports it, and the register map.
    Info(info::InfoArgs),
}

/// Every argument checked before any allocation or simulation.
fn check(command: &Command) -> Result<(), String> {
    match command {
        Command::Demo(a) => a.check(),
        Command::Ntt(a) => a.check(),
        Command::Msm(a) => a.check(),
        Command::Bench(a) => a.check(),
        Command::Prove(a) => a.check(),
        Command::QapH(a) => a.check(),
        Command::Setup(a) => a.check(),
        Command::Sweep(a) => a.check(),
        Command::Verilog(_) | Command::Info(_) => Ok(()),
    }
}

/// A sweep's run, checked as the command line it will be: parsed, and
/// every argument checked; sweeps run only jobs, not other sweeps.
fn check_run(args: &[String]) -> Result<(), String> {
    let argv = std::iter::once("zkcopro".to_string()).chain(args.iter().cloned()).chain(std::iter::once("--json".into()));
    let cli = Cli::try_parse_from(argv).map_err(|e| {
        let text = e.render().to_string();
        let first = text.lines().next().unwrap_or("bad arguments");
        first.strip_prefix("error: ").unwrap_or(first).to_string()
    })?;
    match cli.command {
        Command::Msm(_) | Command::Ntt(_) | Command::Prove(_) | Command::QapH(_) => check(&cli.command),
        _ => Err("a sweep runs msm, ntt, prove and qap-h jobs".into()),
    }
}

/// Exit status of a job command: 0 verified, 1 mismatch or device error.
fn job_status<E: std::fmt::Display>(r: Result<bool, E>) -> ExitCode {
    match r {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Dies quietly when stdout closes (`zkcopro info | head`), as Unix tools do,
/// instead of panicking on the failed write.
fn default_sigpipe() {
    #[cfg(unix)]
    {
        unsafe extern "C" {
            fn signal(signum: i32, handler: usize) -> usize;
        }
        const SIGPIPE: i32 = 13;
        const SIG_DFL: usize = 0;
        unsafe {
            signal(SIGPIPE, SIG_DFL);
        }
    }
}

fn main() -> ExitCode {
    default_sigpipe();
    let cli = Cli::parse();
    if let Err(e) = check(&cli.command) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    match cli.command {
        Command::Demo(a) => job_status(demo::run(&a)),
        Command::Ntt(a) => job_status(ntt::run(&a)),
        Command::Msm(a) => job_status(msm::run(&a)),
        Command::Bench(a) => job_status(bench::run(&a)),
        Command::Prove(a) => match prove_circom::load(&a.circom) {
            // Bad circom files are bad input: one line, exit 2, nothing run.
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
            Ok(Some(inputs)) => job_status(prove::run_circom(&a, inputs)),
            Ok(None) => job_status(prove::run(&a)),
        },
        Command::QapH(a) => job_status(qap_h::run(&a)),
        Command::Setup(a) => match setup::load(&a) {
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
            Ok(r1cs) => job_status(setup::run(&a, r1cs)),
        },
        Command::Sweep(a) => match sweep::run(&a, &check_run) {
            Err(e @ (SweepError::Spec(_) | SweepError::BadRun { .. })) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
            r => job_status(r),
        },
        Command::Verilog(a) => verilog::run(&a),
        Command::Info(a) => job_status(info::run(&a).map(|()| true)),
    }
}
