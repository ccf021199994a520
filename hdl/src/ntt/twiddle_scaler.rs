//! Twiddle scaler: multiplies each point leaving the NTT core by the
//! four-step twiddle w^((col0 + t) k), point k of interleaved transform t,
//! w the primitive 2^log_n-th root of unity (w^-1 for inverse transforms).
//! With twiddles off it multiplies by one, so every job has the same latency.
//!
//! In powers mode it multiplies output k of the job's q-th transform by
//! g^(col0 + q + 2^L k) (or g^-1's powers), g arkworks' multiplicative
//! generator of Fr, L the job's `job_log_n`: with one-point transforms the
//! j-th point times g^(col0 + j), a coset scaling; after a single transform
//! (L = 0) output k times g^k; after the four-step's second pass (B rows
//! per batch, L = log2 n1) result k1 + n1 k2 times g^(k1 + n1 k2), so a
//! transform's coset scaling needs no pass of its own.
//!
//! In root mode (powers mode with `job_powers_root`) the exponents are the
//! same, the base is the primitive 2^R-th root of unity w28^(2^(28 - R)),
//! R = `job_root_log`: the twiddle ROMs read at the exponent shifted left
//! by 28 - R (it wraps mod 2^28, w28's order). Only a mux on the ROM set
//! and on the shift, so the latency is the same in every mode.
//!
//! The factor is made on chip, not read from memory: its exponent (in units
//! of the primitive 2^28-th root w28, or of g) splits into three fields that
//! index three ROMs (x^e0, x^(2^10 e1), x^(2^20 e2)); two multipliers run in
//! parallel (ROM0 x ROM1, point x ROM2) and a third joins them. The exponent
//! k (col0 + q), or col0 + q + 2^L k, follows the stream by additions only.

use super::roots;
use crate::field::{MONT_MUL_LATENCY, MontMul, MulImpl};
use crate::params::FieldId;
use num_bigint::BigUint;
use rust_hdl::prelude::*;
use std::collections::BTreeMap;

/// Cycles from a point's acceptance to its ROM addresses being registered
/// (the exponent's shift and negation end there, not in the ROMs).
pub const TWIDDLE_ADDRESS_LATENCY: usize = 1;
/// Cycles from a point's acceptance to its product entering the output FIFO:
/// the addresses, the ROM read, then two multiplier levels.
pub const TWIDDLE_SCALER_LATENCY: usize = TWIDDLE_ADDRESS_LATENCY + 1 + 2 * MONT_MUL_LATENCY;
/// log2 of the output FIFO depth; points accepted and not yet taken never
/// exceed it, so a stalled reader never loses one.
pub const TWIDDLE_FIFO_LOG2: usize = 6;
/// Exponent bits: BN254 Fr's two-adicity.
pub const TWIDDLE_EXP_BITS: usize = 28;

const _: () = assert!((1 << TWIDDLE_FIFO_LOG2) > TWIDDLE_SCALER_LATENCY + 2);
const _: () = assert!(TWIDDLE_EXP_BITS == roots::FR_TWO_ADICITY as usize);

type Exp = Bits<TWIDDLE_EXP_BITS>;
type Fifo = SynchronousFIFO<Bits<256>, TWIDDLE_FIFO_LOG2, { TWIDDLE_FIFO_LOG2 + 1 }, 1>;

/// The bases of the scaler's ROM sets: the primitive 2^28-th root of unity,
/// the generator g and g^-1.
pub fn scaler_bases() -> [BigUint; 3] {
    let g = BigUint::from(roots::FR_GENERATOR);
    [roots::two_adic_root(), g.clone(), roots::inverse(&g)]
}

/// ROM contents: base^(i << shift) for i < 2^bits, Montgomery form.
pub fn twiddle_rom_values(base: &BigUint, bits: u32, shift: u32) -> Vec<BigUint> {
    let r = FieldId::Fr.modulus();
    let step = base.modpow(&BigUint::from(1u64 << shift), &r);
    let mut x = BigUint::from(1u32);
    let mut out = Vec::with_capacity(1 << bits);
    for _ in 0..1u64 << bits {
        out.push(roots::to_mont(&x));
        x = x * &step % &r;
    }
    out
}

fn rom<const N: usize>(values: Vec<BigUint>) -> RAM<Bits<256>, N> {
    let map: BTreeMap<Bits<N>, Bits<256>> =
        values.into_iter().enumerate().map(|(i, v)| ((i as u64).into(), v.into())).collect();
    RAM::new(map)
}

