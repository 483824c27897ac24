//! The glossary and the legend in the window: Help > Glossary and Shift+F1 open it, its search
//! filters as one types, the hovers of block headings, node values, the stepper's formula
//! symbols and settings labels show their glossary line, and the diagram's legend and the
//! stepper's key show.

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _, by};
use mlp_notebook::app::{AppState, Command, NetCommand, StepNav};
use mlp_notebook::lesson::glossary::{self, Entry};
use mlp_notebook::nn::steps::StepKind;
use mlp_notebook::ui::{glossary::SEARCH_LABEL, legend};
use mlp_notebook::window::NotebookApp;

fn harness() -> Harness<'static, NotebookApp> {
    let mut state = AppState::builtin_headless();
    state.set_reveal_answers(true);
    let app = NotebookApp::new(state);
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_max_steps(12)
        .build_eframe(|_| app);
    h.run();
    h
}

/// The first line a hover shows of the entry the glossary has for `symbol`.
fn hover_line(symbol: &str) -> String {
    let e: &Entry = glossary::lookup(symbol).unwrap_or_else(|| panic!("no entry for {symbol}"));
    format!("{}: {}", e.heading(), e.line)
}

/// The widget labelled `label`: the label itself when a widget is labelled by it (the label
/// on the row of the combo box "Loss:" names), else the first widget of that name.
fn find<'h>(h: &'h Harness<'_, NotebookApp>, label: &'h str) -> egui_kittest::Node<'h> {
    let all: Vec<_> = h.query_all(by().label(label).include_labels()).collect();
    let rect = |n: &egui_kittest::Node<'_>| n.accesskit_node().bounding_box();
    let widget = all.iter().position(|n| n.accesskit_node().role() != Role::Label);
    let i = widget
        .and_then(|w| {
            all.iter().position(|n| {
                n.accesskit_node().role() == Role::Label
                    && rect(n)
                        .zip(rect(&all[w]))
                        .is_some_and(|(a, b)| a.y0 == b.y0 && a.x1 <= b.x0)
            })
        })
        .unwrap_or(0);
    all.into_iter()
        .nth(i)
        .unwrap_or_else(|| panic!("nothing labelled {label:?}"))
}

/// Scrolls the widget labelled `label` into view, hovers it and checks that the hover shows
/// `line`, which did not show before.
fn hover_shows(h: &mut Harness<'_, NotebookApp>, label: &str, line: &str) {
    assert!(
        h.query_by_label(line).is_none(),
        "{line:?} shows before hovering {label}"
    );
    find(h, label).scroll_to_me();
    h.run();
    find(h, label).hover();
    h.run();
    assert!(
        h.query_by_label(line).is_some(),
        "hovering {label:?} does not show {line:?}"
    );
}

fn shown_count(h: &Harness<'_, NotebookApp>) -> String {
    let all = glossary::entries().len();
    let suffix = format!(" of {all} entries");
    // A label's text is its value in the accessibility tree.
    h.query_all_by(|n| n.role() == Role::Label && n.value().is_some_and(|l| l.ends_with(&suffix)))
        .next()
        .and_then(|n| n.accesskit_node().value())
        .unwrap_or_else(|| panic!("no count of entries shown"))
}

#[test]
fn help_glossary_opens_and_the_search_filters_as_one_types() {
    let mut h = harness();
    assert!(h.query_by_label(SEARCH_LABEL).is_none());
    h.get_by_label("Help").click();
    h.run();
    h.get_by_label("Glossary Shift+F1").click();
    h.run();
    assert!(
        h.state().state.session.show_glossary,
        "the menu item opens the glossary"
    );
    let all = glossary::entries().len();
    assert_eq!(shown_count(&h), format!("{all} of {all} entries"));
    // Every entry is listed with its line: δ's and relu's among them.
    let delta = glossary::lookup("δ").unwrap();
    let relu = glossary::lookup("relu").unwrap();
    assert!(h.query_by_label(delta.line).is_some());
    assert!(h.query_by_label(relu.line).is_some());
    // The field has the keyboard: typing filters at once. Only m̂ and v̂ are "bias-corrected".
    for c in ["bias", "-corrected"] {
        h.get_by_label(SEARCH_LABEL).type_text(c);
        h.run();
    }
    assert_eq!(shown_count(&h), format!("2 of {all} entries"));
    assert!(h.query_by_label(glossary::lookup("m̂").unwrap().line).is_some());
    assert!(h.query_by_label(glossary::lookup("v̂").unwrap().line).is_some());
    assert!(h.query_by_label(delta.line).is_none());
    assert!(h.query_by_label(relu.line).is_none());
    // A search that matches nothing says so.
    h.get_by_label(SEARCH_LABEL).type_text(" zebra");
    h.run();
    assert_eq!(shown_count(&h), format!("0 of {all} entries"));
    assert!(
        h.query_by_label("Nothing in the glossary matches \"bias-corrected zebra\".")
            .is_some()
    );
    // Closing it through the command the window's cross sends.
    h.state_mut().state.apply(Command::ShowGlossary(false));
    h.run();
    assert!(h.query_by_label(SEARCH_LABEL).is_none());
}

