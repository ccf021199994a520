//! Fully pipelined Montgomery multiplier (R = 2^256) for the FPGA: every
//! product is made of 26 x 17-bit [DspTile](super::dsp_tile::DspTile)s, one
//! UltraScale+ DSP48E2 each, [DSP_BUDGET](mont_mul_plan::DSP_BUDGET) in all,
//! the rest of the 242 multiplying by constants in LUTs (the plan and its arithmetic:
//! [super::mont_mul_plan]; the step-by-step integer model:
//! [super::mont_mul_model]). One product per cycle: y = a * b * 2^-256 mod p.
//!
//! No addition takes more than three operands: Yosys maps a three-operand sum
//! to one carry chain with a LUT compressor, but turns four or more into
//! LUT/MUXF trees several times larger.
//!
//! Stages (the edge that loads each register, counted from the operands):
//! - 1: five 51-bit pieces of a and b and their ten pair sums;
//! - 2-3: 15 [PieceMul]s (tiles, partial sums); 4: each product in one word;
//!   5: the Karatsuba differences `D_ij - D_i - D_j`; 6-7: T = a * b from seven
//!   words of non-overlapping terms;
//! - 8: pieces of T_lo and six pair sums; 9-10: 11 piece products with q';
//!   11: one word each; 12: differences; 13-14: m = T_lo q' mod 2^256 (bit
//!   255 by parity);
//! - 15-16: the kept tiles of m * p in 25 piece products; 17-19:
//!   `T_lo + 2^256 - 1 + S` from 27 words, whose high half is
//!   `ceil((T_lo + S) / 2^256)`; 20: u = T_hi + that (< 2p); 21: subtract p
//!   unless that borrows.
//!
//! T_lo and T_hi wait in delay lines (shift registers: SRLs on an FPGA).

use super::mont_mul_plan::{self, FULL_MASK, M_MASKS, PIECE_TILES};
use super::piece_mul::{PIECE_MUL_LATENCY, PieceMul};
use crate::params::FieldId;
use rust_hdl::prelude::*;

/// Cycles from `valid_in` to the matching `valid_out`.
pub const MONT_MUL_LATENCY: usize = 21;

/// Registers `T_lo + 2^256 - 1` waits through before the last tree (loaded at 8..16).
const T_LO_DELAY: usize = 9;
/// Registers T_hi waits through before u (loaded at 8..19).
const T_HI_DELAY: usize = 12;
/// Registers the bit-255 parity of m waits through (loaded at 9..12).
const PARITY_DELAY: usize = 4;

// `#[hdl_gen]` loops need literal bounds: the update below is written for these.
const _: () = assert!(PIECE_MUL_LATENCY == 2 && T_LO_DELAY == 9 && T_HI_DELAY == 12 && PARITY_DELAY == 4);

#[derive(LogicBlock)]
pub struct MontMulTiled {
    /// Clock; every register updates on its rising edge.
    pub clock: Signal<In, Clock>,
    /// First operand, Montgomery form, < p.
    pub a: Signal<In, Bits<256>>,
    /// Second operand, Montgomery form, < p.
    pub b: Signal<In, Bits<256>>,
    /// `a` and `b` carry an operation this cycle.
    pub valid_in: Signal<In, Bit>,
    /// a * b / 2^256 mod p, MONT_MUL_LATENCY cycles after its operands.
    pub y: Signal<Out, Bits<256>>,
    /// `y` is valid this cycle.
    pub valid_out: Signal<Out, Bit>,
    modulus: Constant<Bits<256>>,
    /// q' = -p^-1 mod 2^256, for the bits of the parity at 2^255.
    q_bits: Constant<Bits<256>>,
    /// The 51-bit pieces of q' and their pair sums (folded constants).
    q_piece: [Constant<Bits<52>>; 5],
    q_sum: [Constant<Bits<52>>; 6],
    /// The 51-bit pieces of p.
    p_piece: [Constant<Bits<52>>; 5],
    /// 2^256 - 1: turns the floor of (T_lo + S) / 2^256 into its ceiling.
    ceil_bias: Constant<Bits<257>>,
    // T = a * b.
    a_piece: [DFF<Bits<52>>; 5],
    b_piece: [DFF<Bits<52>>; 5],
    a_sum: [DFF<Bits<52>>; 10],
    b_sum: [DFF<Bits<52>>; 10],
    pm_ab: [PieceMul; 15],
    d_ab: [DFF<Bits<104>>; 15],
    dk_ab: [DFF<Bits<104>>; 10],
    t_diag: DFF<Bits<512>>,
    t_word: [Signal<Local, Bits<512>>; 7],
    // Sums run in two lanes, bits 0..256 (keeping its carries) and 256..512
    // (mod 2^256), so no carry chain is longer than 262 bits.
    t_part_lo: [DFF<Bits<258>>; 3],
    t_part_hi: [DFF<Bits<256>>; 3],
    /// T's low lane: T_lo in bits 0..256, the carries into T_hi above.
    t_low: DFF<Bits<260>>,
    /// T's high lane, without the low lane's carries.
    t_high: DFF<Bits<256>>,
    // m = T_lo * q' mod 2^256.
    x_piece: [DFF<Bits<52>>; 5],
    x_sum: [DFF<Bits<52>>; 6],
    x_top: DFF<Bit>,
    pm_m: [PieceMul; 11],
    parity: [DFF<Bit>; PARITY_DELAY],
    d_m: [DFF<Bits<104>>; 11],
    dk_m: [DFF<Bits<104>>; 6],
    m_diag: DFF<Bits<256>>,
    m_word: [Signal<Local, Bits<256>>; 6],
    m_part: [DFF<Bits<256>>; 2],
    m: DFF<Bits<256>>,
    // T_lo + 2^256 - 1 + S, S the kept tiles of m * p.
    pm_mp: [PieceMul; 25],
    mp_word: [Signal<Local, Bits<512>>; 27],
    mp_lo1: [DFF<Bits<258>>; 9],
    mp_hi1: [DFF<Bits<256>>; 9],
    mp_lo2: [DFF<Bits<260>>; 3],
    mp_hi2: [DFF<Bits<256>>; 3],
    /// Low lane of T_lo + 2^256 - 1 + S: its bits 256.. are the ceiling's carries.
    v_lo: DFF<Bits<262>>,
    /// High lane, without the low lane's carries.
    v_hi: DFF<Bits<256>>,
    // T_lo (biased) and T_hi wait for S.
    t_lo: [DFF<Bits<257>>; T_LO_DELAY],
    t_hi: [DFF<Bits<256>>; T_HI_DELAY],
    // u = T_hi + ceil((T_lo + S) / 2^256) = (T + m p) / 2^256, < 2p.
    u: DFF<Bits<256>>,
    diff: Signal<Local, Bits<257>>,
    result: DFF<Bits<256>>,
    valid: [DFF<Bit>; MONT_MUL_LATENCY],
}

fn piece_constant(v: u64) -> Constant<Bits<52>> {
    Constant::new(bits::<52>(v as LiteralType))
}