#[derive(LogicBlock)]
pub struct TwiddleScaler {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active low: drops points in flight.
    pub reset_n: Signal<In, Bit>,
    /// Pulse: a job starts; the job inputs below are taken.
    pub start: Signal<In, Bit>,
    /// Multiply by twiddles (else by one).
    pub job_twiddle: Signal<In, Bit>,
    /// Inverse transform: twiddles of w^-1 (powers of g^-1).
    pub job_inverse: Signal<In, Bit>,
    /// Powers mode: multiply output k of transform q by g^(col + q + 2^log_n k)
    /// (overrides twiddles).
    pub job_powers: Signal<In, Bit>,
    /// Powers mode: powers of g^-1 instead of g.
    pub job_powers_inv: Signal<In, Bit>,
    /// Powers mode: powers of the primitive 2^job_root_log-th root of unity
    /// instead of g (with `job_powers`; not with `job_powers_inv`).
    pub job_powers_root: Signal<In, Bit>,
    /// Root mode: log2 of the root's order (1..=28).
    pub job_root_log: Signal<In, Bits<5>>,
    /// Column of the job's first transform.
    pub job_col: Signal<In, Exp>,
    /// log2 of the whole transform (1..=28) the twiddles belong to; in
    /// powers mode, log2 of the exponent step between outputs k and k + 1 (0..=28).
    pub job_log_n: Signal<In, Bits<5>>,
    /// log2 B of the transforms interleaved in the stream.
    pub job_ilv: Signal<In, Bits<4>>,
    /// log2 m of each transform: after output m - 1 of the last of the B
    /// transforms, the next batch's B transforms start at column col + B.
    pub job_log_m: Signal<In, Bits<4>>,
    /// Points in from the core.
    pub s_tdata: Signal<In, Bits<256>>,
    /// A point is offered.
    pub s_tvalid: Signal<In, Bit>,
    /// The point is taken.
    pub s_tready: Signal<Out, Bit>,
    /// Scaled points out, in order.
    pub m_tdata: Signal<Out, Bits<256>>,
    /// A scaled point is here.
    pub m_tvalid: Signal<Out, Bit>,
    /// Take it.
    pub m_tready: Signal<In, Bit>,
    rom0: RAM<Bits<256>, 10>,
    rom1: RAM<Bits<256>, 10>,
    rom2: RAM<Bits<256>, 8>,
    /// Powers of g, then of g^-1, by the same three exponent fields.
    pow0: RAM<Bits<256>, 11>,
    pow1: RAM<Bits<256>, 11>,
    pow2: RAM<Bits<256>, 9>,
    mul_tw: MontMul,
    mul_x: MontMul,
    mul_out: MontMul,
    fifo: Fifo,
    twiddle: DFF<Bit>,
    powers: DFF<Bit>,
    powers_inv: DFF<Bit>,
    /// Root mode: the powers' base is a root of unity (the twiddle ROMs).
    root: DFF<Bit>,
    /// Powers mode: the exponent step between outputs k and k + 1.
    step: DFF<Exp>,
    inverse: DFF<Bit>,
    col: DFF<Exp>,
    shift: DFF<Bits<5>>,
    t_mask: DFF<Bits<12>>,
    t: DFF<Bits<12>>,
    k: DFF<Exp>,
    k_last: DFF<Exp>,
    row_base: DFF<Exp>,
    exp: DFF<Exp>,
    x_d: DFF<Bits<256>>,
    valid_d: DFF<Bit>,
    // The point and its ROM addresses, a cycle after its acceptance.
    x_a: DFF<Bits<256>>,
    valid_a: DFF<Bit>,
    rom0_addr: DFF<Bits<10>>,
    rom1_addr: DFF<Bits<10>>,
    rom2_addr: DFF<Bits<8>>,
    pow0_addr: DFF<Bits<11>>,
    pow1_addr: DFF<Bits<11>>,
    pow2_addr: DFF<Bits<9>>,
    slots: DFF<Bits<{ TWIDDLE_FIFO_LOG2 + 1 }>>,
    in_fire: Signal<Local, Bit>,
    out_fire: Signal<Local, Bit>,
    exp_scaled: Signal<Local, Exp>,
    exp_signed: Signal<Local, Exp>,
    next_row: Signal<Local, Exp>,
    next_prow: Signal<Local, Exp>,
    next_col: Signal<Local, Exp>,
    depth: Constant<Bits<{ TWIDDLE_FIFO_LOG2 + 1 }>>,
    exp_bits: Constant<Bits<5>>,
    zero_exp: Constant<Exp>,
    one12: Constant<Bits<12>>,
    pow_hi10: Constant<Bits<11>>,
    pow_hi8: Constant<Bits<9>>,
}

