//! NTT engine over BN254 Fr: butterfly unit, on-chip transform core and the
//! constants (roots of unity, twiddles) computed at build time.

pub mod bit_permute;
pub mod bit_reverse;
pub mod butterfly;
pub mod data_layout_check;
pub mod ntt_card_port;
pub mod ntt_core;
pub mod order_selects;
pub mod reference;
pub mod roots;
pub mod twiddle_scaler;
pub mod unload_order;

pub use bit_reverse::BitReverse;
pub use butterfly::{BUTTERFLY_LATENCY, Butterfly};
pub use ntt_core::{NTT_BANKS, NTT_SETS, NTT_DRAIN_CYCLES, NTT_LOG_MAX, NTT_MAX_POINTS, NTT_UNITS, NTT_UNITS_LOG2, NttCore, bank_index, bank_of};
pub use ntt_card_port::NttCardPort;
pub use unload_order::UnloadOrder;
pub use bit_permute::BitPermute;
pub use order_selects::OrderSelects;
pub use twiddle_scaler::{TWIDDLE_SCALER_LATENCY, TwiddleScaler};
pub use data_layout_check::DataLayoutCheck;
