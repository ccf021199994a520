//! MSM bucket engine: Pippenger accumulation of BN254 G1 points into on-chip
//! buckets with one point addition per cycle, on-device bucket reduction, and
//! the pure-Rust reference model of what it computes.

pub mod bucket_flags;
pub mod bucket_flags_model;
pub mod bucket_ram;
pub mod lane_keys;
pub mod lane_picker;
pub mod msm_engine;
pub mod msm_combiner;
pub mod msm_feed;
pub mod msm_pair;
pub mod recoder_lookahead;
pub mod scalar_recoder;
pub mod signed_window;
pub mod reference;

pub use bucket_flags::{BUCKET_FLAGS_READ_LATENCY, BucketFlags};
pub use bucket_flags_model::{FLAG_WORD_LOG2, FlagInputs, FlagTableModel, flag_clear_cycles};
pub use bucket_ram::{BUCKET_RAM_READ_LATENCY, BucketRam, POINT_BITS};
pub use lane_keys::{LANE_KEYS_LATENCY, LaneKeys, lane_keys};
pub use lane_picker::{LANE_PICKER_LATENCY, LanePicker, PICKER_LANE_BITS, PICKER_LANES, pick};
pub use msm_engine::*;
pub use msm_combiner::{MsmCombiner, combiner_cycles_per_step};
pub use msm_pair::{MSM_ENGINES, MSM_PAIR_BEATS, MsmPair, pair_windows_fit};
pub use msm_feed::{FEED_PIPELINE_LATENCY, FEED_QUEUE_DEPTH, MsmFeed};
pub use recoder_lookahead::{LOOKAHEAD_INFO_BITS, RecoderLookahead};
pub use scalar_recoder::{RECODER_INPUT_LATENCY, RECODER_WINDOWS_PER_CYCLE, ScalarRecoder, recoder_cycles};
pub use signed_window::SignedWindow;
