//! Test harness around the field units, for cycle-accurate block tests in
//! Verilator: every unit of both fields sees a new operand pair each cycle,
//! and both multiplier implementations run side by side.

use crate::field::{ModAdd, ModSub, MontMul, MulImpl};
use crate::params::FieldId;
use rust_hdl::prelude::*;

macro_rules! units_harness {
    ($($field:ident: $a:ident, $b:ident, $add:ident, $sub:ident, $fast:ident, $tiled:ident,
       $add_y:ident, $add_v:ident, $sub_y:ident, $sub_v:ident, $fast_y:ident, $fast_v:ident,
       $tiled_y:ident, $tiled_v:ident;)*) => {
        #[derive(LogicBlock)]
        pub struct FieldUnitsHarness {
            /// Clock.
            pub clock: Signal<In, Clock>,
            /// The operands are valid this cycle (both fields).
            pub valid_in: Signal<In, Bit>,
            $(
                /// First operand for this field's units.
                pub $a: Signal<In, Bits<256>>,
                /// Second operand for this field's units.
                pub $b: Signal<In, Bits<256>>,
                /// Modular sum.
                pub $add_y: Signal<Out, Bits<256>>,
                /// Modular sum valid.
                pub $add_v: Signal<Out, Bit>,
                /// Modular difference.
                pub $sub_y: Signal<Out, Bits<256>>,
                /// Modular difference valid.
                pub $sub_v: Signal<Out, Bit>,
                /// Montgomery product, fast-simulation multiplier.
                pub $fast_y: Signal<Out, Bits<256>>,
                /// Fast-simulation product valid.
                pub $fast_v: Signal<Out, Bit>,
                /// Montgomery product, tiled multiplier.
                pub $tiled_y: Signal<Out, Bits<256>>,
                /// Tiled product valid.
                pub $tiled_v: Signal<Out, Bit>,
                $add: ModAdd,
                $sub: ModSub,
                $fast: MontMul,
                $tiled: MontMul,
            )*
        }

        impl Default for FieldUnitsHarness {
            fn default() -> Self {
                Self {
                    clock: Default::default(),
                    valid_in: Default::default(),
                    $(
                        $a: Default::default(),
                        $b: Default::default(),
                        $add_y: Default::default(),
                        $add_v: Default::default(),
                        $sub_y: Default::default(),
                        $sub_v: Default::default(),
                        $fast_y: Default::default(),
                        $fast_v: Default::default(),
                        $tiled_y: Default::default(),
                        $tiled_v: Default::default(),
                        $add: ModAdd::new(FieldId::$field),
                        $sub: ModSub::new(FieldId::$field),
                        $fast: MontMul::new(FieldId::$field, MulImpl::Fast),
                        $tiled: MontMul::new(FieldId::$field, MulImpl::Tiled),
                    )*
                }
            }
        }

        impl Logic for FieldUnitsHarness {
            #[hdl_gen]
            fn update(&mut self) {
                $(
                    self.$add.clock.next = self.clock.val();
                    self.$sub.clock.next = self.clock.val();
                    self.$fast.clock.next = self.clock.val();
                    self.$tiled.clock.next = self.clock.val();
                    self.$add.a.next = self.$a.val();
                    self.$add.b.next = self.$b.val();
                    self.$add.valid_in.next = self.valid_in.val();
                    self.$sub.a.next = self.$a.val();
                    self.$sub.b.next = self.$b.val();
                    self.$sub.valid_in.next = self.valid_in.val();
                    self.$fast.a.next = self.$a.val();
                    self.$fast.b.next = self.$b.val();
                    self.$fast.valid_in.next = self.valid_in.val();
                    self.$tiled.a.next = self.$a.val();
                    self.$tiled.b.next = self.$b.val();
                    self.$tiled.valid_in.next = self.valid_in.val();
                    self.$add_y.next = self.$add.y.val();
                    self.$add_v.next = self.$add.valid_out.val();
                    self.$sub_y.next = self.$sub.y.val();
                    self.$sub_v.next = self.$sub.valid_out.val();
                    self.$fast_y.next = self.$fast.y.val();
                    self.$fast_v.next = self.$fast.valid_out.val();
                    self.$tiled_y.next = self.$tiled.y.val();
                    self.$tiled_v.next = self.$tiled.valid_out.val();
                )*
            }
        }
    };
}

units_harness! {
    Fq: a_fq, b_fq, add_fq, sub_fq, mul_fast_fq, mul_tiled_fq,
        add_fq_y, add_fq_valid, sub_fq_y, sub_fq_valid, mul_fast_fq_y, mul_fast_fq_valid,
        mul_tiled_fq_y, mul_tiled_fq_valid;
    Fr: a_fr, b_fr, add_fr, sub_fr, mul_fast_fr, mul_tiled_fr,
        add_fr_y, add_fr_valid, sub_fr_y, sub_fr_valid, mul_fast_fr_y, mul_fast_fr_valid,
        mul_tiled_fr_y, mul_tiled_fr_valid;
}

impl FieldUnitsHarness {
    /// A harness with every input marked as driven from outside.
    pub fn connected() -> Self {
        let mut h = Self::default();
        h.clock.connect();
        h.valid_in.connect();
        h.a_fq.connect();
        h.b_fq.connect();
        h.a_fr.connect();
        h.b_fr.connect();
        h.connect_all();
        h
    }
}
