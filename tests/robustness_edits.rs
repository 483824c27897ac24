//! Any sequence of edits, page changes, stepper moves, undos and redos, with indices in and
//! out of range and odd values, leaves the app consistent (every network's data fits its
//! shape) and never panics; undoing everything gives back the lesson as it opened. Clicking
//! whatever is clickable in the window, in any order, does not break it either.

use egui_kittest::Harness;
use mlp_notebook::app::edit::{NewCell, PageEdit};
use mlp_notebook::app::{AppState, CellState, Command, Edit, NetCommand, StepNav};
use mlp_notebook::nn::doc::Syntax;
use mlp_notebook::nn::{Activation, LossKind, OptimizerKind, Reduction};
use mlp_notebook::window::NotebookApp;
use proptest::prelude::*;

const ODD: [f64; 10] = [0.0, -1.0, 2.5, 1e308, -1e308, 5e-324, 1e9, f64::NAN, f64::INFINITY, 7.0];

fn value() -> impl Strategy<Value = f64> {
    (0..ODD.len()).prop_map(|i| ODD[i])
}

fn edit() -> impl Strategy<Value = Edit> {
    let i = || 0..9usize;
    prop_oneof![
        (i(), i(), i(), value()).prop_map(|(layer, row, col, value)| Edit::Weight { layer, row, col, value }),
        (i(), i(), value()).prop_map(|(layer, unit, value)| Edit::Bias { layer, unit, value }),
        (i(), i(), value()).prop_map(|(sample, index, value)| Edit::Input { sample, index, value }),
        (i(), i(), value()).prop_map(|(sample, index, value)| Edit::Target { sample, index, value }),
        (i(), 0..Activation::ALL.len()).prop_map(|(layer, a)| Edit::Activation {
            layer,
            activation: Activation::ALL[a]
        }),
        (0..LossKind::NAMES.len()).prop_map(|k| Edit::Loss(LossKind::from_name(LossKind::NAMES[k]).unwrap())),
        prop_oneof![Just(Reduction::Mean), Just(Reduction::Sum)].prop_map(Edit::Reduction),
        i().prop_map(|index| Edit::InsertLayer { index }),
        i().prop_map(|index| Edit::RemoveLayer { index }),
        i().prop_map(|layer| Edit::AddUnit { layer }),
        (i(), i()).prop_map(|(layer, unit)| Edit::RemoveUnit { layer, unit }),
        Just(Edit::AddInput),
        i().prop_map(|index| Edit::RemoveInput { index }),
        i().prop_map(|from| Edit::AddSample { from }),
        i().prop_map(|sample| Edit::RemoveSample { sample }),
        value().prop_map(Edit::LearningRate),
        (0..OptimizerKind::ALL.len()).prop_map(|k| Edit::Optimizer(OptimizerKind::ALL[k])),
        Just(Edit::ApplyUpdate),
    ]
}

fn command() -> impl Strategy<Value = Command> {
    let cell = || 0..20usize;
    let kinds = [
        NewCell::Text,
        NewCell::Network,
        NewCell::Exercise,
        NewCell::Quiz,
        NewCell::Plot,
    ];
    prop_oneof![
        6 => (cell(), edit()).prop_map(|(cell, edit)| Command::Net { cell, cmd: NetCommand::Edit(edit) }),
        1 => (cell(), 0..9usize).prop_map(|(cell, layer)| Command::Net { cell, cmd: NetCommand::SelectLayer(layer) }),
        1 => (cell(), 0..5usize).prop_map(|(cell, sample)| Command::Net { cell, cmd: NetCommand::SetSample(sample) }),
        1 => (cell(), prop_oneof![Just(StepNav::Next), Just(StepNav::Last), Just(StepNav::Reset), (0..80usize).prop_map(StepNav::Goto)])
            .prop_map(|(cell, nav)| Command::Net { cell, cmd: NetCommand::Step(nav) }),
        2 => Just(Command::Undo),
        1 => Just(Command::Redo),
        1 => (cell(), 0..kinds.len()).prop_map(move |(at, k)| Command::Page(PageEdit::Add { at, kind: kinds[k] })),
        1 => cell().prop_map(|c| Command::Page(PageEdit::Remove(c))),
        1 => (cell(), cell()).prop_map(|(from, to)| Command::Page(PageEdit::Move { from, to })),
        1 => cell().prop_map(|c| Command::Page(PageEdit::Duplicate(c))),
        1 => (cell(), 0..4usize, prop_oneof![
                Just("layers[1].z[1]"), Just("layers[7].delta[2]"), Just("loss"), Just("layers[9].a[1]"),
                Just("layers[2].grad_weights"), Just("nonsense["),
            ])
            .prop_map(|(network, sample, r)| Command::Page(PageEdit::AskFor { network, reference: r.into(), sample })),
        1 => any::<bool>().prop_map(Command::SetEditMode),
    ]
}

