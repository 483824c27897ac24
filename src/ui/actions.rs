//! The window's actions in one table: each has its label, its hover hint and its keyboard
//! shortcuts. The menus, the keyboard listener and the F1 list are all built from it, so they
//! cannot disagree (rerun's `UICommand` does the same).

use crate::app::export::ExportCommand;
use crate::app::{AppState, Command, NetCommand, StepNav, StudentCommand};
use egui::{Key, KeyboardShortcut, Modifiers, Ui};

/// Something the user can ask for from a menu or a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    NewLesson,
    NewNetwork,
    Open,
    ImportWeights,
    Save,
    SaveAs,
    ExportAs,
    SaveTrained,
    Undo,
    Redo,
    EditMode,
    StartOver,
    ZoomIn,
    ZoomOut,
    ZoomReset,
    NextStep,
    PrevStep,
    FirstStep,
    LastStep,
    LeaveStepper,
    Shortcuts,
    Glossary,
}

const CTRL: Modifiers = Modifiers::COMMAND;
const CTRL_SHIFT: Modifiers = Modifiers::COMMAND.plus(Modifiers::SHIFT);
const fn key(modifiers: Modifiers, key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(modifiers, key)
}

/// A `'static` list of shortcuts (a constant, so the table can hand out references).
macro_rules! keys {
    ($($k:expr),+) => {{
        const KEYS: &[KeyboardShortcut] = &[$($k),+];
        KEYS
    }};
}

impl Action {
    /// Every action, in the order the F1 list shows them.
    pub const ALL: [Action; 22] = [
        Action::NewLesson,
        Action::NewNetwork,
        Action::Open,
        Action::ImportWeights,
        Action::Save,
        Action::SaveAs,
        Action::ExportAs,
        Action::SaveTrained,
        Action::Undo,
        Action::Redo,
        Action::EditMode,
        Action::StartOver,
        Action::ZoomIn,
        Action::ZoomOut,
        Action::ZoomReset,
        Action::NextStep,
        Action::PrevStep,
        Action::FirstStep,
        Action::LastStep,
        Action::LeaveStepper,
        Action::Shortcuts,
        Action::Glossary,
    ];

