//! Who the student is: the one way a student's name or id is normalised ([`student_id`]),
//! used for the variant seed, the submission, the gradebook and the roster, and the key two
//! ids that merely look alike share ([`lookalike_key`]).

/// A student's id as the app keeps it: control characters removed, whitespace runs (spaces,
/// tabs, newlines, any Unicode white space) made one space, and the ends trimmed. Letters,
/// case and punctuation are kept as typed, so "Ada Lovelace" and "ada lovelace" are two ids
/// (a roster check flags them as look-alikes, see [`lookalike_key`]).
///
/// A name already in this form is returned unchanged, so the variants of names that were
/// trimmed single-spaced text (every name the window accepted before) keep their seeds.
/// An empty result means "no name".
pub fn student_id(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut space = false;
    for c in name.chars() {
        if c.is_whitespace() {
            space = true;
        } else if c.is_control() {
            continue;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// What two ids that a person would take for the same share: the id lower-cased with only its
/// letters and digits kept ("Ada Lovelace", "ada  lovelace " and "ada.lovelace" all give
/// "adalovelace").
pub fn lookalike_key(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_trimmed_single_spaced_and_free_of_control_characters() {
        assert_eq!(student_id("  Ada \t Lovelace\n"), "Ada Lovelace");
        assert_eq!(student_id("Ada\nLovelace,1,2"), "Ada Lovelace,1,2");
        assert_eq!(student_id("Ad\u{7}a"), "Ada");
        assert_eq!(student_id(" \n "), "");
        // Already normalised: unchanged (seeds stay), and normalising twice changes nothing.
        for n in ["Ada Lovelace", "Kurt Gödel", "s1234567", "ada lovelace"] {
            assert_eq!(student_id(n), n);
            assert_eq!(student_id(&student_id(n)), student_id(n));
        }
    }

    #[test]
    fn lookalikes_share_a_key() {
        assert_eq!(lookalike_key("Ada Lovelace"), "adalovelace");
        assert_eq!(lookalike_key("ada.lovelace"), lookalike_key("ADA LOVELACE"));
        assert_ne!(lookalike_key("Ada Lovelace"), lookalike_key("Ada Byron"));
    }
}
