//! Running the built `hotline-score` binary from integration tests.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `tests/vectors/cli` at the repository root.
pub fn vectors() -> PathBuf {
    root().join("tests/vectors/cli")
}

/// A fresh scratch directory under the target directory.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the binary with `args` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hotline-score"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

/// Runs the binary with `args` at the repository root.
pub fn run(args: &[&str]) -> Output {
    run_in(&root(), args)
}

/// stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The exit code (-1 when killed by a signal).
pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// Reads a JSON vector file of `tests/vectors/cli`.
pub fn vector(name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(vectors().join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The string array at `v[key]`.
pub fn strings(v: &serde_json::Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// Copies the small export (`tests/vectors/cli/small`) into `dir`, each CSV file re-encoded by
/// `encode`; the scheme is copied as it is.
pub fn small_export(dir: &Path, encode: impl Fn(&str) -> Vec<u8>) {
    let small = vectors().join("small");
    for name in ["tickets.csv", "events.csv", "units.csv"] {
        let text = std::fs::read_to_string(small.join(name)).unwrap();
        std::fs::write(dir.join(name), encode(&text)).unwrap();
    }
    std::fs::copy(small.join("scheme.toml"), dir.join("scheme.toml")).unwrap();
}

/// `score` of the small export in its folder, lenient (the last argument).
pub const SMALL_SCORE: [&str; 12] = [
    "score",
    "--tickets",
    "tickets.csv",
    "--events",
    "events.csv",
    "--units",
    "units.csv",
    "--scheme",
    "scheme.toml",
    "--period",
    "2026-03",
    "--lenient",
];

/// Writes a synthetic data set with `hotline-score generate` into `out`: `days` days of
/// `per_day` tickets, as `format` (`csv` or `json`); fails the test if it cannot.
pub fn generate(out: &Path, days: u32, per_day: u32, format: &str) {
    let o = run(&[
        "generate",
        "--out",
        out.to_str().unwrap(),
        "--days",
        &days.to_string(),
        "--tickets-per-day",
        &per_day.to_string(),
        "--format",
        format,
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

/// `hotline-score score` on the data set in `dir` (its `tickets`, `events` and `units` files,
/// named with the extension `ext`: `csv` or `json`), with the options `extra`.
pub fn score_data(dir: &Path, ext: &str, extra: &[&str]) -> Output {
    let files: Vec<String> = ["tickets", "events", "units"]
        .iter()
        .map(|n| dir.join(format!("{n}.{ext}")).display().to_string())
        .collect();
    let mut args = vec![
        "score",
        "--tickets",
        &files[0],
        "--events",
        &files[1],
        "--units",
        &files[2],
    ];
    args.extend(extra);
    run(&args)
}