    /// The menu item's text (sentence case; an ellipsis where a dialog opens).
    pub fn label(self) -> &'static str {
        match self {
            Action::NewLesson => "New lesson...",
            Action::NewNetwork => "New network",
            Action::Open => "Open...",
            Action::ImportWeights => "Import weights...",
            Action::Save => "Save",
            Action::SaveAs => "Save as...",
            Action::ExportAs => "Export as...",
            Action::SaveTrained => "Save trained network...",
            Action::Undo => "Undo",
            Action::Redo => "Redo",
            Action::EditMode => "Edit lesson",
            Action::StartOver => "Start this lesson over...",
            Action::ZoomIn => "Zoom in",
            Action::ZoomOut => "Zoom out",
            Action::ZoomReset => "Reset zoom",
            Action::NextStep => "Next backprop step",
            Action::PrevStep => "Previous backprop step",
            Action::FirstStep => "First step",
            Action::LastStep => "Last step",
            Action::LeaveStepper => "Leave the stepper (show everything live)",
            Action::Shortcuts => "Keyboard shortcuts",
            Action::Glossary => "Glossary",
        }
    }

    /// The hover hint.
    pub fn tooltip(self) -> &'static str {
        match self {
            Action::NewLesson => {
                "A lesson from nothing: asks for its title, starts with a text cell and a network cell"
            }
            Action::NewNetwork => "A new small network (2 inputs, 3 ReLU units, 1 output)",
            Action::Open => "Open a lesson, a network or a CSV data set",
            Action::ImportWeights => {
                "Open a network trained in PyTorch or NumPy: its .safetensors or .npz file of weights"
            }
            Action::Save => "Save the lesson to its file",
            Action::SaveAs => "Save the lesson to a new file",
            Action::ExportAs => "A network or training cell as a PyTorch, Keras or NumPy script with the same numbers",
            Action::SaveTrained => {
                "Save the first training cell's network as trained, with its input scaling, as a network file"
            }
            Action::Undo => "Take back the last change",
            Action::Redo => "Do again what was taken back",
            Action::EditMode => "Add, remove, move and change cells; off shows the page as a student sees it",
            Action::StartOver => "Clear your answers to this lesson and begin again (asks first)",
            Action::ZoomIn | Action::ZoomOut | Action::ZoomReset => "Make everything larger or smaller",
            Action::NextStep | Action::PrevStep => "Walk the chain rule one step at a time",
            Action::FirstStep | Action::LastStep => {
                "While the stepper steps; otherwise Home and End scroll the page (as Page Up and Page Down do)"
            }
            Action::LeaveStepper => "Every value shown live again",
            Action::Shortcuts => "This list",
            Action::Glossary => "Every symbol and term the app shows, with its formula and the lesson that teaches it",
        }
    }

    /// The keys that run the action; the first is the one shown.
    pub fn shortcuts(self) -> &'static [KeyboardShortcut] {
        const NONE: Modifiers = Modifiers::NONE;
        match self {
            Action::NewLesson => keys![key(CTRL_SHIFT, Key::N)],
            Action::NewNetwork => keys![key(CTRL, Key::N)],
            Action::Open => keys![key(CTRL, Key::O)],
            Action::ImportWeights => keys![key(CTRL_SHIFT, Key::I)],
            Action::Save => keys![key(CTRL, Key::S)],
            Action::SaveAs => keys![key(CTRL_SHIFT, Key::S)],
            Action::ExportAs => keys![key(CTRL_SHIFT, Key::E)],
            Action::SaveTrained => keys![key(CTRL_SHIFT, Key::T)],
            Action::Undo => keys![key(CTRL, Key::Z)],
            Action::Redo => keys![key(CTRL_SHIFT, Key::Z), key(CTRL, Key::Y)],
            Action::EditMode => keys![key(CTRL, Key::E)],
            Action::StartOver => keys![key(CTRL_SHIFT, Key::Backspace)],
            Action::ZoomIn => keys![key(CTRL, Key::Plus), key(CTRL, Key::Equals)],
            Action::ZoomOut => keys![key(CTRL, Key::Minus)],
            Action::ZoomReset => keys![key(CTRL, Key::Num0)],
            Action::NextStep => keys![key(NONE, Key::ArrowRight)],
            Action::PrevStep => keys![key(NONE, Key::ArrowLeft)],
            Action::FirstStep => keys![key(NONE, Key::Home)],
            Action::LastStep => keys![key(NONE, Key::End)],
            Action::LeaveStepper => keys![key(NONE, Key::Escape)],
            Action::Shortcuts => keys![key(NONE, Key::F1)],
            Action::Glossary => keys![key(Modifiers::SHIFT, Key::F1)],
        }
    }

    /// Whether the keys act while a text field has the keyboard. Undo and redo then belong to
    /// the field, and the arrows, Home, End and Escape move its cursor; Ctrl+Shift+Backspace
    /// deletes in the field rather than asking to start over.
    fn while_typing(self) -> bool {
        !matches!(
            self,
            Action::Undo
                | Action::Redo
                | Action::StartOver
                | Action::NextStep
                | Action::PrevStep
                | Action::FirstStep
                | Action::LastStep
                | Action::LeaveStepper
        )
    }

    /// Whether the action can run now.
    pub fn enabled(self, state: &AppState) -> bool {
        match self {
            Action::Undo => state.can_undo(),
            Action::SaveTrained => state.first_trained().is_some(),
            Action::Redo => state.can_redo(),
            Action::NextStep | Action::PrevStep | Action::FirstStep | Action::LastStep | Action::LeaveStepper => {
                state.stepper_net().is_some()
            }
            _ => true,
        }
    }

    /// The command the action sends, if it can run now.
    pub fn command(self, state: &AppState) -> Option<Command> {
        let zoom = state.session.settings.view.zoom;
        let step = |nav| {
            state.stepper_net().map(|cell| Command::Net {
                cell,
                cmd: NetCommand::Step(nav),
            })
        };
        Some(match self {
            Action::NewLesson => Command::NewLesson,
            Action::NewNetwork => Command::NewNetwork,
            Action::Open => Command::Open,
            Action::ImportWeights => Command::Weights(crate::app::weights::WeightsCommand::Import),
            Action::Save => Command::Save,
            Action::SaveAs => Command::SaveAs,
            Action::ExportAs => Command::Export(ExportCommand::Open),
            Action::SaveTrained => Command::Lab(crate::app::LabCommand::SaveTrained { cell: None }),
            Action::Undo => Command::Undo,
            Action::Redo => Command::Redo,
            Action::EditMode => Command::SetEditMode(!state.session.edit_mode),
            Action::StartOver => Command::Student(StudentCommand::StartOver),
            Action::ZoomIn => Command::SetZoom(zoom_step(zoom, true)),
            Action::ZoomOut => Command::SetZoom(zoom_step(zoom, false)),
            Action::ZoomReset => Command::SetZoom(1.0),
            Action::NextStep => return step(StepNav::Next),
            Action::PrevStep => return step(StepNav::Prev),
            Action::FirstStep => return step(StepNav::First),
            Action::LastStep => return step(StepNav::Last),
            Action::LeaveStepper => return step(StepNav::Reset),
            Action::Shortcuts => Command::ShowShortcuts(true),
            Action::Glossary => Command::ShowGlossary(true),
        })
    }

    /// The shortcuts as the F1 list writes them ("Ctrl+Shift+Z or Ctrl+Y").
    pub fn shortcut_text(self, ctx: &egui::Context) -> String {
        let keys: Vec<String> = self.shortcuts().iter().map(|s| ctx.format_shortcut(s)).collect();
        keys.join(" or ")
    }
}

