//! `.npz` archives as NumPy's `np.savez(path, W1=..., b1=..., W2=..., ...)` writes them: a zip
//! of `.npy` arrays, `Wl` of shape `units x in` (row-major) and `bl` of `units`, layers counted
//! from 1 as the stepper names them. Read from stored or deflated archives (`np.savez` and
//! `np.savez_compressed`); written stored, as `np.savez` does, dated 1980-01-01 so the same
//! network always gives the same bytes.
//!
//! An `.npz` holds the weights only: opened, its layers take relu hidden and identity output
//! unless the user chooses (the safetensors file keeps the activations, loss and scaling).

use super::weights::{
    Dense, Imported, MAX_WEIGHT_FILE_BYTES, Meta, WeightsError, check_chain, check_size, layers_of,
    matrix_from_row_major, shape_text, vector,
};
use crate::nn::doc::NetworkDoc;
use npyz::{DType, NpyFile, Order, TypeChar, WriterBuilder};
use std::io::{Cursor, Read, Write};

const EXPECTED: &str = "an .npz of weights holds W1, b1, W2, b2, ... (W as units x in)";

fn format(reason: impl ToString) -> WeightsError {
    WeightsError::Format {
        format: ".npz",
        reason: reason.to_string(),
    }
}

/// The archive's bytes for `doc`: `W1.npy`, `b1.npy`, ... as float64.
pub fn write(doc: &NetworkDoc) -> Result<Vec<u8>, WeightsError> {
    let write_err = |e: &dyn std::fmt::Display| WeightsError::Write(e.to_string());
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default());
    for (i, l) in layers_of(doc).iter().enumerate() {
        let w: Vec<f64> = l
            .weights
            .row_iter()
            .flat_map(|r| r.iter().copied().collect::<Vec<_>>())
            .collect();
        let b: Vec<f64> = l.bias.iter().copied().collect();
        let shape_w = [l.weights.nrows() as u64, l.weights.ncols() as u64];
        for (name, shape, data) in [
            (format!("W{}.npy", i + 1), &shape_w[..], w),
            (format!("b{}.npy", i + 1), &shape_w[..1], b),
        ] {
            let npy = npy_bytes(shape, &data).map_err(|e| write_err(&e))?;
            zip.start_file(name, options).map_err(|e| write_err(&e))?;
            zip.write_all(&npy).map_err(|e| write_err(&e))?;
        }
    }
    Ok(zip.finish().map_err(|e| write_err(&e))?.into_inner())
}

/// One `.npy` array of float64 in C order.
fn npy_bytes(shape: &[u64], data: &[f64]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut w = npyz::WriteOptions::<f64>::new()
        .default_dtype()
        .shape(shape)
        .writer(&mut out)
        .begin_nd()?;
    w.extend(data.iter().copied())?;
    w.finish()?;
    Ok(out)
}

