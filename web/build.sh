#!/usr/bin/env bash
# Builds the browser version of MLP Notebook into dist/, a static folder any web server can host:
#   bash web/build.sh          then   python3 -m http.server -d dist 8000
# Needs the Rust toolchain; installs the wasm32 target and wasm-bindgen's command-line tool (the
# version Cargo.lock names) when missing. With node/npm present, wasm-opt (npm's binaryen) shrinks
# the .wasm; without them the page is simply larger.
set -euo pipefail
cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-target}

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
version=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p')
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $version"; then
  # Without --locked: the tool's own lock file names a crate version some registries lack.
  cargo install wasm-bindgen-cli --version "$version"
fi

cargo build --release --target wasm32-unknown-unknown --bin mlp-notebook
rm -rf dist
mkdir -p dist
wasm-bindgen --target web --no-typescript --out-dir dist --out-name mlp-notebook \
  "$target_dir/wasm32-unknown-unknown/release/mlp-notebook.wasm"

if command -v npm >/dev/null 2>&1; then
  [ -x web/node_modules/.bin/wasm-opt ] || npm install --prefix web --no-audit --no-fund --silent
  # -O2 keeps the engine's speed. The features are those rustc emits for wasm32 (not
  # --all-features: that writes compact imports, which browsers refuse).
  web/node_modules/.bin/wasm-opt -O2 --enable-bulk-memory --enable-multivalue --enable-mutable-globals \
    --enable-nontrapping-float-to-int --enable-reference-types --enable-sign-ext dist/mlp-notebook_bg.wasm -o dist/mlp-notebook_bg.opt.wasm
  mv dist/mlp-notebook_bg.opt.wasm dist/mlp-notebook_bg.wasm
fi

cp web/index.html dist/
# The shipped lessons next to the page, so a link can name one with ?url=lessons/NN-name.toml.
cp -r lessons dist/lessons
raw=$(stat -c %s dist/mlp-notebook_bg.wasm)
gz=$(gzip -9 -c dist/mlp-notebook_bg.wasm | wc -c)
echo "dist/ is ready: mlp-notebook_bg.wasm is $raw bytes ($gz gzipped)"
