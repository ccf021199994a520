//! A command queue of device jobs, as XRT's run lists are: the host submits
//! jobs that need nothing from it in between and returns to its own work;
//! the card runs them in order, each when the one before ends; the host
//! waits once for all of them.
//!
//! A submitted job is a closure over its inputs and outputs (borrowed until
//! the wait, so the borrow checker keeps the host from touching them while
//! the card may). The simulated card advances only while the driver talks
//! to it, so [`JobQueue::wait`] runs the queue's jobs: on a card with a
//! command queue they would run while the host works between its
//! submissions and the wait, and the proof's timeline places them so.

use crate::Bus;
use crate::driver::{Coprocessor, DriverError};
use std::collections::VecDeque;

/// One queued job: it runs on the device and writes its results where its
/// closure says.
type QueuedJob<'q, B> = Box<dyn FnOnce(&mut Coprocessor<B>) -> Result<(), DriverError> + 'q>;

/// Device jobs submitted, not yet run.
pub struct JobQueue<'q, B: Bus> {
    jobs: VecDeque<QueuedJob<'q, B>>,
}

impl<B: Bus> Default for JobQueue<'_, B> {
    fn default() -> Self {
        Self { jobs: VecDeque::new() }
    }
}

impl<'q, B: Bus> JobQueue<'q, B> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues `job` behind the jobs already submitted.
    pub fn submit(&mut self, job: impl FnOnce(&mut Coprocessor<B>) -> Result<(), DriverError> + 'q) {
        self.jobs.push_back(Box::new(job));
    }

    /// Jobs waiting to run.
    pub fn len(&self) -> usize {
        self.jobs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    /// Waits for every submitted job, in submission order. The first
    /// failure ends the wait with its error; the jobs behind it do not run
    /// (as a card's queue stops at a failed command).
    pub fn wait(mut self, dev: &mut Coprocessor<B>) -> Result<(), DriverError> {
        while let Some(job) = self.jobs.pop_front() {
            job(dev)?;
        }
        Ok(())
    }
}
