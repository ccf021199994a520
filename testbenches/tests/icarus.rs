//! A second simulator: the exported Verilog, with the tiled multiplier (what
//! ships), runs jobs in Icarus Verilog (`iverilog -g2012`, installed by
//! scripts/setup.sh) from a testbench generated here, and the results equal
//! arkworks'. Independent of Verilator and of rust-hdl's simulator.

use ark_bn254::{Fq, Fr};
use ark_ff::UniformRand;
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use zkcopro_hdl::export;
use zkcopro_hdl::field::MulImpl;
use zkcopro_hdl::regmap;
use zkcopro_hdl::top::TopConfig;
use zkcopro_host::{Beat, DeviceField};
use zkcopro_testbenches::seeded_rng;

/// The top's ports and their widths, in the testbench's declaration order.
const INPUTS: &[(&str, usize)] = &[
    ("ap_clk", 1),
    ("ap_rst_n", 1),
    ("s_axil_awaddr", regmap::AXIL_ADDR_BITS),
    ("s_axil_awvalid", 1),
    ("s_axil_wdata", 32),
    ("s_axil_wstrb", 4),
    ("s_axil_wvalid", 1),
    ("s_axil_bready", 1),
    ("s_axil_araddr", regmap::AXIL_ADDR_BITS),
    ("s_axil_arvalid", 1),
    ("s_axil_rready", 1),
    ("s_axis_tdata", 256),
    ("s_axis_tvalid", 1),
    ("s_axis_tlast", 1),
    ("m_axis_tready", 1),
    ("m_axi_arready", 1),
    ("m_axi_rdata", 256),
    ("m_axi_rresp", 2),
    ("m_axi_rlast", 1),
    ("m_axi_rvalid", 1),
    ("m_axi_awready", 1),
    ("m_axi_wready", 1),
    ("m_axi_bresp", 2),
    ("m_axi_bvalid", 1),
];
const OUTPUTS: &[(&str, usize)] = &[
    ("s_axil_awready", 1),
    ("s_axil_wready", 1),
    ("s_axil_bresp", 2),
    ("s_axil_bvalid", 1),
    ("s_axil_arready", 1),
    ("s_axil_rdata", 32),
    ("s_axil_rresp", 2),
    ("s_axil_rvalid", 1),
    ("s_axis_tready", 1),
    ("m_axis_tdata", 256),
    ("m_axis_tvalid", 1),
    ("m_axis_tlast", 1),
    ("m_axi_araddr", 64),
    ("m_axi_arlen", 8),
    ("m_axi_arsize", 3),
    ("m_axi_arburst", 2),
    ("m_axi_arvalid", 1),
    ("m_axi_rready", 1),
    ("m_axi_awaddr", 64),
    ("m_axi_awlen", 8),
    ("m_axi_awsize", 3),
    ("m_axi_awburst", 2),
    ("m_axi_awvalid", 1),
    ("m_axi_wdata", 256),
    ("m_axi_wstrb", 32),
    ("m_axi_wlast", 1),
    ("m_axi_wvalid", 1),
    ("m_axi_bready", 1),
    ("interrupt", 1),
];

/// One job: register writes, then the input beats; `n_out` beats expected.
struct Job {
    regs: Vec<(u32, u32)>,
    input: Vec<Beat>,
    n_out: usize,
    /// Card memory behind the AXI4 read port, 32-byte beats from address 0
    /// (a one-burst-at-a-time slave in the testbench); none: the port idles.
    card: Option<Vec<Beat>>,
}

fn decl(kind: &str, name: &str, width: usize) -> String {
    if width == 1 { format!("    {kind} {name};\n") } else { format!("    {kind} [{}:0] {name};\n", width - 1) }
}

