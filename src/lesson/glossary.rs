//! The glossary: every symbol and term the window shows, each with one line, its formula and
//! the shipped lesson that teaches it. Plain data; the window's Help > Glossary lists it with a
//! search, and its hovers (block headings, node values, the stepper's formula symbols, settings
//! labels) show an entry's line through [`lookup`], which accepts a symbol as the window writes
//! it (`δ3[2]`, `dL/dW3`, `Z2` in the Keras convention, `Loss:`).
//!
//! Lessons are numbered as in the Lessons menu, from 1 ([`super::shipped::SHIPPED`]); a test
//! checks that every entry's lesson exists and mentions the entry.

use super::shipped::SHIPPED;

/// One glossary entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The symbol or term as the window shows it: `δ`, `dL/dW`, `relu`, `reduction`.
    pub term: &'static str,
    /// Its name in words (empty when the term is a word already).
    pub name: &'static str,
    /// Other spellings the window and the lessons use (`delta`, `dL/dz`, `Learning rate`).
    pub aka: &'static [&'static str],
    /// What it is, in one line.
    pub line: &'static str,
    /// Its formula, in the symbols the window uses.
    pub formula: &'static str,
    /// The shipped lesson that teaches it, numbered from 1.
    pub lesson: usize,
}

impl Entry {
    /// `δ (delta)`, or the term alone.
    pub fn heading(&self) -> String {
        if self.name.is_empty() {
            self.term.to_string()
        } else {
            format!("{} ({})", self.term, self.name)
        }
    }

    /// The title of the lesson that teaches it.
    pub fn lesson_title(&self) -> &'static str {
        SHIPPED.get(self.lesson.wrapping_sub(1)).map_or("", |l| l.0)
    }

    /// The text a hover shows: the heading and the line, the formula, the lesson.
    pub fn hover_text(&self) -> String {
        format!(
            "{}: {}\n{}\nTaught in lesson {}: {}",
            self.heading(),
            self.line,
            self.formula,
            self.lesson,
            self.lesson_title()
        )
    }

    /// Whether the entry matches every word of a search (case-insensitive), in its term, name,
    /// other spellings, line or formula. An empty search matches everything.
    pub fn matches(&self, query: &str) -> bool {
        let hay = [self.term, self.name, self.line, self.formula]
            .into_iter()
            .chain(self.aka.iter().copied())
            .collect::<Vec<_>>()
            .join("\n")
            .to_lowercase();
        query.to_lowercase().split_whitespace().all(|w| hay.contains(w))
    }
}

macro_rules! entry {
    ($term:expr, $name:expr, [$($aka:expr),*], $line:expr, $formula:expr, $lesson:expr) => {
        Entry {
            term: $term,
            name: $name,
            aka: &[$($aka),*],
            line: $line,
            formula: $formula,
            lesson: $lesson,
        }
    };
}