impl MontMulTiled {
    /// The block on its own, every input connected (for export and tests).
    pub fn connected(field: FieldId) -> Self {
        let mut uut = Self::new(field);
        uut.clock.connect();
        uut.a.connect();
        uut.b.connect();
        uut.valid_in.connect();
        uut.connect_all();
        uut
    }

    pub fn new(field: FieldId) -> Self {
        let (qp, _) = mont_mul_plan::q_pieces(field);
        let pp = mont_mul_plan::p_pieces(field);
        let pairs = mont_mul_plan::PAIRS;
        let plan = mont_mul_plan::tile_plan(field);
        let ones: num_bigint::BigUint = (num_bigint::BigUint::from(1u8) << 256) - 1u8;
        Self {
            clock: Default::default(),
            a: Default::default(),
            b: Default::default(),
            valid_in: Default::default(),
            y: Default::default(),
            valid_out: Default::default(),
            modulus: Constant::new(field.modulus().into()),
            q_bits: Constant::new(field.mont_neg_inv().into()),
            q_piece: std::array::from_fn(|i| piece_constant(qp[i])),
            q_sum: std::array::from_fn(|k| piece_constant(qp[pairs[k].0] + qp[pairs[k].1])),
            p_piece: std::array::from_fn(|j| piece_constant(pp[j])),
            ceil_bias: Constant::new(ones.into()),
            a_piece: Default::default(),
            b_piece: Default::default(),
            a_sum: Default::default(),
            b_sum: Default::default(),
            pm_ab: std::array::from_fn(|_| PieceMul::new(FULL_MASK, [None; PIECE_TILES])),
            d_ab: Default::default(),
            dk_ab: Default::default(),
            t_diag: Default::default(),
            t_word: Default::default(),
            t_part_lo: Default::default(),
            t_part_hi: Default::default(),
            t_low: Default::default(),
            t_high: Default::default(),
            x_piece: Default::default(),
            x_sum: Default::default(),
            x_top: Default::default(),
            pm_m: std::array::from_fn(|k| PieceMul::new(M_MASKS[k], plan.m[k])),
            parity: Default::default(),
            d_m: Default::default(),
            dk_m: Default::default(),
            m_diag: Default::default(),
            m_word: Default::default(),
            m_part: Default::default(),
            m: Default::default(),
            pm_mp: std::array::from_fn(|k| {
                PieceMul::new(mont_mul_plan::mp_tile_mask(k / 5, k % 5), plan.mp[k])
            }),
            mp_word: Default::default(),
            mp_lo1: Default::default(),
            mp_hi1: Default::default(),
            mp_lo2: Default::default(),
            mp_hi2: Default::default(),
            v_lo: Default::default(),
            v_hi: Default::default(),
            t_lo: Default::default(),
            t_hi: Default::default(),
            u: Default::default(),
            diff: Default::default(),
            result: Default::default(),
            valid: Default::default(),
        }
    }
}