fn testbench(job: &Job) -> String {
    let mut v = String::from("`timescale 1ns/1ps\nmodule tb;\n");
    for (n, w) in INPUTS {
        v += &decl("reg", n, *w);
    }
    for (n, w) in OUTPUTS {
        v += &decl("wire", n, *w);
    }
    let ports: Vec<String> = INPUTS.iter().chain(OUTPUTS).map(|(n, _)| format!(".{n}({n})")).collect();
    v += &format!("    zkcopro_top dut({});\n", ports.join(", "));
    let n_in = job.input.len();
    writeln!(v, "    reg [255:0] mem_in [0:{}];\n    reg [255:0] mem_out [0:{}];", n_in.max(1) - 1, job.n_out - 1).unwrap();
    v += "    integer sent, got, cycles, f;\n    reg aw_done, w_done;\n    always #5 ap_clk = ~ap_clk;\n";
    if let Some(card) = &job.card {
        writeln!(v, "    reg [255:0] mem_card [0:{}];", card.len() - 1).unwrap();
        v += r#"    reg [63:0] rd_addr; reg [1:0] rd_left; reg rd_busy = 0;
    always @(posedge ap_clk) begin
        if (!rd_busy && m_axi_arvalid) begin rd_busy <= 1; rd_addr <= m_axi_araddr; rd_left <= m_axi_arlen + 1; end
        else if (rd_busy && m_axi_rready) begin
            rd_addr <= rd_addr + 32; rd_left <= rd_left - 1;
            if (rd_left == 1) rd_busy <= 0;
        end
    end
    always @(*) begin
        m_axi_arready = !rd_busy; m_axi_rvalid = rd_busy; m_axi_rdata = mem_card[rd_addr >> 5];
        m_axi_rlast = (rd_left == 1); m_axi_rresp = 0;
    end
"#;
    }
    // Inputs change on the falling edge; handshakes are judged just after it
    // and happen at the next rising edge.
    v += r#"    task axil_write(input [7:0] addr, input [31:0] data);
        begin
            aw_done = 0; w_done = 0;
            @(negedge ap_clk);
            s_axil_awaddr = addr; s_axil_wdata = data; s_axil_awvalid = 1; s_axil_wvalid = 1;
            while (!(aw_done && w_done)) begin
                #1;
                if (s_axil_awvalid && s_axil_awready) aw_done = 1;
                if (s_axil_wvalid && s_axil_wready) w_done = 1;
                @(negedge ap_clk);
                if (aw_done) s_axil_awvalid = 0;
                if (w_done) s_axil_wvalid = 0;
            end
            s_axil_bready = 1;
            #1;
            while (!s_axil_bvalid) begin @(negedge ap_clk); #1; end
            @(negedge ap_clk);
            s_axil_bready = 0;
        end
    endtask
    initial begin
        ap_clk = 0; ap_rst_n = 0;
        s_axil_awaddr = 0; s_axil_awvalid = 0; s_axil_wdata = 0; s_axil_wstrb = 4'hF; s_axil_wvalid = 0;
        s_axil_bready = 0; s_axil_araddr = 0; s_axil_arvalid = 0; s_axil_rready = 0;
        s_axis_tdata = 0; s_axis_tvalid = 0; s_axis_tlast = 0; m_axis_tready = 0;
        m_axi_awready = 0; m_axi_wready = 0; m_axi_bresp = 0; m_axi_bvalid = 0;
"#;
    if job.card.is_none() {
        v += "        m_axi_arready = 0; m_axi_rdata = 0; m_axi_rresp = 0; m_axi_rlast = 0; m_axi_rvalid = 0;\n";
    } else {
        v += "        $readmemh(\"card.hex\", mem_card);\n";
    }
    if n_in > 0 {
        v += "        $readmemh(\"in.hex\", mem_in);\n";
    }
    writeln!(v, "        repeat ({}) @(negedge ap_clk);\n        ap_rst_n = 1;\n        repeat (2) @(negedge ap_clk);", regmap::RESET_CYCLES + 2).unwrap();
    for (addr, val) in &job.regs {
        writeln!(v, "        axil_write(8'h{addr:02X}, 32'h{val:08X});").unwrap();
    }
    writeln!(v, "        axil_write(8'h{:02X}, 32'h{:08X});", regmap::CTRL.offset, regmap::CTRL_AP_START).unwrap();
    writeln!(
        v,
        r#"        sent = 0; got = 0; cycles = 0; m_axis_tready = 1;
        while (got < {n_out} && cycles < 200000) begin
            @(negedge ap_clk);
            if (sent < {n_in}) begin
                s_axis_tvalid = 1; s_axis_tdata = mem_in[sent]; s_axis_tlast = (sent == {n_in} - 1);
            end else begin
                s_axis_tvalid = 0; s_axis_tlast = 0;
            end
            #1;
            if (s_axis_tvalid && s_axis_tready) sent = sent + 1;
            if (m_axis_tvalid) begin mem_out[got] = m_axis_tdata; got = got + 1; end
            cycles = cycles + 1;
        end
        f = $fopen("out.hex", "w");
        for (sent = 0; sent < got; sent = sent + 1) $fdisplay(f, "%064h", mem_out[sent]);
        $fclose(f);
        $display("cycles %0d", cycles);
        $finish;
    end
endmodule"#,
        n_out = job.n_out
    )
    .unwrap();
    v
}

