//! "Did you mean …" suggestions: the closest known name by edit distance.

/// The candidate closest to `word` by Levenshtein distance over lower-cased characters (ties go
/// to the earlier candidate), if it is close enough to be a plausible typo: at most 2 edits, or
/// at most a third of the word's length.
pub(crate) fn closest<'c, I>(word: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'c str>,
{
    let word: Vec<char> = word.chars().flat_map(char::to_lowercase).collect();
    let limit = (word.len() / 3).max(2);
    let mut best: Option<(usize, &str)> = None;
    let mut row = Vec::new();
    for cand in candidates {
        let chars: Vec<char> = cand.chars().flat_map(char::to_lowercase).collect();
        if chars.len().abs_diff(word.len()) > limit {
            continue;
        }
        let d = distance(&word, &chars, &mut row);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c.to_string())
}

/// Levenshtein distance between `a` and `b`, using `row` as scratch space.
fn distance(a: &[char], b: &[char], row: &mut Vec<usize>) -> usize {
    row.clear();
    row.extend(0..=b.len());
    for (i, ca) in a.iter().enumerate() {
        let mut diag = i; // row[0] before update
        let mut left = i + 1;
        if let Some(first) = row.first_mut() {
            *first = left;
        }
        for (j, cb) in b.iter().enumerate() {
            let up = row.get(j + 1).copied().unwrap_or(usize::MAX);
            let cost = usize::from(ca != cb);
            let v = (diag + cost).min(up + 1).min(left + 1);
            diag = up;
            left = v;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = v;
            }
        }
    }
    row.last().copied().unwrap_or(a.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: &str, b: &str) -> usize {
        let a: Vec<char> = a.chars().collect();
        let b: Vec<char> = b.chars().collect();
        distance(&a, &b, &mut Vec::new())
    }

    #[test]
    fn levenshtein() {
        assert_eq!(d("", ""), 0);
        assert_eq!(d("abc", ""), 3);
        assert_eq!(d("", "ab"), 2);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("closed_on_tme", "closed_on_time"), 1);
        assert_eq!(d("签收", "签收率"), 1);
    }

    #[test]
    fn picks_the_closest_plausible_name() {
        let names = ["due", "closed_on_time", "closed_late", "lead.signed"];
        assert_eq!(
            closest("closed_on_tme", names).as_deref(),
            Some("closed_on_time")
        );
        assert_eq!(closest("lead.sined", names).as_deref(), Some("lead.signed"));
        assert_eq!(closest("Due", names).as_deref(), Some("due"));
        assert_eq!(closest("satisfaction", names), None);
        assert_eq!(closest("x", Vec::<&str>::new()), None);
    }
}
