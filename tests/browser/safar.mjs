// Starts a throw-away Safar for the browser tests: `safar init` on a
// temporary database, users added with `safar user add`, `safar serve` on a
// free port. SAFAR_BIN names the binary (ctest sets it); otherwise the
// first build found under build/.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const PASSWORD = "Correct-Horse-Battery-Staple-42";
// Screenshots (not committed).
export const ARTIFACTS = join(ROOT, "tests/artifacts");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

// playwright-core's chromium, to drive Debian's /usr/bin/chromium (no
// browser is ever downloaded). Without either the test is skipped (exit 77
// for ctest) unless SAFAR_BROWSER_TESTS_REQUIRED=1.
export async function chromiumOrSkip() {
  let chromium = null;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch {
    chromium = null;
  }
  if (!chromium || !existsSync(CHROMIUM)) {
    const why = !chromium ? "playwright-core is not installed (run `npm ci` in tests/browser)" : `${CHROMIUM} is missing (apt-get install chromium)`;
    if (process.env.SAFAR_BROWSER_TESTS_REQUIRED === "1") {
      console.error(`browser tests cannot run: ${why}`);
      process.exit(1);
    }
    console.log(`# SKIP browser tests: ${why}`);
    process.exit(77);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium;
}

// Steps every browser test takes, on the page and server that getPage()
// and getSafar() give when the step runs.
export function pageSteps(getPage, getSafar) {
  const go = async (hash) => {
    await getPage().goto(`${getSafar().url}/${hash}`);
    await getPage().waitForSelector("#page-title");
  };
  const text = (sel) => getPage().locator(sel).innerText();
  async function signIn(username) {
    const page = getPage();
    await page.waitForSelector("#signin-title");
    await page.fill("input[name=username]", username);
    await page.fill("input[name=password]", PASSWORD);
    await page.click(".signin-form button[type=submit]");
    await page.waitForSelector("#topbar:not([hidden])");
  }
  // The API as the person signed in, from the page: its session cookie
  // and the CSRF token the app keeps. Answers {status, body}.
  const apiCall = (method, path, body) => getPage().evaluate(async ([method, path, body]) => {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET") headers["X-CSRF-Token"] = localStorage.getItem("safar.csrf");
    const r = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: r.status, body: await r.json().catch(() => null) };
  }, [method, path, body]);
  return { go, text, signIn, apiCall };
}

// A headless browser with the flags the project's tests use.
export function launchBrowser(chromium) {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

export function findBinary() {
  if (process.env.SAFAR_BIN) return resolve(process.env.SAFAR_BIN);
  for (const sub of ["build/debug", "build/asan", "build/release"]) {
    const p = join(ROOT, sub, "safar");
    if (existsSync(p)) return p;
  }
  throw new Error("safar binary not found: build it, or set SAFAR_BIN=path/to/safar");
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on("error", rej);
  });
}

// users: [{username, display, roles: "caseworker,supervisor", offices: "THR"}]
export async function startSafar(users) {
  const bin = findBinary();
  const dir = mkdtempSync(join(tmpdir(), "safar-browser-"));
  const db = join(dir, "safar.db");
  const pw = join(dir, "password");
  writeFileSync(pw, `${PASSWORD}\n`, { mode: 0o600 });
  execFileSync(bin, ["init", "--db", db, "--password-file", pw], { stdio: "pipe" });
  for (const u of users)
    execFileSync(bin, ["user", "add", "--db", db, "--username", u.username, "--display-name", u.display,
      "--role", u.roles, "--office", u.offices, "--password-file", pw], { stdio: "pipe" });
  const port = await freePort();
  const proc = spawn(bin, ["serve", "--db", db, "--listen", `127.0.0.1:${port}`, "--threads", "2"], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`safar serve did not start:\n${log}`)), 15000);
    proc.stderr.on("data", (d) => {
      log += d;
      if (log.includes("listening on")) {
        clearTimeout(timer);
        res();
      }
    });
    proc.on("exit", (code) => rej(new Error(`safar serve exited (${code}):\n${log}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    db,
    log: () => log,
    async stop() {
      if (proc.exitCode === null) {
        proc.kill("SIGTERM");
        await new Promise((res) => proc.on("exit", res));
      }
      rmSync(dir, { recursive: true, force: true });
      return proc.exitCode;
    },
  };
}
