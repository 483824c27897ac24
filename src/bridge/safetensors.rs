//! safetensors files as PyTorch writes them for a `torch.nn.Sequential` of `nn.Linear` layers
//! (`safetensors.torch.save_file(model.state_dict(), path)`), read and written.
//!
//! # Names and layout
//! A `Sequential`'s state dict names each Linear by its place among all the modules:
//! `Sequential(Linear, ReLU, Linear, ReLU, Linear)` gives `0.weight`, `0.bias`, `2.weight`,
//! `2.bias`, `4.weight`, `4.bias`. Written here, every hidden layer is followed by its activation
//! module (`nn.Identity()` for identity), so layer `l` (from 1) is `{2(l-1)}.weight`. Read, any
//! indices are taken in numeric order (`10.` after `2.`), and one common prefix such as `net.`
//! (a `Sequential` kept as an attribute of a module) is allowed. Weights are `out x in`, row-major.
//!
//! # Metadata
//! safetensors metadata is text to text. Written: `format = "mlp-notebook"`, `activations`
//! (`relu,relu,identity`), `loss` (a name), `reduction` (`mean` or `sum`), `huber_delta` (for
//! huber), `inputs`, `name` when the network has one, and `scaling` (the network file's
//! `[scaling]` table as JSON) when it has one. Read: the same keys, every one optional; other
//! keys (such as `format = "pt"`) are ignored.

use super::weights::{
    Dense, Imported, Meta, WeightsError, check_chain, check_size, layers_of, matrix_from_row_major, meta_of,
    parse_activations, shape_text, vector,
};
use crate::nn::doc::{NetworkDoc, ScalingSpec, scaler_from_spec, scaling_to_spec};
use crate::nn::{Loss, LossKind, Reduction};
use safetensors::tensor::TensorView;
use safetensors::{Dtype, SafeTensors};
use std::collections::HashMap;

const EXPECTED: &str = "a Sequential of Linear layers names its tensors 0.weight, 0.bias, 2.weight, ...";

