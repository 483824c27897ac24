//! Weight files through the library: the safetensors and .npz files written by real PyTorch and
//! NumPy in tests/fixtures/interop are imported and traced, and every number matches the one
//! PyTorch computed for them (|got - want| <= 1e-12 * max(1, |want|)); the app's own files
//! round-trip bit for bit; every kind of bad file is a clear error.

use mlp_notebook::bridge::weights::{Choices, Imported, MAX_WEIGHT_FILE_BYTES, WeightsError};
use mlp_notebook::bridge::{npz, safetensors as st};
use mlp_notebook::cli::trace::trace_json;
use mlp_notebook::nn::doc::NetworkDoc;
use mlp_notebook::nn::trace::{backward, forward};
use mlp_notebook::nn::{Activation, Loss, LossKind, Matrix, Reduction};
use safetensors::tensor::TensorView;
use safetensors::{Dtype, serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::io::{Cursor, Write as _};
use std::path::Path;

fn interop(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/interop")
        .join(name)
}

fn expected(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(interop(&format!("{name}.expected.json"))).unwrap()).unwrap()
}

/// Compares JSON values: numbers to 1e-12 (relative above 1), arrays of equal length, objects
/// key by key of `want`.
fn assert_close(got: &Value, want: &Value, at: &str) {
    match (got, want) {
        (Value::Number(g), Value::Number(w)) => {
            let (g, w) = (g.as_f64().unwrap(), w.as_f64().unwrap());
            assert!((g - w).abs() <= 1e-12 * w.abs().max(1.0), "{at}: got {g}, PyTorch {w}");
        }
        (Value::Array(g), Value::Array(w)) => {
            assert_eq!(g.len(), w.len(), "{at}: length");
            for (i, (g, w)) in g.iter().zip(w).enumerate() {
                assert_close(g, w, &format!("{at}[{i}]"));
            }
        }
        (Value::Object(g), Value::Object(w)) => {
            for (k, w) in w {
                assert_close(&g[k], w, &format!("{at}.{k}"));
            }
        }
        _ => panic!("{at}: got {got}, expected {want}"),
    }
}

/// `rows` of a JSON array (rows are samples) as an engine batch (samples as columns).
fn batch(rows: &Value) -> Matrix {
    let rows: Vec<Vec<f64>> = serde_json::from_value(rows.clone()).unwrap();
    Matrix::from_fn(rows[0].len(), rows.len(), |i, j| rows[j][i])
}

/// Imports `file`, puts the case's x and y in, traces it and compares with PyTorch's numbers.
fn check_case(name: &str, imported: &Imported, choices: &Choices) -> NetworkDoc {
    let want = expected(name);
    let mut doc = imported.to_doc(choices).unwrap_or_else(|e| panic!("{name}: {e}"));
    let sizes: Vec<usize> = serde_json::from_value(want["sizes"].clone()).unwrap();
    assert_eq!(doc.net.inputs(), sizes[0], "{name}: inputs");
    let units: Vec<usize> = doc.net.layers().iter().map(|l| l.units()).collect();
    assert_eq!(units, sizes[1..], "{name}: units per layer");
    let acts: Vec<String> = serde_json::from_value(want["activations"].clone()).unwrap();
    let got: Vec<&str> = doc.net.layers().iter().map(|l| l.activation.name()).collect();
    assert_eq!(got, acts, "{name}: activations");
    assert_eq!(doc.loss, Loss::new(LossKind::Mse), "{name}: loss");
    doc.x = batch(&want["x"]);
    doc.y = batch(&want["y"]);
    let fwd = forward(&doc.net, &doc.x);
    let grads = backward(&doc.net, &fwd, &doc.y, &doc.loss);
    let json = trace_json(&fwd, &grads);
    for key in ["loss", "layers", "grad_input"] {
        assert_close(&json[key], &want[key], &format!("{name}.{key}"));
    }
    doc
}

