//! The class roster: a CSV of `id,name,email` (email optional, a header row optional), read
//! with every problem listed by line: empty ids, the same id twice, two ids that look alike.
//! Ids and names are normalised with [`student_id`], like everywhere else.

use crate::lesson::{lookalike_key, student_id};

/// One student on the roster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterEntry {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
}

/// The roster's students and the problems found reading it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Roster {
    pub entries: Vec<RosterEntry>,
    pub problems: Vec<String>,
}

/// One CSV line's cells: commas split, double quotes group and `""` is a quote.
fn cells(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    out.push(cell);
    out
}

/// Reads a roster (see the module comment); `name` is the file's name for messages.
pub fn parse_roster(name: &str, text: &str) -> Roster {
    let mut r = Roster::default();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines: Vec<usize> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let c = cells(line);
        let id = student_id(&c[0]);
        if n == 1 && id.eq_ignore_ascii_case("id") {
            continue;
        }
        if id.is_empty() {
            r.problems.push(format!("{name}:{n}: the id is empty"));
            continue;
        }
        let entry = RosterEntry {
            id,
            name: student_id(c.get(1).map_or("", String::as_str)),
            email: c.get(2).map(|e| e.trim().to_string()).filter(|e| !e.is_empty()),
        };
        if let Some(k) = r.entries.iter().position(|e| e.id == entry.id) {
            r.problems
                .push(format!("{name}:{n}: id '{}' is already on line {}", entry.id, lines[k]));
            continue;
        }
        if let Some(k) = r
            .entries
            .iter()
            .position(|e| lookalike_key(&e.id) == lookalike_key(&entry.id))
        {
            r.problems.push(format!(
                "{name}:{n}: id '{}' looks like '{}' on line {}",
                entry.id, r.entries[k].id, lines[k]
            ));
        }
        r.entries.push(entry);
        lines.push(n);
    }
    r
}

impl Roster {
    /// The entry a submission's id belongs to: its id, name or email exactly (the email without
    /// regard to case). Else `Err(Some(entry))` for an entry it only looks like, `Err(None)`.
    pub fn find(&self, id: &str) -> Result<&RosterEntry, Option<&RosterEntry>> {
        let exact = self.entries.iter().find(|e| {
            e.id == id
                || (!e.name.is_empty() && e.name == id)
                || e.email.as_ref().is_some_and(|m| m.eq_ignore_ascii_case(id))
        });
        if let Some(e) = exact {
            return Ok(e);
        }
        let key = lookalike_key(id);
        Err(self
            .entries
            .iter()
            .find(|e| !key.is_empty() && (lookalike_key(&e.id) == key || lookalike_key(&e.name) == key)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_roster_lists_its_problems_by_line() {
        let text = "id,name,email\ns1,Ada Lovelace,ada@example.org\n,Nobody\ns1,Again\nS-1,Look alike\n\"s2\",\"Hopper, Grace\"\n";
        let r = parse_roster("r.csv", text);
        assert_eq!(
            r.problems,
            [
                "r.csv:3: the id is empty",
                "r.csv:4: id 's1' is already on line 2",
                "r.csv:5: id 'S-1' looks like 's1' on line 2"
            ]
        );
        assert_eq!(r.entries.len(), 3);
        assert_eq!(r.entries[2].name, "Hopper, Grace");
        assert_eq!(r.find("Ada Lovelace").unwrap().id, "s1");
        assert_eq!(r.find("ADA@example.org").unwrap().id, "s1");
        assert_eq!(r.find("ada lovelace").unwrap_err().unwrap().id, "s1");
        assert_eq!(r.find("Alan Turing"), Err(None));
    }
}