/// Every entry, symbols first (in the order a forward and a backward pass meet them), then the
/// loss and training, the activations, the losses and the optimizers.
pub const ENTRIES: &[Entry] = &[
    entry!(
        "x",
        "input",
        ["X", "input"],
        "The numbers fed to the network for one sample; in the engine a batch has one sample per column.",
        "x = a0",
        1
    ),
    entry!(
        "a0",
        "",
        [],
        "The input x under the name the layer formula uses for \"the layer before layer 1\".",
        "a0 = x,  z1 = W1 a0 + b1",
        1
    ),
    entry!(
        "y",
        "target",
        ["Y", "target"],
        "The output the network should give for this sample; the loss compares the output with it.",
        "L = loss(a_out, y)",
        3
    ),
    entry!(
        "W",
        "weights",
        ["weight", "weights"],
        "A layer's weights: one row per unit, one column per input (units x in); Keras stores the transpose.",
        "W3[j,i] = the weight unit j of layer 3 gives to input i",
        1
    ),
    entry!(
        "b",
        "bias",
        ["bias", "biases"],
        "One number per unit, added after the weighted sum: it shifts where the unit switches on.",
        "z = W a_prev + b",
        1
    ),
    entry!(
        "[j,i]",
        "index",
        ["[i,j]", "index"],
        "Which element: row j, column i of a matrix, or unit j of a vector; counted from 1.",
        "W3[2,1]: row 2 (unit 2 of layer 3), column 1 (input 1)",
        1
    ),
    entry!(
        "z",
        "pre-activation",
        ["pre-activation", "Z"],
        "A unit's weighted sum of its inputs plus its bias, before the activation function.",
        "z3 = W3 a2 + b3,  z3[j] = sum_i W3[j,i] a2[i] + b3[j]",
        2
    ),
    entry!(
        "a",
        "activation",
        ["A", "activation", "output"],
        "A layer's output: the activation function applied to z. The last layer's a is the network's output.",
        "a3 = f(z3)",
        2
    ),
    entry!(
        "f(z)",
        "activation function",
        ["f", "f'(z)", "f'", "derivative"],
        "The function a layer applies to each element of z (all but softmax), and f' its derivative.",
        "a = f(z),  δ = dL/da * f'(z)",
        3
    ),
    entry!(
        "sum_i",
        "sum",
        ["sum_j", "Σ", "sum"],
        "Adds the terms over every value of the index: each input i, or each unit j.",
        "sum_i W[j,i] a[i] = W[j,1] a[1] + W[j,2] a[2] + ...",
        3
    ),
    entry!(
        "·",
        "matrix product",
        ["matrix product", "matrix-vector product", "dot product"],
        "The matrix product: each row of the left matrix times the column on the right, multiplied and added.",
        "(W · a)[j] = sum_i W[j,i] a[i]",
        4
    ),
    entry!(
        "*",
        "elementwise product",
        [" * ", "elementwise", "element by element"],
        "Multiplies two vectors of the same shape element by element, with no sum (unlike ·).",
        "(u * v)[j] = u[j] v[j]",
        3
    ),
    entry!(
        "^T",
        "transpose",
        ["ᵀ", "transpose", "transposed"],
        "Swaps rows and columns: the transpose of a units x in matrix is in x units.",
        "W^T[i,j] = W[j,i]",
        4
    ),
    entry!(
        "dL/da",
        "gradient of the loss with respect to a",
        ["dL/dA"],
        "How much the loss changes when a layer's output changes; below the output it comes back from the layer above.",
        "output layer: from the loss;  dL/da2 = W3^T δ3",
        7
    ),
    entry!(
        "δ",
        "delta",
        ["delta", "dL/dz"],
        "How much the loss changes when a unit's pre-activation z changes: dL/da through the activation's slope.",
        "δ3 = dL/da3 * f'(z3)  (softmax with cross-entropy: a - y)",
        7
    ),
    entry!(
        "dL/dW",
        "weight gradient",
        ["gradient of the weights"],
        "How much the loss changes when each weight changes: what the update follows downhill.",
        "dL/dW3 = δ3 a2^T,  dL/dW3[j,i] = δ3[j] a2[i]  (summed over the batch)",
        7
    ),
    entry!(
        "dL/db",
        "bias gradient",
        ["gradient of the bias"],
        "How much the loss changes when each bias changes: the unit's δ.",
        "dL/db3 = δ3  (summed over the batch)",
        7
    ),
    entry!(
        "dL/dx",
        "input gradient",
        ["dL/dX", "dL/da0"],
        "How much the loss changes when an input changes: the last step of backpropagation, no weight of its own.",
        "dL/dx = W1^T δ1",
        3
    ),
    entry!(
        "L",
        "loss",
        ["loss", "Loss"],
        "One number that says how far the outputs are from the targets; training makes it smaller.",
        "L = reduction of the loss of every output element",
        6
    ),
    entry!(
        "reduction",
        "",
        ["Reduction", "mean", "sum"],
        "How a loss combines its elements: mean divides the sum by B·K (by B for cross-entropy), sum does not divide.",
        "mean: L = (1/BK) sum;  sum: L = sum",
        6
    ),
    entry!(
        "B",
        "batch size",
        ["batch size", "Batch size"],
        "How many samples go through the network together; mean losses and their gradients divide by it.",
        "X is B x n_in (Keras) or n_in x B (the engine)",
        4
    ),
    entry!(
        "K",
        "outputs",
        ["outputs"],
        "The number of output units; a mean loss divides by B·K (cross-entropy by B only).",
        "mse = (1/BK) sum (a - y)²",
        6
    ),
    entry!(
        "batch",
        "",
        ["Batch", "mini-batch", "Full batch"],
        "The samples pushed through the network together; one step follows their summed (or averaged) gradient.",
        "Z1 = X W1^T + b1 for the whole batch at once",
        4
    ),
    entry!(
        "sample",
        "",
        ["Sample", "samples"],
        "One input x with its target y: one column of the engine's data, one row in Keras.",
        "sample 2 of 3 = column 2 of x and of y",
        4
    ),
    entry!(
        "epoch",
        "",
        ["Epochs", "epochs"],
        "One pass of training over every training sample, in mini-batches.",
        "steps per epoch = ceil(training rows / batch size)",
        8
    ),
    entry!(
        "lr",
        "learning rate, η",
        ["η", "learning rate", "Learning rate"],
        "How far one update moves along the negative gradient; too large overshoots, too small crawls.",
        "W <- W - lr · dL/dW",
        8
    ),
    entry!(
        "<-",
        "becomes",
        ["becomes"],
        "An update: the value on the left is replaced by the one computed on the right.",
        "w <- w - lr · dL/dw",
        8
    ),
    entry!(
        "gradient",
        "",
        ["gradients"],
        "The derivatives of the loss with respect to every parameter; it points uphill, so updates go against it.",
        "dL/dW, dL/db for every layer",
        7
    ),
    entry!(
        "update",
        "",
        ["Apply update"],
        "One optimizer step: every weight and bias moves against its gradient, scaled by the learning rate.",
        "W <- W - lr · dL/dW,  b <- b - lr · dL/db",
        8
    ),
    entry!(
        "chain rule",
        "backpropagation",
        ["backpropagation", "backprop"],
        "Derivatives multiply along the path from the loss back to each weight, one layer at a time.",
        "dL/dW2 = dL/da2 * f'(z2) · a1^T",
        7
    ),
    entry!(
        "unit",
        "neuron",
        ["units", "neuron", "neurons", "node"],
        "A weighted sum of every output of the layer before, plus a bias, through an activation function.",
        "a[j] = f(sum_i W[j,i] a_prev[i] + b[j])",
        1
    ),
    entry!(
        "layer",
        "",
        ["layers", "hidden layer", "Hidden layers"],
        "Units side by side, each fed every output of the layer before; layer 1 reads the input x.",
        "a_l = f_l(W_l a_(l-1) + b_l)",
        1
    ),
    entry!(
        "parameters",
        "",
        ["parameter"],
        "The numbers training changes: every weight and every bias.",
        "a layer of n units on m inputs has n·m + n",
        1
    ),
    entry!(
        "inactive unit",
        "dead ReLU",
        ["dead", "inactive"],
        "A ReLU unit whose z is not above 0: its output and its slope are 0, so no gradient flows through it (grey node).",
        "relu(z) = 0 and relu'(z) = 0 for z <= 0",
        5
    ),
    entry!(
        "one-hot",
        "",
        ["one hot"],
        "A target with 1 for the right class and 0 for every other, as cross-entropy expects.",
        "class 2 of 3: y = (0, 1, 0)",
        6
    ),
    entry!(
        "convention",
        "PyTorch or Keras/NumPy",
        ["Convention", "Keras"],
        "How vectors and weights are laid out: PyTorch's units x in weights and columns, or Keras's in x units and rows.",
        "PyTorch: z = W a_prev + b;  Keras: Z = A_prev W + b",
        4
    ),
    // The activations, by the names the menus use (`nn::Activation::name`).
    entry!(
        "identity",
        "no activation",
        ["linear"],
        "Passes z through unchanged: the usual output for regression.",
        "f(z) = z,  f'(z) = 1",
        5
    ),
    entry!(
        "relu",
        "rectified linear unit",
        ["ReLU"],
        "Keeps positive values and turns the rest to 0: cheap, and its slope does not fade for large z.",
        "f(z) = max(z, 0),  f'(z) = 1 if z > 0, else 0",
        5
    ),
    entry!(
        "leaky_relu",
        "leaky ReLU",
        ["leaky ReLU"],
        "Like relu, but negative values keep a small slope 0.01 so the unit never stops learning.",
        "f(z) = z if z > 0, else 0.01 z",
        5
    ),
    entry!(
        "sigmoid",
        "logistic, σ",
        ["σ", "Sigmoid"],
        "Squashes z into (0, 1): a probability for a yes/no output; flat (slow to learn) for large |z|.",
        "f(z) = 1 / (1 + e^-z),  f'(z) = a (1 - a)",
        5
    ),
    entry!(
        "tanh",
        "hyperbolic tangent",
        ["Tanh"],
        "Squashes z into (-1, 1), centred on 0; flat for large |z|.",
        "f(z) = tanh z,  f'(z) = 1 - a^2",
        5
    ),
    entry!(
        "softmax",
        "",
        ["Softmax"],
        "Turns the output layer's z into probabilities that add up to 1, one per class.",
        "f(z)_k = e^z_k / sum_j e^z_j",
        6
    ),
    entry!(
        "gelu",
        "Gaussian error linear unit",
        ["GELU"],
        "A smooth relu: z times the chance that a standard normal number is below z.",
        "f(z) = z Phi(z) = 0.5 z (1 + erf(z / sqrt 2))",
        5
    ),
    entry!(
        "elu",
        "exponential linear unit",
        ["ELU"],
        "Like relu for z > 0; below 0 it bends smoothly towards -1 instead of stopping at 0.",
        "f(z) = z if z > 0, else e^z - 1",
        5
    ),
    entry!(
        "softplus",
        "",
        ["Softplus"],
        "A smooth relu whose slope is the sigmoid.",
        "f(z) = ln(1 + e^z),  f'(z) = sigmoid(z)",
        5
    ),
    // The losses, by the names the menus use (`nn::LossKind::name`).
    entry!(
        "mse",
        "mean squared error",
        ["MSE", "mean squared error"],
        "The mean of the squared differences between outputs and targets.",
        "L = (1/BK) sum (a - y)²,  dL/da = 2 (a - y) / BK",
        6
    ),
    entry!(
        "mae",
        "mean absolute error",
        ["MAE", "mean absolute error"],
        "The mean of the absolute differences: less pulled by outliers than mse.",
        "L = (1/BK) sum |a - y|,  dL/da = sign(a - y) / BK",
        6
    ),
    entry!(
        "huber",
        "Huber loss",
        ["Huber"],
        "Squared for small errors, absolute for large ones (beyond delta).",
        "0.5 (a - y)² if |a - y| < delta, else delta (|a - y| - 0.5 delta)",
        6
    ),
    entry!(
        "bce",
        "binary cross-entropy",
        ["BCE", "binary cross-entropy"],
        "The loss of a sigmoid output read as the probability of \"yes\".",
        "L = -(1/BK) sum (y ln a + (1 - y) ln(1 - a))",
        6
    ),
    entry!(
        "cross_entropy",
        "cross-entropy",
        ["cross-entropy"],
        "The loss of softmax probabilities against one-hot targets; with softmax, δ = a - y.",
        "L = -(1/B) sum y ln a",
        6
    ),
    entry!(
        "sse_half",
        "half the sum of squared errors",
        ["SSE"],
        "The textbook loss: half the squared differences, summed, so its derivative is simply a - y.",
        "L = 0.5 sum (a - y)²,  dL/da = a - y",
        3
    ),
    // The optimizers, by the names the menus use (`nn::OptimizerKind::name`), and their parts.
    entry!(
        "optimizer",
        "",
        ["Optimizer"],
        "The rule that turns gradients into a change of the weights: sgd, momentum, rmsprop, adam, adamw.",
        "W <- W - lr · (a step computed from g = dL/dW)",
        9
    ),
    entry!(
        "sgd",
        "stochastic gradient descent",
        ["SGD", "gradient descent"],
        "Steps straight down the gradient, scaled by the learning rate.",
        "W <- W - lr · dL/dW",
        8
    ),
    entry!(
        "momentum",
        "",
        ["Momentum", "buf"],
        "SGD that keeps a running buffer of past steps, so steps grow along a steady slope and zig-zags cancel.",
        "buf = momentum buf + g,  W <- W - lr buf",
        9
    ),
    entry!(
        "rmsprop",
        "",
        ["RMSprop", "sq"],
        "Divides each weight's step by the root of a running mean of its squared gradients.",
        "sq = α sq + (1-α) g²,  W <- W - lr g / (√sq + ε)",
        9
    ),
    entry!(
        "adam",
        "",
        ["Adam"],
        "Momentum and RMSprop together, each running mean corrected for starting at 0.",
        "W <- W - lr m̂ / (√v̂ + ε)",
        9
    ),
    entry!(
        "adamw",
        "Adam with decoupled weight decay",
        ["AdamW"],
        "Adam that shrinks the weights directly each step instead of adding the decay to the gradient.",
        "W <- W (1 - lr wd), then Adam with g = dL/dW",
        10
    ),
    entry!(
        "g",
        "gradient the optimizer uses",
        [],
        "The gradient an optimizer step reads: dL/dW, plus wd W when the weight decay is coupled.",
        "g = dL/dW + wd W",
        9
    ),
    entry!(
        "m",
        "first moment",
        [],
        "Adam's running mean of the gradients, one per weight.",
        "m = β1 m + (1-β1) g",
        9
    ),
    entry!(
        "v",
        "second moment",
        [],
        "Adam's running mean of the squared gradients, one per weight.",
        "v = β2 v + (1-β2) g²",
        9
    ),
    entry!(
        "m̂",
        "m hat, bias-corrected m",
        ["m_hat"],
        "m divided by 1 - β1^t, so the early steps are not too small because m starts at 0.",
        "m̂ = m / (1 - β1^t)",
        9
    ),
    entry!(
        "v̂",
        "v hat, bias-corrected v",
        ["v_hat"],
        "v divided by 1 - β2^t, for the same reason as m̂.",
        "v̂ = v / (1 - β2^t)",
        9
    ),
    entry!(
        "β1",
        "beta1",
        ["beta1"],
        "How much of the old m Adam keeps each step (0.9 by default).",
        "m = β1 m + (1-β1) g",
        9
    ),
    entry!(
        "β2",
        "beta2",
        ["beta2"],
        "How much of the old v Adam keeps each step (0.999 by default).",
        "v = β2 v + (1-β2) g²",
        9
    ),
    entry!(
        "ε",
        "epsilon",
        ["eps", "epsilon"],
        "A tiny number added to a denominator only to prevent a division by 0.",
        "W <- W - lr m̂ / (√v̂ + ε)",
        9
    ),
    entry!(
        "α",
        "alpha",
        ["alpha"],
        "How much of its old mean of squared gradients RMSprop keeps each step (0.99 by default).",
        "sq = α sq + (1-α) g²",
        9
    ),
    entry!(
        "t",
        "step count",
        [],
        "How many optimizer steps have been taken: 1, 2, 3, ...",
        "m̂ = m / (1 - β1^t)",
        9
    ),
    entry!(
        "wd",
        "weight decay",
        ["weight decay", "Weight decay", "weight_decay"],
        "Pulls every weight a little towards 0 each step, against overfitting.",
        "g = dL/dW + wd W",
        10
    ),
    entry!(
        "L2",
        "L2 penalty",
        ["l2"],
        "Adds the squared weights to the loss, so large weights cost something.",
        "L + l2 · sum W²",
        10
    ),
    entry!(
        "dropout",
        "",
        ["Dropout"],
        "While training, each hidden unit is switched off at random with this probability.",
        "a * mask / (1 - p), each mask element 0 with probability p",
        10
    ),
    entry!(
        "early stopping",
        "",
        ["Early stopping", "patience", "Patience"],
        "Stops training when the validation loss has not improved for `patience` epochs.",
        "stop after patience epochs without a new best",
        10
    ),
];

