//! Quizzes: multiple choice, one option picked. The only answers a lesson states itself are the
//! options marked `correct`; every option may explain why it is right or wrong.

use super::policy::{GradingPolicy, MAX_POINTS};
use serde::{Deserialize, Serialize};

fn one() -> u32 {
    1
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One option of a quiz.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuizOption {
    pub text: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub correct: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explain: Option<String>,
}

/// A quiz cell; the file form and the validated form are the same.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quiz {
    pub id: String,
    pub prompt: String,
    #[serde(default = "one")]
    pub points: u32,
    pub options: Vec<QuizOption>,
    /// This quiz's grading policy, over the lesson's ([`super::Lesson::policy`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grading: Option<GradingPolicy>,
}

/// The verdict on one choice.
#[derive(Clone, Debug, PartialEq)]
pub struct QuizFeedback {
    pub correct: bool,
    /// The chosen option's explanation, if it has one.
    pub explanation: Option<String>,
}

impl Quiz {
    /// The correct options, 1-based.
    pub fn correct_choices(&self) -> Vec<usize> {
        (1..=self.options.len())
            .filter(|&i| self.options[i - 1].correct)
            .collect()
    }

    /// Checks option `choice` (1-based, as the window numbers them).
    pub fn check(&self, choice: usize) -> Result<QuizFeedback, String> {
        let o = choice.checked_sub(1).and_then(|i| self.options.get(i)).ok_or_else(|| {
            format!(
                "choice {choice} does not exist: the quiz has options 1 to {}",
                self.options.len()
            )
        })?;
        Ok(QuizFeedback {
            correct: o.correct,
            explanation: o.explain.clone(),
        })
    }

    /// Every problem with the quiz as written.
    pub fn validate(&self) -> Vec<String> {
        let mut e = Vec::new();
        if self.options.len() < 2 {
            e.push(format!(
                "a quiz needs at least 2 options, this one has {}",
                self.options.len()
            ));
        }
        if !self.options.iter().any(|o| o.correct) {
            e.push("no option is marked correct: add correct = true to the right one".into());
        }
        if self.prompt.trim().is_empty() {
            e.push("the prompt is empty".into());
        }
        if self.points > MAX_POINTS {
            e.push(format!("points is {}; the limit is {MAX_POINTS}", self.points));
        }
        if let Some(g) = &self.grading {
            e.extend(g.validate(false));
        }
        for (i, o) in self.options.iter().enumerate() {
            if o.text.trim().is_empty() {
                e.push(format!("option {} has no text", i + 1));
            }
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_a_choice_with_its_explanation() {
        let q = Quiz {
            id: "q".into(),
            prompt: "p".into(),
            points: 1,
            options: vec![
                QuizOption {
                    text: "0".into(),
                    correct: true,
                    explain: Some("yes".into()),
                },
                QuizOption {
                    text: "1".into(),
                    correct: false,
                    explain: None,
                },
            ],
            grading: None,
        };
        assert_eq!(
            q.check(1).unwrap(),
            QuizFeedback {
                correct: true,
                explanation: Some("yes".into())
            }
        );
        assert!(!q.check(2).unwrap().correct);
        assert!(q.check(0).is_err() && q.check(3).is_err());
        assert_eq!(q.correct_choices(), vec![1]);
        assert!(q.validate().is_empty());
    }
}
