// A supervisor reviews possible duplicates in the browser and merges two
// files of one man, against a real `safar serve`: the pair side by side
// with its explanation (in English and Persian), a merge refused because
// the file changed meanwhile (409) and then done, what moved, the closed
// file saying into which file it went; then the administrator sees the
// merge on the closed file and undoes it. Every request goes to that
// server: nothing is mocked in the page.
//
// playwright-core drives Debian's chromium (/usr/bin/chromium); no browser
// is ever downloaded. Screenshots go to tests/artifacts/ (not committed).
// Without chromium or playwright-core the test is skipped (exit 77 for
// ctest) unless SAFAR_BROWSER_TESTS_REQUIRED=1.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";

import { startSafar, ARTIFACTS, chromiumOrSkip, launchBrowser, pageSteps } from "./safar.mjs";

const chromium = await chromiumOrSkip();

let safar;
let browser;
let page;
const problems = [];

before(async () => {
  safar = await startSafar([
    { username: "maryam", display: "Maryam Rahimi", roles: "caseworker,supervisor", offices: "THR" },
  ]);
  browser = await launchBrowser(chromium);
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: "en-GB", timezoneId: "Asia/Tehran" });
  page = await context.newPage();
  page.setDefaultTimeout(10000);
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    const text = m.text();
    // refused requests show as "Failed to load resource" (the 401 before
    // sign-in, the 409 of the stale merge, the 410 of the merged file)
    if ((m.type() === "error" && !text.startsWith("Failed to load resource")) || text.includes("missing i18n key") || text.includes("Content Security Policy"))
      problems.push(`console ${m.type()}: ${text}`);
  });
});

after(async () => {
  if (page) await page.screenshot({ path: join(ARTIFACTS, "duplicates-last.png"), fullPage: true }).catch(() => {});
  if (browser) await browser.close();
  if (safar) await safar.stop();
});

const shot = (name) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
const { go, text, signIn, apiCall } = pageSteps(() => page, () => safar);

async function language(to) {
  await page.click("#lang-toggle");
  await page.waitForFunction((dir) => document.documentElement.dir === dir, to === "fa" ? "rtl" : "ltr");
}


async function created(path, body) {
  const r = await apiCall("POST", path, body);
  assert.equal(r.status, 201, `${path}: ${JSON.stringify(r.body)}`);
  return r.body;
}

const pair = () => page.locator(".dup-pair");
const row = (label) => pair().locator("tbody tr").filter({ has: page.locator("th", { hasText: label }) });

