//! What a student used on an exercise or a quiz, kept for the submission and the lesson's
//! grading policy: the hints seen, a look at the worked solution before a right answer, and
//! when things happened. "Start over" clears answers, not this record (nor the count of checks),
//! so starting over never buys more attempts or hides a peek.

use crate::lesson::policy::{GradingPolicy, Policy};
use serde::{Deserialize, Serialize};

/// The record of one exercise or quiz. Times are seconds since 1970-01-01 UTC.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Record {
    /// The most hints ever shown at once (Start over hides them, but they were read).
    pub hints_used: u32,
    /// The worked solution was opened before the item was answered right.
    pub peeked: bool,
    /// When the worked solution was first opened.
    pub solution_opened_at: Option<u64>,
    pub first_check_at: Option<u64>,
    pub last_check_at: Option<u64>,
}

impl Record {
    /// A check at `now`.
    pub fn checked(&mut self, now: Option<u64>) {
        if self.first_check_at.is_none() {
            self.first_check_at = now;
        }
        if now.is_some() {
            self.last_check_at = now;
        }
    }

    /// The worked solution opened at `now`; `solved`: the item was answered right before.
    pub fn opened_solution(&mut self, now: Option<u64>, solved: bool) {
        self.peeked |= !solved;
        if self.solution_opened_at.is_none() {
            self.solution_opened_at = now;
        }
    }

    /// What two windows recorded for one item, together: the most hints, any peek, the earliest
    /// opening and first check, the latest check.
    pub fn combined(&self, other: &Record) -> Record {
        let earliest = |a: Option<u64>, b: Option<u64>| match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Record {
            hints_used: self.hints_used.max(other.hints_used),
            peeked: self.peeked || other.peeked,
            solution_opened_at: earliest(self.solution_opened_at, other.solution_opened_at),
            first_check_at: earliest(self.first_check_at, other.first_check_at),
            last_check_at: self.last_check_at.max(other.last_check_at),
        }
    }
}

/// The wall clock in seconds since 1970-01-01 UTC (`None` if the clock is set before it).
pub fn unix_now() -> Option<u64> {
    web_time::SystemTime::now()
        .duration_since(web_time::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs())
}

/// The policy in force for an item with its own `grading` table under the lesson's `lesson`,
/// as [`crate::lesson::Lesson::policy`] resolves it.
pub fn policy(lesson: Option<GradingPolicy>, item: Option<&GradingPolicy>) -> Policy {
    lesson.unwrap_or_default().with(item).resolve()
}

/// Why the worked solution cannot be opened yet after `checks` checks, if it cannot.
pub fn solution_refusal(p: &Policy, checks: u32, solved: bool) -> Option<String> {
    use crate::lesson::WorkedSolution;
    if p.solution_available(checks, solved) {
        return None;
    }
    Some(match p.worked_solution {
        WorkedSolution::Never => "This graded lesson does not offer the worked solution.".into(),
        WorkedSolution::AfterAttempts(n) => {
            let more = n.saturating_sub(checks);
            format!(
                "The worked solution opens after {n} check{} ({more} more) or a right answer.",
                if n == 1 { "" } else { "s" }
            )
        }
        WorkedSolution::Always => return None,
    })
}

/// "2 of 3 checks left", or `None` with no limit.
pub fn checks_left_text(p: &Policy, checks: u32) -> Option<String> {
    let max = p.max_attempts?;
    let left = max.saturating_sub(checks);
    Some(match left {
        0 => format!("no checks left (the lesson allows {max})"),
        _ => format!("{left} of {max} check{} left", if max == 1 { "" } else { "s" }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::WorkedSolution;

    #[test]
    fn a_peek_is_a_solution_opened_before_a_right_answer() {
        let mut r = Record::default();
        r.opened_solution(Some(100), true);
        assert!(!r.peeked);
        r.opened_solution(Some(200), false);
        assert!(r.peeked);
        assert_eq!(r.solution_opened_at, Some(100), "the first opening");
        r.checked(Some(5));
        r.checked(None);
        r.checked(Some(9));
        assert_eq!((r.first_check_at, r.last_check_at), (Some(5), Some(9)));
    }

    #[test]
    fn the_texts_count_what_is_left() {
        let p = Policy {
            max_attempts: Some(3),
            worked_solution: WorkedSolution::AfterAttempts(2),
            ..Policy::default()
        };
        assert_eq!(checks_left_text(&p, 1).unwrap(), "2 of 3 checks left");
        assert_eq!(checks_left_text(&p, 3).unwrap(), "no checks left (the lesson allows 3)");
        assert!(solution_refusal(&p, 1, false).unwrap().contains("(1 more)"));
        assert_eq!(solution_refusal(&p, 1, true), None);
        assert_eq!(solution_refusal(&p, 2, false), None);
        assert_eq!(checks_left_text(&Policy::default(), 7), None);
    }
}
