//! CSV exports in GBK/GB18030 (what Excel on Chinese-language Windows saves as "CSV"): read
//! with `--encoding gb18030` they score exactly as their UTF-8 originals, problems keep their
//! places, and without the option the error says what to do.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::*;

/// `text` in GB18030 (every character here has a GBK encoding).
fn gbk(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GB18030.encode(text);
    assert!(!unmappable, "{text}");
    bytes.into_owned()
}

#[test]
fn gbk_exports_score_as_their_utf8_originals() {
    let utf8 = scratch("encoding-utf8");
    let gb = scratch("encoding-gbk");
    small_export(&utf8, |t| t.as_bytes().to_vec());
    small_export(&gb, gbk);
    let units = std::fs::read(gb.join("units.csv")).unwrap();
    assert!(
        std::str::from_utf8(&units).is_err(),
        "the fixture must not be UTF-8"
    );
    for format in ["table", "json", "csv"] {
        let want = run_in(&utf8, &[&SMALL_SCORE[..], &["--format", format]].concat());
        assert_eq!(code(&want), 0, "{}", stderr(&want));
        assert!(stdout(&want).contains("一区"), "{}", stdout(&want));
        for name in ["gb18030", "gbk"] {
            let args = [&SMALL_SCORE[..], &["--format", format, "--encoding", name]].concat();
            let got = run_in(&gb, &args);
            assert_eq!(code(&got), 0, "{}", stderr(&got));
            assert_eq!(stdout(&got), stdout(&want), "{format}, --encoding {name}");
        }
    }
    // `check` recognises the GBK tables by their headers and loads them.
    let o = run_in(
        &gb,
        &[
            "check",
            "--encoding",
            "gb18030",
            "tickets.csv",
            "events.csv",
            "units.csv",
        ],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("tickets.csv: ok (7 tickets, 6 units)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn gbk_read_as_utf8_is_one_error_that_names_the_option() {
    let gb = scratch("encoding-gbk-as-utf8");
    small_export(&gb, gbk);
    let o = run_in(&gb, &SMALL_SCORE[..11]);
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    // The first row with Chinese text: `d1,districts,一区`, its third field.
    assert!(
        err.starts_with("error: units.csv:2: field 3 is not UTF-8 text"),
        "{err}"
    );
    assert!(err.contains("pass --encoding gb18030"), "{err}");
    let o = run_in(&gb, &["check", "tickets.csv", "units.csv"]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("pass --encoding gb18030"),
        "{}",
        stdout(&o)
    );
}

/// The other way round: UTF-8 files read as GB18030 would decode without an error into other
/// characters (一区 into 涓€鍖?); they are refused, naming the option to leave out.
#[test]
fn utf8_read_as_gb18030_is_refused_not_garbled() {
    let utf8 = scratch("encoding-utf8-as-gbk");
    small_export(&utf8, |t| t.as_bytes().to_vec());
    let args = [&SMALL_SCORE[..11], &["--encoding", "gb18030"]].concat();
    let o = run_in(&utf8, &args);
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert!(
        err.starts_with("error: units.csv: the file is UTF-8 text, not GB18030"),
        "{err}"
    );
    assert!(err.contains("leave out --encoding gb18030"), "{err}");
    let o = run_in(&utf8, &["check", "--encoding", "gb18030", "units.csv"]);
    assert_eq!(code(&o), 1);
    // Telling what the file is already reads it: the refusal stops `check` there.
    assert!(
        stderr(&o).contains("units.csv: the file is UTF-8 text"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn problems_in_gbk_files_keep_their_lines_and_character_columns() {
    // A bad `received_at` after Chinese text: its column counts characters, not bytes (GBK
    // writes 一区 in 4 bytes, UTF-8 in 6).
    let bad_line = "A2,一区,help,normal,web,2026-03-03 09:00";
    let tickets = format!(
        "ticket_id,district,kind,urgency,channel,received_at\n\
         A1,一区,help,normal,phone,2026-03-02T09:00:00+08:00\n{bad_line}\n"
    );
    let byte = bad_line.find("2026-03-03 09:00").unwrap();
    let column = bad_line[..byte].chars().count() + 1;
    let events = "ticket_id,at,type,unit,role\n\
                  A1,2026-03-02T09:30:00+08:00,dispatched,d1,lead\n\
                  A2,2026-03-03T09:30:00+08:00,dispatched,d1,lead\n";
    let units = "unit,group,name\nd1,districts,一区\n";
    let mut stderrs = Vec::new();
    for (name, encode, options) in [
        ("encoding-place-utf8", None, &[][..]),
        (
            "encoding-place-gbk",
            Some(gbk as fn(&str) -> Vec<u8>),
            &["--encoding", "gbk"][..],
        ),
    ] {
        let dir = scratch(name);
        for (file, text) in [
            ("tickets.csv", &tickets[..]),
            ("events.csv", events),
            ("units.csv", units),
        ] {
            let bytes = encode.map_or_else(|| text.as_bytes().to_vec(), |e| e(text));
            std::fs::write(dir.join(file), bytes).unwrap();
        }
        let scheme = vectors().join("small/scheme.toml");
        std::fs::copy(scheme, dir.join("scheme.toml")).unwrap();
        let o = run_in(&dir, &[&SMALL_SCORE[..], options].concat());
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        stderrs.push(stderr(&o));
    }
    let place = format!("tickets.csv:3:{column}:");
    assert!(
        stderrs[0].contains(&place),
        "{place} missing from\n{}",
        stderrs[0]
    );
    assert_eq!(stderrs[1], stderrs[0]);
}

#[test]
fn bytes_that_are_not_gb18030_stop_the_reading_at_their_line() {
    let gb = scratch("encoding-malformed");
    small_export(&gb, gbk);
    let path = gb.join("tickets.csv");
    let mut bytes = std::fs::read(&path).unwrap();
    // A lead byte with no second byte, at the end of the file's fourth line.
    let fourth_end = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(3)
        .unwrap()
        .0;
    bytes.insert(fourth_end, 0x81);
    std::fs::write(&path, bytes).unwrap();
    // Lenient or not: text that cannot be read is not a row to skip.
    for lenient in [false, true] {
        let args = [
            &SMALL_SCORE[..11],
            &["--encoding", "gb18030"],
            if lenient { &SMALL_SCORE[11..] } else { &[] },
        ]
        .concat();
        let o = run_in(&gb, &args);
        assert_eq!(code(&o), 1, "{}", stdout(&o));
        assert_eq!(
            stderr(&o).trim_end(),
            "error: tickets.csv:4: bytes 81 are not GB18030 text (is the file in another \
             encoding?) [invalid_table]"
        );
    }
}

/// Schemes, policies and calendar data are read as the bindings read them (the core's
/// `config_file`): a GBK file is a data problem at its first byte that is not UTF-8, with how to
/// convert it; a file that never ends is refused at once; one that cannot be read is a usage
/// problem.
#[test]
fn configuration_files_in_gbk_are_placed_and_endless_ones_refused() {
    let dir = scratch("encoding-config");
    small_export(&dir, |t| t.as_bytes().to_vec());
    std::fs::write(
        dir.join("gbk-scheme.toml"),
        gbk("name = \"河南\"\n[[indicators]]\n"),
    )
    .unwrap();
    std::fs::write(dir.join("policy.toml"), gbk("name = \"河南\"\n")).unwrap();
    std::fs::write(dir.join("data.toml"), gbk("# 河南\n")).unwrap();
    let convert = ":1:9: not UTF-8 text: re-save it as UTF-8";
    let o = run_in(&dir, &["check", "gbk-scheme.toml"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stdout(&o).contains(&format!("gbk-scheme.toml{convert}")),
        "{}",
        stdout(&o)
    );
    let o = run_in(
        &dir,
        &[&SMALL_SCORE[..], &["--policy", "policy.toml"]].concat(),
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("policy.toml:1:9: invalid policy (toml): not UTF-8 text: re-save"),
        "{}",
        stderr(&o)
    );
    let o = run_in(
        &dir,
        &[&SMALL_SCORE[..], &["--calendar-data", "data.toml"]].concat(),
    );
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("data.toml:1:3: "), "{}", stderr(&o));
    if std::path::Path::new("/dev/zero").exists() {
        let o = run_in(&dir, &["check", "--as", "scheme", "/dev/zero"]);
        assert_eq!(code(&o), 1, "{}", stderr(&o));
        assert!(
            stdout(&o).contains("the scheme is more than 1048576 bytes long"),
            "{}",
            stdout(&o)
        );
    }
    let o = run_in(
        &dir,
        &[&SMALL_SCORE[..], &["--calendar-data", "missing.toml"]].concat(),
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot read missing.toml: "),
        "{}",
        stderr(&o)
    );
}
