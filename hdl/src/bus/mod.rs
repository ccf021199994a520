//! The coprocessor's bus side: the AXI4-Lite control slave and the register
//! block behind it. The AXI4-Stream ports are plain signals on the engines.

pub mod axil_slave;
pub mod control_regs;

pub use axil_slave::{AXIL_RESPONSE_LATENCY, AXIL_WRITE_GAP, AxiLiteSlave};
pub use control_regs::ControlRegs;
