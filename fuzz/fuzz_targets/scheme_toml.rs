//! Scheme files in TOML: loading never panics; a scheme that loads round-trips through its
//! canonical JSON and its TOML form to the same hash, and scores the synthetic city.
#![no_main]

use hotline_score::scheme::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        hotline_score_fuzz::check_scheme(text, Format::Toml);
    }
});
