//! Period roll-over: closing a period freezes its scores into the history the sanctions ladder
//! reads (SPEC §7). Live counters keep changing afterwards (a ticket due in the closed period and
//! closed later still moves that period's live counters), but the frozen scores do not; events
//! dated before the end of the last closed period are refused.

use serde::{Deserialize, Serialize};

use super::Board;
use crate::error::{Error, Result};
use crate::instant::Instant;
use crate::period::Period;
use crate::scheme::{PeriodSanctions, Scores};

/// What closing a period produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedPeriod {
    /// The frozen scores of the period.
    pub scores: Scores,
    /// The sanctions of the period (the ladder run over the whole history), if the scheme has a
    /// sanctions ladder.
    pub sanctions: Option<PeriodSanctions>,
}

impl Board {
    /// Closes `period`, scored at `as_of` (at or after its end, e.g. the instant the center
    /// publishes): freezes its scores into the history and runs the sanctions ladder.
    ///
    /// Periods are closed in order and without gaps: after the first, `period` must start where
    /// the last closed one ended. Errors: [`Error::BoardCloseRefused`].
    pub fn close_period(&mut self, period: &Period, as_of: Instant) -> Result<ClosedPeriod> {
        let refuse = |reason: String| Error::BoardCloseRefused {
            period: period.label.clone(),
            reason,
        };
        if as_of < period.end {
            return Err(refuse(format!(
                "as_of {as_of} is before the period's end {}",
                period.end
            )));
        }
        if let Some(ct) = self.closed_through {
            if period.start < ct {
                return Err(refuse(format!(
                    "periods are closed in order; already closed through {ct}"
                )));
            }
            // A gap would be a period whose events are refused (they fall before the end of
            // the last closed period) and which could never be closed.
            if period.start > ct {
                return Err(refuse(format!(
                    "periods are closed one after another: the next one starts at {ct}, where \
                     the last closed period ended (close the period from {ct} first)"
                )));
            }
        }
        let scores = self.scores_in(period, as_of)?;
        let mut history = self.history.clone();
        history.push(scores.clone());
        let sanctions = if self.scheme.file().sanctions.is_some() {
            self.scheme.sanctions(&history)?.pop()
        } else {
            None
        };
        self.history = history;
        self.closed_through = Some(period.end);
        Ok(ClosedPeriod { scores, sanctions })
    }

    /// The frozen scores of the closed periods, oldest first.
    pub fn history(&self) -> &[Scores] {
        &self.history
    }

    /// The sanctions ladder over the closed periods, one result per period (the scheme's typed
    /// error if it has no ladder).
    pub fn sanctions(&self) -> Result<Vec<PeriodSanctions>> {
        self.scheme.sanctions(&self.history)
    }
}
