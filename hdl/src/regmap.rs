//! The coprocessor's AXI4-Lite register map, defined once. The control-register
//! block decodes from these offsets, the host driver and the functional model
//! read them from here, and the export writes them out as Markdown and a C header.

/// Width of the AXI4-Lite address bus (a 256-byte register window).
pub const AXIL_ADDR_BITS: usize = 8;

/// AXI response codes.
pub const RESP_OKAY: u32 = 0b00;
/// Write to a read-only register.
pub const RESP_SLVERR: u32 = 0b10;
/// No register at this address.
pub const RESP_DECERR: u32 = 0b11;

/// Value of the ID register: ASCII "ZKCP".
pub const DEVICE_ID: u32 = 0x5A4B_4350;
/// Register-map version: major << 16 | minor << 8 | patch.
pub const REGMAP_VERSION: u32 = 0x0005_0100;

/// Minimum number of cycles `ap_rst_n` must be held low: the output FIFO is
/// drained and the MSM's bucket occupancy flags are swept clear (one word of
/// 128 flags per cycle, 512 words) during reset.
pub const RESET_CYCLES: u32 = 576;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Read-only; writes answer SLVERR.
    ReadOnly,
    /// Read-write.
    ReadWrite,
    /// Mixed bits, see the register's description (the ap_ctrl_hs CTRL word).
    Control,
    /// Bits toggle when written with 1 (Vitis ISR convention).
    ToggleOnWrite,
}