/// The zoom levels Ctrl+Plus and Ctrl+Minus step through (as a browser's), 1.5 among them for
/// a projector.
pub const ZOOM_LEVELS: [f32; 12] = [0.5, 0.67, 0.75, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5];

/// The next zoom level up (or down) from `zoom`; a zoom between levels goes to the nearest one
/// in that direction, and the ends stay where they are.
pub fn zoom_step(zoom: f32, up: bool) -> f32 {
    let eps = 1e-3;
    let next = if up {
        ZOOM_LEVELS.iter().find(|&&z| z > zoom + eps)
    } else {
        ZOOM_LEVELS.iter().rev().find(|&&z| z < zoom - eps)
    };
    next.copied().unwrap_or(zoom)
}

/// Runs the actions whose keys were pressed this frame. Shortcuts with more modifiers are
/// tried first, so Ctrl+Shift+S is Save as, not Save.
pub fn listen(ui: &mut Ui, state: &AppState, out: &mut Vec<Command>) {
    // A save's question or the offer of unsaved changes has the keys (Escape answers it); no
    // shortcut runs behind it.
    if state.session.save_question.is_some() || state.session.restore_offer.is_some() {
        return;
    }
    let typing = ui.ctx().egui_wants_keyboard_input();
    // Escape closes what is open on top first: an open menu (egui closes it), then the F1
    // list or the About window; only then does it leave the stepper.
    let menu_open = egui::Popup::is_any_open(ui.ctx());
    let window_open = state.session.show_shortcuts || state.session.show_about;
    if !menu_open && window_open && ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape)) {
        if state.session.show_shortcuts {
            out.push(Command::ShowShortcuts(false));
        }
        if state.session.show_about {
            out.push(Command::ShowAbout(false));
        }
    }
    let mut order = Action::ALL;
    order.sort_by_key(|a| std::cmp::Reverse(a.shortcuts().iter().map(|s| modifier_count(s.modifiers)).max()));
    ui.input_mut(|i| {
        for a in order {
            if typing && !a.while_typing() || a == Action::LeaveStepper && menu_open {
                continue;
            }
            // Home and End scroll the page unless the stepper is walking the chain rule.
            if matches!(a, Action::FirstStep | Action::LastStep) && !state.stepping() {
                continue;
            }
            let pressed = a.shortcuts().iter().any(|s| i.consume_shortcut(s));
            if pressed && let Some(c) = a.command(state) {
                out.push(c);
            }
        }
    });
}

