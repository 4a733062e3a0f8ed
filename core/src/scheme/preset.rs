//! Built-in presets (SPEC §9): readable files under `presets/` in the repository, compiled into
//! the library.

/// `(name, TOML text)` of every built-in preset.
pub const PRESETS: &[(&str, &str)] = &[
    ("sanmenxia", include_str!("../../../presets/sanmenxia.toml")),
    (
        "lianyungang-2022",
        include_str!("../../../presets/lianyungang-2022.toml"),
    ),
    (
        "three-rates",
        include_str!("../../../presets/three-rates.toml"),
    ),
];

/// The text of the preset called `name`.
pub fn text(name: &str) -> Option<&'static str> {
    PRESETS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::Scheme;

    #[test]
    fn every_preset_loads() {
        for (name, _) in PRESETS {
            let s = Scheme::preset(name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!s.indicators().is_empty());
        }
        assert_eq!(Scheme::preset("nope").unwrap_err().code(), "unknown_preset");
        let sanmenxia = Scheme::preset("sanmenxia").unwrap();
        assert!(sanmenxia.indicators().len() >= 30);
        assert_eq!(sanmenxia.warnings().unwrap().lead_days, 20);
    }
}
