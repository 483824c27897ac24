//! A lesson from nothing (File > New lesson...): the title the instructor typed, a text cell
//! and a network cell to start from, and the file name its first save suggests.

use super::files;
use crate::lesson::{Cell, Lesson, NetworkCell, NetworkOptions};

/// A new lesson titled `title`: a text cell with the title as its heading and a network cell
/// (the small network of File > New network) named after the lesson, so the header, the
/// stepper, the saved file and the worksheet all carry the title.
pub fn new_lesson(title: &str) -> Result<Lesson, String> {
    let title = title.trim();
    if title.is_empty() {
        return Err("a lesson needs a title".into());
    }
    super::within_string_limit("The title", title)?;
    let mut doc = files::new_network_doc()?;
    doc.name = Some(title.to_string());
    let options = NetworkOptions {
        id_named: true,
        ..NetworkOptions::new("net1")
    };
    Ok(Lesson {
        title: title.to_string(),
        cells: vec![
            Cell::Text(format!(
                "# {title}\n\nWrite the lesson's introduction here (Markdown). The network below is \
                 yours to change; right-click any value in it to ask for it in an exercise."
            )),
            Cell::Network(Box::new(NetworkCell { options, doc })),
        ],
        ..Lesson::default()
    })
}

/// The file name a lesson titled `title` is first saved as: the title in lower case, letters
/// and digits kept, every other run of characters one `-`, at most 60 characters, `.toml`
/// (`lesson.toml` when nothing is left).
pub fn file_name_for(title: &str) -> String {
    let mut stem = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            stem.push(c);
        } else if !stem.is_empty() && !stem.ends_with('-') {
            stem.push('-');
        }
        if stem.chars().count() >= 60 {
            break;
        }
    }
    let stem = stem.trim_end_matches('-');
    if stem.is_empty() {
        "lesson.toml".into()
    } else {
        format!("{stem}.toml")
    }
}

#[cfg(test)]
mod tests {
    use super::file_name_for;

    #[test]
    fn the_file_name_follows_the_title() {
        assert_eq!(file_name_for("Dropout, by hand!"), "dropout-by-hand.toml");
        assert_eq!(file_name_for("  Über ReLU 2 "), "über-relu-2.toml");
        assert_eq!(file_name_for("???"), "lesson.toml");
        assert_eq!(file_name_for(&"a".repeat(100)), format!("{}.toml", "a".repeat(60)));
    }
}