/// Page Up and Page Down scroll the page by most of its height, Home and End to its top and
/// bottom (when [`listen`] left them: the stepper has them while it steps). Call inside the
/// page's scroll area; nothing happens while a text field has the keyboard or a question is open.
pub fn page_keys(ui: &mut Ui, state: &AppState) {
    if ui.ctx().egui_wants_keyboard_input()
        || state.session.pending.is_some()
        || state.session.save_question.is_some()
        || state.session.restore_offer.is_some()
        || state.session.path_prompt.is_some()
        || state.session.confirm_start_over
    {
        return;
    }
    let page = ui.clip_rect().height() * 0.9;
    // Further than any page is long; the scroll area stops at its ends.
    let far = 1.0e7;
    let dy = ui.input_mut(|i| {
        let mut dy = 0.0;
        for (k, d) in [
            (Key::PageUp, page),
            (Key::PageDown, -page),
            (Key::Home, far),
            (Key::End, -far),
        ] {
            if i.consume_key(Modifiers::NONE, k) {
                dy += d;
            }
        }
        dy
    });
    if dy != 0.0 {
        ui.scroll_with_delta_animation(egui::vec2(0.0, dy), egui::style::ScrollAnimation::none());
    }
}

/// Where the widgets of a scrolling area start among the widgets of its layer: call first
/// thing inside the area, and hand the result to [`keep_focus_in_view`] at its end.
pub fn widgets_so_far(ui: &Ui) -> usize {
    let layer = ui.layer_id();
    ui.ctx().viewport(|v| v.this_pass.widgets.get_layer(layer).count())
}

/// Tab and Shift+Tab move the keyboard's focus (egui does that); this scrolls the area so the
/// widget that just took the focus shows, when it is one of the area's own widgets (the ones
/// added since `first`, from [`widgets_so_far`]). Call last thing inside the scroll area.
pub fn keep_focus_in_view(ui: &mut Ui, first: usize) {
    let Some(id) = ui.memory(|m| m.focused()) else {
        return;
    };
    let seen = ui.scope_id().with("focus scrolled to");
    if ui.data(|d| d.get_temp::<egui::Id>(seen)) == Some(id) {
        return;
    }
    ui.data_mut(|d| d.insert_temp(seen, id));
    let layer = ui.layer_id();
    let end = widgets_so_far(ui);
    let rect = ui.ctx().viewport(|v| {
        let w = &v.this_pass.widgets;
        match w.order(id) {
            Some((l, i)) if l == layer && (first..end).contains(&i) => w.get(id).map(|r| r.rect),
            _ => None,
        }
    });
    if let Some(rect) = rect {
        ui.scroll_to_rect_animation(rect, None, egui::style::ScrollAnimation::none());
    }
}

fn modifier_count(m: Modifiers) -> usize {
    [m.alt, m.ctrl || m.command || m.mac_cmd, m.shift]
        .iter()
        .filter(|&&b| b)
        .count()
}

/// A menu item for `action`: its label, its first shortcut on the right, its hint; greyed out
/// when it cannot run.
pub fn menu_item(ui: &mut Ui, state: &AppState, action: Action, out: &mut Vec<Command>) {
    let shortcut = action
        .shortcuts()
        .first()
        .map(|s| ui.ctx().format_shortcut(s))
        .unwrap_or_default();
    let clicked = ui
        .add_enabled(
            action.enabled(state),
            egui::Button::new(action.label()).shortcut_text(shortcut),
        )
        .on_hover_text(action.tooltip())
        .clicked();
    if clicked && let Some(c) = action.command(state) {
        out.push(c);
    }
}

/// The F1 list: every action with its keys.
pub fn shortcuts_table_ui(ui: &mut Ui) {
    egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
        for a in Action::ALL {
            ui.monospace(a.shortcut_text(ui.ctx()));
            ui.label(a.label());
            ui.end_row();
        }
    });
}
