//! Helpers the sweep tests share.

use serde_json::Value;
use std::path::{Path, PathBuf};

/// A fresh directory under target/test-sweep.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/test-sweep").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.canonicalize().unwrap()
}

/// A prove run's key and witness files holding garbage: the run passes the
/// sweep's checks (the files exist) and fails on the node, as a bad input
/// file would.
pub fn corrupt_key(dir: &Path) -> (PathBuf, PathBuf) {
    let (zkey, wtns) = (dir.join("corrupt.zkey"), dir.join("corrupt.wtns"));
    std::fs::write(&zkey, b"this is not a zkey").unwrap();
    std::fs::write(&wtns, b"nor a witness").unwrap();
    (zkey, wtns)
}

/// OUT/sweep.json.
pub fn report(out: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(out.join("sweep.json")).expect("sweep.json")).expect("json")
}