/// The file's bytes for `doc`: every layer's weights and bias as float64 under PyTorch's names,
/// and the metadata that lets [`read`] rebuild the network whole.
pub fn write(doc: &NetworkDoc) -> Result<Vec<u8>, WeightsError> {
    let layers = layers_of(doc);
    let mut data: Vec<(String, Vec<usize>, Vec<u8>)> = Vec::new();
    for (i, l) in layers.iter().enumerate() {
        let w: Vec<u8> = l
            .weights
            .row_iter()
            .flat_map(|r| r.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>())
            .collect();
        let b: Vec<u8> = l.bias.iter().flat_map(|v| v.to_le_bytes()).collect();
        data.push((
            format!("{}.weight", 2 * i),
            vec![l.weights.nrows(), l.weights.ncols()],
            w,
        ));
        data.push((format!("{}.bias", 2 * i), vec![l.bias.len()], b));
    }
    let views = data
        .iter()
        .map(|(name, shape, bytes)| {
            TensorView::new(Dtype::F64, shape.clone(), bytes)
                .map(|v| (name.clone(), v))
                .map_err(|e| WeightsError::Write(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let meta = metadata(doc)?;
    let mut bytes =
        safetensors::serialize(views, Some(meta.clone())).map_err(|e| WeightsError::Write(e.to_string()))?;
    sort_metadata(&mut bytes, &meta)?;
    Ok(bytes)
}

/// Puts the `__metadata__` entries in the order of their keys, so that one network always
/// gives the same bytes. The crate writes the entries in a hash map's order, which changes from
/// run to run; the header begins with `{"__metadata__":` and the entries sorted take exactly as
/// many bytes, so they replace the crate's in place.
fn sort_metadata(bytes: &mut [u8], meta: &HashMap<String, String>) -> Result<(), WeightsError> {
    const START: &[u8] = b"{\"__metadata__\":";
    let sorted: std::collections::BTreeMap<&String, &String> = meta.iter().collect();
    let text = serde_json::to_string(&sorted).map_err(|e| WeightsError::Write(e.to_string()))?;
    let at = 8 + START.len();
    let Some(written) = bytes.get(at..at + text.len()) else {
        return Err(WeightsError::Write(
            "the safetensors header is shorter than its metadata".into(),
        ));
    };
    // The bytes replaced must be the same entries in another order.
    let same =
        bytes[8..at] == *START && serde_json::from_slice::<HashMap<String, String>>(written).is_ok_and(|m| m == *meta);
    if !same {
        return Err(WeightsError::Write(
            "the safetensors header does not begin with the metadata written".into(),
        ));
    }
    bytes[at..at + text.len()].copy_from_slice(text.as_bytes());
    Ok(())
}

/// The metadata written beside the tensors.
fn metadata(doc: &NetworkDoc) -> Result<HashMap<String, String>, WeightsError> {
    let meta = meta_of(doc);
    let mut m = HashMap::new();
    m.insert("format".into(), "mlp-notebook".into());
    if let Some(acts) = &meta.activations {
        let names: Vec<&str> = acts.iter().map(|a| a.name()).collect();
        m.insert("activations".into(), names.join(","));
    }
    if let Some(loss) = meta.loss {
        m.insert("loss".into(), loss.kind.name().into());
        m.insert("reduction".into(), loss.reduction.name().into());
        if let LossKind::Huber { delta } = loss.kind {
            m.insert("huber_delta".into(), format!("{delta:?}"));
        }
    }
    m.insert("inputs".into(), doc.net.inputs().to_string());
    if let Some(name) = &meta.name {
        m.insert("name".into(), name.clone());
    }
    if let Some(s) = &meta.scaling {
        let text = serde_json::to_string(&scaling_to_spec(s)).map_err(|e| WeightsError::Write(e.to_string()))?;
        m.insert("scaling".into(), text);
    }
    Ok(m)
}

/// Reads a file's layers and metadata. Every tensor must be a layer's `weight` (2-D) or `bias`
/// (1-D) of floating-point numbers, finite, with shapes that chain; a layer without a bias gets
/// zeros (`nn.Linear(..., bias=False)`).
pub fn read(bytes: &[u8]) -> Result<Imported, WeightsError> {
    check_size(bytes)?;
    let format = |e: safetensors::SafeTensorError| WeightsError::Format {
        format: "safetensors",
        reason: e.to_string(),
    };
    let (_, header) = SafeTensors::read_metadata(bytes).map_err(format)?;
    let tensors = SafeTensors::deserialize(bytes).map_err(format)?;
    let mut named: Vec<(String, TensorView<'_>)> = tensors.tensors();
    let prefix = common_prefix(&named)?;
    // (index, is_weight, name, view), then sorted by index as a number.
    let mut parts = Vec::with_capacity(named.len());
    for (name, view) in named.drain(..) {
        let rest = &name[prefix.len()..];
        let (index, what) = rest.split_once('.').ok_or_else(|| unknown(&name))?;
        let index: u64 = index.parse().map_err(|_| unknown(&name))?;
        let is_weight = match what {
            "weight" => true,
            "bias" => false,
            _ => return Err(unknown(&name)),
        };
        parts.push((index, is_weight, name, view));
    }
    parts.sort_by_key(|p| (p.0, !p.1));
    let mut layers = Vec::new();
    let mut names = Vec::new();
    let mut i = 0;
    while i < parts.len() {
        let (index, is_weight, name, view) = &parts[i];
        if !is_weight {
            return Err(WeightsError::Missing {
                name: name.clone(),
                missing: format!("{prefix}{index}.weight"),
            });
        }
        let w = weight(name, view)?;
        let bias_name = format!("{prefix}{index}.bias");
        let b = match parts.get(i + 1) {
            Some((j, false, n, v)) if j == index => {
                i += 1;
                bias(n, v)?
            }
            _ => crate::nn::Vector::zeros(w.nrows()),
        };
        layers.push(Dense { weights: w, bias: b });
        names.push((name.clone(), bias_name));
        i += 1;
    }
    check_chain(&layers, &names)?;
    let meta = read_meta(header.metadata().as_ref(), &layers)?;
    Ok(Imported { layers, meta })
}

fn unknown(name: &str) -> WeightsError {
    WeightsError::UnknownKey {
        name: name.into(),
        expected: EXPECTED,
    }
}

/// The prefix every tensor name shares before its index (`""`, or `net.` for a `Sequential`
/// kept in `self.net`): the text up to the second-to-last dot, the same for every tensor.
fn common_prefix(named: &[(String, TensorView<'_>)]) -> Result<String, WeightsError> {
    let prefix_of = |name: &str| -> String {
        let mut dots = name.rmatch_indices('.').map(|(i, _)| i);
        let _last = dots.next();
        dots.next().map_or(String::new(), |i| name[..=i].to_string())
    };
    let Some((first, _)) = named.first() else {
        return Err(WeightsError::Empty);
    };
    let prefix = prefix_of(first);
    match named.iter().find(|(n, _)| prefix_of(n) != prefix) {
        Some((n, _)) => Err(unknown(n)),
        None => Ok(prefix),
    }
}

/// A tensor's numbers as f64 (F64, F32, F16 and BF16 convert exactly), row-major.
fn values(name: &str, view: &TensorView<'_>) -> Result<Vec<f64>, WeightsError> {
    let data = view.data();
    let v: Vec<f64> = match view.dtype() {
        Dtype::F64 => data
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect(),
        Dtype::F32 => data
            .chunks_exact(4)
            .map(|c| f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]])))
            .collect(),
        Dtype::F16 => data
            .chunks_exact(2)
            .map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f64())
            .collect(),
        Dtype::BF16 => data
            .chunks_exact(2)
            .map(|c| half::bf16::from_le_bytes([c[0], c[1]]).to_f64())
            .collect(),
        other => {
            return Err(WeightsError::NotFloat {
                name: name.into(),
                dtype: format!("{other:?}"),
            });
        }
    };
    Ok(v)
}

fn weight(name: &str, view: &TensorView<'_>) -> Result<crate::nn::Matrix, WeightsError> {
    let &[rows, cols] = view.shape() else {
        return Err(WeightsError::Shape {
            name: name.into(),
            shape: shape_text(view.shape()),
            reason: "a Linear layer's weight is a matrix (out x in)".into(),
        });
    };
    if rows == 0 || cols == 0 {
        return Err(WeightsError::Shape {
            name: name.into(),
            shape: shape_text(view.shape()),
            reason: "a layer needs at least one unit and one input".into(),
        });
    }
    matrix_from_row_major(name, rows, cols, &values(name, view)?)
}

fn bias(name: &str, view: &TensorView<'_>) -> Result<crate::nn::Vector, WeightsError> {
    if view.shape().len() != 1 {
        return Err(WeightsError::Shape {
            name: name.into(),
            shape: shape_text(view.shape()),
            reason: "a Linear layer's bias is a vector (out)".into(),
        });
    }
    vector(name, values(name, view)?)
}

/// The metadata's facts, checked against the layers.
fn read_meta(m: Option<&HashMap<String, String>>, layers: &[Dense]) -> Result<Meta, WeightsError> {
    let Some(m) = m else {
        return Ok(Meta::default());
    };
    let bad = |key: &str, reason: String| WeightsError::Metadata {
        key: key.into(),
        reason,
    };
    let mut meta = Meta {
        name: m.get("name").cloned(),
        ..Meta::default()
    };
    if let Some(text) = m.get("activations") {
        let acts = parse_activations(text).map_err(|e| bad("activations", e))?;
        if acts.len() != layers.len() {
            return Err(bad(
                "activations",
                format!(
                    "names {} activations but the file has {} layers",
                    acts.len(),
                    layers.len()
                ),
            ));
        }
        meta.activations = Some(acts);
    }
    if let Some(name) = m.get("loss") {
        let mut kind = LossKind::from_name(name).ok_or_else(|| {
            bad(
                "loss",
                format!("unknown loss '{name}'; valid: {}", LossKind::NAMES.join(", ")),
            )
        })?;
        if let (LossKind::Huber { delta }, Some(d)) = (&mut kind, m.get("huber_delta")) {
            *delta = d
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v > 0.0)
                .ok_or_else(|| bad("huber_delta", format!("'{d}' is not a positive number")))?;
        }
        let reduction = match m.get("reduction").map(String::as_str) {
            None => kind.default_reduction(),
            Some("mean") => Reduction::Mean,
            Some("sum") => Reduction::Sum,
            Some(other) => {
                return Err(bad(
                    "reduction",
                    format!("unknown reduction '{other}'; valid: mean, sum"),
                ));
            }
        };
        meta.loss = Some(Loss { kind, reduction });
    }
    if let Some(text) = m.get("inputs") {
        let inputs = layers.first().map_or(0, |l| l.weights.ncols());
        match text.trim().parse::<usize>() {
            Ok(n) if n == inputs => {}
            _ => {
                return Err(bad(
                    "inputs",
                    format!("says '{text}' but the first weight has {inputs} columns"),
                ));
            }
        }
    }
    if let Some(text) = m.get("scaling") {
        let spec: ScalingSpec = serde_json::from_str(text).map_err(|e| bad("scaling", e.to_string()))?;
        let inputs = layers.first().map_or(0, |l| l.weights.ncols());
        meta.scaling = Some(scaler_from_spec(&spec, inputs).map_err(|e| bad("scaling", e.join("; ")))?);
    }
    Ok(meta)
}
