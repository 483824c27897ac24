//! The shipped curriculum, embedded in the binary so the Lessons menu needs no files. The
//! files in `lessons/` are the source; a test loads every one of them.

/// `(title, file text)` of every shipped lesson, in curriculum order.
pub const SHIPPED: [(&str, &str); 14] = [
    ("What an MLP is", include_str!("../../lessons/01-what-an-mlp-is.toml")),
    ("One neuron", include_str!("../../lessons/02-one-neuron.toml")),
    (
        "Seven layers by hand",
        include_str!("../../lessons/03-seven-layers-by-hand.toml"),
    ),
    (
        "Matrix notation and batches",
        include_str!("../../lessons/04-matrices-and-batches.toml"),
    ),
    (
        "Activation functions",
        include_str!("../../lessons/05-activations.toml"),
    ),
    ("Loss functions", include_str!("../../lessons/06-loss-functions.toml")),
    (
        "Backpropagation and the chain rule",
        include_str!("../../lessons/07-backpropagation.toml"),
    ),
    (
        "Gradient descent",
        include_str!("../../lessons/08-gradient-descent.toml"),
    ),
    (
        "Optimizers: momentum, RMSprop, Adam",
        include_str!("../../lessons/09-optimizers.toml"),
    ),
    (
        "Regularisation: L2, dropout, early stopping",
        include_str!("../../lessons/10-regularisation.toml"),
    ),
    (
        "Initialisation and vanishing gradients",
        include_str!("../../lessons/11-initialisation-and-vanishing-gradients.toml"),
    ),
    (
        "Project: handwritten digits",
        include_str!("../../lessons/12-project-digits.toml"),
    ),
    ("MLP in Keras", include_str!("../../lessons/13-mlp-in-keras.toml")),
    (
        "Practice by topic",
        include_str!("../../lessons/14-practice-by-topic.toml"),
    ),
];
