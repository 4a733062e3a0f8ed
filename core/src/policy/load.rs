//! Reading policies from TOML and JSON, with file positions in every error.

use super::Policy;
use crate::error::{Error, FilePos, Result};

/// The largest policy file read, in bytes (1 MiB; the built-in policies are under 10 KiB).
/// Larger text is refused before it is parsed.
pub const MAX_POLICY_BYTES: usize = 1 << 20;

fn check_size(text: &str, format: &str) -> Result<()> {
    if text.len() > MAX_POLICY_BYTES {
        return Err(Error::InvalidPolicy {
            format: format.into(),
            pos: None,
            reason: format!(
                "the policy is {} bytes long; the limit is {MAX_POLICY_BYTES} (1 MiB)",
                text.len()
            ),
        });
    }
    Ok(())
}

impl Policy {
    /// Reads a policy from TOML text. Unknown keys, unknown values and contradictory settings
    /// are `invalid_policy` errors with the line and column of the offending value.
    pub fn from_toml_str(text: &str) -> Result<Policy> {
        check_size(text, "toml")?;
        toml::from_str(text).map_err(|e| Error::InvalidPolicy {
            format: "toml".into(),
            pos: e.span().map(|s| FilePos::from_offset(text, s.start)),
            reason: e.message().trim().to_owned(),
        })
    }

    /// Reads a policy from JSON text (same structure as the TOML form).
    pub fn from_json_str(text: &str) -> Result<Policy> {
        check_size(text, "json")?;
        serde_json::from_str(text).map_err(|e| Error::InvalidPolicy {
            format: "json".into(),
            pos: (e.line() > 0).then(|| FilePos {
                line: u32::try_from(e.line()).unwrap_or(u32::MAX),
                column: u32::try_from(e.column()).unwrap_or(u32::MAX),
            }),
            reason: strip_json_position(&e.to_string()),
        })
    }

    /// The policy as pretty JSON (for bindings and `check` output).
    pub fn to_json_string(&self) -> Result<String> {
        serde_json::to_string_pretty(self).map_err(|e| Error::InvalidPolicy {
            format: "json".into(),
            pos: None,
            reason: e.to_string(),
        })
    }
}

/// `" at line L, column C"`, or nothing when the position is unknown (for error messages).
pub(crate) fn at_pos(pos: &Option<FilePos>) -> String {
    pos.map(|p| format!(" at {p}")).unwrap_or_default()
}

/// serde_json appends " at line L column C" to its messages; the position is kept separately.
fn strip_json_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg.get(..i).unwrap_or(msg).to_owned(),
        None => msg.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(e: &Error) -> (u32, u32) {
        match e {
            Error::InvalidPolicy { pos: Some(p), .. } => (p.line, p.column),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn toml_errors_have_positions() {
        let text = "name = \"x\"\n[[rules]]\nwhen = { kind = \"gossip\" }\n";
        let e = Policy::from_toml_str(text).unwrap_err();
        assert_eq!(e.code(), "invalid_policy");
        assert_eq!(pos(&e).0, 3);
        assert!(e.to_string().contains("gossip"), "{e}");

        let text = "name = \"x\"\nbogus = 1\n";
        let e = Policy::from_toml_str(text).unwrap_err();
        assert_eq!(pos(&e), (2, 1));
        assert!(e.to_string().contains("bogus"), "{e}");

        let text = "name = \"x\"\n[[rules]]\nlimits.complete = { amount = \"3wd\", clock = \"natural\" }\n";
        let e = Policy::from_toml_str(text).unwrap_err();
        assert_eq!(pos(&e).0, 3);
        assert!(e.to_string().contains("working clock"), "{e}");

        let text = "name = \"x\"\n\n[extension]\nmax_each = \"3wd\"\nmax_total = \"9h\"\n";
        let e = Policy::from_toml_str(text).unwrap_err();
        assert!(pos(&e).0 >= 3, "{e:?}");

        let text = "schema_version = 2\nname = \"x\"\n";
        let e = Policy::from_toml_str(text).unwrap_err();
        assert_eq!(pos(&e).0, 1);
    }

    #[test]
    fn json_errors_have_positions() {
        let text = "{\n  \"name\": \"x\",\n  \"rules\": [{\"limits\": {\"sign\": \"5 days\"}}]\n}";
        let e = Policy::from_json_str(text).unwrap_err();
        assert_eq!(pos(&e).0, 3);
        match &e {
            Error::InvalidPolicy { reason, .. } => assert!(!reason.contains(" at line "), "{e}"),
            other => panic!("unexpected {other:?}"),
        }
        let e = Policy::from_json_str("{\"name\": \"x\", \"extra\": true}").unwrap_err();
        assert!(e.to_string().contains("extra"), "{e}");
    }

    #[test]
    fn json_and_toml_agree() {
        let p = Policy::from_toml_str(
            "name = \"x\"\nredispatch = \"continue\"\n[[rules]]\nwhen = { urgency = \"urgent\" }\nlimits.reply = { amount = \"2h\", from = \"signed\" }\n[[rules]]\nlimits.complete = \"5wd\"\nlimits.reply = \"none\"\n",
        )
        .unwrap();
        let json = p.to_json_string().unwrap();
        assert_eq!(Policy::from_json_str(&json).unwrap(), p);
    }
}
