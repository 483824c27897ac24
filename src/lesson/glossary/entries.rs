//! The glossary's entries, as data.

use super::Entry;

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
        "The matrix product: each row of the left matrix times the column on the right, multiplied and added (between two numbers, just times).",
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
        ["outputs", "BK"],
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
    entry!(
        "d",
        "error",
        [],
        "The error of one output element: output minus target.",
        "d = a - y",
        6
    ),
    entry!(
        "h",
        "Huber's function",
        [],
        "Huber's loss of one error d: squared when small, absolute when large.",
        "h(d) = d²/2 if |d| < delta, else delta (|d| - delta/2)",
        6
    ),
    entry!(
        "sign",
        "",
        [],
        "The sign of a number: 1 if positive, -1 if negative, 0 for 0.",
        "sign(-2.5) = -1",
        6
    ),
    entry!(
        "e",
        "Euler's number",
        ["exp"],
        "The base of the natural exponential, about 2.71828; e^z grows fast for positive z.",
        "e^0 = 1,  e^1 ≈ 2.71828",
        5
    ),
    entry!(
        "ln",
        "natural logarithm",
        ["log"],
        "The inverse of e^z: ln(e^z) = z; ln of a probability near 0 is very negative.",
        "ln 1 = 0,  ln(e) = 1",
        6
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