impl TwiddleScaler {
    pub fn new(mul: MulImpl) -> Self {
        let bases = scaler_bases();
        Self {
            clock: Default::default(),
            reset_n: Default::default(),
            start: Default::default(),
            job_twiddle: Default::default(),
            job_inverse: Default::default(),
            job_powers: Default::default(),
            job_powers_inv: Default::default(),
            job_powers_root: Default::default(),
            job_root_log: Default::default(),
            job_col: Default::default(),
            job_log_n: Default::default(),
            job_ilv: Default::default(),
            job_log_m: Default::default(),
            s_tdata: Default::default(),
            s_tvalid: Default::default(),
            s_tready: Default::default(),
            m_tdata: Default::default(),
            m_tvalid: Default::default(),
            m_tready: Default::default(),
            rom0: rom(twiddle_rom_values(&bases[0], 10, 0)),
            rom1: rom(twiddle_rom_values(&bases[0], 10, 10)),
            rom2: rom(twiddle_rom_values(&bases[0], 8, 20)),
            pow0: rom([twiddle_rom_values(&bases[1], 10, 0), twiddle_rom_values(&bases[2], 10, 0)].concat()),
            pow1: rom([twiddle_rom_values(&bases[1], 10, 10), twiddle_rom_values(&bases[2], 10, 10)].concat()),
            pow2: rom([twiddle_rom_values(&bases[1], 8, 20), twiddle_rom_values(&bases[2], 8, 20)].concat()),
            mul_tw: MontMul::new(FieldId::Fr, mul),
            mul_x: MontMul::new(FieldId::Fr, mul),
            mul_out: MontMul::new(FieldId::Fr, mul),
            fifo: Default::default(),
            twiddle: Default::default(),
            powers: Default::default(),
            powers_inv: Default::default(),
            root: Default::default(),
            step: Default::default(),
            inverse: Default::default(),
            col: Default::default(),
            shift: Default::default(),
            t_mask: Default::default(),
            t: Default::default(),
            k: Default::default(),
            k_last: Default::default(),
            row_base: Default::default(),
            exp: Default::default(),
            x_d: Default::default(),
            valid_d: Default::default(),
            x_a: Default::default(),
            valid_a: Default::default(),
            rom0_addr: Default::default(),
            rom1_addr: Default::default(),
            rom2_addr: Default::default(),
            pow0_addr: Default::default(),
            pow1_addr: Default::default(),
            pow2_addr: Default::default(),
            slots: Default::default(),
            in_fire: Default::default(),
            out_fire: Default::default(),
            exp_scaled: Default::default(),
            exp_signed: Default::default(),
            next_row: Default::default(),
            next_prow: Default::default(),
            next_col: Default::default(),
            depth: Constant::new(((1u64 << TWIDDLE_FIFO_LOG2) as u64).into()),
            exp_bits: Constant::new((TWIDDLE_EXP_BITS as u64).into()),
            zero_exp: Constant::new(0u64.into()),
            one12: Constant::new(1u64.into()),
            pow_hi10: Constant::new((1u64 << 10).into()),
            pow_hi8: Constant::new((1u64 << 8).into()),
        }
    }
}