#[test]
fn a_pytorch_sequential_without_metadata_is_relu_hidden_and_identity_output() {
    let bytes = std::fs::read(interop("seq_relu_3_4_4_2.safetensors")).unwrap();
    let imported = st::read(&bytes).unwrap();
    assert!(!imported.names_activations());
    check_case("seq_relu_3_4_4_2", &imported, &Choices::default());
}

#[test]
fn six_layers_are_ordered_by_number_not_as_text() {
    // Keys 0., 2., ..., 10.: as text "10.weight" sorts before "2.weight", which would put the
    // 5 x 1 output layer second and fail the shape check; in numeric order the sizes are
    // 2-5-5-5-5-5-1 as the expected file says.
    let bytes = std::fs::read(interop("seq_tanh_six_layers.safetensors")).unwrap();
    let imported = st::read(&bytes).unwrap();
    let mut acts = vec![Activation::Tanh; 5];
    acts.push(Activation::Identity);
    let choices = Choices {
        activations: Some(acts),
        loss: None,
    };
    check_case("seq_tanh_six_layers", &imported, &choices);
}

#[test]
fn metadata_written_by_an_exporter_names_the_activations_and_the_loss() {
    let bytes = std::fs::read(interop("seq_sigmoid_meta.safetensors")).unwrap();
    let imported = st::read(&bytes).unwrap();
    assert!(imported.names_activations());
    assert_eq!(imported.meta.loss, Some(Loss::new(LossKind::Mse)));
    check_case("seq_sigmoid_meta", &imported, &Choices::default());
}

#[test]
fn a_numpy_savez_file_imports_w1_b1_and_on() {
    let bytes = std::fs::read(interop("npz_relu_4_3_2.npz")).unwrap();
    let imported = npz::read(&bytes).unwrap();
    check_case("npz_relu_4_3_2", &imported, &Choices::default());
}

#[test]
fn chosen_activations_override_the_file_and_must_count_the_layers() {
    let bytes = std::fs::read(interop("seq_sigmoid_meta.safetensors")).unwrap();
    let imported = st::read(&bytes).unwrap();
    let choices = Choices {
        activations: Some(vec![Activation::Tanh, Activation::Sigmoid]),
        loss: Some(Loss::new(LossKind::Bce)),
    };
    let doc = imported.to_doc(&choices).unwrap();
    assert_eq!(doc.net.layers()[0].activation, Activation::Tanh);
    assert_eq!(doc.loss.kind, LossKind::Bce);
    let three = Choices {
        activations: Some(vec![Activation::Relu; 3]),
        loss: None,
    };
    let e = imported.to_doc(&three).unwrap_err().to_string();
    assert!(e.contains("3 activations given but the file has 2 layers"), "{e}");
    // The network file's own rules still hold: bce needs a sigmoid output.
    let bad = Choices {
        activations: None,
        loss: Some(Loss::new(LossKind::Bce)),
    };
    let e = imported.to_doc(&bad).unwrap_err().to_string();
    assert!(e.contains("needs a sigmoid output layer"), "{e}");
}

// ---------------------------------------------------------------- the app's own files

/// A 3-2-1 network with every fact a file can keep: sigmoid hidden, tanh output, huber loss
/// summed, a standardising scaling, weights that are not short decimals.
fn full_doc() -> NetworkDoc {
    let text = r#"
        name = "round trip"
        inputs = 3
        loss = { kind = "huber", delta = 0.5, reduction = "sum" }
        [scaling]
        kind = "standardise"
        mean = [1.5, -2.0, 0.1]
        std = [0.3, 2.0, 7.0]
        [[layers]]
        units = 2
        activation = "sigmoid"
        weights = [[0.1, -0.2, 0.30000000000000004], [1e-300, -7.25, 3.0e10]]
        bias = [-0.0, 0.6666666666666666]
        [[layers]]
        units = 1
        activation = "tanh"
        weights = [[2.5, -1.0000000000000002]]
        bias = [0.125]
    "#;
    mlp_notebook::nn::doc::parse(text, mlp_notebook::nn::doc::Syntax::Toml).unwrap()
}

fn bits(m: &Matrix) -> Vec<u64> {
    m.iter().map(|v| v.to_bits()).collect()
}

