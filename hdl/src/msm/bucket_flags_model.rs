//! Pure-Rust reference model of the MSM bucket occupancy flags
//! ([`super::BucketFlags`]): what the block computes, cycle by cycle, with
//! none of its memory organisation. The block's rust-hdl behaviour runs this
//! model; the Icarus test drives the block's Verilog against it.

/// Log2 of the flags per memory word: the clear sweep clears one word per
/// cycle, and each read fetches the word holding its key.
pub const FLAG_WORD_LOG2: usize = 7;

/// Cycles `clear` must be held to clear every flag of a table of 2^`key_bits` keys.
pub const fn flag_clear_cycles(key_bits: usize) -> usize {
    1 << (key_bits - FLAG_WORD_LOG2)
}

/// One cycle's inputs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FlagInputs {
    /// Clear one word of flags this cycle (the sweep); writes are ignored.
    pub clear: bool,
    /// Key whose flag appears on `rd_o` next cycle.
    pub rd_o_addr: usize,
    /// Key whose flag appears on `rd_f` next cycle.
    pub rd_f_addr: usize,
    /// Write `wr_o_val` to the flag now shown on `rd_o`.
    pub wr_o_en: bool,
    pub wr_o_val: bool,
    /// Write `wr_f_val` to the flag now shown on `rd_f` (after the O write).
    pub wr_f_en: bool,
    pub wr_f_val: bool,
}

/// The flag table's state: the flags, the keys now on the read ports, the sweep.
#[derive(Clone, Debug)]
pub struct FlagTableModel {
    flags: Vec<bool>,
    key_o: usize,
    key_f: usize,
    sweep: usize,
}

impl FlagTableModel {
    /// All flags clear (as after a full clear sweep).
    pub fn new(key_bits: usize) -> Self {
        assert!(key_bits > FLAG_WORD_LOG2, "a flag table holds at least one word");
        Self { flags: vec![false; 1 << key_bits], key_o: 0, key_f: 0, sweep: 0 }
    }

    /// Flags now on (`rd_o`, `rd_f`).
    pub fn outputs(&self) -> (bool, bool) {
        (self.flags[self.key_o], self.flags[self.key_f])
    }

    /// The flag of `key` now.
    pub fn flag(&self, key: usize) -> bool {
        self.flags[key]
    }

    /// One rising clock edge; returns the outputs after it.
    pub fn edge(&mut self, i: &FlagInputs) -> (bool, bool) {
        let word = 1 << FLAG_WORD_LOG2;
        if i.clear {
            let first = self.sweep * word;
            self.flags[first..first + word].iter_mut().for_each(|f| *f = false);
            self.sweep = (self.sweep + 1) % (self.flags.len() / word);
        } else {
            self.sweep = 0;
            if i.wr_o_en {
                self.flags[self.key_o] = i.wr_o_val;
            }
            if i.wr_f_en {
                self.flags[self.key_f] = i.wr_f_val;
            }
        }
        let mask = self.flags.len() - 1;
        self.key_o = i.rd_o_addr & mask;
        self.key_f = i.rd_f_addr & mask;
        self.outputs()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_show_on_the_next_read_and_f_wins_a_shared_key() {
        let mut m = FlagTableModel::new(8);
        let rd = |o, f| FlagInputs { rd_o_addr: o, rd_f_addr: f, ..Default::default() };
        assert_eq!(m.edge(&rd(5, 5)), (false, false));
        let both = FlagInputs { wr_o_en: true, wr_o_val: true, wr_f_en: true, wr_f_val: false, ..rd(5, 200) };
        assert_eq!(m.edge(&both), (false, false), "F's clear of key 5 came after O's set");
        let set = FlagInputs { wr_f_en: true, wr_f_val: true, ..rd(200, 7) };
        assert_eq!(m.edge(&set), (true, false), "the write of key 200 shows on the same edge's read");
    }

    #[test]
    fn holding_clear_for_the_sweep_clears_every_flag() {
        let bits = 9;
        let mut m = FlagTableModel::new(bits);
        for k in 0..1 << bits {
            m.edge(&FlagInputs { rd_o_addr: k, ..Default::default() });
            m.edge(&FlagInputs { wr_o_en: true, wr_o_val: true, ..Default::default() });
        }
        for _ in 0..flag_clear_cycles(bits) {
            m.edge(&FlagInputs { clear: true, ..Default::default() });
        }
        assert!((0..1 << bits).all(|k| !m.flag(k)));
    }
}
