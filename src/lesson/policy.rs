//! A lesson's grading policy: how many checks an item allows, when its worked solution may be
//! opened, and how many points a hint or a peek at the worked solution costs.
//!
//! The file writes a `[grading]` table for the whole lesson and, on an exercise or a quiz, a
//! `grading = { ... }` table that overrides it key by key:
//!
//! ```toml
//! [grading]
//! max_attempts = 3                         # checks per item; absent: no limit
//! worked_solution = { after_attempts = 2 } # or "always" (the default) or "never"
//! hint_deduction = 1                       # points off a right answer per hint shown
//! peek_deduction = 2                       # points off a right answer after a peek
//! edit_mode = false                        # lesson only: students cannot open edit mode
//! ```
//!
//! A peek is the worked solution opened before the item was answered right. Points never go
//! below 0. The window enforces the policy while the student works; `mlp-notebook check` applies
//! it again from the lesson (never from what a submission says), see [`super::grade`].

use serde::{Deserialize, Serialize};
use std::fmt;

/// The most points one item, one deduction or a `max_attempts` may be: the loader refuses more,
/// so a lesson's total stays far from `u32::MAX`.
pub const MAX_POINTS: u32 = 1000;

/// When an item's worked solution may be opened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum WorkedSolution {
    /// At any time (the default).
    #[default]
    Always,
    /// After this many checks of the item (or once it is answered right).
    AfterAttempts(u32),
    /// Not in the window; the instructor's key (`solve`) still has it.
    Never,
}

/// The `grading` table as written, for a lesson or an item: every key optional. An item's table
/// overrides the lesson's key by key; `edit_mode` belongs to the lesson's table only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradingPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worked_solution: Option<WorkedSolution>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint_deduction: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peek_deduction: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit_mode: Option<bool>,
}

impl GradingPolicy {
    /// Every problem with the table as written; `lesson` tells whether it is the lesson's.
    pub fn validate(&self, lesson: bool) -> Vec<String> {
        let mut e = Vec::new();
        if self.max_attempts == Some(0) {
            e.push("grading max_attempts must be 1 or more (leave it out for no limit)".into());
        }
        for (name, v) in [
            ("max_attempts", self.max_attempts),
            ("hint_deduction", self.hint_deduction),
            ("peek_deduction", self.peek_deduction),
        ] {
            if let Some(v) = v
                && v > MAX_POINTS
            {
                e.push(format!("grading {name} is {v}; the limit is {MAX_POINTS}"));
            }
        }
        match self.worked_solution {
            Some(WorkedSolution::AfterAttempts(0)) => {
                e.push("grading worked_solution after_attempts must be 1 or more (write \"always\" for at once)".into())
            }
            Some(WorkedSolution::AfterAttempts(n)) if n > MAX_POINTS => {
                e.push(format!(
                    "grading worked_solution after_attempts is {n}; the limit is {MAX_POINTS}"
                ));
            }
            _ => {}
        }
        if !lesson && self.edit_mode.is_some() {
            e.push("grading edit_mode is set for the whole lesson, in its [grading] table, not on an item".into());
        }
        e
    }

    /// This table with `item`'s keys put over it.
    pub fn with(&self, item: Option<&GradingPolicy>) -> GradingPolicy {
        let Some(i) = item else { return *self };
        GradingPolicy {
            max_attempts: i.max_attempts.or(self.max_attempts),
            worked_solution: i.worked_solution.or(self.worked_solution),
            hint_deduction: i.hint_deduction.or(self.hint_deduction),
            peek_deduction: i.peek_deduction.or(self.peek_deduction),
            edit_mode: self.edit_mode,
        }
    }

    /// The policy in force, with the defaults for keys not written.
    pub fn resolve(&self) -> Policy {
        Policy {
            max_attempts: self.max_attempts,
            worked_solution: self.worked_solution.unwrap_or_default(),
            hint_deduction: self.hint_deduction.unwrap_or(0),
            peek_deduction: self.peek_deduction.unwrap_or(0),
        }
    }
}

/// The policy in force for one item (the lesson's table with the item's over it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    /// Checks allowed; `None`: no limit.
    pub max_attempts: Option<u32>,
    pub worked_solution: WorkedSolution,
    /// Points off a right answer per hint shown.
    pub hint_deduction: u32,
    /// Points off a right answer when the worked solution was opened before it.
    pub peek_deduction: u32,
}

impl Policy {
    /// Checks left after `checks` (`None`: no limit).
    pub fn attempts_left(&self, checks: u32) -> Option<u32> {
        self.max_attempts.map(|m| m.saturating_sub(checks))
    }

    /// Whether another check is allowed after `checks`.
    pub fn may_check(&self, checks: u32) -> bool {
        self.attempts_left(checks) != Some(0)
    }

    /// Whether the worked solution may be opened after `checks` (`solved`: answered right).
    pub fn solution_available(&self, checks: u32, solved: bool) -> bool {
        match self.worked_solution {
            WorkedSolution::Always => true,
            WorkedSolution::AfterAttempts(n) => solved || checks >= n,
            WorkedSolution::Never => false,
        }
    }