/// Every entry.
pub fn entries() -> &'static [Entry] {
    ENTRIES
}

/// The entries matching every word of `query` ([`Entry::matches`]), in glossary order.
pub fn search(query: &str) -> Vec<&'static Entry> {
    ENTRIES.iter().filter(|e| e.matches(query)).collect()
}

/// The entry of a symbol or term as the window writes it: exactly (`a0`, `B`), else without
/// its indices and layer number (`δ3[2]` is `δ`, `dL/dW3` is `dL/dW`, `m̂(W1[1,1])` is `m̂`),
/// in lower case (`Z2` and `Loss:` are `z` and `loss`), or a Keras name (`dL/dA2` is `dL/da`).
pub fn lookup(shown: &str) -> Option<&'static Entry> {
    let exact = |s: &str| {
        ENTRIES
            .iter()
            .find(|e| e.term == s)
            .or_else(|| ENTRIES.iter().find(|e| e.aka.contains(&s)))
    };
    let s = shown.trim().trim_end_matches(':').trim();
    if s.is_empty() {
        return None;
    }
    if let Some(e) = exact(s) {
        return Some(e);
    }
    // `m̂(W1[1,1])`, `δ3[2]`, `relu(z)`: what comes before the first bracket.
    let s = s.split(['[', '(']).next().unwrap_or(s);
    // `W3^T` and `W3ᵀ`: the matrix, not the transpose.
    let s = s.trim_end_matches("^T").trim_end_matches('ᵀ');
    // `z3`, `dL/dW3`, `β1` (kept: an entry), `relu'` (the function).
    let s = s.trim_end_matches('\'');
    if let Some(e) = exact(s) {
        return Some(e);
    }
    let bare = s.trim_end_matches(|c: char| c.is_ascii_digit());
    if bare.is_empty() {
        return None;
    }
    if let Some(e) = exact(bare) {
        return Some(e);
    }
    // `dL/dA2` -> `dL/da`, `Z2` -> `z`, `Learning rate` -> `learning rate`.
    let lowered = match bare.rsplit_once("/d") {
        Some((head, tail)) => format!("{head}/d{}", tail.to_lowercase()),
        None => bare.to_lowercase(),
    };
    exact(&lowered)
}