impl Logic for MontMulTiled {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, t_diag, t_low, t_high, x_top, m_diag, m, v_lo, v_hi, u, result);
        for i in 0..5 {
            self.a_piece[i].clock.next = self.clock.val();
            self.b_piece[i].clock.next = self.clock.val();
            self.x_piece[i].clock.next = self.clock.val();
        }
        for k in 0..10 {
            self.a_sum[k].clock.next = self.clock.val();
            self.b_sum[k].clock.next = self.clock.val();
            self.dk_ab[k].clock.next = self.clock.val();
        }
        for k in 0..15 {
            self.pm_ab[k].clock.next = self.clock.val();
            self.d_ab[k].clock.next = self.clock.val();
        }
        for k in 0..6 {
            self.x_sum[k].clock.next = self.clock.val();
            self.dk_m[k].clock.next = self.clock.val();
        }
        for k in 0..11 {
            self.pm_m[k].clock.next = self.clock.val();
            self.d_m[k].clock.next = self.clock.val();
        }
        for k in 0..25 {
            self.pm_mp[k].clock.next = self.clock.val();
        }
        for k in 0..9 {
            self.mp_lo1[k].clock.next = self.clock.val();
            self.mp_hi1[k].clock.next = self.clock.val();
        }
        for k in 0..3 {
            self.t_part_lo[k].clock.next = self.clock.val();
            self.t_part_hi[k].clock.next = self.clock.val();
            self.mp_lo2[k].clock.next = self.clock.val();
            self.mp_hi2[k].clock.next = self.clock.val();
        }
        for k in 0..4 {
            self.parity[k].clock.next = self.clock.val();
        }
        for k in 0..2 {
            self.m_part[k].clock.next = self.clock.val();
        }
        // Edge 1: pieces of a and b and their pair sums.
        self.a_piece[0].d.next = bit_cast::<52, 51>(self.a.val().get_bits::<51>(0));
        self.b_piece[0].d.next = bit_cast::<52, 51>(self.b.val().get_bits::<51>(0));
        self.a_piece[1].d.next = bit_cast::<52, 51>(self.a.val().get_bits::<51>(51));
        self.b_piece[1].d.next = bit_cast::<52, 51>(self.b.val().get_bits::<51>(51));
        self.a_piece[2].d.next = bit_cast::<52, 51>(self.a.val().get_bits::<51>(102));
        self.b_piece[2].d.next = bit_cast::<52, 51>(self.b.val().get_bits::<51>(102));
        self.a_piece[3].d.next = bit_cast::<52, 51>(self.a.val().get_bits::<51>(153));
        self.b_piece[3].d.next = bit_cast::<52, 51>(self.b.val().get_bits::<51>(153));
        self.a_piece[4].d.next = bit_cast::<52, 51>(self.a.val().get_bits::<51>(204));
        self.b_piece[4].d.next = bit_cast::<52, 51>(self.b.val().get_bits::<51>(204));
        self.a_sum[0].d.next = bit_cast::<52, 51>(self.a.val().get_bits::<51>(0)) + bit_cast::<52, 51>(self.a.val().get_bits::<51>(51));
        self.b_sum[0].d.next = bit_cast::<52, 51>(self.b.val().get_bits::<51>(0)) + bit_cast::<52, 51>(self.b.val().get_bits::<51>(51));
        self.a_sum[1].d.next = bit_cast::<52, 51>(self.a.val().get_bits::<51>(0)) + bit_cast::<52, 51>(self.a.val().get_bits::<51>(102));
        self.b_sum[1].d.next = bit_cast::<52, 51>(self.b.val().get_bits::<51>(0)) + bit_cast::<52, 51>(self.b.val().get_bits::<51>(102));
        self.a_sum[2].d.next = bit_cast::<52, 51>(self.a.val().get_bits::<51>(0)) + bit_cast::<52, 51>(self.a.val().get_bits::<51>(153));
        self.b_sum[2].d.next = bit_cast::<52, 51>(self.b.val().get_bits::<51>(0)) + bit_cast::<52, 51>(self.b.val().get_bits::<51>(153));
        self.a_sum[3].d.next = bit_cast::<52, 51>(self.a.val().get_bits::<51>(0)) + bit_cast::<52, 51>(self.a.val().get_bits::<51>(204));
        self.b_sum[3].d.next = bit_cast::<52, 51>(self.b.val().get_bits::<51>(0)) + bit_cast::<52, 51>(self.b.val().get_bits::<51>(204));
        self.a_sum[4].d.next = bit_cast::<52, 51>(self.a.val().get_bits::<51>(51)) + bit_cast::<52, 51>(self.a.val().get_bits::<51>(102));
        self.b_sum[4].d.next = bit_cast::<52, 51>(self.b.val().get_bits::<51>(51)) + bit_cast::<52, 51>(self.b.val().get_bits::<51>(102));
        self.a_sum[5].d.next = bit_cast::<52, 51>(self.a.val().get_bits::<51>(51)) + bit_cast::<52, 51>(self.a.val().get_bits::<51>(153));
        self.b_sum[5].d.next = bit_cast::<52, 51>(self.b.val().get_bits::<51>(51)) + bit_cast::<52, 51>(self.b.val().get_bits::<51>(153));
        self.a_sum[6].d.next = bit_cast::<52, 51>(self.a.val().get_bits::<51>(51)) + bit_cast::<52, 51>(self.a.val().get_bits::<51>(204));
        self.b_sum[6].d.next = bit_cast::<52, 51>(self.b.val().get_bits::<51>(51)) + bit_cast::<52, 51>(self.b.val().get_bits::<51>(204));
        self.a_sum[7].d.next = bit_cast::<52, 51>(self.a.val().get_bits::<51>(102)) + bit_cast::<52, 51>(self.a.val().get_bits::<51>(153));
        self.b_sum[7].d.next = bit_cast::<52, 51>(self.b.val().get_bits::<51>(102)) + bit_cast::<52, 51>(self.b.val().get_bits::<51>(153));
        self.a_sum[8].d.next = bit_cast::<52, 51>(self.a.val().get_bits::<51>(102)) + bit_cast::<52, 51>(self.a.val().get_bits::<51>(204));
        self.b_sum[8].d.next = bit_cast::<52, 51>(self.b.val().get_bits::<51>(102)) + bit_cast::<52, 51>(self.b.val().get_bits::<51>(204));
        self.a_sum[9].d.next = bit_cast::<52, 51>(self.a.val().get_bits::<51>(153)) + bit_cast::<52, 51>(self.a.val().get_bits::<51>(204));
        self.b_sum[9].d.next = bit_cast::<52, 51>(self.b.val().get_bits::<51>(153)) + bit_cast::<52, 51>(self.b.val().get_bits::<51>(204));
        // Edges 2-3: piece products D_i (0..5) and D_ij (5..15).
        self.pm_ab[0].x.next = self.a_piece[0].q.val();
        self.pm_ab[0].y.next = self.b_piece[0].q.val();
        self.pm_ab[1].x.next = self.a_piece[1].q.val();
        self.pm_ab[1].y.next = self.b_piece[1].q.val();
        self.pm_ab[2].x.next = self.a_piece[2].q.val();
        self.pm_ab[2].y.next = self.b_piece[2].q.val();
        self.pm_ab[3].x.next = self.a_piece[3].q.val();
        self.pm_ab[3].y.next = self.b_piece[3].q.val();
        self.pm_ab[4].x.next = self.a_piece[4].q.val();
        self.pm_ab[4].y.next = self.b_piece[4].q.val();
        self.pm_ab[5].x.next = self.a_sum[0].q.val();
        self.pm_ab[5].y.next = self.b_sum[0].q.val();
        self.pm_ab[6].x.next = self.a_sum[1].q.val();
        self.pm_ab[6].y.next = self.b_sum[1].q.val();
        self.pm_ab[7].x.next = self.a_sum[2].q.val();
        self.pm_ab[7].y.next = self.b_sum[2].q.val();
        self.pm_ab[8].x.next = self.a_sum[3].q.val();
        self.pm_ab[8].y.next = self.b_sum[3].q.val();
        self.pm_ab[9].x.next = self.a_sum[4].q.val();
        self.pm_ab[9].y.next = self.b_sum[4].q.val();
        self.pm_ab[10].x.next = self.a_sum[5].q.val();
        self.pm_ab[10].y.next = self.b_sum[5].q.val();
        self.pm_ab[11].x.next = self.a_sum[6].q.val();
        self.pm_ab[11].y.next = self.b_sum[6].q.val();
        self.pm_ab[12].x.next = self.a_sum[7].q.val();
        self.pm_ab[12].y.next = self.b_sum[7].q.val();
        self.pm_ab[13].x.next = self.a_sum[8].q.val();
        self.pm_ab[13].y.next = self.b_sum[8].q.val();
        self.pm_ab[14].x.next = self.a_sum[9].q.val();
        self.pm_ab[14].y.next = self.b_sum[9].q.val();
        // Edge 4: each piece product in one word.
        self.d_ab[0].d.next = self.pm_ab[0].lo.val() + self.pm_ab[0].hi.val();
        self.d_ab[1].d.next = self.pm_ab[1].lo.val() + self.pm_ab[1].hi.val();
        self.d_ab[2].d.next = self.pm_ab[2].lo.val() + self.pm_ab[2].hi.val();
        self.d_ab[3].d.next = self.pm_ab[3].lo.val() + self.pm_ab[3].hi.val();
        self.d_ab[4].d.next = self.pm_ab[4].lo.val() + self.pm_ab[4].hi.val();
        self.d_ab[5].d.next = self.pm_ab[5].lo.val() + self.pm_ab[5].hi.val();
        self.d_ab[6].d.next = self.pm_ab[6].lo.val() + self.pm_ab[6].hi.val();
        self.d_ab[7].d.next = self.pm_ab[7].lo.val() + self.pm_ab[7].hi.val();
        self.d_ab[8].d.next = self.pm_ab[8].lo.val() + self.pm_ab[8].hi.val();
        self.d_ab[9].d.next = self.pm_ab[9].lo.val() + self.pm_ab[9].hi.val();
        self.d_ab[10].d.next = self.pm_ab[10].lo.val() + self.pm_ab[10].hi.val();
        self.d_ab[11].d.next = self.pm_ab[11].lo.val() + self.pm_ab[11].hi.val();
        self.d_ab[12].d.next = self.pm_ab[12].lo.val() + self.pm_ab[12].hi.val();
        self.d_ab[13].d.next = self.pm_ab[13].lo.val() + self.pm_ab[13].hi.val();
        self.d_ab[14].d.next = self.pm_ab[14].lo.val() + self.pm_ab[14].hi.val();
        // Edge 5: Karatsuba differences a_i b_j + a_j b_i, and the D_i side by side.
        self.dk_ab[0].d.next = self.d_ab[5].q.val() - self.d_ab[0].q.val() - self.d_ab[1].q.val();
        self.dk_ab[1].d.next = self.d_ab[6].q.val() - self.d_ab[0].q.val() - self.d_ab[2].q.val();
        self.dk_ab[2].d.next = self.d_ab[7].q.val() - self.d_ab[0].q.val() - self.d_ab[3].q.val();
        self.dk_ab[3].d.next = self.d_ab[8].q.val() - self.d_ab[0].q.val() - self.d_ab[4].q.val();
        self.dk_ab[4].d.next = self.d_ab[9].q.val() - self.d_ab[1].q.val() - self.d_ab[2].q.val();
        self.dk_ab[5].d.next = self.d_ab[10].q.val() - self.d_ab[1].q.val() - self.d_ab[3].q.val();
        self.dk_ab[6].d.next = self.d_ab[11].q.val() - self.d_ab[1].q.val() - self.d_ab[4].q.val();
        self.dk_ab[7].d.next = self.d_ab[12].q.val() - self.d_ab[2].q.val() - self.d_ab[3].q.val();
        self.dk_ab[8].d.next = self.d_ab[13].q.val() - self.d_ab[2].q.val() - self.d_ab[4].q.val();
        self.dk_ab[9].d.next = self.d_ab[14].q.val() - self.d_ab[3].q.val() - self.d_ab[4].q.val();
        self.t_diag.d.next = (bit_cast::<512, 104>(self.d_ab[0].q.val()) << 0) | (bit_cast::<512, 104>(self.d_ab[1].q.val()) << 102) | (bit_cast::<512, 104>(self.d_ab[2].q.val()) << 204) | (bit_cast::<512, 104>(self.d_ab[3].q.val()) << 306) | (bit_cast::<512, 104>(self.d_ab[4].q.val()) << 408);
        // Edges 6-7: T from seven words of non-overlapping terms.
        self.t_word[0].next = self.t_diag.q.val();
        self.t_word[1].next = (bit_cast::<512, 104>(self.dk_ab[0].q.val()) << 51) | (bit_cast::<512, 104>(self.dk_ab[3].q.val()) << 204) | (bit_cast::<512, 104>(self.dk_ab[9].q.val()) << 357);
        self.t_word[2].next = (bit_cast::<512, 104>(self.dk_ab[1].q.val()) << 102) | (bit_cast::<512, 104>(self.dk_ab[6].q.val()) << 255);
        self.t_word[3].next = (bit_cast::<512, 104>(self.dk_ab[2].q.val()) << 153) | (bit_cast::<512, 104>(self.dk_ab[8].q.val()) << 306);
        self.t_word[4].next = bit_cast::<512, 104>(self.dk_ab[4].q.val()) << 153;
        self.t_word[5].next = bit_cast::<512, 104>(self.dk_ab[5].q.val()) << 204;
        self.t_word[6].next = bit_cast::<512, 104>(self.dk_ab[7].q.val()) << 255;
        self.t_part_lo[0].d.next = bit_cast::<258, 256>(self.t_word[0].val().get_bits::<256>(0)) + bit_cast::<258, 256>(self.t_word[1].val().get_bits::<256>(0)) + bit_cast::<258, 256>(self.t_word[2].val().get_bits::<256>(0));
        self.t_part_hi[0].d.next = self.t_word[0].val().get_bits::<256>(256) + self.t_word[1].val().get_bits::<256>(256) + self.t_word[2].val().get_bits::<256>(256);
        self.t_part_lo[1].d.next = bit_cast::<258, 256>(self.t_word[3].val().get_bits::<256>(0)) + bit_cast::<258, 256>(self.t_word[4].val().get_bits::<256>(0)) + bit_cast::<258, 256>(self.t_word[5].val().get_bits::<256>(0));
        self.t_part_hi[1].d.next = self.t_word[3].val().get_bits::<256>(256) + self.t_word[4].val().get_bits::<256>(256) + self.t_word[5].val().get_bits::<256>(256);
        self.t_part_lo[2].d.next = bit_cast::<258, 256>(self.t_word[6].val().get_bits::<256>(0));
        self.t_part_hi[2].d.next = self.t_word[6].val().get_bits::<256>(256);
        self.t_low.d.next = bit_cast::<260, 258>(self.t_part_lo[0].q.val()) + bit_cast::<260, 258>(self.t_part_lo[1].q.val()) + bit_cast::<260, 258>(self.t_part_lo[2].q.val());
        self.t_high.d.next = self.t_part_hi[0].q.val() + self.t_part_hi[1].q.val() + self.t_part_hi[2].q.val();
        // Edge 8: pieces of T_lo and the pair sums m needs.
        self.x_piece[0].d.next = bit_cast::<52, 51>(self.t_low.q.val().get_bits::<51>(0));
        self.x_piece[1].d.next = bit_cast::<52, 51>(self.t_low.q.val().get_bits::<51>(51));
        self.x_piece[2].d.next = bit_cast::<52, 51>(self.t_low.q.val().get_bits::<51>(102));
        self.x_piece[3].d.next = bit_cast::<52, 51>(self.t_low.q.val().get_bits::<51>(153));
        self.x_piece[4].d.next = bit_cast::<52, 51>(self.t_low.q.val().get_bits::<51>(204));
        self.x_sum[0].d.next = bit_cast::<52, 51>(self.t_low.q.val().get_bits::<51>(0)) + bit_cast::<52, 51>(self.t_low.q.val().get_bits::<51>(51));
        self.x_sum[1].d.next = bit_cast::<52, 51>(self.t_low.q.val().get_bits::<51>(0)) + bit_cast::<52, 51>(self.t_low.q.val().get_bits::<51>(102));
        self.x_sum[2].d.next = bit_cast::<52, 51>(self.t_low.q.val().get_bits::<51>(0)) + bit_cast::<52, 51>(self.t_low.q.val().get_bits::<51>(153));
        self.x_sum[3].d.next = bit_cast::<52, 51>(self.t_low.q.val().get_bits::<51>(0)) + bit_cast::<52, 51>(self.t_low.q.val().get_bits::<51>(204));
        self.x_sum[4].d.next = bit_cast::<52, 51>(self.t_low.q.val().get_bits::<51>(51)) + bit_cast::<52, 51>(self.t_low.q.val().get_bits::<51>(102));
        self.x_sum[5].d.next = bit_cast::<52, 51>(self.t_low.q.val().get_bits::<51>(51)) + bit_cast::<52, 51>(self.t_low.q.val().get_bits::<51>(153));
        self.x_top.d.next = self.t_low.q.val().get_bit(255);
        // Edges 9-10: piece products with q' (constant pieces and pair sums).
        self.pm_m[0].x.next = self.x_piece[0].q.val();
        self.pm_m[0].y.next = self.q_piece[0].val();
        self.pm_m[1].x.next = self.x_piece[1].q.val();
        self.pm_m[1].y.next = self.q_piece[1].val();
        self.pm_m[2].x.next = self.x_piece[2].q.val();
        self.pm_m[2].y.next = self.q_piece[2].val();
        self.pm_m[3].x.next = self.x_piece[3].q.val();
        self.pm_m[3].y.next = self.q_piece[3].val();
        self.pm_m[4].x.next = self.x_piece[4].q.val();
        self.pm_m[4].y.next = self.q_piece[4].val();
        self.pm_m[5].x.next = self.x_sum[0].q.val();
        self.pm_m[5].y.next = self.q_sum[0].val();
        self.pm_m[6].x.next = self.x_sum[1].q.val();
        self.pm_m[6].y.next = self.q_sum[1].val();
        self.pm_m[7].x.next = self.x_sum[2].q.val();
        self.pm_m[7].y.next = self.q_sum[2].val();
        self.pm_m[8].x.next = self.x_sum[3].q.val();
        self.pm_m[8].y.next = self.q_sum[3].val();
        self.pm_m[9].x.next = self.x_sum[4].q.val();
        self.pm_m[9].y.next = self.q_sum[4].val();
        self.pm_m[10].x.next = self.x_sum[5].q.val();
        self.pm_m[10].y.next = self.q_sum[5].val();
        // Bit 255 of m: the lowest bits of the products that land there.
        self.parity[0].d.next = (self.x_top.q.val() & self.q_bits.val().get_bit(0)) ^ (self.x_piece[0].q.val().get_bit(0) & self.q_bits.val().get_bit(255)) ^ (self.x_piece[1].q.val().get_bit(0) & self.q_bits.val().get_bit(204)) ^ (self.x_piece[2].q.val().get_bit(0) & self.q_bits.val().get_bit(153)) ^ (self.x_piece[3].q.val().get_bit(0) & self.q_bits.val().get_bit(102)) ^ (self.x_piece[4].q.val().get_bit(0) & self.q_bits.val().get_bit(51));
        self.parity[1].d.next = self.parity[0].q.val();
        self.parity[2].d.next = self.parity[1].q.val();
        self.parity[3].d.next = self.parity[2].q.val();
        // Edge 11: each piece product in one word.
        self.d_m[0].d.next = self.pm_m[0].lo.val() + self.pm_m[0].hi.val();
        self.d_m[1].d.next = self.pm_m[1].lo.val() + self.pm_m[1].hi.val();
        self.d_m[2].d.next = self.pm_m[2].lo.val() + self.pm_m[2].hi.val();
        self.d_m[3].d.next = self.pm_m[3].lo.val() + self.pm_m[3].hi.val();
        self.d_m[4].d.next = self.pm_m[4].lo.val() + self.pm_m[4].hi.val();
        self.d_m[5].d.next = self.pm_m[5].lo.val() + self.pm_m[5].hi.val();
        self.d_m[6].d.next = self.pm_m[6].lo.val() + self.pm_m[6].hi.val();
        self.d_m[7].d.next = self.pm_m[7].lo.val() + self.pm_m[7].hi.val();
        self.d_m[8].d.next = self.pm_m[8].lo.val() + self.pm_m[8].hi.val();
        self.d_m[9].d.next = self.pm_m[9].lo.val() + self.pm_m[9].hi.val();
        self.d_m[10].d.next = self.pm_m[10].lo.val() + self.pm_m[10].hi.val();
        // Edge 12: differences, and D_0..D_2 side by side (mod 2^256).
        self.dk_m[0].d.next = self.d_m[5].q.val() - self.d_m[0].q.val() - self.d_m[1].q.val();
        self.dk_m[1].d.next = self.d_m[6].q.val() - self.d_m[0].q.val() - self.d_m[2].q.val();
        self.dk_m[2].d.next = self.d_m[7].q.val() - self.d_m[0].q.val() - self.d_m[3].q.val();
        self.dk_m[3].d.next = self.d_m[8].q.val() - self.d_m[0].q.val() - self.d_m[4].q.val();
        self.dk_m[4].d.next = self.d_m[9].q.val() - self.d_m[1].q.val() - self.d_m[2].q.val();
        self.dk_m[5].d.next = self.d_m[10].q.val() - self.d_m[1].q.val() - self.d_m[3].q.val();
        self.m_diag.d.next = bit_cast::<256, 104>(self.d_m[0].q.val()) | (bit_cast::<256, 104>(self.d_m[1].q.val()) << 102) | (bit_cast::<256, 104>(self.d_m[2].q.val()) << 204);
        // Edges 13-14: m from six words.
        self.m_word[0].next = self.m_diag.q.val();
        self.m_word[1].next = (bit_cast::<256, 104>(self.dk_m[0].q.val()) << 51) | (bit_cast::<256, 104>(self.dk_m[3].q.val()) << 204);
        self.m_word[2].next = (bit_cast::<256, 104>(self.dk_m[1].q.val()) << 102) | (bit_cast::<256, 1>(self.parity[3].q.val().into()) << 255);
        self.m_word[3].next = bit_cast::<256, 104>(self.dk_m[2].q.val()) << 153;
        self.m_word[4].next = bit_cast::<256, 104>(self.dk_m[4].q.val()) << 153;
        self.m_word[5].next = bit_cast::<256, 104>(self.dk_m[5].q.val()) << 204;
        self.m_part[0].d.next = self.m_word[0].val() + self.m_word[1].val() + self.m_word[2].val();
        self.m_part[1].d.next = self.m_word[3].val() + self.m_word[4].val() + self.m_word[5].val();
        self.m.d.next = self.m_part[0].q.val() + self.m_part[1].q.val();
        // Edges 15-16: the kept tiles of m * p, as partial sums lo and hi.
        self.pm_mp[0].x.next = self.m.q.val().get_bits::<52>(0);
        self.pm_mp[0].y.next = self.p_piece[0].val();
        self.pm_mp[1].x.next = self.m.q.val().get_bits::<52>(0);
        self.pm_mp[1].y.next = self.p_piece[1].val();
        self.pm_mp[2].x.next = self.m.q.val().get_bits::<52>(0);
        self.pm_mp[2].y.next = self.p_piece[2].val();
        self.pm_mp[3].x.next = self.m.q.val().get_bits::<52>(0);
        self.pm_mp[3].y.next = self.p_piece[3].val();
        self.pm_mp[4].x.next = self.m.q.val().get_bits::<52>(0);
        self.pm_mp[4].y.next = self.p_piece[4].val();
        self.pm_mp[5].x.next = self.m.q.val().get_bits::<52>(52);
        self.pm_mp[5].y.next = self.p_piece[0].val();
        self.pm_mp[6].x.next = self.m.q.val().get_bits::<52>(52);
        self.pm_mp[6].y.next = self.p_piece[1].val();
        self.pm_mp[7].x.next = self.m.q.val().get_bits::<52>(52);
        self.pm_mp[7].y.next = self.p_piece[2].val();
        self.pm_mp[8].x.next = self.m.q.val().get_bits::<52>(52);
        self.pm_mp[8].y.next = self.p_piece[3].val();
        self.pm_mp[9].x.next = self.m.q.val().get_bits::<52>(52);
        self.pm_mp[9].y.next = self.p_piece[4].val();
        self.pm_mp[10].x.next = self.m.q.val().get_bits::<52>(104);
        self.pm_mp[10].y.next = self.p_piece[0].val();
        self.pm_mp[11].x.next = self.m.q.val().get_bits::<52>(104);
        self.pm_mp[11].y.next = self.p_piece[1].val();
        self.pm_mp[12].x.next = self.m.q.val().get_bits::<52>(104);
        self.pm_mp[12].y.next = self.p_piece[2].val();
        self.pm_mp[13].x.next = self.m.q.val().get_bits::<52>(104);
        self.pm_mp[13].y.next = self.p_piece[3].val();
        self.pm_mp[14].x.next = self.m.q.val().get_bits::<52>(104);
        self.pm_mp[14].y.next = self.p_piece[4].val();
        self.pm_mp[15].x.next = self.m.q.val().get_bits::<52>(156);
        self.pm_mp[15].y.next = self.p_piece[0].val();
        self.pm_mp[16].x.next = self.m.q.val().get_bits::<52>(156);
        self.pm_mp[16].y.next = self.p_piece[1].val();
        self.pm_mp[17].x.next = self.m.q.val().get_bits::<52>(156);
        self.pm_mp[17].y.next = self.p_piece[2].val();
        self.pm_mp[18].x.next = self.m.q.val().get_bits::<52>(156);
        self.pm_mp[18].y.next = self.p_piece[3].val();
        self.pm_mp[19].x.next = self.m.q.val().get_bits::<52>(156);
        self.pm_mp[19].y.next = self.p_piece[4].val();
        self.pm_mp[20].x.next = bit_cast::<52, 48>(self.m.q.val().get_bits::<48>(208));
        self.pm_mp[20].y.next = self.p_piece[0].val();
        self.pm_mp[21].x.next = bit_cast::<52, 48>(self.m.q.val().get_bits::<48>(208));
        self.pm_mp[21].y.next = self.p_piece[1].val();
        self.pm_mp[22].x.next = bit_cast::<52, 48>(self.m.q.val().get_bits::<48>(208));
        self.pm_mp[22].y.next = self.p_piece[2].val();
        self.pm_mp[23].x.next = bit_cast::<52, 48>(self.m.q.val().get_bits::<48>(208));
        self.pm_mp[23].y.next = self.p_piece[3].val();
        self.pm_mp[24].x.next = bit_cast::<52, 48>(self.m.q.val().get_bits::<48>(208));
        self.pm_mp[24].y.next = self.p_piece[4].val();
        // Edges 17-19: T_lo + 2^256 - 1 + S from 27 words (13 of lo, 13 of hi).
        self.mp_word[0].next = (bit_cast::<512, 104>(self.pm_mp[0].lo.val()) << 0) | (bit_cast::<512, 104>(self.pm_mp[3].lo.val()) << 153) | (bit_cast::<512, 104>(self.pm_mp[14].lo.val()) << 308);
        self.mp_word[13].next = (bit_cast::<512, 104>(self.pm_mp[0].hi.val()) << 0) | (bit_cast::<512, 104>(self.pm_mp[3].hi.val()) << 153) | (bit_cast::<512, 104>(self.pm_mp[14].hi.val()) << 308);
        self.mp_word[1].next = (bit_cast::<512, 104>(self.pm_mp[7].lo.val()) << 154) | (bit_cast::<512, 104>(self.pm_mp[18].lo.val()) << 309);
        self.mp_word[14].next = (bit_cast::<512, 104>(self.pm_mp[7].hi.val()) << 154) | (bit_cast::<512, 104>(self.pm_mp[18].hi.val()) << 309);
        self.mp_word[2].next = (bit_cast::<512, 104>(self.pm_mp[11].lo.val()) << 155) | (bit_cast::<512, 104>(self.pm_mp[22].lo.val()) << 310);
        self.mp_word[15].next = (bit_cast::<512, 104>(self.pm_mp[11].hi.val()) << 155) | (bit_cast::<512, 104>(self.pm_mp[22].hi.val()) << 310);
        self.mp_word[3].next = bit_cast::<512, 104>(self.pm_mp[15].lo.val()) << 156;
        self.mp_word[16].next = bit_cast::<512, 104>(self.pm_mp[15].hi.val()) << 156;
        self.mp_word[4].next = (bit_cast::<512, 104>(self.pm_mp[1].lo.val()) << 51) | (bit_cast::<512, 104>(self.pm_mp[4].lo.val()) << 204) | (bit_cast::<512, 104>(self.pm_mp[19].lo.val()) << 360);
        self.mp_word[17].next = (bit_cast::<512, 104>(self.pm_mp[1].hi.val()) << 51) | (bit_cast::<512, 104>(self.pm_mp[4].hi.val()) << 204) | (bit_cast::<512, 104>(self.pm_mp[19].hi.val()) << 360);
        self.mp_word[5].next = (bit_cast::<512, 104>(self.pm_mp[5].lo.val()) << 52) | (bit_cast::<512, 104>(self.pm_mp[8].lo.val()) << 205) | (bit_cast::<512, 104>(self.pm_mp[23].lo.val()) << 361);
        self.mp_word[18].next = (bit_cast::<512, 104>(self.pm_mp[5].hi.val()) << 52) | (bit_cast::<512, 104>(self.pm_mp[8].hi.val()) << 205) | (bit_cast::<512, 104>(self.pm_mp[23].hi.val()) << 361);
        self.mp_word[6].next = bit_cast::<512, 104>(self.pm_mp[12].lo.val()) << 206;
        self.mp_word[19].next = bit_cast::<512, 104>(self.pm_mp[12].hi.val()) << 206;
        self.mp_word[7].next = bit_cast::<512, 104>(self.pm_mp[16].lo.val()) << 207;
        self.mp_word[20].next = bit_cast::<512, 104>(self.pm_mp[16].hi.val()) << 207;
        self.mp_word[8].next = bit_cast::<512, 104>(self.pm_mp[20].lo.val()) << 208;
        self.mp_word[21].next = bit_cast::<512, 104>(self.pm_mp[20].hi.val()) << 208;
        self.mp_word[9].next = (bit_cast::<512, 104>(self.pm_mp[2].lo.val()) << 102) | (bit_cast::<512, 104>(self.pm_mp[9].lo.val()) << 256) | (bit_cast::<512, 104>(self.pm_mp[24].lo.val()) << 412);
        self.mp_word[22].next = (bit_cast::<512, 104>(self.pm_mp[2].hi.val()) << 102) | (bit_cast::<512, 104>(self.pm_mp[9].hi.val()) << 256) | (bit_cast::<512, 104>(self.pm_mp[24].hi.val()) << 412);
        self.mp_word[10].next = (bit_cast::<512, 104>(self.pm_mp[6].lo.val()) << 103) | (bit_cast::<512, 104>(self.pm_mp[13].lo.val()) << 257);
        self.mp_word[23].next = (bit_cast::<512, 104>(self.pm_mp[6].hi.val()) << 103) | (bit_cast::<512, 104>(self.pm_mp[13].hi.val()) << 257);
        self.mp_word[11].next = (bit_cast::<512, 104>(self.pm_mp[10].lo.val()) << 104) | (bit_cast::<512, 104>(self.pm_mp[17].lo.val()) << 258);
        self.mp_word[24].next = (bit_cast::<512, 104>(self.pm_mp[10].hi.val()) << 104) | (bit_cast::<512, 104>(self.pm_mp[17].hi.val()) << 258);
        self.mp_word[12].next = bit_cast::<512, 104>(self.pm_mp[21].lo.val()) << 259;
        self.mp_word[25].next = bit_cast::<512, 104>(self.pm_mp[21].hi.val()) << 259;
        self.mp_word[26].next = bit_cast::<512, 257>(self.t_lo[8].q.val());
        self.mp_lo1[0].d.next = bit_cast::<258, 256>(self.mp_word[0].val().get_bits::<256>(0)) + bit_cast::<258, 256>(self.mp_word[1].val().get_bits::<256>(0)) + bit_cast::<258, 256>(self.mp_word[2].val().get_bits::<256>(0));
        self.mp_hi1[0].d.next = self.mp_word[0].val().get_bits::<256>(256) + self.mp_word[1].val().get_bits::<256>(256) + self.mp_word[2].val().get_bits::<256>(256);
        self.mp_lo1[1].d.next = bit_cast::<258, 256>(self.mp_word[3].val().get_bits::<256>(0)) + bit_cast::<258, 256>(self.mp_word[4].val().get_bits::<256>(0)) + bit_cast::<258, 256>(self.mp_word[5].val().get_bits::<256>(0));
        self.mp_hi1[1].d.next = self.mp_word[3].val().get_bits::<256>(256) + self.mp_word[4].val().get_bits::<256>(256) + self.mp_word[5].val().get_bits::<256>(256);
        self.mp_lo1[2].d.next = bit_cast::<258, 256>(self.mp_word[6].val().get_bits::<256>(0)) + bit_cast::<258, 256>(self.mp_word[7].val().get_bits::<256>(0)) + bit_cast::<258, 256>(self.mp_word[8].val().get_bits::<256>(0));
        self.mp_hi1[2].d.next = self.mp_word[6].val().get_bits::<256>(256) + self.mp_word[7].val().get_bits::<256>(256) + self.mp_word[8].val().get_bits::<256>(256);
        self.mp_lo1[3].d.next = bit_cast::<258, 256>(self.mp_word[9].val().get_bits::<256>(0)) + bit_cast::<258, 256>(self.mp_word[10].val().get_bits::<256>(0)) + bit_cast::<258, 256>(self.mp_word[11].val().get_bits::<256>(0));
        self.mp_hi1[3].d.next = self.mp_word[9].val().get_bits::<256>(256) + self.mp_word[10].val().get_bits::<256>(256) + self.mp_word[11].val().get_bits::<256>(256);
        self.mp_lo1[4].d.next = bit_cast::<258, 256>(self.mp_word[12].val().get_bits::<256>(0)) + bit_cast::<258, 256>(self.mp_word[13].val().get_bits::<256>(0)) + bit_cast::<258, 256>(self.mp_word[14].val().get_bits::<256>(0));
        self.mp_hi1[4].d.next = self.mp_word[12].val().get_bits::<256>(256) + self.mp_word[13].val().get_bits::<256>(256) + self.mp_word[14].val().get_bits::<256>(256);
        self.mp_lo1[5].d.next = bit_cast::<258, 256>(self.mp_word[15].val().get_bits::<256>(0)) + bit_cast::<258, 256>(self.mp_word[16].val().get_bits::<256>(0)) + bit_cast::<258, 256>(self.mp_word[17].val().get_bits::<256>(0));
        self.mp_hi1[5].d.next = self.mp_word[15].val().get_bits::<256>(256) + self.mp_word[16].val().get_bits::<256>(256) + self.mp_word[17].val().get_bits::<256>(256);
        self.mp_lo1[6].d.next = bit_cast::<258, 256>(self.mp_word[18].val().get_bits::<256>(0)) + bit_cast::<258, 256>(self.mp_word[19].val().get_bits::<256>(0)) + bit_cast::<258, 256>(self.mp_word[20].val().get_bits::<256>(0));
        self.mp_hi1[6].d.next = self.mp_word[18].val().get_bits::<256>(256) + self.mp_word[19].val().get_bits::<256>(256) + self.mp_word[20].val().get_bits::<256>(256);
        self.mp_lo1[7].d.next = bit_cast::<258, 256>(self.mp_word[21].val().get_bits::<256>(0)) + bit_cast::<258, 256>(self.mp_word[22].val().get_bits::<256>(0)) + bit_cast::<258, 256>(self.mp_word[23].val().get_bits::<256>(0));
        self.mp_hi1[7].d.next = self.mp_word[21].val().get_bits::<256>(256) + self.mp_word[22].val().get_bits::<256>(256) + self.mp_word[23].val().get_bits::<256>(256);
        self.mp_lo1[8].d.next = bit_cast::<258, 256>(self.mp_word[24].val().get_bits::<256>(0)) + bit_cast::<258, 256>(self.mp_word[25].val().get_bits::<256>(0)) + bit_cast::<258, 256>(self.mp_word[26].val().get_bits::<256>(0));
        self.mp_hi1[8].d.next = self.mp_word[24].val().get_bits::<256>(256) + self.mp_word[25].val().get_bits::<256>(256) + self.mp_word[26].val().get_bits::<256>(256);
        self.mp_lo2[0].d.next = bit_cast::<260, 258>(self.mp_lo1[0].q.val()) + bit_cast::<260, 258>(self.mp_lo1[1].q.val()) + bit_cast::<260, 258>(self.mp_lo1[2].q.val());
        self.mp_hi2[0].d.next = self.mp_hi1[0].q.val() + self.mp_hi1[1].q.val() + self.mp_hi1[2].q.val();
        self.mp_lo2[1].d.next = bit_cast::<260, 258>(self.mp_lo1[3].q.val()) + bit_cast::<260, 258>(self.mp_lo1[4].q.val()) + bit_cast::<260, 258>(self.mp_lo1[5].q.val());
        self.mp_hi2[1].d.next = self.mp_hi1[3].q.val() + self.mp_hi1[4].q.val() + self.mp_hi1[5].q.val();
        self.mp_lo2[2].d.next = bit_cast::<260, 258>(self.mp_lo1[6].q.val()) + bit_cast::<260, 258>(self.mp_lo1[7].q.val()) + bit_cast::<260, 258>(self.mp_lo1[8].q.val());
        self.mp_hi2[2].d.next = self.mp_hi1[6].q.val() + self.mp_hi1[7].q.val() + self.mp_hi1[8].q.val();
        self.v_lo.d.next = bit_cast::<262, 260>(self.mp_lo2[0].q.val()) + bit_cast::<262, 260>(self.mp_lo2[1].q.val()) + bit_cast::<262, 260>(self.mp_lo2[2].q.val());
        self.v_hi.d.next = self.mp_hi2[0].q.val() + self.mp_hi2[1].q.val() + self.mp_hi2[2].q.val();

        // T_lo + 2^256 - 1 and T_hi wait for S.
        self.t_lo[0].d.next = bit_cast::<257, 256>(self.t_low.q.val().get_bits::<256>(0)) + self.ceil_bias.val();
        // Edge 8: T_hi takes the low lane's carries.
        self.t_hi[0].d.next = self.t_high.q.val() + bit_cast::<256, 4>(self.t_low.q.val().get_bits::<4>(256));
        for k in 0..9 {
            self.t_lo[k].clock.next = self.clock.val();
        }
        for k in 0..12 {
            self.t_hi[k].clock.next = self.clock.val();
        }
        for k in 0..8 {
            self.t_lo[k + 1].d.next = self.t_lo[k].q.val();
        }
        for k in 0..11 {
            self.t_hi[k + 1].d.next = self.t_hi[k].q.val();
        }
        // Edge 20: u = (T + m p) / 2^256 < 2p: T_hi, the high lane and the
        // low lane's carries (the ceiling).
        self.u.d.next = self.t_hi[11].q.val() + self.v_hi.q.val() + bit_cast::<256, 6>(self.v_lo.q.val().get_bits::<6>(256));
        // Edge 21: subtract p unless that borrows.
        self.diff.next =
            bit_cast::<257, 256>(self.u.q.val()) - bit_cast::<257, 256>(self.modulus.val());
        if self.diff.val().get_bit(256) {
            self.result.d.next = self.u.q.val();
        } else {
            self.result.d.next = self.diff.val().get_bits::<256>(0);
        }
        self.y.next = self.result.q.val();
        // valid_in follows the data through MONT_MUL_LATENCY registers.
        self.valid[0].d.next = self.valid_in.val();
        for k in 0..21 {
            self.valid[k].clock.next = self.clock.val();
        }
        for k in 0..20 {
            self.valid[k + 1].d.next = self.valid[k].q.val();
        }
        self.valid_out.next = self.valid[20].q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference;
    use num_bigint::BigUint;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;
    use std::time::Instant;

    /// Operations fed per field (edge values first, then random ones).
    const OPS_PER_FIELD: usize = 40;

    /// The block is ~0.7 MB by value and rust-hdl recurses over it: run on a big stack.
    fn on_big_stack(f: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap();
    }

    fn seed() -> u64 {
        match std::env::var("ZKCOPRO_SEED") {
            Ok(s) => s.parse().expect("ZKCOPRO_SEED must be a u64"),
            Err(_) => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64,
        }
    }

    fn operands(field: FieldId, rng: &mut ChaCha8Rng) -> Vec<(BigUint, BigUint)> {
        let p = field.modulus();
        let edge = [
            BigUint::from(0u32),
            BigUint::from(1u32),
            &p - 1u32,
            &p - 2u32,
        ];
        let mut ops = vec![];
        for x in &edge {
            for y in &edge {
                ops.push((x.clone(), y.clone()));
            }
        }
        while ops.len() < OPS_PER_FIELD {
            let x = BigUint::from_bytes_le(&rng.r#gen::<[u8; 32]>()) % &p;
            let y = BigUint::from_bytes_le(&rng.r#gen::<[u8; 32]>()) % &p;
            ops.push((x, y));
        }
        ops
    }

    fn simulate(field: FieldId, ops: Vec<(BigUint, BigUint)>) {
        let expected: Vec<BigUint> = ops
            .iter()
            .map(|(x, y)| reference::mont_mul(field, x, y))
            .collect();
        // Cycle n presents ops[n - LEAD]; its result must appear at cycle n + LATENCY.
        const LEAD: usize = 3;
        let total = LEAD + ops.len() + MONT_MUL_LATENCY + 4;
        let mut sim = Simulation::new();
        sim.add_clock(5, |x: &mut Box<MontMulTiled>| x.clock.next = !x.clock.val());
        sim.add_testbench(move |mut sim: Sim<MontMulTiled>| {
            let mut x = sim.init()?;
            let mut checked = 0;
            for n in 0..total {
                wait_clock_false!(sim, clock, x);
                wait_clock_true!(sim, clock, x);
                // Output side: registers just updated on this edge.
                let want = n
                    .checked_sub(LEAD + MONT_MUL_LATENCY)
                    .and_then(|i| expected.get(i));
                match want {
                    Some(v) => {
                        let got: BigUint = x.y.val().into();
                        if !x.valid_out.val() || &got != v {
                            println!(
                                "{field:?} cycle {n}: valid_out={} y={got:x}, want {v:x}",
                                x.valid_out.val()
                            );
                        }
                        sim_assert!(sim, x.valid_out.val() && &got == v, x);
                        checked += 1;
                    }
                    None => {
                        if x.valid_out.val() {
                            println!("{field:?} cycle {n}: valid_out high with no operation due");
                        }
                        sim_assert!(sim, !x.valid_out.val(), x);
                    }
                }
                // Input side: captured on the next edge.
                match n.checked_sub(LEAD).and_then(|i| ops.get(i)) {
                    Some((a, b)) => {
                        x.a.next = a.clone().into();
                        x.b.next = b.clone().into();
                        x.valid_in.next = true;
                    }
                    None => {
                        // Garbage operands with valid_in low must not show up.
                        x.a.next = BigUint::from(n as u64 * 7919).into();
                        x.b.next = BigUint::from(n as u64 * 104729).into();
                        x.valid_in.next = false;
                    }
                }
            }
            sim_assert!(sim, checked == expected.len(), x);
            sim.done(x)
        });
        sim.run(Box::new(MontMulTiled::connected(field)), (total as u64 + 10) * 10)
            .unwrap();
    }

    #[test]
    fn mont_mul_tiled_matches_reference_back_to_back() {
        on_big_stack(matches_reference_back_to_back);
    }

    fn matches_reference_back_to_back() {
        let seed = seed();
        println!("mont_mul_tiled seed = {seed} (set ZKCOPRO_SEED to repeat)");
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for field in FieldId::ALL {
            let ops = operands(field, &mut rng);
            let start = Instant::now();
            simulate(field, ops);
            println!(
                "{field:?}: {OPS_PER_FIELD} operations ok in {:?}",
                start.elapsed()
            );
        }
    }

    #[test]
    fn mont_mul_tiled_generates_verilog() {
        on_big_stack(generates_verilog);
    }

    fn generates_verilog() {
        for field in FieldId::ALL {
            let uut = MontMulTiled::connected(field);
            let start = Instant::now();
            let verilog = generate_verilog(&uut);
            println!(
                "{field:?}: generate_verilog {:?}, {} lines, {} modules",
                start.elapsed(),
                verilog.lines().count(),
                verilog.matches("\nmodule ").count() + verilog.starts_with("module ") as usize
            );
            assert!(verilog.contains("module top("));
            if let Ok(dir) = std::env::var("ZKCOPRO_VERILOG_DIR") {
                std::fs::create_dir_all(&dir).unwrap();
                let path = format!("{dir}/mont_mul_tiled_{}.v", field.name());
                std::fs::write(&path, &verilog).unwrap();
                println!("wrote {path}");
            }
        }
    }
}