impl Logic for TwiddleScaler {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, twiddle, powers, powers_inv, root, step, inverse, col, shift, t_mask, t, k, k_last, row_base, exp,
            x_d, valid_d, slots, x_a, valid_a, rom0_addr, rom1_addr, rom2_addr, pow0_addr, pow1_addr, pow2_addr
        );
        clock!(self, clock, mul_tw, mul_x, mul_out, fifo);
        self.rom0.read_clock.next = self.clock.val();
        self.rom0.write_clock.next = self.clock.val();
        self.rom0.write_enable.next = false;
        self.rom0.write_address.next = 0.into();
        self.rom0.write_data.next = 0.into();
        self.rom1.read_clock.next = self.clock.val();
        self.rom1.write_clock.next = self.clock.val();
        self.rom1.write_enable.next = false;
        self.rom1.write_address.next = 0.into();
        self.rom1.write_data.next = 0.into();
        self.rom2.read_clock.next = self.clock.val();
        self.rom2.write_clock.next = self.clock.val();
        self.rom2.write_enable.next = false;
        self.rom2.write_address.next = 0.into();
        self.rom2.write_data.next = 0.into();
        self.pow0.read_clock.next = self.clock.val();
        self.pow0.write_clock.next = self.clock.val();
        self.pow0.write_enable.next = false;
        self.pow0.write_address.next = 0.into();
        self.pow0.write_data.next = 0.into();
        self.pow1.read_clock.next = self.clock.val();
        self.pow1.write_clock.next = self.clock.val();
        self.pow1.write_enable.next = false;
        self.pow1.write_address.next = 0.into();
        self.pow1.write_data.next = 0.into();
        self.pow2.read_clock.next = self.clock.val();
        self.pow2.write_clock.next = self.clock.val();
        self.pow2.write_enable.next = false;
        self.pow2.write_address.next = 0.into();
        self.pow2.write_data.next = 0.into();

        // Credit: accept only while the FIFO has room for every point in flight.
        self.s_tready.next = (self.slots.q.val() < self.depth.val()) & self.reset_n.val();
        self.in_fire.next = self.s_tready.val() & self.s_tvalid.val();
        self.m_tvalid.next = !self.fifo.empty.val() & self.reset_n.val();
        self.m_tdata.next = self.fifo.data_out.val();
        self.out_fire.next = self.m_tvalid.val() & self.m_tready.val();
        self.fifo.read.next = self.out_fire.val();
        if self.in_fire.val() & !self.out_fire.val() {
            self.slots.d.next = self.slots.q.val() + 1;
        } else if !self.in_fire.val() & self.out_fire.val() {
            self.slots.d.next = self.slots.q.val() - 1;
        }

        // Exponent of this point in units of w28: k (col + t) << (28 - log n),
        // negated for the inverse (w28 has order 2^28, so this wraps); in
        // root mode the powers exponent << (28 - R), never negated.
        self.exp_scaled.next = 0.into();
        if self.twiddle.q.val() | self.root.q.val() {
            self.exp_scaled.next = self.exp.q.val() << self.shift.q.val();
        }
        self.exp_signed.next = self.exp_scaled.val();
        if self.inverse.q.val() & !self.root.q.val() {
            self.exp_signed.next = self.zero_exp.val() - self.exp_scaled.val();
        }
        self.rom0_addr.d.next = self.exp_signed.val().get_bits::<10>(0);
        self.rom1_addr.d.next = self.exp_signed.val().get_bits::<10>(10);
        self.rom2_addr.d.next = self.exp_signed.val().get_bits::<8>(20);
        // Powers: the exponent as it is; g^-1's table is the upper half.
        self.pow0_addr.d.next = bit_cast::<11, 10>(self.exp.q.val().get_bits::<10>(0));
        self.pow1_addr.d.next = bit_cast::<11, 10>(self.exp.q.val().get_bits::<10>(10));
        self.pow2_addr.d.next = bit_cast::<9, 8>(self.exp.q.val().get_bits::<8>(20));
        if self.powers_inv.q.val() {
            self.pow0_addr.d.next = bit_cast::<11, 10>(self.exp.q.val().get_bits::<10>(0)) | self.pow_hi10.val();
            self.pow1_addr.d.next = bit_cast::<11, 10>(self.exp.q.val().get_bits::<10>(10)) | self.pow_hi10.val();
            self.pow2_addr.d.next = bit_cast::<9, 8>(self.exp.q.val().get_bits::<8>(20)) | self.pow_hi8.val();
        }
        // Next point: t + 1 (exponent + k), or the next k (exponent (k + 1) col).
        // Powers: t + 1 (exponent + 1), the next k (+ step), the next B
        // transforms (col + B).
        self.next_row.next = self.row_base.q.val() + self.col.q.val();
        self.next_prow.next = self.row_base.q.val() + self.step.q.val();
        self.next_col.next = self.col.q.val() + bit_cast::<28, 12>(self.t_mask.q.val()) + 1;
        if self.in_fire.val() & self.powers.q.val() {
            if (self.t.q.val() == self.t_mask.q.val()) & (self.k.q.val() == self.k_last.q.val()) {
                self.t.d.next = 0.into();
                self.k.d.next = 0.into();
                self.col.d.next = self.next_col.val();
                self.row_base.d.next = self.next_col.val();
                self.exp.d.next = self.next_col.val();
            } else if self.t.q.val() == self.t_mask.q.val() {
                self.t.d.next = 0.into();
                self.k.d.next = self.k.q.val() + 1;
                self.row_base.d.next = self.next_prow.val();
                self.exp.d.next = self.next_prow.val();
            } else {
                self.t.d.next = self.t.q.val() + 1;
                self.exp.d.next = self.exp.q.val() + 1;
            }
        } else if self.in_fire.val() {
            if (self.t.q.val() == self.t_mask.q.val()) & (self.k.q.val() == self.k_last.q.val()) {
                // The batch's last point: the next B transforms, from k = 0.
                self.t.d.next = 0.into();
                self.k.d.next = 0.into();
                self.row_base.d.next = 0.into();
                self.exp.d.next = 0.into();
                self.col.d.next = self.next_col.val();
            } else if self.t.q.val() == self.t_mask.q.val() {
                self.t.d.next = 0.into();
                self.k.d.next = self.k.q.val() + 1;
                self.row_base.d.next = self.next_row.val();
                self.exp.d.next = self.next_row.val();
            } else {
                self.t.d.next = self.t.q.val() + 1;
                self.exp.d.next = self.exp.q.val() + self.k.q.val();
            }
        }

        // The addresses are registered with the point; the ROM data arrive
        // one cycle after them, with the point.
        self.rom0.read_address.next = self.rom0_addr.q.val();
        self.rom1.read_address.next = self.rom1_addr.q.val();
        self.rom2.read_address.next = self.rom2_addr.q.val();
        self.pow0.read_address.next = self.pow0_addr.q.val();
        self.pow1.read_address.next = self.pow1_addr.q.val();
        self.pow2.read_address.next = self.pow2_addr.q.val();
        self.x_a.d.next = self.s_tdata.val();
        self.valid_a.d.next = self.in_fire.val();
        self.x_d.d.next = self.x_a.q.val();
        self.valid_d.d.next = self.valid_a.q.val();
        // Powers of g (or g^-1) from their ROMs; twiddles and root-mode
        // powers from the w28 ROMs.
        self.mul_tw.a.next = self.rom0.read_data.val();
        if self.powers.q.val() & !self.root.q.val() {
            self.mul_tw.a.next = self.pow0.read_data.val();
        }
        self.mul_tw.b.next = self.rom1.read_data.val();
        if self.powers.q.val() & !self.root.q.val() {
            self.mul_tw.b.next = self.pow1.read_data.val();
        }
        self.mul_tw.valid_in.next = self.valid_d.q.val();
        self.mul_x.a.next = self.x_d.q.val();
        self.mul_x.b.next = self.rom2.read_data.val();
        if self.powers.q.val() & !self.root.q.val() {
            self.mul_x.b.next = self.pow2.read_data.val();
        }
        self.mul_x.valid_in.next = self.valid_d.q.val();
        self.mul_out.a.next = self.mul_tw.y.val();
        self.mul_out.b.next = self.mul_x.y.val();
        self.mul_out.valid_in.next = self.mul_tw.valid_out.val();
        self.fifo.data_in.next = self.mul_out.y.val();
        self.fifo.write.next = self.mul_out.valid_out.val() & self.reset_n.val();

        if self.start.val() {
            self.twiddle.d.next = self.job_twiddle.val();
            self.powers.d.next = self.job_powers.val();
            self.powers_inv.d.next = self.job_powers_inv.val();
            self.root.d.next = self.job_powers.val() & self.job_powers_root.val();
            self.step.d.next = bit_cast::<28, 12>(self.one12.val()) << self.job_log_n.val();
            self.inverse.d.next = self.job_inverse.val();
            self.col.d.next = self.job_col.val();
            self.shift.d.next = self.exp_bits.val() - self.job_log_n.val();
            if self.job_powers.val() & self.job_powers_root.val() {
                self.shift.d.next = self.exp_bits.val() - self.job_root_log.val();
            }
            self.t_mask.d.next = (self.one12.val() << self.job_ilv.val()) - 1;
            self.t.d.next = 0.into();
            self.k.d.next = 0.into();
            self.k_last.d.next = (bit_cast::<28, 12>(self.one12.val()) << self.job_log_m.val()) - 1;
            self.row_base.d.next = 0.into();
            self.exp.d.next = 0.into();
            if self.job_powers.val() {
                self.row_base.d.next = self.job_col.val();
                self.exp.d.next = self.job_col.val();
            }
        }
        if !self.reset_n.val() {
            self.valid_a.d.next = false;
            self.valid_d.d.next = false;
            self.slots.d.next = 0.into();
            self.fifo.read.next = !self.fifo.empty.val();
        }
    }
}
