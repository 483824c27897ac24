//! Value parsers for the flags. Each returns a message clap prints as
//! `error: invalid value 'V' for '--flag <V>': MESSAGE` (exit code 2).

use crate::nn::init::Init;
use crate::nn::schedule::Schedule;
use crate::nn::{Activation, LossKind, OptimizerKind};

/// Any finite number.
pub fn finite(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("'{s}' is not a finite number")),
    }
}

/// A finite number >= 0.
pub fn non_negative(s: &str) -> Result<f64, String> {
    let v = finite(s)?;
    if v >= 0.0 {
        Ok(v)
    } else {
        Err(format!("must be 0 or more, got {v}"))
    }
}

/// A finite number > 0.
pub fn positive(s: &str) -> Result<f64, String> {
    let v = finite(s)?;
    if v > 0.0 {
        Ok(v)
    } else {
        Err(format!("must be more than 0, got {v}"))
    }
}

/// A finite number in [0, 1).
pub fn fraction(s: &str) -> Result<f64, String> {
    let v = finite(s)?;
    if (0.0..1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("must be at least 0 and below 1, got {v}"))
    }
}

/// An activation name (`relu`, `tanh`, ...).
pub fn activation(s: &str) -> Result<Activation, String> {
    Activation::from_name(s).ok_or_else(|| format!("unknown activation '{s}'; valid: {}", Activation::valid_names()))
}

/// A loss name (`mse`, `cross_entropy`, ...).
pub fn loss_kind(s: &str) -> Result<LossKind, String> {
    LossKind::from_name(s).ok_or_else(|| format!("unknown loss '{s}'; valid: {}", LossKind::NAMES.join(", ")))
}

/// An optimizer name.
pub fn optimizer_kind(s: &str) -> Result<OptimizerKind, String> {
    OptimizerKind::from_name(s).ok_or_else(|| {
        let names: Vec<&str> = OptimizerKind::ALL.iter().map(|k| k.name()).collect();
        format!("unknown optimizer '{s}'; valid: {}", names.join(", "))
    })
}

/// An initialiser name (checked here; its parameter is applied later).
pub fn init_name(s: &str) -> Result<String, String> {
    match Init::from_name(s, None) {
        Some(_) => Ok(s.to_string()),
        None => Err(format!("unknown initialiser '{s}'; valid: {}", Init::NAMES.join(", "))),
    }
}

/// `constant`, `step:SIZE:GAMMA`, `exponential:GAMMA` or `cosine:TMAX[:ETA_MIN]`.
pub fn schedule(s: &str) -> Result<Schedule, String> {
    let parts: Vec<&str> = s.split(':').map(str::trim).collect();
    let count = |p: &str| -> Result<usize, String> {
        match p.parse::<usize>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(format!("'{p}' is not a whole number of epochs (1 or more)")),
        }
    };
    let gamma = |p: &str| -> Result<f64, String> { positive(p).map_err(|e| format!("gamma {e}")) };
    match parts.as_slice() {
        ["constant"] => Ok(Schedule::Constant),
        ["step", size, g] => Ok(Schedule::Step {
            step_size: count(size)?,
            gamma: gamma(g)?,
        }),
        ["exponential", g] => Ok(Schedule::Exponential { gamma: gamma(g)? }),
        ["cosine", t] => Ok(Schedule::Cosine {
            t_max: count(t)?,
            eta_min: 0.0,
        }),
        ["cosine", t, m] => Ok(Schedule::Cosine {
            t_max: count(t)?,
            eta_min: non_negative(m).map_err(|e| format!("eta_min {e}"))?,
        }),
        _ => Err("valid: constant, step:SIZE:GAMMA, exponential:GAMMA, cosine:TMAX[:ETA_MIN]".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(finite("-2.5"), Ok(-2.5));
        assert!(finite("nan").is_err() && finite("inf").is_err() && finite("x").is_err());
        assert!(non_negative("-1").is_err());
        assert!(positive("0").is_err());
        assert_eq!(fraction("0.2"), Ok(0.2));
        assert!(fraction("1").is_err());
    }

    #[test]
    fn names_list_the_valid_ones() {
        let e = activation("rleu").unwrap_err();
        assert!(e.contains("'rleu'") && e.contains("relu, leaky_relu"), "{e}");
        assert!(loss_kind("l2").unwrap_err().contains("mse, mae, huber"));
        assert!(
            optimizer_kind("adagrad")
                .unwrap_err()
                .contains("sgd, adam, adamw, rmsprop")
        );
        assert!(init_name("random").unwrap_err().contains("small-integers"));
    }

    #[test]
    fn schedules() {
        assert_eq!(schedule("constant"), Ok(Schedule::Constant));
        assert_eq!(
            schedule("step:10:0.5"),
            Ok(Schedule::Step {
                step_size: 10,
                gamma: 0.5
            })
        );
        assert_eq!(schedule("exponential:0.9"), Ok(Schedule::Exponential { gamma: 0.9 }));
        assert_eq!(
            schedule("cosine:20"),
            Ok(Schedule::Cosine {
                t_max: 20,
                eta_min: 0.0
            })
        );
        assert!(schedule("step:0:0.5").is_err());
        assert!(schedule("linear").is_err());
        assert!(schedule("exponential:nan").is_err());
    }
}
