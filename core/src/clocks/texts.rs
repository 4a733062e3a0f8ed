//! Many short strings in one buffer: the free-text cells (reasons, event ids) of a compact
//! ticket store, without one allocation per string.

/// An append-only list of strings stored back to back; each is addressed by the index
/// [`Texts::push`] returned.
#[derive(Debug, Clone, Default)]
pub(crate) struct Texts {
    bytes: String,
    /// End offset in `bytes` of each string.
    ends: Vec<usize>,
}

/// "No string".
pub(crate) const NO_TEXT: u32 = u32::MAX;

impl Texts {
    /// Makes room for `strings` more strings of `bytes` bytes in all.
    pub(crate) fn reserve(&mut self, strings: usize, bytes: usize) {
        self.ends.reserve(strings);
        self.bytes.reserve(bytes);
    }

    /// Heap bytes held (the room reserved included).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.bytes.capacity() + self.ends.capacity() * std::mem::size_of::<usize>()
    }

    /// Appends `text`; its index, or [`NO_TEXT`] for `None` (or past `u32::MAX - 1` strings).
    pub(crate) fn push(&mut self, text: Option<&str>) -> u32 {
        let Some(text) = text else {
            return NO_TEXT;
        };
        let Ok(index) = u32::try_from(self.ends.len()) else {
            return NO_TEXT;
        };
        if index == NO_TEXT {
            return NO_TEXT;
        }
        self.bytes.push_str(text);
        self.ends.push(self.bytes.len());
        index
    }

    /// Appends every string of `other`, in order; returns the map from `other`'s indices to
    /// this arena's (as [`Texts::push`] would have given them).
    pub(crate) fn append(&mut self, other: &Texts) -> impl Fn(u32) -> u32 + use<> {
        let first = self.ends.len();
        let base = self.bytes.len();
        self.bytes.push_str(&other.bytes);
        self.ends
            .extend(other.ends.iter().map(|e| e.saturating_add(base)));
        move |index: u32| {
            if index == NO_TEXT {
                return NO_TEXT;
            }
            u32::try_from(first.saturating_add(index as usize))
                .ok()
                .filter(|i| *i != NO_TEXT)
                .unwrap_or(NO_TEXT)
        }
    }

    /// The string at `index` (`None` for [`NO_TEXT`]).
    pub(crate) fn get(&self, index: u32) -> Option<&str> {
        let i = index as usize;
        let end = *self.ends.get(i)?;
        let start = match i.checked_sub(1) {
            Some(before) => self.ends.get(before).copied().unwrap_or(0),
            None => 0,
        };
        self.bytes.get(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_come_back_as_pushed() {
        let mut t = Texts::default();
        let a = t.push(Some("不属于本单位"));
        let none = t.push(None);
        let empty = t.push(Some(""));
        let b = t.push(Some("E-1"));
        assert_eq!(none, NO_TEXT);
        assert_eq!(t.get(a), Some("不属于本单位"));
        assert_eq!(t.get(empty), Some(""));
        assert_eq!(t.get(b), Some("E-1"));
        assert_eq!(t.get(NO_TEXT), None);
        let mut u = Texts::default();
        u.push(Some("x"));
        let map = u.append(&t);
        assert_eq!(u.get(map(a)), Some("不属于本单位"));
        assert_eq!(u.get(map(empty)), Some(""));
        assert_eq!(u.get(map(b)), Some("E-1"));
        assert_eq!(map(NO_TEXT), NO_TEXT);
        assert_eq!(t.get(99), None);
    }
}