impl Access {
    pub fn short(self) -> &'static str {
        match self {
            Access::ReadOnly => "RO",
            Access::ReadWrite => "RW",
            Access::Control => "RW/COR",
            Access::ToggleOnWrite => "TOW",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Register {
    pub name: &'static str,
    pub offset: u32,
    pub access: Access,
    pub reset: u32,
    pub doc: &'static str,
}

macro_rules! registers {
    ($($id:ident = $off:literal, $acc:ident, $reset:expr, $doc:literal;)*) => {
        $(
            #[doc = $doc]
            pub const $id: Register = Register {
                name: stringify!($id),
                offset: $off,
                access: Access::$acc,
                reset: $reset,
                doc: $doc,
            };
        )*
        /// Every register, in address order.
        pub const ALL: &[Register] = &[$($id),*];
    };
}

registers! {
    CTRL = 0x00, Control, 0x4,
        "ap_ctrl_hs: bit0 ap_start (write 1 to start; reads 1 until the job ends), bit1 ap_done (clear on read), bit2 ap_idle, bit3 ap_ready (clear on read)";
    GIE = 0x04, ReadWrite, 0,
        "Global interrupt enable: bit0";
    IER = 0x08, ReadWrite, 0,
        "Interrupt enable: bit0 done, bit1 ready";
    ISR = 0x0C, ToggleOnWrite, 0,
        "Interrupt status: bit0 done, bit1 ready; write 1 to toggle (clear)";
    ID = 0x10, ReadOnly, DEVICE_ID,
        "Device identifier, ASCII \"ZKCP\"";
    VERSION = 0x14, ReadOnly, REGMAP_VERSION,
        "Register-map version: major << 16 | minor << 8 | patch";
    CAPS = 0x18, ReadOnly, 0,
        "Build configuration: bits[7:0] multiplier latency in cycles, bit8 multiplier implementation (0 tiled, 1 fast-simulation), bits[15:12] log2 of the largest on-chip NTT, bits[19:16] log2 of the NTT butterfly units, bits[28:24] log2 of the MSM bucket-memory keys";
    JOB_LOG_SIZE = 0x1C, ReadWrite, 0,
        "NTT jobs: log2 of the transform size m; the job's JOB_COUNT points are JOB_COUNT / m independent transforms, back to back";
    JOB_OP = 0x20, ReadWrite, 0,
        "Operation: 0 add, 1 sub, 2 Montgomery multiply (field ALU); 3 NTT, 4 inverse NTT (BN254 Fr only); 5 MSM over bases in card memory (BN254 G1, JOB_FIELD Fq)";
    JOB_FIELD = 0x24, ReadWrite, 0,
        "Field: 0 BN254 Fq, 1 BN254 Fr";
    JOB_COUNT = 0x28, ReadWrite, 0,
        "Field ALU: number of operations; the input packet holds 2 x JOB_COUNT beats (a0, b0, a1, b1, ...), the output JOB_COUNT beats. NTT: number of points (a power of two, m <= JOB_COUNT <= the on-chip maximum), JOB_COUNT beats each way. MSM: number of scalars; 1 beat in per scalar (Montgomery form, as arkworks keeps it), scalar i multiplies base i of MSM_BASES_ADDR; 3 beats out per engine (MSM_SPLIT): a projective point (X, Y, Z)";
    ERROR = 0x2C, ReadOnly, 0,
        "Error code of the last job (0 none, 1 bad operation, 2 bad field, 3 zero count, 4 input TLAST not on the last beat, 5 bad NTT size or MSM window shape, 6 MSM scalar does not fit the windows, 7 MSM reads outside the base buffer or unaligned base address, 8 card memory answered a read or write with an error, 9 bad NTT card-memory layout); cleared at start";
    PERF_BUSY = 0x30, ReadOnly, 0,
        "Cycles the last job was busy, from start to done";
    PERF_IN_STALL = 0x34, ReadOnly, 0,
        "Cycles of the last job the device was ready for input but s_axis_tvalid was low";
    PERF_OUT_STALL = 0x38, ReadOnly, 0,
        "Cycles of the last job a result waited on m_axis_tready";
    PERF_BEATS_IN = 0x3C, ReadOnly, 0,
        "Input beats accepted in the last job";
    PERF_BEATS_OUT = 0x40, ReadOnly, 0,
        "Output beats sent in the last job";
    PERF_OPS = 0x44, ReadOnly, 0,
        "Operations the last job issued to its pipeline: field operations (ALU), butterflies (NTT) or point additions (MSM)";
    PERF_DRAIN = 0x48, ReadOnly, 0,
        "NTT: cycles the last job waited for the butterfly pipeline to drain between stages";
    MSM_WINDOW_BITS = 0x4C, ReadWrite, 0,
        "MSM: window width c in bits (2..=16); bucket index |d| of a signed digit d lies in 1..=2^(c-1)";
    MSM_WINDOWS = 0x50, ReadWrite, 0,
        "MSM: number of windows W (1..=32); each engine's windows (MSM_SPLIT) x 2^(c-1) must fit its bucket memory (2^CAPS[28:24] keys, less 512 result keys)";
    PERF_MSM_ACCUM = 0x54, ReadOnly, 0,
        "MSM: cycles of the accumulation phase (input, bucket additions, pipeline drain)";
    PERF_MSM_REDUCE = 0x58, ReadOnly, 0,
        "MSM: cycles of the bucket-reduction phase";
    PERF_MSM_CONFLICTS = 0x5C, ReadOnly, 0,
        "MSM: additions that merged a result whose bucket received another point while it was in the adder";
    PERF_MSM_IDLE = 0x60, ReadOnly, 0,
        "MSM: accumulation cycles in which no addition was issued";
    PERF_MSM_REDUCE_ADDS = 0x64, ReadOnly, 0,
        "MSM: additions issued in the reduction phase (PERF_OPS minus this is the accumulation's)";
    MSM_BASES_ADDR_LO = 0x68, ReadWrite, 0,
        "MSM: card-memory byte address of base 0, bits [31:0] (64-byte aligned; base i at + 64 i: x, y in Montgomery form, (0, 0) = infinity)";
    MSM_BASES_ADDR_HI = 0x6C, ReadWrite, 0,
        "MSM: card-memory byte address of base 0, bits [63:32]";
    MSM_BASES_COUNT = 0x70, ReadWrite, 0,
        "MSM: bases in the base buffer; a job with JOB_COUNT above it is refused (ERROR 7)";
    PERF_MEM_READS = 0x74, ReadOnly, 0,
        "Card memory: read bursts the last job issued";
    PERF_MEM_BEATS = 0x78, ReadOnly, 0,
        "Card memory: read beats the last job received (32 bytes each)";
    PERF_MEM_STALL = 0x7C, ReadOnly, 0,
        "MSM: cycles recoded digits waited for their base from card memory";
    PERF_MSM_COMBINE = 0x80, ReadOnly, 0,
        "MSM: cycles of the combination phase (sum 2^(c w + b) R(w, b) on the device)";
    NTT_MODE = 0x84, ReadWrite, 0,
        "NTT: bit0 points come from card memory (NTT_SRC_*) instead of s_axis, bit1 results go to card memory (NTT_DST_*) instead of m_axis, bits[7:4] log2 B of the transforms interleaved on input (point i of transform t is input point i B + t), bits[11:8] the same for the output, bit12 multiply output k of the job's q-th transform by the twiddle w^((NTT_TWIDDLE_COL + q) k) (with B > 1, transform t of batch r is q = r B + t), w the primitive 2^NTT_TWIDDLE_LOG-th root of unity (its inverse for INTT), bit13 (powers, not with bit12) multiply output k of the job's q-th transform by g^(NTT_TWIDDLE_COL + q + 2^NTT_TWIDDLE_LOG k), g = 5 the generator of Fr, bit15 (with bit13) by the powers of g^-1 instead (with JOB_LOG_SIZE 0 and NTT_TWIDDLE_LOG 0, point j times g^(NTT_TWIDDLE_COL + j): a coset scaling; after a four-step's second pass, NTT_TWIDDLE_LOG = log2 of its row count, result j times g^j), bit17 (with bit13, not with bit15) by the powers of the primitive 2^L-th root of unity instead of g, L = bits[24:20] (1..=28; ark-poly's group_gen of the domain of 2^L points), by the same exponents (col + q + 2^NTT_TWIDDLE_LOG k, reduced mod 2^L); with B > 1, each batch (NTT_BATCH_LOG) must be B x 2^JOB_LOG_SIZE points; bit16 the core's output multiplier multiplies every result by NTT_SCALE instead of 1 (NTT) or 1/2^JOB_LOG_SIZE (INTT), before the twiddles or powers (a constant folded into a transform: NTT_SCALE = c, or c / 2^JOB_LOG_SIZE for an INTT; with JOB_LOG_SIZE 0, scaling by a constant at one read per point). Field-ALU jobs use bits 0 and 1 (operand a from NTT_SRC_*, results to NTT_DST_*) and bit14 (with bit0: operand b from NTT_SRC_B_*); the other bits must be 0 for them (bit16 is refused)";
    NTT_SRC_ADDR_LO = 0x88, ReadWrite, 0,
        "NTT from card memory: byte address of the first run, bits [31:0] (64-byte aligned; 32 bytes per point, Montgomery form)";
    NTT_SRC_ADDR_HI = 0x8C, ReadWrite, 0,
        "NTT from card memory: byte address of the first run, bits [63:32]";
    NTT_SRC_RUN_LEN = 0x90, ReadWrite, 0,
        "NTT from card memory: points read from consecutive addresses before jumping to the next run (a power of two, 2 <= run length <= JOB_COUNT)";
    NTT_SRC_STRIDE = 0x94, ReadWrite, 0,
        "NTT from card memory: points from one run's start to the next (even)";
    NTT_DST_ADDR_LO = 0x98, ReadWrite, 0,
        "NTT to card memory: byte address of the first run, bits [31:0] (64-byte aligned)";
    NTT_DST_ADDR_HI = 0x9C, ReadWrite, 0,
        "NTT to card memory: byte address of the first run, bits [63:32]";
    NTT_DST_RUN_LEN = 0xA0, ReadWrite, 0,
        "NTT to card memory: points written to consecutive addresses per run (a power of two, 2 <= run length <= JOB_COUNT)";
    NTT_DST_STRIDE = 0xA4, ReadWrite, 0,
        "NTT to card memory: points from one run's start to the next (even)";
    NTT_TWIDDLE_COL = 0xA8, ReadWrite, 0,
        "NTT twiddles and powers (NTT_MODE bit12, bit13): column index (exponent offset) of the job's first transform";
    NTT_TWIDDLE_LOG = 0xAC, ReadWrite, 0,
        "NTT twiddles (NTT_MODE bit12): log2 of the whole transform the twiddles belong to (1..=28); powers (bit13): log2 of the exponent step from output k to k + 1 (0..=28)";
    NTT_SRC_B_ADDR_LO = 0xB0, ReadWrite, 0,
        "Field-ALU jobs from card memory (NTT_MODE bit14): byte address of operand b's first run, bits [31:0] (64-byte aligned; a stride of 0 repeats one record, a constant)";
    NTT_SRC_B_ADDR_HI = 0xB4, ReadWrite, 0,
        "Field-ALU jobs from card memory: byte address of operand b's first run, bits [63:32]";
    NTT_SRC_B_RUN_LEN = 0xB8, ReadWrite, 0,
        "Field-ALU jobs from card memory: operand b's points per run (as NTT_SRC_RUN_LEN)";
    NTT_SRC_B_STRIDE = 0xBC, ReadWrite, 0,
        "Field-ALU jobs from card memory: operand b's points between run starts (even; 0 repeats the run)";
    NTT_BATCH_LOG = 0xC0, ReadWrite, 0,
        "NTT: log2 of the points per batch (1..=log2 of the on-chip maximum): the job is JOB_COUNT / 2^NTT_BATCH_LOG batches, each a load, the transforms of JOB_COUNT's rules for one job, and an unload, batches overlapping in the core; the source and destination layouts restart every batch, NTT_*_BATCH_STRIDE points after the previous batch's start. 0: the job is one batch (JOB_COUNT at most the on-chip maximum). Field-ALU jobs use the layouts' batching too";
    NTT_SRC_BATCH_STRIDE = 0xC4, ReadWrite, 0,
        "NTT from card memory, with NTT_BATCH_LOG: points from one batch's first point to the next's (even)";
    NTT_DST_BATCH_STRIDE = 0xC8, ReadWrite, 0,
        "NTT to card memory, with NTT_BATCH_LOG: points from one batch's first result to the next's (even)";
    NTT_SCALE_0 = 0xCC, ReadWrite, 0,
        "NTT output factor (NTT_MODE bit16), bits [31:0] of its Montgomery representation (a reduced residue, below r)";
    NTT_SCALE_1 = 0xD0, ReadWrite, 0,
        "NTT output factor (NTT_MODE bit16), bits [63:32] of its Montgomery representation (a reduced residue, below r)";
    NTT_SCALE_2 = 0xD4, ReadWrite, 0,
        "NTT output factor (NTT_MODE bit16), bits [95:64] of its Montgomery representation (a reduced residue, below r)";
    NTT_SCALE_3 = 0xD8, ReadWrite, 0,
        "NTT output factor (NTT_MODE bit16), bits [127:96] of its Montgomery representation (a reduced residue, below r)";
    NTT_SCALE_4 = 0xDC, ReadWrite, 0,
        "NTT output factor (NTT_MODE bit16), bits [159:128] of its Montgomery representation (a reduced residue, below r)";
    NTT_SCALE_5 = 0xE0, ReadWrite, 0,
        "NTT output factor (NTT_MODE bit16), bits [191:160] of its Montgomery representation (a reduced residue, below r)";
    NTT_SCALE_6 = 0xE4, ReadWrite, 0,
        "NTT output factor (NTT_MODE bit16), bits [223:192] of its Montgomery representation (a reduced residue, below r)";
    NTT_SCALE_7 = 0xE8, ReadWrite, 0,
        "NTT output factor (NTT_MODE bit16), bits [255:224] of its Montgomery representation (a reduced residue, below r)";
    PERF_MEM_WRITES = 0xEC, ReadOnly, 0,
        "Card memory: write bursts the last job issued";
    PERF_MEM_WBEATS = 0xF0, ReadOnly, 0,
        "Card memory: write beats the last job sent (32 bytes each)";
    MSM_SPLIT = 0xF4, ReadWrite, 0,
        "MSM on two engines: bits[5:0] s, the first window of engine 1 (engine 0 adds windows 0..s-1, engine 1 windows s..W-1; 0 or >= W: engine 0 alone); with two engines the result is 6 beats, engine 0's point then engine 1's, and the MSM is their sum. Bit8: the PERF_MSM_* registers and PERF_MEM_STALL show engine 1's counters instead of engine 0's (of engine 1's last two-engine job; PERF_BUSY is the job's, PERF_OPS both engines', PERF_IN_STALL engine 0's, waits for engine 1 to take a scalar included)";
}

/// The CAPS register's fields (layout in its description above).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caps {
    /// Montgomery multiplier latency, cycles.
    pub mul_latency: u32,
    /// Multiplier implementation code: 0 tiled, 1 fast-simulation.
    pub mul_code: u32,
    /// log2 of the largest on-chip NTT.
    pub ntt_log_max: u32,
    /// log2 of the NTT butterfly units.
    pub ntt_units_log2: u32,
    /// log2 of the MSM bucket-memory keys.
    pub msm_key_bits: u32,
}

impl Caps {
    pub fn encode(&self) -> u32 {
        (self.mul_latency & 0xFF)
            | ((self.mul_code & 1) << 8)
            | ((self.ntt_log_max & 0xF) << 12)
            | ((self.ntt_units_log2 & 0xF) << 16)
            | ((self.msm_key_bits & 0x1F) << 24)
    }