#[test]
fn shift_f1_opens_the_glossary_with_the_search_focused_and_escape_closes_it() {
    let mut h = harness();
    h.key_press_modifiers(Modifiers::SHIFT, Key::F1);
    h.run();
    assert!(h.state().state.session.show_glossary);
    // Typed text goes to the search field without clicking it.
    h.get_by_label(SEARCH_LABEL); // present
    h.run();
    h.event(egui::Event::Text("reduction".into()));
    h.run();
    let reduction = glossary::lookup("reduction").unwrap();
    assert!(h.query_by_label(reduction.line).is_some());
    assert!(h.query_by_label(glossary::lookup("relu").unwrap().line).is_none());
    h.key_press(Key::Escape);
    h.run();
    assert!(!h.state().state.session.show_glossary);
    assert!(h.query_by_label(SEARCH_LABEL).is_none());
}

#[test]
fn a_block_heading_and_a_node_value_show_their_glossary_line() {
    let mut h = harness();
    // The matrix view shows layer 1: its weight-gradient block's heading.
    let heading = h
        .query_all_by(|n| {
            n.role() == Role::Label && n.value().is_some_and(|l| l.starts_with("dL/dW") && l.ends_with(')'))
        })
        .next()
        .and_then(|n| n.accesskit_node().value())
        .expect("a dL/dW block");
    hover_shows(&mut h, &heading, &hover_line("dL/dW"));
    let mut h = harness();
    // The node shows a1[2]: its hover says what a is.
    hover_shows(
        &mut h,
        "layer 1, unit 2: z = 2, a = 2 (shows a1[2] = 2)",
        &hover_line("a"),
    );
}

#[test]
fn settings_labels_show_their_glossary_line() {
    for (label, symbol) in [
        ("Reduction:", "reduction"),
        ("Loss:", "loss"),
        ("Learning rate", "lr"),
        ("Optimizer", "optimizer"),
    ] {
        let mut h = harness();
        hover_shows(&mut h, label, &hover_line(symbol));
    }
}

#[test]
fn the_stepper_formula_explains_each_symbol_and_shows_its_key() {
    let mut h = harness();
    let (ci, i) = {
        let s = &h.state().state;
        let ci = s.first_net().unwrap();
        let cell = s.net(ci).unwrap();
        let i = cell.steps.iter().rposition(|s| s.kind == StepKind::Delta).unwrap();
        (ci, i)
    };
    h.state_mut().state.apply(Command::Net {
        cell: ci,
        cmd: NetCommand::Step(StepNav::Goto(i)),
    });
    h.run();
    // The first delta step is layer 1's: δ1 = dL/da1 * f'(z1), f' of relu.
    let formula = {
        let s = &h.state().state;
        s.net(ci).unwrap().steps[i].formula.clone()
    };
    assert!(formula.starts_with("δ1 = dL/da1 * f'(z1)"), "{formula}");
    // The whole formula is still one readable row.
    assert!(h.query_by_label(&formula).is_some());
    // The key says what the highlight colours mean.
    assert!(h.query_by_label("read by this step").is_some());
    assert!(h.query_by_label("written by this step").is_some());
    hover_shows(&mut h, "*", &hover_line("*"));
    let mut h2 = harness();
    h2.state_mut().state.apply(Command::Net {
        cell: ci,
        cmd: NetCommand::Step(StepNav::Goto(i)),
    });
    h2.run();
    hover_shows(&mut h2, "dL/da1", &hover_line("dL/da"));
}

#[test]
fn the_legend_opens_under_the_diagram() {
    let mut h = harness();
    for row in [legend::POSITIVE, legend::NEGATIVE, legend::INACTIVE, legend::READ] {
        assert!(h.query_by_label(row).is_none(), "{row} shows before opening the legend");
    }
    h.get_by_label("Legend").click();
    h.run();
    for row in [
        legend::POSITIVE,
        legend::NEGATIVE,
        legend::WIDTH,
        legend::INACTIVE,
        legend::SELECTED,
        legend::READ,
        legend::WRITTEN,
    ] {
        assert!(h.query_by_label(row).is_some(), "the legend lacks {row:?}");
    }
}
