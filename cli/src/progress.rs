//! Progress on long work, drawn on stderr only when stderr is a terminal (never in pipes, files
//! or tests).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// Makes progress bars, or hidden ones when stderr is not a terminal.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    enabled: bool,
}

impl Progress {
    /// Progress on stderr if it is a terminal.
    pub fn new() -> Self {
        Progress {
            enabled: std::io::stderr().is_terminal(),
        }
    }

    /// No progress shown (a worker thread's).
    pub fn hidden() -> Self {
        Progress { enabled: false }
    }

    /// A bar over `len` bytes of a file being read.
    pub fn bytes(&self, label: &str, len: u64) -> ProgressBar {
        self.bar(
            label,
            len,
            "{msg:<22} [{bar:30}] {bytes:>10}/{total_bytes:<10} {bytes_per_sec}",
        )
    }

    /// A bar over `len` items (`what`: their name, e.g. `tickets`) being made.
    pub fn items(&self, label: &str, len: u64, what: &str) -> ProgressBar {
        let template =
            format!("{{msg:<22}} [{{bar:30}}] {{human_pos:>10}}/{{human_len:<10}} {what}");
        self.bar(label, len, &template)
    }

    fn bar(&self, label: &str, len: u64, template: &str) -> ProgressBar {
        if !self.enabled {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(len);
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        bar.set_style(style);
        bar.set_message(label.to_owned());
        bar
    }

    /// A spinner for a step of unknown length.
    pub fn step(&self, label: &str) -> ProgressBar {
        if !self.enabled {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new_spinner();
        bar.set_message(label.to_owned());
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }
}