/// Every network cell's inputs and targets fit its layers.
fn consistent(s: &AppState) -> Result<(), String> {
    for (i, c) in s.doc.cells.iter().enumerate() {
        if let CellState::Network(n) = c {
            let net = &n.doc.net;
            let (x, y) = (&n.doc.x, &n.doc.y);
            if x.nrows() != net.inputs() || y.nrows() != net.outputs() || x.ncols() != y.ncols() || x.ncols() == 0 {
                return Err(format!(
                    "cell {i}: x {}x{}, y {}x{}, network {} in, {} out",
                    x.nrows(),
                    x.ncols(),
                    y.nrows(),
                    y.ncols(),
                    net.inputs(),
                    net.outputs()
                ));
            }
            if n.sample >= x.ncols() || n.selected_layer >= net.len() {
                return Err(format!(
                    "cell {i}: sample {} or layer {} out of range",
                    n.sample, n.selected_layer
                ));
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24),
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_sequence_of_commands_keeps_the_app_consistent_and_undoes_to_the_start(
        cmds in proptest::collection::vec(command(), 1..40)
    ) {
        let mut s = AppState::builtin_headless();
        let start = s.lesson().write(Syntax::Toml).unwrap();
        for c in cmds {
            s.apply(c);
            prop_assert!(consistent(&s).is_ok(), "{:?}", consistent(&s));
        }
        // The window draws whatever state the commands left.
        let app = NotebookApp::new(s);
        let mut h = Harness::builder()
            .with_size(egui::vec2(1280.0, 900.0))
            .with_max_steps(2)
            .build_eframe(|_| app);
        h.run_steps(1);
        let s = &mut h.state_mut().state;
        s.apply(Command::SetEditMode(false));
        while s.can_undo() {
            s.apply(Command::Undo);
        }
        prop_assert_eq!(s.lesson().write(Syntax::Toml).unwrap(), start);
    }
}

/// The lessons the click test opens: the opening lesson, one with a training lab, one with
/// plots and quizzes.
const CLICKED: [&str; 3] = [
    include_str!("../lessons/03-seven-layers-by-hand.toml"),
    include_str!("../lessons/10-regularisation.toml"),
    include_str!("../lessons/05-activations.toml"),
];

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(3),
        ..ProptestConfig::default()
    })]

    /// A student (or a cat on the keyboard) clicking whatever is clickable, in any order:
    /// buttons, checkboxes, radio buttons, tabs, menu entries. The window never panics and
    /// every network stays consistent.
    #[test]
    fn clicking_anything_in_any_order_never_breaks_the_window(
        lesson in 0..CLICKED.len(),
        picks in proptest::collection::vec(0..10_000usize, 1..25),
    ) {
        use egui::accesskit::Role;
        use egui_kittest::kittest::{NodeT as _, Queryable as _};
        let lesson = mlp_notebook::lesson::parse_lesson(CLICKED[lesson], Syntax::Toml).unwrap();
        let app = NotebookApp::new(AppState::new(lesson, Box::new(mlp_notebook::app::files::NoDialogs)));
        let mut h = Harness::builder()
            .with_size(egui::vec2(1280.0, 900.0))
            .with_max_steps(4)
            .build_eframe(|_| app);
        h.run_steps(2);
        for pick in picks {
            let clickable = |r: Role| {
                matches!(r, Role::Button | Role::CheckBox | Role::RadioButton | Role::Tab | Role::MenuItem | Role::ComboBox)
            };
            // Each clickable widget by role and label, and which of the widgets with that role
            // and label it is: the same widget can then be found again after scrolling.
            let targets: Vec<(Role, String)> = h
                .query_all_by(|n| clickable(n.role()) && !n.is_disabled())
                .map(|n| {
                    let a = n.accesskit_node();
                    (a.role(), a.label().unwrap_or_default())
                })
                .collect();
            prop_assume!(!targets.is_empty());
            let chosen = pick % targets.len();
            let (role, label) = targets[chosen].clone();
            let nth = targets[..chosen].iter().filter(|t| **t == (role, label.clone())).count();
            // A click where the widget is, as a pointer would (scrolled into view if needed).
            let same = |role2: Role, label2: Option<String>, disabled: bool| {
                role2 == role && label2.unwrap_or_default() == label && !disabled
            };
            if let Some(node) = h.query_all_by(|n| same(n.role(), n.label(), n.is_disabled())).nth(nth) {
                node.scroll_to_me();
            }
            h.run_steps(1);
            if let Some(node) = h.query_all_by(|n| same(n.role(), n.label(), n.is_disabled())).nth(nth) {
                node.click();
            }
            h.run_steps(2);
            prop_assert!(consistent(&h.state().state).is_ok(), "{:?}", consistent(&h.state().state));
        }
    }
}
