// The browser test: the built page (dist/) in headless Chromium, driven like a student would,
// with clicks and keys on the canvas. It reads what the window shows from the page's read-out
// (window.mlpShown: every widget's role, label, value and place, from egui's screen-reader tree;
// see src/window/web/readout.rs), never from the app's state.
//   node web/test/browser.mjs [dist] [screenshot folder]
import { chromium } from "playwright-core";
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";

const dist = path.resolve(process.argv[2] ?? "dist");
const shots = path.resolve(process.argv[3] ?? "target/web-test");
fs.mkdirSync(shots, { recursive: true });

const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".toml": "text/plain" };
const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  const file = path.join(dist, decodeURIComponent(url.pathname === "/" ? "/index.html" : url.pathname));
  if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    res.writeHead(404).end("not found");
    return;
  }
  res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
  fs.createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}/`;

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "mlp-chromium-"));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const page = context.pages()[0] ?? (await context.newPage());
await page.addInitScript(() => { window.mlpReadout = true; });
const problems = [];
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));

let failed = 0;
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failed++;
}

/** What the window showed in its last frame. */
async function shown() {
  const text = await page.evaluate(() => window.mlpShown ?? null);
  return text ? JSON.parse(text) : null;
}
/** Waits (up to `ms`) until `pred(shown)` holds; returns the last read-out. */
async function until(pred, ms = 20000) {
  const end = Date.now() + ms;
  let s = null;
  while (Date.now() < end) {
    s = await shown();
    if (s && pred(s)) return s;
    await page.waitForTimeout(100);
  }
  return s;
}
// A label's text is its value in egui's tree; a field's name is its label.
const widget = (s, label) => s?.widgets.find((w) => w.label === label || (w.label == null && w.value === label));
const has = (label) => (s) => !!widget(s, label);
const says = (text) => (s) => s.widgets.some((w) => (w.label ?? "").includes(text) || (w.value ?? "").includes(text));

/** Scrolls the page until the widget labelled `label` is in view; returns it. */
async function find(label) {
  const height = page.viewportSize().height;
  const inView = (w) => w && w.y > 40 && w.y < height - 40;
  let s = await until(has(label), 3000);
  for (let i = 0; i < 30 && !inView(widget(s, label)); i++) {
    const w = widget(s, label);
    await page.mouse.move(400, 450);
    await page.mouse.wheel(0, w ? Math.max(-600, Math.min(600, w.y - height / 2)) : 300);
    // egui scrolls smoothly: wait until the widget stops moving.
    let last = null;
    for (let k = 0; k < 20; k++) {
      await page.waitForTimeout(100);
      s = await until(has(label), 500);
      const now = widget(s, label);
      if (last && now && last.y === now.y) break;
      last = now;
    }
  }
  return widget(s, label);
}
async function clickOn(label) {
  const w = await find(label);
  if (!w) throw new Error(`no widget labelled '${label}' on the page`);
  await page.mouse.click(w.x, w.y);
  // The page moves the keyboard focus to its text field for the canvas on the next frame.
  await page.waitForTimeout(400);
}
/** Clicks a field, replaces its text with `text`, presses Enter. */
async function typeInto(label, text) {
  await clickOn(label);
  await page.keyboard.press("Control+A");
  await page.keyboard.type(text);
  await page.keyboard.press("Enter");
  await page.waitForTimeout(150);
}
async function open(address) {
  await page.goto(base + address);
  const s = await until((s) => s.widgets.length > 0, 60000);
  check(!!s, `${address || "the page"}: the first frame is drawn`);
  return s;
}

try {
  // The seven-layer lesson (shipped lesson 03) without its exercises, in an inline link: with
  // its graded exercises the values they ask for (the loss among them) are blank until answered.
  const blocks = fs.readFileSync(path.join(dist, "lessons", "03-seven-layers-by-hand.toml"), "utf8").split(/^(?=\[\[cells\]\]$)/m);
  const practice = blocks.filter((b) => !/^\[\[cells\]\]\nkind = "exercise"/.test(b)).join("");
  check(blocks.length - practice.split(/^(?=\[\[cells\]\]$)/m).length === 12, "the twelve exercises are taken out of the seven-layer lesson");
  let t0 = Date.now();
  let s = await open(`#lesson=${zlib.deflateRawSync(Buffer.from(practice)).toString("base64url")}`);
  console.log(`     first frame after ${Date.now() - t0} ms`);
  s = (await until(has("L = 652.5"), 5000)) ?? s;
  check(s.title.startsWith("Seven layers by hand"), `the seven-layer lesson is open (title: ${s.title})`);
  // x = (0, -1, 0) and the lesson's integer weights give L = 652.5 (by hand in tests/engine.rs).
  check(!!widget(s, "L = 652.5"), "the loss shown is 652.5");
  await page.screenshot({ path: path.join(shots, "1-seven-layers.png") });

  // Type a new weight: W1[1,2] from 1 to -4. By hand, with x = (0, -1, 0):
  //   z1 = (4, 2, 2, 1)   (row 1 of W1 is now (2, -4, -2))        a1 = (4, 2, 2, 1)
  //   z2 = (5, 7, -12, -6)  a2 = (5, 7, 0, 0)     z3 = (2, 7, 4, -2)    a3 = (2, 7, 4, 0)
  //   z4 = (-9, -20, -14, 12) a4 = (0, 0, 0, 12)  z5 = (12, 12, -12, 0) a5 = (12, 12, 0, 0)
  //   z6 = (-36, -24, -48, 12) a6 = (0, 0, 0, 12) z7 = (1·0+1·0+1·0-2·12, 12) = (-24, 12)
  //   L = 1/2 ((-24 - 5)^2 + (12 - 2)^2) = 1/2 (841 + 100) = 470.5
  await typeInto("W1[1,2]", "-4");
  s = await until(has("L = 470.5"), 5000);
  check(!!widget(s, "L = 470.5"), "after W1[1,2] = -4 the loss shown is 470.5");
  check(!!widget(s, "z1[1] = 4"), "and z1[1] shows 4");
  await clickOn("Layer 7");
  s = await until(has("z7[1] = -24"), 5000);
  check(!!widget(s, "z7[1] = -24") && !!widget(s, "z7[2] = 12"), "and the output layer shows z7 = (-24, 12)");
  await page.screenshot({ path: path.join(shots, "2-weight-typed.png") });

  // The lesson itself, with its exercises. Exercise 1 asks for z1 of the network as the lesson gave it: z1 = W1 x = minus W1's second
  // column = -(1, -2, -2, -1) = (-1, 2, 2, 1).
  s = await open("?lesson=03");
  const answers = ["-1", "2", "2", "1"];
  for (let i = 0; i < 4; i++) await typeInto(`answer z1[${i + 1}], exercise 1`, answers[i]);
  s = await until(says("Correct."), 5000);
  check(says("Correct.")(s), "the exercise's answer is checked: Correct.");
  await page.screenshot({ path: path.join(shots, "3-exercise.png") });
  await page.waitForTimeout(600); // answers are stored within a quarter second

  await page.reload();
  s = await until((s) => s.widgets.length > 0, 60000);
  const kept = await find("answer z1[3], exercise 1");
  check(kept?.value === "2", `after a reload the answer is still there (z1[3] field: ${kept?.value})`);
  s = await until(says("Correct."), 3000);
  check(says("Correct.")(s), "and its verdict too");

  // Another shipped lesson by its link, and a bad link.
  s = await open("?lesson=05");
  check(s.title.startsWith("Activation functions"), `?lesson=05 opens 'Activation functions' (title: ${s.title})`);
  // The message names the range of the shipped lessons, as many as the page carries.
  const shipped = fs.readdirSync(path.join(dist, "lessons")).filter((f) => /^\d\d-.*\.toml$/.test(f)).length;
  const range = `numbered 01 to ${String(shipped).padStart(2, "0")}`;
  s = await open("?lesson=99");
  s = await until(says(range), 5000);
  check(says(range)(s) && s.title.startsWith("Seven layers by hand"), `?lesson=99 says why (${range}) and opens the default lesson`);
  await page.screenshot({ path: path.join(shots, "4-bad-link.png") });

  // An inline lesson, deflated and in base64url as the app writes them (made here with node's
  // own zlib, so the format is checked from outside the app).
  const tiny = [
    'format_version = 2', 'title = "Inline tiny"', '', '[[cells]]', 'kind = "network"', 'id = "n"', '',
    '[cells.network]', 'inputs = 1', 'loss = "sse_half"', 'x = [[3]]', 'y = [[1]]', '',
    '[[cells.network.layers]]', 'units = 1', 'activation = "identity"', 'weights = [[2]]', 'bias = [0]', '',
  ].join("\n");
  const packed = zlib.deflateRawSync(Buffer.from(tiny)).toString("base64url");
  s = await open(`#lesson=${packed}`);
  s = await until((s) => s.title.startsWith("Inline tiny"), 5000);
  // z = 2·3 + 0 = 6; L = 1/2 (6 - 1)^2 = 12.5
  check(s.title.startsWith("Inline tiny") && !!widget(s, "L = 12.5"), `the inline #lesson= link opens its lesson with L = 12.5 (title: ${s.title})`);
  s = await open(`#lesson=${packed.slice(0, 20)}`);
  s = await until(says("cannot be read"), 5000);
  check(says("cannot be read")(s), "a damaged inline link says so");

  // A lesson file next to the app, by its relative address; and two bad ones.
  s = await open("?url=lessons/05-activations.toml");
  s = await until((s) => s.title.startsWith("Activation functions"), 10000);
  check(s.title.startsWith("Activation functions"), `?url=lessons/05-activations.toml opens it (title: ${s.title})`);
  s = await open("?url=https://example.com/evil.toml");
  s = await until(says("only a file next to the app"), 5000);
  check(says("only a file next to the app")(s), "?url= to another site is refused with a message");
  s = await open("?url=lessons/none.toml");
  s = await until(says("could not be loaded"), 10000);
  check(says("404")(s) && s.title.startsWith("Seven layers by hand"), "?url= to a missing file says so and keeps the default lesson");

  // A lesson file dropped on the page.
  await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text.replace("Inline tiny", "Dropped tiny")], "dropped.toml"));
    const canvas = document.getElementById("mlp-canvas");
    for (const type of ["dragenter", "dragover", "drop"]) {
      canvas.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }
  }, tiny);
  s = await until((s) => s.title.startsWith("Dropped tiny"), 5000);
  check(s.title.startsWith("Dropped tiny"), `a lesson file dropped on the page opens (title: ${s.title})`);

  // Stored answers and settings that cannot be read are set aside with a message.
  s = await open("?lesson=03");
  const keys = await page.evaluate(() => Object.keys(localStorage));
  const progressKey = keys.find((k) => k.startsWith("mlp-notebook/progress/") && !k.includes("unreadable"));
  check(!!progressKey, `the answers are in the browser's storage (${progressKey})`);
  // Damaged as an older version might have left them: written from another page of the site,
  // with the app closed (a closing app writes its settings).
  await page.goto(base + "lessons/05-activations.toml");
  await page.evaluate((k) => {
    localStorage.setItem(k, "{ this is not json");
    localStorage.setItem("mlp-notebook-settings", "(view: broken");
  }, progressKey);
  s = await open("?lesson=03");
  s = await until(says("could not be read"), 5000);
  check(says("Your saved answers for this lesson could not be read")(s), "damaged stored answers are named in a message");
  const aside = await page.evaluate((k) => localStorage.getItem(k.replace(/\.json$/, ".unreadable.json")), progressKey);
  check(aside === "{ this is not json", "and kept aside, not dropped");
  await page.screenshot({ path: path.join(shots, "5-damaged-storage.png") });
  const settingsAside = await page.evaluate(() => localStorage.getItem("mlp-notebook-settings.unreadable"));
  check(settingsAside === "(view: broken", `damaged settings are kept aside too (${settingsAside})`);

  // The training lab trains in slices of the page's frames (no threads) and draws as it goes.
  s = await open("?lesson=10");
  await clickOn("Play");
  const epoch = (s) => Number(/^Epoch (\d+) of/.exec(s.widgets.map((w) => w.value ?? "").find((v) => v.startsWith("Epoch ")) ?? "")?.[1] ?? 0);
  s = await until((s) => epoch(s) >= 20, 20000);
  check(epoch(s) >= 20, `the training lab plays in the page (epoch ${epoch(s)})`);
  await page.screenshot({ path: path.join(shots, "6-training.png") });

  // A worksheet is downloaded as an HTML page.
  await clickOn("File");
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: 10000 }), clickOn("Export worksheet...")]);
  const sheet = fs.readFileSync(await download.path(), "utf8");
  check(download.suggestedFilename() === "worksheet.html" && sheet.includes("<html") && sheet.includes("Regularisation"),
    `File > Export worksheet... downloads ${download.suggestedFilename()} (${sheet.length} characters)`);

  // The seven-layer lesson's frame time, as eframe measures it (CPU time of a frame).
  s = await open("?lesson=03");
  const times = [];
  for (let i = 0; i < 20; i++) {
    await page.mouse.move(300 + 10 * i, 300);
    await page.waitForTimeout(50);
    const r = await shown();
    if (r?.cpu_ms) times.push(r.cpu_ms);
  }
  times.sort((a, b) => a - b);
  console.log(`     seven-layer lesson frame time (median of ${times.length}): ${times[times.length >> 1]?.toFixed(2)} ms`);

  // The engine in the page against the desktop build on the same workloads, one after the
  // other in this run (MLP_NATIVE names a desktop binary, best a release build).
  await page.evaluate(() => { window.mlpSpeedResult = null; window.mlpSpeedRequest = true; });
  await page.mouse.move(500, 500);
  await page.waitForFunction(() => window.mlpSpeedResult, null, { timeout: 60000 });
  const web = JSON.parse(await page.evaluate(() => window.mlpSpeedResult));
  check(Array.isArray(web) && web.length === 3, "the engine's speed is measured in the page");
  let native = [];
  if (process.env.MLP_NATIVE) {
    const { execFileSync } = await import("node:child_process");
    native = execFileSync(process.env.MLP_NATIVE, ["speed"]).toString().trim().split("\n").map((l) => JSON.parse(l));
  }
  for (const w of web) {
    const n = native.find((n) => n.name === w.name);
    const us = (t) => (t * 1e6).toFixed(2) + " us";
    console.log(`     ${w.name}: wasm ${us(w.seconds)}` + (n ? `, native ${us(n.seconds)}, wasm/native ${(w.seconds / n.seconds).toFixed(2)}` : ""));
  }
} catch (e) {
  check(false, `the test ran to its end: ${e.stack ?? e}`);
} finally {
  for (const p of problems) check(false, p);
  await context.close();
  server.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
console.log(failed ? `browser test: ${failed} failed` : "browser test: all passed");
process.exit(failed ? 1 : 0);