/// Reads `W1`, `b1`, ... from an archive; any other array is an error, and so is a `b` without
/// its `W`. A layer without a `b` gets zeros.
pub fn read(bytes: &[u8]) -> Result<Imported, WeightsError> {
    check_size(bytes)?;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(format)?;
    // (layer from 1, is_weight, name, values, shape), arrays read one by one within the budget.
    let mut arrays = Vec::new();
    let mut budget = MAX_WEIGHT_FILE_BYTES as u64;
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).map_err(format)?;
        let entry = file.name().map_err(format)?.to_string();
        let name = entry.strip_suffix(".npy").unwrap_or(&entry).to_string();
        let (is_weight, layer) = match name.split_at_checked(1) {
            Some(("W", n)) => (true, n),
            Some(("b", n)) => (false, n),
            _ => return Err(unknown(&name)),
        };
        let layer: usize = match layer.parse() {
            Ok(l) if l >= 1 && !layer.starts_with('0') => l,
            _ => return Err(unknown(&name)),
        };
        if file.size() > budget {
            return Err(WeightsError::TooLarge {
                got: file.size(),
                limit: MAX_WEIGHT_FILE_BYTES,
            });
        }
        let mut data = Vec::new();
        file.by_ref().take(budget + 1).read_to_end(&mut data).map_err(format)?;
        budget = budget.saturating_sub(data.len() as u64);
        let (shape, values) = array(&name, &data)?;
        arrays.push((layer, is_weight, name, shape, values));
    }
    arrays.sort_by_key(|a| (a.0, !a.1));
    let mut layers = Vec::new();
    let mut names = Vec::new();
    let mut arrays = arrays.into_iter().peekable();
    while let Some((layer, is_weight, name, shape, values)) = arrays.next() {
        let expect = layers.len() + 1;
        if !is_weight || layer != expect {
            let missing = if is_weight {
                format!("W{expect}")
            } else {
                format!("W{layer}")
            };
            return Err(WeightsError::Missing { name, missing });
        }
        let &[rows, cols] = shape.as_slice() else {
            return Err(WeightsError::Shape {
                name,
                shape: shape_text(&shape),
                reason: "a layer's weights are a matrix (units x in)".into(),
            });
        };
        if rows == 0 || cols == 0 {
            return Err(WeightsError::Shape {
                name,
                shape: shape_text(&shape),
                reason: "a layer needs at least one unit and one input".into(),
            });
        }
        let weights = matrix_from_row_major(&name, rows, cols, &values)?;
        let bias_name = format!("b{layer}");
        let bias = match arrays.next_if(|a| a.0 == layer && !a.1) {
            Some((_, _, bname, bshape, bvalues)) => {
                if bshape.len() != 1 {
                    return Err(WeightsError::Shape {
                        name: bname,
                        shape: shape_text(&bshape),
                        reason: "a layer's bias is a vector (units)".into(),
                    });
                }
                vector(&bname, bvalues)?
            }
            None => crate::nn::Vector::zeros(rows),
        };
        layers.push(Dense { weights, bias });
        names.push((name, bias_name));
    }
    check_chain(&layers, &names)?;
    Ok(Imported {
        layers,
        meta: Meta::default(),
    })
}

fn unknown(name: &str) -> WeightsError {
    WeightsError::UnknownKey {
        name: name.into(),
        expected: EXPECTED,
    }
}

/// One `.npy` array's shape and its values as f64 in row-major order (float64, float32 and
/// float16, either byte order; a Fortran-order matrix is put back in rows).
fn array(name: &str, bytes: &[u8]) -> Result<(Vec<usize>, Vec<f64>), WeightsError> {
    let npy = NpyFile::new(bytes).map_err(|e| format(format!("{name}: {e}")))?;
    let shape: Vec<usize> = npy.shape().iter().map(|&d| d as usize).collect();
    let order = npy.order();
    let size = match npy.dtype() {
        DType::Plain(t) if t.type_char() == TypeChar::Float => t.size_field(),
        DType::Plain(t) => {
            return Err(WeightsError::NotFloat {
                name: name.into(),
                dtype: t.to_string(),
            });
        }
        other => {
            return Err(WeightsError::NotFloat {
                name: name.into(),
                dtype: other.descr(),
            });
        }
    };
    let read_err = |e: std::io::Error| format(format!("{name}: {e}"));
    let values: Vec<f64> = match size {
        8 => npy.into_vec::<f64>().map_err(read_err)?,
        4 => npy
            .into_vec::<f32>()
            .map_err(read_err)?
            .into_iter()
            .map(f64::from)
            .collect(),
        2 => npy
            .into_vec::<half::f16>()
            .map_err(read_err)?
            .into_iter()
            .map(half::f16::to_f64)
            .collect(),
        _ => {
            return Err(WeightsError::NotFloat {
                name: name.into(),
                dtype: format!("float{}", size * 8),
            });
        }
    };
    let values = match (order, shape.as_slice()) {
        (Order::Fortran, &[rows, cols]) => (0..rows * cols).map(|k| values[(k % cols) * rows + k / cols]).collect(),
        _ => values,
    };
    Ok((shape, values))
}