/// Splits a formula as the stepper shows it into pieces, each a symbol the glossary may know
/// (`dL/da3`, `W3[j,i]`, `m̂(W1[1,1])` is `m̂` and the rest, `*`, `·`, `^T`) or the text between.
/// Joined, the pieces give the formula back.
pub fn tokens(formula: &str) -> Vec<&str> {
    let is_word = |c: char| c.is_alphanumeric() || matches!(c, '_' | '/' | '\'' | '\u{302}');
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = formula.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let piece_end = if is_word(c) {
            // A word, with the indices that follow it (`W3[j,i]`).
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if is_word(d) {
                    end = j + d.len_utf8();
                    chars.next();
                } else if d == '[' {
                    let close = formula[j..].find(']').map_or(formula.len(), |k| j + k + 1);
                    while chars.peek().is_some_and(|&(k, _)| k < close) {
                        chars.next();
                    }
                    end = close;
                } else {
                    break;
                }
            }
            Some(end)
        } else if matches!(c, '*' | '·' | 'Σ' | 'η' | '√') {
            Some(i + c.len_utf8())
        } else if formula[i..].starts_with("^T") || formula[i..].starts_with("<-") {
            chars.next();
            Some(i + 2)
        } else {
            None
        };
        if let Some(end) = piece_end {
            if start < i {
                out.push(&formula[start..i]);
            }
            out.push(&formula[i..end]);
            start = end;
        }
    }
    if start < formula.len() {
        out.push(&formula[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::{Cell, load, no_files};
    use crate::nn::doc::Syntax;
    use crate::nn::{Activation, LossKind, OptimizerKind};

    /// What a student reads in a lesson: its text cells, prompts, hints and quiz options.
    fn lesson_text(n: usize) -> String {
        let lesson = load(SHIPPED[n - 1].1, Syntax::Toml, &no_files).unwrap();
        let mut s = lesson.meta.description.clone().unwrap_or_default();
        for c in &lesson.cells {
            match c {
                Cell::Text(t) => s.push_str(t),
                Cell::Exercise(e) => {
                    s.push_str(&e.prompt);
                    e.hints.iter().for_each(|h| s.push_str(h));
                }
                Cell::Quiz(q) => {
                    s.push_str(&q.prompt);
                    for o in &q.options {
                        s.push_str(&o.text);
                        s.push_str(o.explain.as_deref().unwrap_or(""));
                    }
                }
                _ => {}
            }
            s.push('\n');
        }
        s
    }

    /// Whether `text` has `word` standing alone: where the word starts or ends with a letter,
    /// digit or `_`, no such character right before or after it (so `elu` is not found in
    /// `relu`, nor `m` in `sum`, but `[i,j]` is in `W1[i,j]`).
    fn mentions(text: &str, word: &str) -> bool {
        let wordy = |c: char| c.is_alphanumeric() || c == '_';
        let (first, last) = (word.chars().next(), word.chars().next_back());
        let alone = |edge: Option<char>, next: Option<char>| !edge.is_some_and(wordy) || next.is_none_or(|c| !wordy(c));
        text.match_indices(word).any(|(i, _)| {
            alone(first, text[..i].chars().next_back()) && alone(last, text[i + word.len()..].chars().next())
        })
    }

    #[test]
    fn every_entry_names_a_shipped_lesson_that_mentions_it() {
        let texts: Vec<String> = (1..=SHIPPED.len()).map(lesson_text).collect();
        let mut missing = Vec::new();
        for e in ENTRIES {
            assert!(
                (1..=SHIPPED.len()).contains(&e.lesson),
                "{}: lesson {} is not shipped",
                e.term,
                e.lesson
            );
            let text = &texts[e.lesson - 1];
            let said = std::iter::once(e.term)
                .chain(e.aka.iter().copied())
                .any(|w| mentions(text, w));
            if !said {
                missing.push(format!("{} (lesson {})", e.term, e.lesson));
            }
        }
        assert!(missing.is_empty(), "not mentioned by their lesson: {missing:?}");
    }

    #[test]
    fn mentions_needs_the_word_alone() {
        assert!(mentions("the elu and", "elu"));
        assert!(!mentions("a relu unit", "elu"));
        assert!(!mentions("sum_i", "sum"));
        assert!(mentions("`m` and `v`", "m"));
        assert!(mentions("W1[i,j] is", "[i,j]"));
    }

    #[test]
    fn every_activation_loss_and_optimizer_of_the_engine_has_an_entry() {
        for a in Activation::ALL {
            let e = lookup(a.name()).unwrap_or_else(|| panic!("no entry for {}", a.name()));
            assert_eq!(e.term, a.name());
            // The entry's formula is the engine's own.
            assert!(e.formula.starts_with(a.formula().0), "{}: {}", a.name(), e.formula);
        }
        for name in LossKind::NAMES {
            assert_eq!(lookup(name).map(|e| e.term), Some(name));
        }
        for k in OptimizerKind::ALL {
            assert_eq!(lookup(k.name()).map(|e| e.term), Some(k.name()));
        }
    }

    #[test]
    fn terms_are_unique_and_every_field_is_filled() {
        for (i, e) in ENTRIES.iter().enumerate() {
            assert!(!e.line.is_empty() && !e.formula.is_empty(), "{}", e.term);
            assert!(ENTRIES[..i].iter().all(|o| o.term != e.term), "{} twice", e.term);
        }
    }

    #[test]
    fn symbols_are_found_as_the_window_writes_them() {
        let term = |s: &str| lookup(s).map(|e| e.term);
        assert_eq!(term("δ3[2]"), Some("δ"));
        assert_eq!(term("dL/dW3"), Some("dL/dW"));
        assert_eq!(term("dL/dW3[1,2]"), Some("dL/dW"));
        assert_eq!(term("dL/dA2"), Some("dL/da"));
        assert_eq!(term("dL/da2"), Some("dL/da"));
        assert_eq!(term("dL/dx[1]"), Some("dL/dx"));
        assert_eq!(term("Z3"), Some("z"));
        assert_eq!(term("a0"), Some("a0"));
        assert_eq!(term("a2"), Some("a"));
        assert_eq!(term("X"), Some("x"));
        assert_eq!(term("W3^T"), Some("W"));
        assert_eq!(term("^T"), Some("^T"));
        assert_eq!(term("ᵀ"), Some("^T"));
        assert_eq!(term("m̂(W1[1,1])"), Some("m̂"));
        assert_eq!(term("β1"), Some("β1"));
        assert_eq!(term("B"), Some("B"));
        assert_eq!(term("b3"), Some("b"));
        assert_eq!(term("Loss:"), Some("L"));
        assert_eq!(term("Reduction:"), Some("reduction"));
        assert_eq!(term("Learning rate"), Some("lr"));
        assert_eq!(term("relu'"), Some("relu"));
        assert_eq!(term("*"), Some("*"));
        assert_eq!(term("·"), Some("·"));
        assert_eq!(term("Show on nodes"), None);
        assert_eq!(term("42"), None);
        assert_eq!(term(""), None);
    }

    #[test]
    fn search_filters_by_every_word() {
        let terms = |q: &str| search(q).into_iter().map(|e| e.term).collect::<Vec<_>>();
        assert_eq!(search("").len(), ENTRIES.len());
        // Only the names of m̂ and v̂ say "bias-corrected".
        assert_eq!(terms("Bias-Corrected"), ["m̂", "v̂"]);
        // Both words must match: Adam and its two running means (RMSprop's and momentum's
        // running means do not say Adam).
        assert_eq!(terms("adam running"), ["adam", "m", "v"]);
        assert!(terms("no such thing").is_empty());
    }

    #[test]
    fn formulas_split_into_symbols_and_back() {
        let f = "δ3 = dL/da3 * f'(z3),  f'(z) = 1 if z > 0";
        let t = tokens(f);
        assert_eq!(t.concat(), f);
        assert!(t.contains(&"δ3") && t.contains(&"dL/da3") && t.contains(&"*") && t.contains(&"f'"));
        let f = "dL/dW3 = δ3 a2^T   (dL/dW3[j,i] = δ3[j] a2[i], summed)";
        let t = tokens(f);
        assert_eq!(t.concat(), f);
        assert!(t.contains(&"dL/dW3[j,i]") && t.contains(&"^T") && t.contains(&"a2"));
        let f = "m̂(W1[1,1]) <- W - lr m̂ / (√v̂ + ε)";
        let t = tokens(f);
        assert_eq!(t.concat(), f);
        assert!(t.contains(&"m̂") && t.contains(&"<-") && t.contains(&"v̂") && t.contains(&"ε"));
    }
}
