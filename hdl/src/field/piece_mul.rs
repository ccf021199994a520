//! Piece product: a 52-bit x by a 52-bit y from six [DspTile]s (x halves of 26
//! bits by the three 17-bit thirds of y's low 51 bits) plus x << 51 when bit 51
//! of y is set (LUTs, no DSP), as two registered partial sums `lo + hi`.
//!
//! A tile left out by the mask gets a zero operand, which synthesis folds away
//! with its DSP: the multiplier uses that to drop tiles its reduction does not
//! need ([super::mont_mul_plan]). A tile given as a [LutTile] multiplies by
//! its constant in LUTs (y must then carry that constant).

use super::dsp_tile::{DSP_TILE_LATENCY, DspTile};
use super::mont_mul_plan::{LutTile, PIECE_TILES};
use rust_hdl::prelude::*;

/// Cycles from x, y to `lo`, `hi`: the tile register, then the partial sums.
pub const PIECE_MUL_LATENCY: usize = DSP_TILE_LATENCY + 1;

#[derive(LogicBlock)]
pub struct PieceMul {
    /// Clock; every register updates on its rising edge.
    pub clock: Signal<In, Clock>,
    /// First factor, 52 bits.
    pub x: Signal<In, Bits<52>>,
    /// Second factor, 52 bits (bit 51 through the LUT correction).
    pub y: Signal<In, Bits<52>>,
    /// First partial sum; x * y = lo + hi (mod 2^104), PIECE_MUL_LATENCY cycles on.
    pub lo: Signal<Out, Bits<104>>,
    /// Second partial sum.
    pub hi: Signal<Out, Bits<104>>,
    /// Bit t keeps tile t (x half t / 3 by y third t % 3).
    mask: Constant<Bits<6>>,
    tiles: [DspTile; 6],
    /// x when bit 51 of y is set, else 0, aligned with the tile products.
    correction: DFF<Bits<52>>,
    sum_lo: DFF<Bits<104>>,
    sum_hi: DFF<Bits<104>>,
    // Non-overlapping tile products side by side, and the tiles that overlap them.
    word_a: Signal<Local, Bits<104>>,
    word_b: Signal<Local, Bits<104>>,
    word_c: Signal<Local, Bits<104>>,
    word_d: Signal<Local, Bits<104>>,
    word_e: Signal<Local, Bits<104>>,
}

impl PieceMul {
    /// A piece product keeping the tiles set in `mask` (bit t, tile t), tile t
    /// in LUTs where `luts[t]` is set.
    pub fn new(mask: u8, luts: [Option<LutTile>; PIECE_TILES]) -> Self {
        Self {
            clock: Default::default(),
            x: Default::default(),
            y: Default::default(),
            lo: Default::default(),
            hi: Default::default(),
            mask: Constant::new(bits::<6>(mask as LiteralType)),
            tiles: std::array::from_fn(|t| luts[t].map(DspTile::constant).unwrap_or_default()),
            correction: Default::default(),
            sum_lo: Default::default(),
            sum_hi: Default::default(),
            word_a: Default::default(),
            word_b: Default::default(),
            word_c: Default::default(),
            word_d: Default::default(),
            word_e: Default::default(),
        }
    }
}

impl Logic for PieceMul {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, correction, sum_lo, sum_hi);
        for t in 0..6 {
            self.tiles[t].clock.next = self.clock.val();
        }
        // Tile t: x half t / 3 (x port) by y third t % 3 (y port).
        self.tiles[0].y.next = self.y.val().get_bits::<17>(0);
        self.tiles[1].y.next = self.y.val().get_bits::<17>(17);
        self.tiles[2].y.next = self.y.val().get_bits::<17>(34);
        self.tiles[3].y.next = self.y.val().get_bits::<17>(0);
        self.tiles[4].y.next = self.y.val().get_bits::<17>(17);
        self.tiles[5].y.next = self.y.val().get_bits::<17>(34);
        for t in 0..3 {
            if self.mask.val().get_bit(t) {
                self.tiles[t].x.next = self.x.val().get_bits::<26>(0);
            } else {
                self.tiles[t].x.next = bits::<26>(0);
            }
        }
        for t in 3..6 {
            if self.mask.val().get_bit(t) {
                self.tiles[t].x.next = self.x.val().get_bits::<26>(26);
            } else {
                self.tiles[t].x.next = bits::<26>(0);
            }
        }
        if self.y.val().get_bit(51) {
            self.correction.d.next = self.x.val();
        } else {
            self.correction.d.next = bits::<52>(0);
        }
        // Tiles sit at 0, 17, 34 (x low half) and 26, 43, 60 (x high half).
        self.word_a.next = bit_cast::<104, 43>(self.tiles[0].p.val())
            | (bit_cast::<104, 43>(self.tiles[4].p.val()) << 43);
        self.word_b.next = (bit_cast::<104, 43>(self.tiles[1].p.val()) << 17)
            | (bit_cast::<104, 43>(self.tiles[5].p.val()) << 60);
        self.word_c.next = bit_cast::<104, 43>(self.tiles[3].p.val()) << 26;
        self.word_d.next = bit_cast::<104, 43>(self.tiles[2].p.val()) << 34;
        self.word_e.next = bit_cast::<104, 52>(self.correction.q.val()) << 51;
        self.sum_lo.d.next = self.word_a.val() + self.word_b.val();
        self.sum_hi.d.next = self.word_c.val() + self.word_d.val() + self.word_e.val();
        self.lo.next = self.sum_lo.q.val();
        self.hi.next = self.sum_hi.q.val();
    }
}

impl Default for PieceMul {
    fn default() -> Self {
        Self::new(super::mont_mul_plan::FULL_MASK, [None; PIECE_TILES])
    }
}