    pub fn decode(v: u32) -> Self {
        Caps {
            mul_latency: v & 0xFF,
            mul_code: (v >> 8) & 1,
            ntt_log_max: (v >> 12) & 0xF,
            ntt_units_log2: (v >> 16) & 0xF,
            msm_key_bits: (v >> 24) & 0x1F,
        }
    }
}

/// The data-port registers, NTT_MODE .. NTT_SCALE_7 (NTT jobs, and
/// field-ALU jobs on card memory): consecutive, so the register block holds
/// them as one array.
pub const NTT_PARAMS: &[Register] = &[
    NTT_MODE,
    NTT_SRC_ADDR_LO,
    NTT_SRC_ADDR_HI,
    NTT_SRC_RUN_LEN,
    NTT_SRC_STRIDE,
    NTT_DST_ADDR_LO,
    NTT_DST_ADDR_HI,
    NTT_DST_RUN_LEN,
    NTT_DST_STRIDE,
    NTT_TWIDDLE_COL,
    NTT_TWIDDLE_LOG,
    NTT_SRC_B_ADDR_LO,
    NTT_SRC_B_ADDR_HI,
    NTT_SRC_B_RUN_LEN,
    NTT_SRC_B_STRIDE,
    NTT_BATCH_LOG,
    NTT_SRC_BATCH_STRIDE,
    NTT_DST_BATCH_STRIDE,
    NTT_SCALE_0,
    NTT_SCALE_1,
    NTT_SCALE_2,
    NTT_SCALE_3,
    NTT_SCALE_4,
    NTT_SCALE_5,
    NTT_SCALE_6,
    NTT_SCALE_7,
];
/// Number of NTT parameter registers.
pub const NTT_PARAM_COUNT: usize = 26;
/// Index in NTT_PARAMS of NTT_SCALE_0 (the factor's eight words follow).
pub const NTT_SCALE_INDEX: usize = 18;
const _: () = {
    assert!(NTT_PARAMS.len() == NTT_PARAM_COUNT);
    let mut i = 0;
    while i < NTT_PARAM_COUNT {
        assert!(NTT_PARAMS[i].offset == NTT_MODE.offset + 4 * i as u32);
        i += 1;
    }
};

/// NTT_MODE fields.
pub const NTT_MODE_SRC_MEM: u32 = 1 << 0;
pub const NTT_MODE_DST_MEM: u32 = 1 << 1;
pub const NTT_MODE_IN_ILV_SHIFT: u32 = 4;
pub const NTT_MODE_OUT_ILV_SHIFT: u32 = 8;
pub const NTT_MODE_TWIDDLE: u32 = 1 << 12;
pub const NTT_MODE_POWERS: u32 = 1 << 13;
pub const NTT_MODE_SRC_B: u32 = 1 << 14;
pub const NTT_MODE_POWERS_INV: u32 = 1 << 15;
pub const NTT_MODE_SCALE: u32 = 1 << 16;
/// With NTT_MODE_POWERS: the base is the primitive 2^L-th root of unity
/// (L in NTT_MODE_ROOT_LOG) instead of g; refused without NTT_MODE_POWERS,
/// with NTT_MODE_POWERS_INV, or with L outside 1..=28.
pub const NTT_MODE_POWERS_ROOT: u32 = 1 << 17;
/// Lowest bit of the 5-bit field L (1..=28) of NTT_MODE_POWERS_ROOT.
pub const NTT_MODE_ROOT_LOG_SHIFT: u32 = 20;
/// Mask of L (after shifting down by NTT_MODE_ROOT_LOG_SHIFT).
pub const NTT_MODE_ROOT_LOG_MASK: u32 = 0x1F;

/// CTRL bits.
pub const CTRL_AP_START: u32 = 1 << 0;
pub const CTRL_AP_DONE: u32 = 1 << 1;
pub const CTRL_AP_IDLE: u32 = 1 << 2;
pub const CTRL_AP_READY: u32 = 1 << 3;

/// Field-ALU operation codes (JOB_OP).
pub const OP_ADD: u32 = 0;
pub const OP_SUB: u32 = 1;
pub const OP_MUL: u32 = 2;
pub const OP_NTT: u32 = 3;
pub const OP_INTT: u32 = 4;
pub const OP_MSM: u32 = 5;
/// MSM_SPLIT bit 8: the PERF_MSM_* registers show engine 1's counters.
pub const MSM_SPLIT_VIEW_ENGINE1: u32 = 1 << 8;

/// Error codes (ERROR).
pub const ERR_NONE: u32 = 0;
pub const ERR_BAD_OP: u32 = 1;
pub const ERR_BAD_FIELD: u32 = 2;
pub const ERR_ZERO_COUNT: u32 = 3;
pub const ERR_TLAST: u32 = 4;
pub const ERR_BAD_SIZE: u32 = 5;
pub const ERR_BAD_DIGIT: u32 = 6;
pub const ERR_MEM_RANGE: u32 = 7;
pub const ERR_MEM_RESP: u32 = 8;
pub const ERR_BAD_LAYOUT: u32 = 9;

/// Human-readable meaning of an ERROR register value.
pub fn error_name(code: u32) -> &'static str {
    match code {
        ERR_NONE => "none",
        ERR_BAD_OP => "bad operation code",
        ERR_BAD_FIELD => "bad field code",
        ERR_ZERO_COUNT => "zero operation count",
        ERR_TLAST => "input TLAST not on the last beat",
        ERR_BAD_SIZE => "bad size (NTT: not a power of two, larger than on-chip memory, or smaller than the transform; MSM: window width or count out of range, or too many buckets)",
        ERR_BAD_DIGIT => "MSM scalar does not fit the job's windows (the point was skipped)",
        ERR_MEM_RANGE => "MSM reads outside the base buffer (JOB_COUNT above MSM_BASES_COUNT) or base address not 64-byte aligned",
        ERR_MEM_RESP => "card memory answered a read or write with an error (MSM: the point was skipped)",
        ERR_BAD_LAYOUT => "NTT card-memory layout: a run length not a power of two in 2..=JOB_COUNT, an odd stride, an address not 64-byte aligned, a twiddle size outside 1..=28, twiddles and powers together, a field-ALU job from card memory without operand b (or an NTT job with one), an odd JOB_COUNT on card memory, or interleaved transforms that do not fill JOB_COUNT",
        _ => "unknown error code",
    }
}