fn hex(b: &Beat) -> String {
    b.iter().rev().map(|w| format!("{w:08x}")).collect()
}

fn beat(hex: &str) -> Beat {
    let mut b = [0u32; 8];
    for (i, w) in b.iter_mut().enumerate() {
        let at = hex.len() - 8 * (i + 1);
        *w = u32::from_str_radix(&hex[at..at + 8], 16).expect("hex word");
    }
    b
}

/// The exported top with the tiled multiplier, written once per test run.
fn exported_top() -> &'static Path {
    static TOP: OnceLock<PathBuf> = OnceLock::new();
    TOP.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("zkcopro-icarus-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("zkcopro_top.v");
        // rust-hdl walks the tiled multiplier's deep hierarchy recursively.
        let verilog = std::thread::Builder::new()
            .stack_size(512 << 20)
            .spawn(|| export::top_verilog(&TopConfig { mul: MulImpl::Tiled }, "zkcopro_top"))
            .unwrap()
            .join()
            .unwrap();
        std::fs::write(&path, verilog).unwrap();
        path
    })
}

/// Compiles the testbench with the exported top and runs it in Icarus.
fn run_icarus(name: &str, job: &Job) -> Vec<Beat> {
    let top = exported_top();
    let dir = top.parent().unwrap().join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("tb.v"), testbench(job)).unwrap();
    let input: String = job.input.iter().map(|b| hex(b) + "\n").collect();
    std::fs::write(dir.join("in.hex"), input).unwrap();
    if let Some(card) = &job.card {
        std::fs::write(dir.join("card.hex"), card.iter().map(|b| hex(b) + "\n").collect::<String>()).unwrap();
    }
    zkcopro_testbenches::run_icarus_tb(&dir, &[top]);
    let out = std::fs::read_to_string(dir.join("out.hex")).unwrap();
    out.lines().map(beat).collect()
}

#[test]
fn field_alu_job_in_icarus_matches_arkworks() {
    let mut rng = seeded_rng("field_alu_job_in_icarus_matches_arkworks");
    let n = 6usize;
    let a: Vec<Fq> = (0..n).map(|_| Fq::rand(&mut rng)).collect();
    let b: Vec<Fq> = (0..n).map(|_| Fq::rand(&mut rng)).collect();
    let input: Vec<Beat> = a.iter().zip(&b).flat_map(|(x, y)| [x.to_beat(), y.to_beat()]).collect();
    let job = Job {
        regs: vec![(regmap::JOB_OP.offset, regmap::OP_MUL), (regmap::JOB_FIELD.offset, 0), (regmap::JOB_COUNT.offset, n as u32)],
        input,
        n_out: n,
        card: None,
    };
    let out = run_icarus("alu_mul_fq", &job);
    let got: Vec<Fq> = out.iter().map(|b| Fq::from_beat(b).expect("reduced")).collect();
    let want: Vec<Fq> = a.iter().zip(&b).map(|(x, y)| x * y).collect();
    assert_eq!(got, want, "Montgomery products from the tiled multiplier in Icarus");
}