    /// The points a right answer worth `max` scores after `hints` hints and, if `peeked`, a look
    /// at the worked solution first; never below 0 (checked arithmetic throughout).
    pub fn points(&self, max: u32, hints: u32, peeked: bool) -> u32 {
        let hint_cost = self.hint_deduction.saturating_mul(hints);
        let peek_cost = if peeked { self.peek_deduction } else { 0 };
        max.saturating_sub(hint_cost.saturating_add(peek_cost))
    }

    /// Whether this is the default policy (nothing limited, nothing deducted).
    pub fn is_default(&self) -> bool {
        *self == Policy::default()
    }
}

/// The table form of [`WorkedSolution::AfterAttempts`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AfterTable {
    after_attempts: u32,
}

impl Serialize for WorkedSolution {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            WorkedSolution::Always => s.serialize_str("always"),
            WorkedSolution::Never => s.serialize_str("never"),
            WorkedSolution::AfterAttempts(n) => AfterTable { after_attempts: n }.serialize(s),
        }
    }
}

// By hand, like the tolerance: `"always"`, `"never"` or `{ after_attempts = N }`.
impl<'de> Deserialize<'de> for WorkedSolution {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<WorkedSolution, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = WorkedSolution;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("\"always\", \"never\" or a table such as { after_attempts = 2 }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<WorkedSolution, E> {
                match v {
                    "always" => Ok(WorkedSolution::Always),
                    "never" => Ok(WorkedSolution::Never),
                    other => Err(E::custom(format!(
                        "unknown worked_solution '{other}'; write \"always\", \"never\" or {{ after_attempts = 2 }}"
                    ))),
                }
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<WorkedSolution, A::Error> {
                let t = AfterTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(WorkedSolution::AfterAttempts(t.after_attempts))
            }
        }
        d.deserialize_any(V)
    }
}

impl fmt::Display for WorkedSolution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WorkedSolution::Always => f.write_str("always"),
            WorkedSolution::AfterAttempts(n) => write!(f, "after {n} attempt{}", if *n == 1 { "" } else { "s" }),
            WorkedSolution::Never => f.write_str("never"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 5 points, 1 off per hint and 2 for a peek: 2 hints and a peek leave 5 - 2 - 2 = 1;
    /// 4 hints and a peek would be 5 - 4 - 2 = -1, which stops at 0.
    #[test]
    fn deductions_never_go_below_zero() {
        let p = Policy {
            hint_deduction: 1,
            peek_deduction: 2,
            ..Policy::default()
        };
        assert_eq!(p.points(5, 2, true), 1);
        assert_eq!(p.points(5, 4, true), 0);
        assert_eq!(p.points(5, 0, false), 5);
        let huge = Policy {
            hint_deduction: u32::MAX,
            peek_deduction: u32::MAX,
            ..Policy::default()
        };
        assert_eq!(huge.points(5, u32::MAX, true), 0);
    }

    #[test]
    fn an_item_overrides_the_lesson_key_by_key() {
        let lesson = GradingPolicy {
            max_attempts: Some(3),
            hint_deduction: Some(1),
            edit_mode: Some(false),
            ..GradingPolicy::default()
        };
        let item = GradingPolicy {
            max_attempts: Some(1),
            worked_solution: Some(WorkedSolution::Never),
            ..GradingPolicy::default()
        };
        let p = lesson.with(Some(&item)).resolve();
        assert_eq!(
            p,
            Policy {
                max_attempts: Some(1),
                worked_solution: WorkedSolution::Never,
                hint_deduction: 1,
                peek_deduction: 0
            }
        );
        assert_eq!(p.attempts_left(0), Some(1));
        assert!(p.may_check(0) && !p.may_check(1));
        assert!(!p.solution_available(5, true));
        let after = Policy {
            worked_solution: WorkedSolution::AfterAttempts(2),
            ..Policy::default()
        };
        assert!(!after.solution_available(1, false) && after.solution_available(2, false));
        assert!(after.solution_available(0, true));
    }

    #[test]
    fn tables_are_checked() {
        let bad = GradingPolicy {
            max_attempts: Some(0),
            hint_deduction: Some(MAX_POINTS + 1),
            worked_solution: Some(WorkedSolution::AfterAttempts(0)),
            edit_mode: Some(true),
            ..GradingPolicy::default()
        };
        let e = bad.validate(false);
        assert_eq!(e.len(), 4, "{e:?}");
        assert!(e[1].contains("hint_deduction is 1001; the limit is 1000"));
        assert_eq!(bad.validate(true).len(), 3);
    }

    #[test]
    fn worked_solution_reads_its_three_forms() {
        #[derive(Deserialize)]
        struct T {
            w: WorkedSolution,
        }
        let read = |s: &str| toml::from_str::<T>(s).map(|t| t.w);
        assert_eq!(read("w = \"always\"").unwrap(), WorkedSolution::Always);
        assert_eq!(read("w = \"never\"").unwrap(), WorkedSolution::Never);
        assert_eq!(
            read("w = { after_attempts = 2 }").unwrap(),
            WorkedSolution::AfterAttempts(2)
        );
        assert!(
            read("w = \"sometimes\"")
                .unwrap_err()
                .to_string()
                .contains("unknown worked_solution")
        );
    }
}
