//! Positions for other languages: the core reports UTF-8 byte offsets ([`super::ScanFinding::start`]), while
//! Python indexes strings by code point and JavaScript, Kotlin and Swift (`utf16`) by UTF-16 code unit.

/// How a language counts positions in its strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StringUnit {
    /// Unicode scalar values (Python `str`).
    CodePoint,
    /// UTF-16 code units (JavaScript and Kotlin strings).
    Utf16,
}

/// Turns UTF-8 byte offsets of one text into string indexes counted in a [`StringUnit`]. It counts forward
/// from the offset asked last, so offsets in increasing order (as findings come) cost one pass over the text;
/// an earlier offset starts the count again. An offset inside a character gives the index after it.
#[derive(Debug, Clone)]
pub struct StringIndexes<'t> {
    text: &'t str,
    unit: StringUnit,
    /// All ASCII: every index equals its byte offset.
    ascii: bool,
    byte: usize,
    index: usize,
}

impl<'t> StringIndexes<'t> {
    /// Indexes into `text`, counted in `unit`.
    pub fn new(text: &'t str, unit: StringUnit) -> StringIndexes<'t> {
        StringIndexes { text, unit, ascii: text.is_ascii(), byte: 0, index: 0 }
    }

    /// The string index of the byte offset `offset` (offsets past the end count to the end).
    pub fn index_of(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        if self.ascii {
            return offset;
        }
        if offset < self.byte {
            (self.byte, self.index) = (0, 0);
        }
        let span = self.text.as_bytes().get(self.byte..offset).unwrap_or_default();
        // A character starts at every byte but continuation bytes; UTF-16 needs two units for those of four.
        let characters = span.iter().filter(|&&b| b & 0xC0 != 0x80).count();
        let pairs = match self.unit {
            StringUnit::CodePoint => 0,
            StringUnit::Utf16 => span.iter().filter(|&&b| b >= 0xF0).count(),
        };
        self.byte = offset;
        self.index += characters + pairs;
        self.index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_agree_with_the_standard_library_in_any_order() {
        let text = "ab é 𝄞 c\u{FFFD}x 404001 ✓";
        let boundaries: Vec<usize> = text.char_indices().map(|(at, _)| at).chain([text.len()]).collect();
        let mut order = boundaries.clone();
        order.extend(boundaries.iter().rev());
        for unit in [StringUnit::CodePoint, StringUnit::Utf16] {
            let mut indexes = StringIndexes::new(text, unit);
            for &offset in &order {
                let before = text.get(..offset).unwrap();
                let expected = match unit {
                    StringUnit::CodePoint => before.chars().count(),
                    StringUnit::Utf16 => before.encode_utf16().count(),
                };
                assert_eq!(indexes.index_of(offset), expected, "{unit:?} at {offset}");
            }
        }
        let mut ascii = StringIndexes::new("plain 404001", StringUnit::Utf16);
        assert_eq!((ascii.index_of(6), ascii.index_of(99)), (6, 12));
    }
}
