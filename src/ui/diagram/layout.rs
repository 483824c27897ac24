//! The diagram's geometry: the allocated size, node centres by `(column, unit)`, the node
//! radius and where headings go. Every size of the layout is a constant here.

use super::MAX_NODES;
use crate::ui::theme;
use egui::{Pos2, Rect, Vec2, pos2, vec2};

/// Where everything goes in the diagram's rectangle; every size of the layout lives here.
pub(super) struct Layout {
    rect: Rect,
    pub(super) widths: Vec<usize>,
    pub(super) radius: f32,
}

impl Layout {
    /// Room left of the first column's centre and right of the last one's.
    const SIDE: f32 = 50.0;
    /// Room above the first node (the column headings).
    const TOP: f32 = 40.0;
    /// Height not given to node rows: the headings above and a margin below.
    const V_MARGIN: f32 = 60.0;
    /// The diagram is never narrower than this.
    const MIN_WIDTH: f32 = 300.0;
    /// Headings' first line below the top: one line sits lower than two.
    const HEADING_ONE_LINE: f32 = 12.0;
    const HEADING_TWO_LINES: f32 = 6.0;
    const HEADING_LINE: f32 = 13.0;
    /// The column label's centre above the bottom (in the margin below the nodes).
    const CAPTION_ABOVE_BOTTOM: f32 = 9.0;
    /// The "+N more" note's distance below the last node shown.
    const MORE_BELOW: f32 = 10.0;

    /// The size to allocate for columns of `widths` in `available_width`, on a screen
    /// `screen_h` high. A small network (one or two units per layer) gets a short diagram, not
    /// an empty one.
    pub(super) fn size(available_width: f32, screen_h: f32, widths: &[usize]) -> Vec2 {
        let rows = widths.iter().copied().max().unwrap_or(1).max(1) as f32;
        let fits = (Self::V_MARGIN + theme::DIAGRAM_ROW * rows).max(theme::DIAGRAM_SMALLEST);
        let height = (screen_h * 0.42)
            .clamp(theme::DIAGRAM_MIN_HEIGHT, theme::DIAGRAM_HEIGHT)
            .min(fits);
        vec2(available_width.max(Self::MIN_WIDTH), height)
    }

    pub(super) fn new(rect: Rect, widths: &[usize]) -> Layout {
        let max_units = widths.iter().map(|&w| w.min(MAX_NODES)).max().unwrap_or(1).max(1);
        let mut lay = Layout {
            rect,
            widths: widths.to_vec(),
            radius: 0.0,
        };
        let row_gap = (rect.height() - Self::V_MARGIN) / max_units as f32;
        lay.radius = (row_gap * 0.40).min(lay.col_gap() * 0.22).clamp(9.0, 24.0);
        lay
    }

    /// The number of columns spaced out (at least two, so one column does not divide by 0).
    pub(super) fn columns(&self) -> usize {
        self.widths.len().max(2)
    }

    /// The distance between the centres of neighbouring columns.
    pub(super) fn col_gap(&self) -> f32 {
        (self.rect.width() - 2.0 * Self::SIDE) / (self.columns() - 1) as f32
    }

    /// The screen position of node `unit` in `column`.
    pub(super) fn node_pos(&self, column: usize, unit: usize) -> Pos2 {
        let x = self.rect.left()
            + Self::SIDE
            + (self.rect.width() - 2.0 * Self::SIDE) * column as f32 / (self.columns() - 1) as f32;
        let shown = self.widths[column].min(MAX_NODES);
        let top = self.rect.top() + Self::TOP;
        let h = self.rect.height() - Self::V_MARGIN;
        let gap = h / shown.max(1) as f32;
        let y = top + gap * (unit as f32 + 0.5);
        pos2(x, y)
    }

    /// The centre of heading line `line` (of `lines`) over `column`.
    pub(super) fn heading_pos(&self, column: usize, line: usize, lines: usize) -> Pos2 {
        let top = if lines == 1 {
            Self::HEADING_ONE_LINE
        } else {
            Self::HEADING_TWO_LINES
        };
        let x = self.node_pos(column, 0).x;
        pos2(x, self.rect.top() + top + Self::HEADING_LINE * line as f32)
    }

    /// The centre of the label under `column` that names what its nodes show (`a3`, `δ3`).
    pub(super) fn caption_pos(&self, column: usize) -> Pos2 {
        let x = self.node_pos(column, 0).x;
        pos2(x, self.rect.bottom() - Self::CAPTION_ABOVE_BOTTOM)
    }

    /// The centre of the "+N more" note under a column with more than [`MAX_NODES`] units.
    pub(super) fn more_pos(&self, column: usize) -> Pos2 {
        let q = self.node_pos(column, MAX_NODES - 1);
        pos2(q.x, q.y + self.radius + Self::MORE_BELOW)
    }
}
