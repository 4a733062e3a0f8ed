//! The built-in PRC national calendar: State Council notices 2017–2026 with their revisions,
//! stored in `core/data/prc.toml` in the documented data format (`docs/calendar-data.md`).

use std::sync::OnceLock;

use crate::calendar::data::CalendarData;
use crate::error::Result;

/// The text of the built-in data file, exactly as shipped.
pub const PRC_TOML: &str = include_str!("../../data/prc.toml");

/// The built-in data, parsed once per process.
pub fn prc_data() -> Result<&'static CalendarData> {
    static DATA: OnceLock<Result<CalendarData>> = OnceLock::new();
    DATA.get_or_init(|| CalendarData::from_toml(PRC_TOML))
        .as_ref()
        .map_err(Clone::clone)
}