fn assert_same_weights(a: &NetworkDoc, b: &NetworkDoc) {
    assert_eq!(a.net.layers().len(), b.net.layers().len());
    for (la, lb) in a.net.layers().iter().zip(b.net.layers()) {
        assert_eq!(la.weights.shape(), lb.weights.shape());
        assert_eq!(bits(&la.weights), bits(&lb.weights));
        let (ba, bb): (Vec<u64>, Vec<u64>) = (
            la.bias.iter().map(|v| v.to_bits()).collect(),
            lb.bias.iter().map(|v| v.to_bits()).collect(),
        );
        assert_eq!(ba, bb);
    }
}

#[test]
fn a_safetensors_file_written_by_the_app_reopens_whole_bit_for_bit() {
    let doc = full_doc();
    let bytes = st::write(&doc).unwrap();
    let imported = st::read(&bytes).unwrap();
    let back = imported.to_doc(&Choices::default()).unwrap();
    assert_same_weights(&doc, &back);
    assert_eq!(back.net, doc.net, "activations and weights");
    assert_eq!(
        back.loss,
        Loss {
            kind: LossKind::Huber { delta: 0.5 },
            reduction: Reduction::Sum
        }
    );
    assert_eq!(back.scaling, doc.scaling);
    assert_eq!(back.name.as_deref(), Some("round trip"));
    // Written again, the file is the same bytes, header included: the metadata's keys are in
    // order (the crate writes them in a hash map's order, another each time).
    let again = st::write(&back).unwrap();
    assert!(again == bytes, "the same network gives the same file");
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&bytes[8..8 + n]).unwrap();
    let keys = [
        "activations",
        "format",
        "huber_delta",
        "inputs",
        "loss",
        "name",
        "reduction",
        "scaling",
    ];
    let at: Vec<usize> = keys
        .iter()
        .map(|k| header.find(&format!("\"{k}\":")).unwrap())
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "keys in order: {header}");
    let (a, b) = (
        safetensors::SafeTensors::deserialize(&bytes).unwrap(),
        safetensors::SafeTensors::deserialize(&again).unwrap(),
    );
    let mut names = a.names();
    names.sort();
    assert_eq!(names, ["0.bias", "0.weight", "2.bias", "2.weight"]);
    for n in names {
        let (ta, tb) = (a.tensor(n).unwrap(), b.tensor(n).unwrap());
        assert_eq!(
            (ta.dtype(), ta.shape(), ta.data()),
            (tb.dtype(), tb.shape(), tb.data()),
            "{n}"
        );
    }
}

#[test]
fn the_app_writes_pytorch_names_out_by_in_as_float64() {
    let doc = full_doc();
    let bytes = st::write(&doc).unwrap();
    let t = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let w = t.tensor("2.weight").unwrap();
    assert_eq!((w.dtype(), w.shape()), (Dtype::F64, &[1usize, 2][..]));
    let w0 = t.tensor("0.weight").unwrap();
    assert_eq!(w0.shape(), &[2, 3]);
    // Row-major: the second number is W1[1,2] = -0.2, the fourth W1[2,1] = 1e-300.
    let v = |i: usize| f64::from_le_bytes(w0.data()[8 * i..8 * i + 8].try_into().unwrap());
    assert_eq!((v(1), v(3)), (-0.2, 1e-300));
    let (_, meta) = safetensors::SafeTensors::read_metadata(&bytes).unwrap();
    let m = meta.metadata().as_ref().unwrap();
    assert_eq!(m["activations"], "sigmoid,tanh");
    assert_eq!((m["loss"].as_str(), m["reduction"].as_str()), ("huber", "sum"));
    assert_eq!(m["inputs"], "3");
}

#[test]
fn an_npz_written_by_the_app_reads_back_bit_for_bit_and_the_same_bytes() {
    let doc = full_doc();
    let bytes = npz::write(&doc).unwrap();
    let imported = npz::read(&bytes).unwrap();
    // An .npz keeps only weights: the activations are the chosen ones.
    let choices = Choices {
        activations: Some(vec![Activation::Sigmoid, Activation::Tanh]),
        loss: None,
    };
    let back = imported.to_doc(&choices).unwrap();
    assert_same_weights(&doc, &back);
    assert_eq!(npz::write(&back).unwrap(), bytes, "the same network, the same bytes");
}

