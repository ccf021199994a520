//! Card memory: the AXI4 master port through which engines reach card DRAM
//! (DDR/HBM), shared by every engine.

pub mod card_mem_reader;
pub mod card_mem_writer;
pub mod run_addresses;

pub use card_mem_reader::*;
pub use card_mem_writer::*;
pub use run_addresses::RunAddresses;