test("a supervisor merges two files of one man; an administrator undoes it", async (t) => {
  let first;
  let again;
  await t.test("two files of one man, registered at two desks", async () => {
    await page.goto(`${safar.url}/`);
    await signIn("maryam");
    // Mohammad Hossein Rezaei was registered once ...
    first = await created("/persons", {
      given_name: "Mohammad Hossein", family_name: "Rezaei", father_name: "Gholam Reza",
      given_name_native: "محمدحسین", family_name_native: "رضایی", father_name_native: "غلامرضا",
      sex: "M", birth_date: "1990-03-21", nationality: "AFG", documents: [{ type: "tazkira", number: "1399-0202-55555" }],
    });
    // ... and again at another desk, spelt otherwise, with another tazkira:
    // the warning was overridden
    again = await created("/persons", {
      given_name: "Muhammad Hussain", family_name: "Rezayi", father_name: "Ghulam Raza",
      given_name_native: "محمدحسین", family_name_native: "رضایی", father_name_native: "غلامرضا",
      sex: "M", birth_date: "1990-03-21", nationality: "AFG", phone: "+989121234567",
      documents: [{ type: "tazkira", number: "1401-0303-77777" }],
      duplicate_override_reason: "registered at the border desk in a hurry",
    });
    // the second file gathered consent and a household with his wife
    const wife = await created("/persons", {
      given_name: "Gulalai", family_name: "Amiri", given_name_native: "گلالی", family_name_native: "امیری",
      sex: "F", birth_date: "1993-05-02", nationality: "AFG",
    });
    await created(`/persons/${again.id}/consents`, { purpose: "travel" });
    await created("/households", { head_person_id: again.id, members: [{ person_id: wife.id, relationship: "spouse" }] });
    assert.deepEqual([first.ref, again.ref], ["P-000001", "P-000002"]);
  });

  await t.test("the pair side by side, with why it was found", async () => {
    await go("#/");
    await page.click(".mainnav a[href='#/duplicates']");
    await pair().first().waitFor();
    assert.match(await text("#page-title"), /Possible duplicates/);
    assert.equal(await page.getAttribute(".mainnav a[href='#/duplicates']", "aria-current"), "page");
    assert.equal(await pair().count(), 1, "one pair: the wife is no one's duplicate");
    const card = await pair().innerText();
    assert.match(card, /P-000001 and P-000002/);
    assert.match(card, /\d+% alike/);
    assert.match(card, /same birth date/);
    assert.match(card, /Mohammad Hossein Rezaei/);
    assert.match(card, /Muhammad Hussain Rezayi/);
    assert.match(card, /محمدحسین رضایی/);
    assert.match(card, /Gholam Reza/);
    assert.match(card, /Tazkira 1399-0202-55555/);
    assert.match(card, /Tazkira 1401-0303-77777/);
    assert.match(card, /21 March 1990/);
    // where the two files differ is marked, where they agree is not
    assert.equal(await row("Name in Latin letters").getAttribute("class"), "differs");
    assert.equal(await row("Name in Persian").getAttribute("class"), null);
    assert.equal(await row("Sex").getAttribute("class"), null);
    const score = Number(/(\d+)% alike/.exec(card)[1]);
    assert.ok(score >= 80, `score ${score}`);
    // the threshold is chosen on the page and kept in the address
    await page.selectOption("#dup-threshold", "70");
    await page.waitForURL(/#\/duplicates\?threshold=70$/);
    await pair().first().waitFor();
    assert.equal(await page.inputValue("#dup-threshold"), "70");
    await shot("en-duplicates");
  });

  await t.test("in Persian, right to left", async () => {
    await language("fa");
    await pair().first().waitFor();
    const card = await pair().innerText();
    assert.match(card, /P-000001 و P-000002/);
    assert.match(card, /٪ شباهت/);
    assert.match(card, /تاریخ تولد یکسان/);
    assert.match(card, /تذکره/);
    assert.match(await text(".mainnav"), /موارد تکراری/);
    // the first file's column is on the right
    const [a, b] = await pair().locator("thead th").all();
    assert.ok((await a.boundingBox()).x > (await b.boundingBox()).x, "columns mirrored");
    await shot("fa-duplicates");
    await pair().getByRole("button", { name: /ادغام/ }).click();
    await page.waitForSelector("dialog[open] .merge-form");
    await page.check("dialog[open] #keep-1");
    assert.match(await text("dialog[open] .merge-summary"), /P-000002 بسته و در P-000001 ادغام خواهد شد/);
    await page.fill("#merge-reason", "همان تذکره؛ خود فرد هر دو ثبت را تأیید کرد");
    await shot("fa-merge-dialog");
    await page.keyboard.press("Escape");
    await page.waitForSelector("dialog[open]", { state: "detached" });
    await language("en");
    await pair().first().waitFor();
  });

  await t.test("merge: refused while the file changed meanwhile, then done", async () => {
    // a colleague corrects the first file while the list is open
    const fresh = await apiCall("PATCH", `/persons/${first.id}`, { version: first.version, phone: "+989351112233" });
    assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
    await page.click(".dup-pair button:has-text('Merge')");
    await page.waitForSelector("dialog[open] .merge-form");
    // the file that stays and a reason are both asked for
    await page.click("#merge-confirm");
    assert.match(await text("dialog[open] .keep-choice .field-error"), /Choose the file that stays/);
    await page.check("dialog[open] #keep-1");
    assert.match(await text("dialog[open] .merge-summary"), /P-000002 will be closed and merged into P-000001/);
    await page.click("#merge-confirm");
    assert.match(await text("dialog[open] [data-field=reason] .field-error"), /Write why/);
    const reason = "same man: he showed both tazkiras at the Tehran desk";
    await page.fill("#merge-reason", reason);
    await shot("en-merge-dialog");
    // the pair was loaded before the colleague's change: refused, nothing merged
    const stale = page.waitForResponse((r) => r.url().endsWith(`/api/v1/persons/${first.id}/merge`));
    await page.click("#merge-confirm");
    assert.equal((await stale).status(), 409);
    await page.waitForSelector("dialog[open] .form-problem:has-text('Someone else changed this record')");
    // the note that the pair shows the file as it is now comes with the
    // reloaded file, a moment after the refusal
    await page.waitForSelector("dialog[open] .form-problem:has-text('check it, then merge again')");
    await row("Phone").getByText("+989351112233").waitFor();
    assert.equal((await apiCall("GET", `/persons/${again.id}`)).status, 200, "nothing merged");
    // again, with the file as it is now
    const sent = page.waitForRequest((r) => r.method() === "POST" && r.url().endsWith(`/api/v1/persons/${first.id}/merge`));
    await page.click("#merge-confirm");
    assert.deepEqual((await sent).postDataJSON(), { other_person_id: again.id, version: fresh.body.version, reason });
    await page.waitForSelector("dialog[open]", { state: "detached" });
    const result = page.locator(".dup-result");
    await result.waitFor();
    assert.match(await result.locator("h2").innerText(), /P-000002 was merged into P-000001/);
    const moved = await result.innerText();
    assert.match(moved, new RegExp(reason));
    assert.match(moved, /Document moved: Tazkira 1401-0303-77777/);
    assert.match(moved, /Consent moved: Travel/);
    assert.match(moved, /Household H-000001 is now headed by the file that stays/);
    assert.equal(await pair().count(), 0, "the pair has left the list");
    assert.match(await text(".dup-results"), /No other pairs to review/);
    await shot("en-duplicates-merged");
    // the file kept holds what moved
    await page.click("#open-survivor-1");
    await page.waitForURL(/#\/persons\/1$/);
    await page.waitForSelector("#p-details");
    assert.match(await text("section[aria-labelledby=p-docs]"), /1401-0303-77777/);
    assert.match(await text("section[aria-labelledby=p-docs]"), /1399-0202-55555/);
    assert.match(await text("section[aria-labelledby=p-households]"), /H-000001/);
  });

  await t.test("the closed file says where it went", async () => {
    await go(`#/persons/${again.id}`);
    assert.match(await text("#page-title"), /This file was merged/);
    assert.match(await text("#merged-into"), /merged into P-000001/);
    assert.equal(await page.getAttribute("#merged-into a", "href"), "#/persons/1");
    assert.equal(await page.locator("#undo-merge").count(), 0, "a supervisor does not undo merges");
    await shot("en-person-merged");
    await page.click("#open-merged-into");
    await page.waitForURL(/#\/persons\/1$/);
    await page.waitForSelector("#p-details");
    // the list has nothing left at any level
    await go("#/duplicates?threshold=70");
    await page.waitForSelector(".dup-results .empty");
    assert.match(await text(".dup-results"), /No possible duplicates at this level/);
  });

  await t.test("the administrator sees the merge on the closed file and undoes it", async () => {
    await page.click("#sign-out");
    await signIn("admin");
    // the merge comes from the 410 itself, not from the audit trail
    const auditReads = [];
    const onRequest = (r) => { if (new URL(r.url()).pathname.startsWith("/api/v1/audit")) auditReads.push(r.url()); };
    page.on("request", onRequest);
    await go(`#/persons/${again.id}`);
    await page.waitForSelector("#undo-merge");
    page.off("request", onRequest);
    assert.deepEqual(auditReads, [], "the closed file does not read the audit trail");
    const record = await text(".merge-record");
    assert.match(record, /same man: he showed both tazkiras/);
    assert.match(record, /Document moved: Tazkira 1401-0303-77777/);
    await shot("en-person-merged-admin");
    await language("fa");
    await page.waitForSelector("#undo-merge");
    assert.match(await text("#page-title"), /این پرونده ادغام شده است/);
    assert.match(await text(".merge-record"), /مدرک منتقل شد: تذکره/);
    await shot("fa-person-merged-admin");
    await language("en");
    await page.waitForSelector("#undo-merge");
    await page.click("#undo-merge");
    await page.waitForSelector("dialog[open] textarea");
    await page.fill("dialog[open] textarea", "two brothers after all: the elder came back with his father");
    await page.click("dialog[open] button[type=submit]");
    await page.waitForSelector("#p-details");
    assert.match(await text("#page-title"), /P-000002/);
    assert.match(await text("section[aria-labelledby=p-docs]"), /1401-0303-77777/);
    assert.equal((await apiCall("GET", `/persons/${again.id}`)).status, 200);
    const survivor = await apiCall("GET", `/persons/${first.id}`);
    assert.ok(!survivor.body.documents.some((d) => d.number === "1401-0303-77777"), "the document went back");
  });

  await t.test("no missing messages, no script errors", async () => {
    const missing = await page.evaluate(() => window.safarMissingKeys || []);
    assert.deepEqual(missing, []);
    assert.deepEqual(problems, []);
  });
});