// ---------------------------------------------------------------- bad files

fn f64_bytes(v: &[f64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// A tensor: name, dtype, shape, raw little-endian bytes.
type Tensor = (String, Dtype, Vec<usize>, Vec<u8>);

fn tensor(name: &str, dtype: Dtype, shape: &[usize], bytes: Vec<u8>) -> Tensor {
    (name.to_string(), dtype, shape.to_vec(), bytes)
}

/// A safetensors file of the given tensors and metadata.
fn st_file(tensors: &[Tensor], meta: Option<&[(&str, &str)]>) -> Vec<u8> {
    let views: Vec<(String, TensorView<'_>)> = tensors
        .iter()
        .map(|(n, d, s, b)| (n.clone(), TensorView::new(*d, s.clone(), b).unwrap()))
        .collect();
    let meta = meta.map(|m| {
        m.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<HashMap<_, _>>()
    });
    serialize(views, meta).unwrap()
}

/// A 2-3-1 network's tensors under PyTorch's names.
fn good() -> Vec<Tensor> {
    vec![
        tensor("0.weight", Dtype::F64, &[3, 2], f64_bytes(&[1.0; 6])),
        tensor("0.bias", Dtype::F64, &[3], f64_bytes(&[0.0; 3])),
        tensor("2.weight", Dtype::F64, &[1, 3], f64_bytes(&[1.0; 3])),
        tensor("2.bias", Dtype::F64, &[1], f64_bytes(&[0.0])),
    ]
}

fn st_err(tensors: &[Tensor], meta: Option<&[(&str, &str)]>) -> String {
    let e = st::read(&st_file(tensors, meta)).unwrap_err();
    e.to_string()
}

#[test]
fn a_good_file_reads_and_f32_half_and_bfloat_convert_exactly() {
    assert!(st::read(&st_file(&good(), None)).is_ok());
    // 0.5, -1.25 and 3 are exact in every float type.
    let vals = [0.5f64, -1.25, 3.0];
    let f32b: Vec<u8> = vals.iter().flat_map(|v| (*v as f32).to_le_bytes()).collect();
    let f16b: Vec<u8> = vals
        .iter()
        .flat_map(|v| half::f16::from_f64(*v).to_le_bytes())
        .collect();
    let bf16b: Vec<u8> = vals
        .iter()
        .flat_map(|v| half::bf16::from_f64(*v).to_le_bytes())
        .collect();
    for (dtype, b) in [(Dtype::F32, f32b), (Dtype::F16, f16b), (Dtype::BF16, bf16b)] {
        let mut t = good();
        t[2] = tensor("2.weight", dtype, &[1, 3], b);
        let imported = st::read(&st_file(&t, None)).unwrap();
        let w: Vec<f64> = imported.layers[1].weights.iter().copied().collect();
        assert_eq!(w, vals, "{dtype:?}");
    }
}

#[test]
fn a_shape_mismatch_names_the_tensor_and_both_shapes() {
    let mut t = good();
    t[2] = tensor("2.weight", Dtype::F64, &[1, 4], f64_bytes(&[1.0; 4]));
    let e = st_err(&t, None);
    assert!(
        e.contains("2.weight has shape [1, 4]") && e.contains("0.weight has shape [3, 2]"),
        "{e}"
    );
    let mut t = good();
    t[1] = tensor("0.bias", Dtype::F64, &[2], f64_bytes(&[0.0; 2]));
    let e = st_err(&t, None);
    assert!(
        e.contains("0.bias has shape [2]") && e.contains("0.weight has shape [3, 2]"),
        "{e}"
    );
    let mut t = good();
    t[0] = tensor("0.weight", Dtype::F64, &[6], f64_bytes(&[1.0; 6]));
    let e = st_err(&t, None);
    assert!(e.contains("0.weight has shape [6]") && e.contains("matrix"), "{e}");
}

#[test]
fn unknown_keys_non_float_and_non_finite_tensors_are_refused() {
    let mut t = good();
    t.push(tensor("1.running_mean", Dtype::F64, &[3], f64_bytes(&[0.0; 3])));
    let e = st_err(&t, None);
    assert!(
        e.contains("unknown tensor '1.running_mean'") && e.contains("0.weight, 0.bias"),
        "{e}"
    );
    let mut t = good();
    t.push(tensor("embedding", Dtype::F64, &[3], f64_bytes(&[0.0; 3])));
    assert!(st_err(&t, None).contains("unknown tensor 'embedding'"));
    let mut t = good();
    t[3] = tensor("2.bias", Dtype::I64, &[1], 7i64.to_le_bytes().to_vec());
    let e = st_err(&t, None);
    assert!(
        e.contains("2.bias holds I64 values") && e.contains("floating-point"),
        "{e}"
    );
    let mut t = good();
    t[0] = tensor(
        "0.weight",
        Dtype::F64,
        &[3, 2],
        f64_bytes(&[1.0, 1.0, 1.0, f64::NAN, 1.0, 1.0]),
    );
    let e = st_err(&t, None);
    // The fourth number of a 3 x 2 matrix in rows is row 2, column 2.
    assert!(e.contains("0.weight at row 2, column 2 is NaN"), "{e}");
    let mut t = good();
    t[3] = tensor("2.bias", Dtype::F64, &[1], f64_bytes(&[f64::INFINITY]));
    assert!(st_err(&t, None).contains("2.bias at entry 1 is inf"));
    let t = vec![good()[1].clone()];
    let e = st_err(&t, None);
    assert!(e.contains("0.bias has no 0.weight"), "{e}");
}

#[test]
fn oversized_empty_and_broken_files_are_refused() {
    let big = vec![0u8; MAX_WEIGHT_FILE_BYTES + 1];
    assert!(matches!(st::read(&big), Err(WeightsError::TooLarge { .. })));
    assert!(matches!(npz::read(&big), Err(WeightsError::TooLarge { .. })));
    let e = st::read(b"not a weight file at all").unwrap_err().to_string();
    assert!(e.starts_with("not a safetensors file"), "{e}");
    let e = npz::read(b"PK nothing").unwrap_err().to_string();
    assert!(e.starts_with("not a .npz file"), "{e}");
    assert_eq!(st::read(&st_file(&[], None)), Err(WeightsError::Empty));
    // A header that claims more bytes than the file has.
    let mut cut = st_file(&good(), None);
    cut.truncate(cut.len() - 8);
    assert!(
        st::read(&cut)
            .unwrap_err()
            .to_string()
            .starts_with("not a safetensors file")
    );
}

#[test]
fn bad_metadata_is_named_by_its_key() {
    let e = st_err(&good(), Some(&[("activations", "relu,swish")]));
    assert!(
        e.contains("metadata 'activations'") && e.contains("unknown activation 'swish'"),
        "{e}"
    );
    let e = st_err(&good(), Some(&[("activations", "relu")]));
    assert!(e.contains("names 1 activations but the file has 2 layers"), "{e}");
    let e = st_err(&good(), Some(&[("inputs", "3")]));
    assert!(e.contains("metadata 'inputs'") && e.contains("2 columns"), "{e}");
    let e = st_err(&good(), Some(&[("loss", "l2")]));
    assert!(e.contains("unknown loss 'l2'"), "{e}");
    let e = st_err(
        &good(),
        Some(&[("scaling", r#"{"kind":"standardise","mean":[0],"std":[1]}"#)]),
    );
    assert!(
        e.contains("metadata 'scaling'") && e.contains("1 value but the network has 2 inputs"),
        "{e}"
    );
    // Keys the app does not know (Hugging Face writes format = "pt") are left alone.
    assert!(st::read(&st_file(&good(), Some(&[("format", "pt")]))).is_ok());
}

#[test]
fn a_sequential_kept_in_an_attribute_keeps_its_prefix() {
    let t: Vec<Tensor> = good()
        .into_iter()
        .map(|(n, d, s, b)| (format!("net.{n}"), d, s, b))
        .collect();
    let imported = st::read(&st_file(&t, None)).unwrap();
    assert_eq!(imported.layers.len(), 2);
    let mut mixed = good();
    mixed.push(tensor("head.4.weight", Dtype::F64, &[1, 1], f64_bytes(&[1.0])));
    assert!(st_err(&mixed, None).contains("unknown tensor"));
}

/// An .npz of (name, shape, values) float64 arrays, or int64 with `int`.
fn npz_file(arrays: &[(&str, &[u64], &[f64])], int: Option<&str>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, shape, values) in arrays {
        let mut out = Vec::new();
        if int == Some(name) {
            use npyz::WriterBuilder as _;
            let mut w = npyz::WriteOptions::<i64>::new()
                .default_dtype()
                .shape(shape)
                .writer(&mut out)
                .begin_nd()
                .unwrap();
            w.extend(values.iter().map(|v| *v as i64)).unwrap();
            w.finish().unwrap();
        } else {
            use npyz::WriterBuilder as _;
            let mut w = npyz::WriteOptions::<f64>::new()
                .default_dtype()
                .shape(shape)
                .writer(&mut out)
                .begin_nd()
                .unwrap();
            w.extend(values.iter().copied()).unwrap();
            w.finish().unwrap();
        }
        zip.start_file(format!("{name}.npy"), opts).unwrap();
        zip.write_all(&out).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn a_compressed_npz_reads_and_its_bad_arrays_are_named() {
    let ones = [1.0; 6];
    let ok: Vec<(&str, &[u64], &[f64])> = vec![
        ("W1", &[3, 2], &ones),
        ("b1", &[3], &ones[..3]),
        ("W2", &[1, 3], &ones[..3]),
        ("b2", &[1], &ones[..1]),
    ];
    // np.savez_compressed deflates every array.
    assert_eq!(npz::read(&npz_file(&ok, None)).unwrap().layers.len(), 2);
    let err = |arrays: &[(&str, &[u64], &[f64])], int: Option<&str>| {
        npz::read(&npz_file(arrays, int)).unwrap_err().to_string()
    };
    let mut a = ok.clone();
    a.push(("extra", &[1], &ones[..1]));
    assert!(err(&a, None).contains("unknown tensor 'extra'"));
    let mut a = ok.clone();
    a[2] = ("W2", &[1, 4], &[1.0; 4]);
    let e = err(&a, None);
    assert!(
        e.contains("W2 has shape [1, 4]") && e.contains("W1 has shape [3, 2]"),
        "{e}"
    );
    let e = err(&ok, Some("b2"));
    assert!(e.contains("b2 holds") && e.contains("floating-point"), "{e}");
    let nan = [1.0, f64::NAN, 1.0];
    let mut a = ok.clone();
    a[1] = ("b1", &[3], &nan);
    assert!(err(&a, None).contains("b1 at entry 2 is NaN"));
    // W1, W3 without W2.
    let a: Vec<(&str, &[u64], &[f64])> = vec![("W1", &[3, 2], &ones), ("W3", &[1, 3], &ones[..3])];
    let e = err(&a, None);
    assert!(e.contains("W3 has no W2"), "{e}");
}

// ---------------------------------------------------------------- the command line

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], stdin: Option<&str>) -> Out {
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_mlp-notebook"))
        .args(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn ok(out: Out) -> String {
    assert_eq!(out.code, 0, "stderr: {}", out.stderr);
    out.stdout
}

fn bad(args: &[&str], needle: &str) {
    let out = run(args, None);
    assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
    assert!(
        out.stderr.contains(needle),
        "{args:?}: '{needle}' not in {}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

/// `import FILE --x .. --y .. | trace - --json` gives PyTorch's numbers.
fn import_and_trace(name: &str, file: &str, extra: &[&str]) {
    let want = expected(name);
    let path = interop(file).to_string_lossy().into_owned();
    let (x, y) = (want["x"].to_string(), want["y"].to_string());
    let mut args = vec!["import", path.as_str(), "--x", &x, "--y", &y];
    args.extend(extra);
    let toml = ok(run(&args, None));
    let trace: Value = serde_json::from_str(&ok(run(&["trace", "-", "--json"], Some(&toml)))).unwrap();
    for key in ["loss", "layers", "grad_input"] {
        assert_close(
            &trace[key],
            &want[key],
            &format!("{name} through the command line: {key}"),
        );
    }
}

#[test]
fn the_command_line_imports_every_interop_file_and_traces_it_like_pytorch() {
    import_and_trace("seq_relu_3_4_4_2", "seq_relu_3_4_4_2.safetensors", &[]);
    import_and_trace("seq_sigmoid_meta", "seq_sigmoid_meta.safetensors", &[]);
    import_and_trace("npz_relu_4_3_2", "npz_relu_4_3_2.npz", &[]);
    import_and_trace(
        "seq_tanh_six_layers",
        "seq_tanh_six_layers.safetensors",
        &["--activations", "tanh,tanh,tanh,tanh,tanh,identity"],
    );
}

#[test]
fn export_then_import_gives_the_network_back() {
    let dir = tempfile::tempdir().unwrap();
    let net = dir.path().join("net.toml");
    std::fs::write(&net, full_doc().write(mlp_notebook::nn::doc::Syntax::Toml).unwrap()).unwrap();
    let net = net.to_string_lossy().into_owned();
    for ext in ["safetensors", "npz"] {
        let out = dir.path().join(format!("w.{ext}")).to_string_lossy().into_owned();
        let said = ok(run(&["export", &net, "-o", &out], None));
        assert!(said.contains("2 layers"), "{said}");
        let toml = ok(run(&["import", &out, "--activations", "sigmoid,tanh"], None));
        let back = mlp_notebook::nn::doc::parse(&toml, mlp_notebook::nn::doc::Syntax::Toml).unwrap();
        assert_same_weights(&full_doc(), &back);
        if ext == "safetensors" {
            // The metadata brings back the loss and the scaling too.
            assert_eq!(back.loss, full_doc().loss);
            assert_eq!(back.scaling, full_doc().scaling);
        }
    }
    let odd = dir.path().join("w.bin").to_string_lossy().into_owned();
    bad(
        &["export", &net, "-o", &odd],
        "--to is needed: pytorch, keras or numpy for a script, safetensors or npz for the weights",
    );
    let forced = ok(run(&["export", &net, "--to", "npz", "-o", &odd], None));
    assert!(forced.contains("w.bin"));
    assert!(npz::read(&std::fs::read(dir.path().join("w.bin")).unwrap()).is_ok());
}

#[test]
fn the_command_line_refuses_bad_weight_files_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.safetensors");
    std::fs::write(&junk, b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all}").unwrap();
    let junk = junk.to_string_lossy().into_owned();
    bad(&["import", &junk], "not a safetensors file");
    let relu = interop("seq_relu_3_4_4_2.safetensors").to_string_lossy().into_owned();
    bad(
        &["import", &relu, "--activations", "relu,identity"],
        "2 activations given but the file has 3 layers",
    );
    bad(
        &["import", &relu, "--activations", "relu,swish,identity"],
        "unknown activation 'swish'",
    );
    bad(&["import", &relu, "--loss", "bce"], "needs a sigmoid output layer");
    bad(
        &["import", &relu, "--x", "[[1, 2]]"],
        "x row 1: 2 values but the network has 3 inputs",
    );
    bad(&["import", &relu, "--x", "[[1, 2, 3"], "--x: line 1");
    bad(&["import", "no-such-file.npz"], "no such file");
}

// ---------------------------------------------------------------- a trained cell saved

#[test]
fn a_trained_cell_saved_and_traced_by_the_command_line_predicts_as_the_cell() {
    use mlp_notebook::app::files::NoDialogs;
    use mlp_notebook::app::training::TrainAction;
    use mlp_notebook::app::{AppState, Command, LabCommand};
    use mlp_notebook::lesson::training::TrainingSetup;
    use mlp_notebook::lesson::{Cell, Lesson};
    use mlp_notebook::nn::data::Scaling;
    let setup = TrainingSetup {
        scaling: Scaling::Standardise,
        ..TrainingSetup::xor_default()
    };
    let lesson = Lesson {
        title: "lab".into(),
        cells: vec![Cell::Training(Box::new(setup))],
        ..Default::default()
    };
    let mut s = AppState::new(lesson, Box::new(NoDialogs));
    for _ in 0..3 {
        s.apply(Command::Lab(LabCommand::Train {
            cell: 0,
            action: TrainAction::Epoch,
        }));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trained.toml");
    s.apply(Command::Lab(LabCommand::SaveTrainedTo {
        cell: 0,
        path: path.clone(),
    }));
    let msg = s.session.message.as_ref().map(|m| m.text.clone()).unwrap_or_default();
    assert!(msg.starts_with("Saved the trained network"), "{msg}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("[scaling]") && text.contains("kind = \"standardise\""),
        "{text}"
    );
    // What the cell predicts for its first training rows: its network on its scaled rows.
    let t = s.training(0).unwrap();
    let data = t.data.as_ref().unwrap();
    let n = data.train.len().min(10);
    let fwd = forward(t.net().unwrap(), &data.train.x.columns(0, n).into_owned());
    let cell_out = &fwd.layers.last().unwrap().a;
    let trace: Value = serde_json::from_str(&ok(run(&["trace", &path.to_string_lossy(), "--json"], None))).unwrap();
    let layers = trace["layers"].as_array().unwrap();
    let got: Vec<Vec<f64>> = serde_json::from_value(layers.last().unwrap()["a"].clone()).unwrap();
    assert_eq!(got.len(), n);
    for (j, row) in got.iter().enumerate() {
        for (k, v) in row.iter().enumerate() {
            assert_eq!(
                v.to_bits(),
                cell_out[(k, j)].to_bits(),
                "sample {j}, output {k}: exactly the cell's"
            );
        }
    }
    // The scaling matters: without it the file would predict otherwise.
    let mut doc = mlp_notebook::nn::doc::parse(&text, mlp_notebook::nn::doc::Syntax::Toml).unwrap();
    doc.scaling = None;
    let unscaled = forward(&doc.net, &doc.input());
    assert_ne!(&unscaled.layers.last().unwrap().a, cell_out);
}

#[test]
fn train_with_standardize_saves_the_scaling_it_trained_with() {
    let dir = tempfile::tempdir().unwrap();
    // Two features on very different scales, two classes.
    let csv = dir.path().join("d.csv");
    std::fs::write(&csv, "a,b,class\n1,100,x\n2,300,y\n3,200,x\n4,400,y\n").unwrap();
    let net = dir.path().join("n.toml");
    std::fs::write(
        &net,
        ok(run(
            &[
                "init",
                "--layers",
                "2,3,1",
                "--output-activation",
                "sigmoid",
                "--loss",
                "bce",
            ],
            None,
        )),
    )
    .unwrap();
    let out = dir.path().join("t.toml");
    let (csv, net, out) = (
        csv.to_string_lossy().into_owned(),
        net.to_string_lossy().into_owned(),
        out.to_string_lossy().into_owned(),
    );
    ok(run(
        &[
            "train",
            &net,
            "--data",
            &csv,
            "--epochs",
            "2",
            "--standardize",
            "--out",
            &out,
        ],
        None,
    ));
    let doc = mlp_notebook::nn::doc::parse(
        &std::fs::read_to_string(&out).unwrap(),
        mlp_notebook::nn::doc::Syntax::Toml,
    )
    .unwrap();
    let s = doc.scaling.expect("the scaling is saved");
    // Population statistics: mean of 1..4 is 2.5, std sqrt(1.25); of 100..400, 250 and sqrt(12500).
    assert_eq!(s.offset, [2.5, 250.0]);
    assert_eq!(s.scale, [1.25f64.sqrt(), 12500f64.sqrt()]);
}
