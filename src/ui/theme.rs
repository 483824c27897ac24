//! Colours, sizes and fonts in one place. The sign pair is Okabe-Ito blue and vermillion, safe
//! for colour-blind readers; sign is never shown by colour alone (negative edges are dashed,
//! every number carries its sign).

use egui::Color32;

/// Positive weights and values.
pub fn positive(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(86, 180, 233)
    } else {
        Color32::from_rgb(0, 114, 178)
    }
}

/// Negative weights and values.
pub fn negative(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(240, 140, 60)
    } else {
        Color32::from_rgb(213, 94, 0)
    }
}

/// A value written by the current stepper step.
pub fn write_highlight(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(120, 100, 20)
    } else {
        Color32::from_rgb(255, 226, 120)
    }
}

/// A value read by the current stepper step.
pub fn read_highlight(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(30, 70, 90)
    } else {
        Color32::from_rgb(200, 232, 250)
    }
}

/// A selected node or edge.
pub fn selection(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(230, 230, 230)
    } else {
        Color32::from_rgb(20, 20, 20)
    }
}

/// Inactive (zero after ReLU) node fill.
pub fn inactive_fill(dark: bool) -> Color32 {
    if dark {
        Color32::from_gray(60)
    } else {
        Color32::from_gray(215)
    }
}

/// Active node fill.
pub fn node_fill(dark: bool) -> Color32 {
    if dark { Color32::from_gray(35) } else { Color32::WHITE }
}

/// Text on an inactive node.
pub fn inactive_text(dark: bool) -> Color32 {
    if dark {
        Color32::from_gray(130)
    } else {
        Color32::from_gray(120)
    }
}

/// A correct answer (Okabe-Ito bluish green); always with a tick and the word.
pub fn correct(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(80, 200, 160)
    } else {
        Color32::from_rgb(0, 130, 95)
    }
}

/// A wrong answer or entry (vermillion); always with a cross and the word, or an outline.
pub fn wrong(dark: bool) -> Color32 {
    negative(dark)
}

/// Height of the network diagram (at most; it shrinks with the window down to the minimum).
pub const DIAGRAM_HEIGHT: f32 = 340.0;
/// The smallest diagram height.
pub const DIAGRAM_MIN_HEIGHT: f32 = 240.0;
/// Height per unit row of the diagram, and the least height of a diagram of one-unit layers.
pub const DIAGRAM_ROW: f32 = 80.0;
pub const DIAGRAM_SMALLEST: f32 = 150.0;
/// Width of one number cell in the matrix view.
pub const CELL_WIDTH: f32 = 52.0;
/// Width of the stepper column.
pub const STEPPER_WIDTH: f32 = 470.0;

/// Okabe-Ito's eight colours, safe for colour-blind readers: the classes of a data set (which
/// also differ by marker) and the curves of kept runs and layers.
pub const CLASS_COLORS: [Color32; 8] = [
    Color32::from_rgb(230, 159, 0),
    Color32::from_rgb(86, 180, 233),
    Color32::from_rgb(0, 158, 115),
    Color32::from_rgb(204, 121, 167),
    Color32::from_rgb(0, 114, 178),
    Color32::from_rgb(213, 94, 0),
    Color32::from_rgb(240, 228, 66),
    Color32::from_rgb(100, 100, 100),
];

/// The colour of class `k` (the palette repeats after eight).
pub fn class_color(k: usize) -> Color32 {
    CLASS_COLORS[k % CLASS_COLORS.len()]
}

/// The ground that plot pictures and shaded cells fade from (a value of 0, an undecided
/// region, an empty cell): white, or a dark grey in the dark theme.
pub fn plot_background(dark: bool) -> Color32 {
    if dark { Color32::from_gray(30) } else { Color32::WHITE }
}