/// The register at `offset`, if any.
pub fn lookup(offset: u32) -> Option<&'static Register> {
    ALL.iter().find(|r| r.offset == offset)
}

/// The register map as a Markdown table.
pub fn markdown() -> String {
    let mut s = format!(
        "# zkcopro register map\n\nAXI4-Lite, 32-bit data, byte addresses. Unmapped addresses answer DECERR; writes to read-only registers answer SLVERR.\n\nReset: hold `ap_rst_n` low for at least {RESET_CYCLES} `ap_clk` cycles (RESET_CYCLES; the MSM's bucket occupancy flags are swept clear meanwhile).\n\n| offset | name | access | reset | description |\n|---|---|---|---|---|\n",
    );
    for r in ALL {
        s += &format!(
            "| 0x{:02X} | {} | {} | 0x{:08X} | {} |\n",
            r.offset,
            r.name,
            r.access.short(),
            r.reset,
            r.doc
        );
    }
    s
}

/// The register map as a C header.
pub fn c_header(prefix: &str) -> String {
    let up = prefix.to_uppercase();
    let mut s = format!(
        "/* {prefix} register map (generated by zkcopro; do not edit). */\n#ifndef {up}_REGS_H\n#define {up}_REGS_H\n\n"
    );
    for r in ALL {
        s += &format!("/* {} */\n#define {up}_{}_OFFSET 0x{:02X}u\n", r.doc, r.name, r.offset);
    }
    s += &format!("\n#define {up}_DEVICE_ID 0x{DEVICE_ID:08X}u\n");
    s += &format!("/* Minimum ap_rst_n low time, ap_clk cycles. */\n#define {up}_RESET_CYCLES {RESET_CYCLES}u\n");
    for (name, v) in [
        ("CTRL_AP_START", CTRL_AP_START),
        ("CTRL_AP_DONE", CTRL_AP_DONE),
        ("CTRL_AP_IDLE", CTRL_AP_IDLE),
        ("CTRL_AP_READY", CTRL_AP_READY),
        ("OP_ADD", OP_ADD),
        ("OP_SUB", OP_SUB),
        ("OP_MUL", OP_MUL),
        ("OP_NTT", OP_NTT),
        ("OP_INTT", OP_INTT),
        ("OP_MSM", OP_MSM),
        ("ERR_NONE", ERR_NONE),
        ("ERR_BAD_OP", ERR_BAD_OP),
        ("ERR_BAD_FIELD", ERR_BAD_FIELD),
        ("ERR_ZERO_COUNT", ERR_ZERO_COUNT),
        ("ERR_TLAST", ERR_TLAST),
        ("ERR_BAD_SIZE", ERR_BAD_SIZE),
        ("ERR_BAD_DIGIT", ERR_BAD_DIGIT),
        ("ERR_MEM_RANGE", ERR_MEM_RANGE),
        ("ERR_MEM_RESP", ERR_MEM_RESP),
        ("ERR_BAD_LAYOUT", ERR_BAD_LAYOUT),
        ("NTT_MODE_SRC_MEM", NTT_MODE_SRC_MEM),
        ("NTT_MODE_DST_MEM", NTT_MODE_DST_MEM),
        ("NTT_MODE_IN_ILV_SHIFT", NTT_MODE_IN_ILV_SHIFT),
        ("NTT_MODE_OUT_ILV_SHIFT", NTT_MODE_OUT_ILV_SHIFT),
        ("NTT_MODE_TWIDDLE", NTT_MODE_TWIDDLE),
        ("NTT_MODE_POWERS", NTT_MODE_POWERS),
        ("NTT_MODE_SRC_B", NTT_MODE_SRC_B),
        ("NTT_MODE_POWERS_INV", NTT_MODE_POWERS_INV),
        ("NTT_MODE_SCALE", NTT_MODE_SCALE),
        ("NTT_MODE_POWERS_ROOT", NTT_MODE_POWERS_ROOT),
        ("NTT_MODE_ROOT_LOG_SHIFT", NTT_MODE_ROOT_LOG_SHIFT),
        ("NTT_MODE_ROOT_LOG_MASK", NTT_MODE_ROOT_LOG_MASK),
    ] {
        s += &format!("#define {up}_{name} 0x{v:X}u\n");
    }
    s += &format!("\n#endif /* {up}_REGS_H */\n");
    s
}