#[test]
fn small_ntt_in_icarus_matches_ark_poly() {
    let mut rng = seeded_rng("small_ntt_in_icarus_matches_ark_poly");
    let n = 8usize;
    let x: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
    let job = Job {
        regs: vec![
            (regmap::JOB_OP.offset, regmap::OP_NTT),
            (regmap::JOB_FIELD.offset, 1),
            (regmap::JOB_COUNT.offset, n as u32),
            (regmap::JOB_LOG_SIZE.offset, n.trailing_zeros()),
        ],
        input: x.iter().map(|v| v.to_beat()).collect(),
        n_out: n,
        card: None,
    };
    let out = run_icarus("ntt_8", &job);
    let got: Vec<Fr> = out.iter().map(|b| Fr::from_beat(b).expect("reduced")).collect();
    let want = Radix2EvaluationDomain::<Fr>::new(n).unwrap().fft(&x);
    assert_eq!(got, want, "an 8-point NTT in Icarus");
}

#[test]
fn small_msm_in_icarus_matches_arkworks() {
    use ark_bn254::{G1Affine, G1Projective};
    use ark_ec::{CurveGroup, VariableBaseMSM};
    use rand::Rng;
    let mut rng = seeded_rng("small_msm_in_icarus_matches_arkworks");
    // One 8-bit window (scalars below 2^7 fit its signed digits): the
    // reduction and combination stay short enough for an event simulator.
    let points = zkcopro_host::msm::random_points(&mut rng, 3);
    let scalars: Vec<Fr> = (0..3).map(|_| Fr::from(rng.gen_range(1u64..128))).collect();
    let mut bytes = vec![0u8; 64 * points.len()];
    for (p, rec) in points.iter().zip(bytes.chunks_mut(64)) {
        zkcopro_host::msm::base_record(p, rec);
    }
    let card: Vec<Beat> = bytes
        .chunks(32)
        .map(|c| std::array::from_fn(|i| u32::from_le_bytes(c[4 * i..4 * i + 4].try_into().unwrap())))
        .collect();
    let job = Job {
        regs: vec![
            (regmap::JOB_OP.offset, regmap::OP_MSM),
            (regmap::JOB_FIELD.offset, 0),
            (regmap::JOB_COUNT.offset, points.len() as u32),
            (regmap::MSM_WINDOW_BITS.offset, 8),
            (regmap::MSM_WINDOWS.offset, 1),
            (regmap::MSM_BASES_ADDR_LO.offset, 0),
            (regmap::MSM_BASES_ADDR_HI.offset, 0),
            (regmap::MSM_BASES_COUNT.offset, points.len() as u32),
        ],
        input: scalars.iter().map(|s| s.to_beat()).collect(),
        n_out: 3,
        card: Some(card),
    };
    let out = run_icarus("msm_3", &job);
    let [x, y, z] = [0, 1, 2].map(|k| Fq::from_beat(&out[k]).expect("reduced"));
    // Homogeneous projective: (X / Z, Y / Z); Z = 0 is the point at infinity.
    let affine = if z == Fq::from(0u64) { G1Affine::identity() } else { G1Affine::new_unchecked(x / z, y / z) };
    let want = G1Projective::msm(&points, &scalars).unwrap().into_affine();
    assert_eq!(affine, want, "a 3-point MSM in Icarus");
}
