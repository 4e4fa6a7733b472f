// A caseworker's day in the browser, end to end, against a real `safar
// serve`: sign in; register a family of four with Persian names (meeting a
// validation error and a session that ends mid-form on the way); register
// a man who is registered already (the real duplicate warning) and save
// anyway with a reason; build the household; open an AVRR case; move it
// along until the travel-ready guard refuses, fix the cause (passports,
// consent to travel) and pass; switch to Persian (right to left, translated)
// and to the Solar Hijri calendar (a known date in both calendars); the
// admin pages (users listed, created and changed; offices); sign out.
// Every request goes to that server: nothing is mocked in the page.
//
// playwright-core drives Debian's chromium (/usr/bin/chromium); no browser
// is ever downloaded. Screenshots of the main pages in both languages go to
// tests/artifacts/ (not committed). Without chromium or playwright-core the
// test is skipped (exit 77 for ctest) unless SAFAR_BROWSER_TESTS_REQUIRED=1.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";

import { startSafar, PASSWORD, ARTIFACTS, chromiumOrSkip, launchBrowser, pageSteps } from "./safar.mjs";

const chromium = await chromiumOrSkip();

let safar;
let browser;
let page;
const problems = [];
let searches = 0; // duplicate searches in flight

before(async () => {
  safar = await startSafar([
    { username: "maryam", display: "Maryam Rahimi", roles: "caseworker,supervisor", offices: "THR" },
  ]);
  browser = await launchBrowser(chromium);
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: "en-GB", timezoneId: "Asia/Tehran" });
  page = await context.newPage();
  page.setDefaultTimeout(10000);
  const isSearch = (r) => r.url().includes("/api/v1/persons/search");
  page.on("request", (r) => { if (isSearch(r)) searches++; });
  page.on("requestfinished", (r) => { if (isSearch(r)) searches--; });
  page.on("requestfailed", (r) => { if (isSearch(r)) searches--; });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    const text = m.text();
    // refused requests show as "Failed to load resource" (the 401 before
    // sign-in, the 422 of the guard, ...): expected. Anything else is not.
    if ((m.type() === "error" && !text.startsWith("Failed to load resource")) || text.includes("missing i18n key") || text.includes("Content Security Policy"))
      problems.push(`console ${m.type()}: ${text}`);
  });
});

after(async () => {
  if (page) await page.screenshot({ path: join(ARTIFACTS, "last.png") }).catch(() => {});
  if (browser) await browser.close();
  if (safar) await safar.stop();
});

const shot = (name) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
const { go, text, signIn, apiCall } = pageSteps(() => page, () => safar);

// fills the registration form (already open) for one person
async function fillPerson(p) {
  await page.fill("input[name=given_name]", p.given);
  await page.fill("input[name=family_name]", p.family);
  await page.fill("input[name=father_name]", p.father);
  await page.fill("input[name=given_name_native]", p.givenFa);
  await page.fill("input[name=family_name_native]", p.familyFa);
  await page.fill("input[name=father_name_native]", p.fatherFa);
  await page.check(`#sex-${p.sex}`);
  await page.fill(".birth .date-input", p.birth);
  await page.selectOption("select[name=nationality]", "AFG");
  await page.selectOption("select[name=province_of_residence]", "IR-23");
  await page.selectOption("select[name=province_of_origin]", "AF-HER");
  await page.check("input[name='lang:prs']");
  await page.click("#add-document");
  await page.selectOption(".doc-row:last-of-type select.doc-type", "tazkira");
  await page.fill(".doc-row:last-of-type input.doc-number", p.tazkira);
  // the possible-duplicates panel appears beside the form when the search
  // of the names answers, and moves the form: on a slow machine that came
  // between locating the checkbox and clicking it
  await searchesSettled();
  await page.check("input[name='consent:data_processing']");
}

// Should the server take a relative with the same family name for a
// possible duplicate, say why this is someone else and save anyway, as a
// caseworker would.
async function saved() {
  const done = page.waitForURL(/#\/persons\/\d+$/).then(() => "saved");
  const dup = page.waitForSelector("#dup-reason").then(() => "duplicates");
  if ((await Promise.race([done, dup])) === "duplicates") {
    await page.fill("#dup-reason", "a relative: another given name and birth date");
    await page.click(".dup-lead button");
    await done;
  }
  dup.catch(() => {});
  await page.waitForSelector("#p-details");
}

// The registration form searches for possible duplicates 400 ms after the
// last keystroke in a name (the real search since issue 6 is merged): wait
// until the search for what was typed has answered.
async function searchesSettled() {
  await page.waitForTimeout(450);
  while (searches > 0) await page.waitForTimeout(50);
}

async function savePerson() {
  await page.click("#save-person");
  await saved();
}


const FAMILY = [
  { given: "Ahmad", family: "Ahmadi", father: "Karim", givenFa: "احمد", familyFa: "احمدی", fatherFa: "کریم", sex: "M", birth: "۱۳۶۳-۰۲-۱۲", tazkira: "1398-0101-11111" },
  { given: "Zahra", family: "Ahmadi", father: "Hassan", givenFa: "زهرا", familyFa: "احمدی", fatherFa: "حسن", sex: "F", birth: "1988-07-15", tazkira: "1398-0101-22222" },
  { given: "Ali", family: "Ahmadi", father: "Ahmad", givenFa: "علی", familyFa: "احمدی", fatherFa: "احمد", sex: "M", birth: "2014-09-01", tazkira: "1398-0101-33333" },
  { given: "Fatima", family: "Ahmadi", father: "Ahmad", givenFa: "فاطمه", familyFa: "احمدی", fatherFa: "احمد", sex: "F", birth: "1398-11-21", tazkira: "1398-0101-44444" },
];
// the second registration of Mohammad Hossein Rezaei (P-000005)
const REZAEI_AGAIN = { given: "Muhammad Hussain", family: "Rezayi", father: "Ghulam Raza", givenFa: "محمدحسین", familyFa: "رضایی", fatherFa: "غلامرضا", sex: "M", birth: "1369-01-01", tazkira: "1401-0303-77777" };

test("a caseworker's day", async (t) => {
  await t.test("sign in", async () => {
    await page.goto(`${safar.url}/`);
    await page.waitForSelector("#signin-title");
    await shot("en-signin");
    // a wrong password is refused with a message that says what to do
    await page.fill("input[name=username]", "maryam");
    await page.fill("input[name=password]", "not the password");
    await page.click(".signin-form button[type=submit]");
    await page.waitForSelector(".signin-form .form-problem:not([hidden])");
    assert.match(await text(".signin-form .form-problem"), /wrong.*try again/i);
    await signIn("maryam");
    assert.match(await text("#page-title"), /Maryam Rahimi/);
  });

  await t.test("register a family of four with Persian names", async () => {
    for (const [i, p] of FAMILY.entries()) {
      await go("#/persons/new");
      await fillPerson(p);
      if (i === 0) {
        // a Persian name in the Latin column: the API's message shows
        // next to that field, and nothing is saved
        await page.fill("input[name=given_name]", "احمد");
        await page.click("#save-person");
        const err = page.locator(".field[data-field=given_name] .field-error");
        await err.waitFor();
        assert.match(await err.innerText(), /Latin letters/);
        assert.equal(await page.getAttribute("input[name=given_name]", "aria-invalid"), "true");
        await shot("en-register-error");
        await page.fill("input[name=given_name]", p.given);
      }
      if (i === 3) {
        // the session ends while the form is being filled in: the save asks
        // to sign in again in a dialog, then goes through with what was typed
        // (the duplicate search of the names typed goes first: on a slow
        // machine it would otherwise be the request that meets the ended
        // session, and its dialog would stand in front of the save button)
        await searchesSettled();
        await page.context().clearCookies();
        await page.click("#save-person");
        await page.waitForSelector("dialog[open] input[name=password]");
        await shot("en-session-expired");
        await page.fill("dialog[open] input[name=password]", PASSWORD);
        await page.click("dialog[open] button[type=submit]");
        await saved();
      } else {
        await savePerson();
      }
      const title = await text("#page-title");
      assert.ok(title.includes(`P-00000${i + 1}`), title);
      assert.ok(title.includes(p.givenFa), title);
    }
    await shot("en-person-file");
  });

  await t.test("a person registered twice: the real duplicate warning, saved anyway with a reason", async () => {
    // Mohammad Hossein Rezaei is registered (through the API, as an import
    // or a colleague would) with his father's name and a known birth date
    const first = await apiCall("POST", "/persons", {
      given_name: "Mohammad Hossein", family_name: "Rezaei", father_name: "Gholam Reza",
      given_name_native: "محمدحسین", family_name_native: "رضایی", father_name_native: "غلامرضا",
      sex: "M", birth_date: "1990-03-21", nationality: "AFG", documents: [{ type: "tazkira", number: "1399-0202-55555" }],
    });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.ref, "P-000005");
    // he comes back and is registered again: other Latin spellings, another
    // tazkira, the same father and the same birth date typed in Solar Hijri
    // (1 Farvardin 1369 = 21 March 1990). The names typed are looked up
    // while the form is filled in ...
    await go("#/persons/new");
    await fillPerson(REZAEI_AGAIN);
    const candidate = page.locator(".dup-panel .dup-items li").filter({ hasText: "P-000005" });
    await candidate.waitFor();
    assert.match(await candidate.innerText(), /\d+% alike/);
    await searchesSettled();
    // ... and saving finds him: the server answers 409 with him as a
    // candidate, nothing is saved. A search of the last keystroke that
    // answers only after that (held back here until the 409 is shown) must
    // not take the reason field and "Save anyway" away.
    let held;
    const searchHeld = new Promise((res) => { held = res; });
    await page.route("**/api/v1/persons/search?*", (route) => held(route));
    await page.fill("input[name=father_name]", "Ghulam Raza ");
    const late = await searchHeld;
    const refused = page.waitForResponse((r) => r.url().endsWith("/api/v1/persons") && r.request().method() === "POST");
    await page.click("#save-person");
    assert.equal((await refused).status(), 409);
    await page.waitForSelector("#dup-reason");
    const answered = page.waitForEvent("requestfinished", (r) => r === late.request());
    await late.continue();
    await answered;
    await page.unroute("**/api/v1/persons/search?*");
    await searchesSettled();
    assert.equal(await page.locator("#dup-reason").count(), 1, "the late search left the reason field alone");
    const item = await text(".dup-panel .dup-items li");
    assert.match(item, /P-000005/);
    assert.match(item, /Mohammad Hossein/);
    assert.match(item, /same birth date/);
    const score = Number(/(\d+)% alike/.exec(item)?.[1]);
    assert.ok(score >= 80, `score ${score}`);
    assert.match(await text(".person-form .form-problem"), /Possible duplicates were found/);
    await shot("en-register-duplicates");
    // the caseworker knows better: save anyway, saying why
    const reason = "a different man: his brother, another tazkira";
    await page.fill("#dup-reason", reason);
    await page.click(".dup-lead button");
    await page.waitForURL(/#\/persons\/6$/);
    await page.waitForSelector("#p-details");
    assert.match(await text("#page-title"), /P-000006/);
    // the reason and the candidate are in the audit row of the registration
    const audit = await apiCall("GET", "/audit?action=person.create&entity=person&entity_id=6");
    assert.equal(audit.status, 200, JSON.stringify(audit.body));
    assert.equal(audit.body.items.length, 1);
    const override = audit.body.items[0].detail.duplicate_override;
    assert.equal(override.reason, reason);
    assert.ok(override.candidates.some((c) => c.person_id === 5 && c.score >= 80), JSON.stringify(override));
  });

  await t.test("a known date in both calendars", async () => {
    // typed as 1363-02-12 (Solar Hijri, in Persian digits): 2 May 1984
    await go("#/persons/1");
    assert.equal(await text("#birth-date .date-main"), "2 May 1984");
    assert.equal(await text("#birth-date .date-other"), "(12 Ordibehesht 1363)");
    // typed as 1398-11-21: 10 February 2020
    await go("#/persons/4");
    assert.equal(await text("#birth-date .date-main"), "10 February 2020");
  });

  await t.test("build the household", async () => {
    await go("#/persons/1");
    await page.click("#new-household");
    await page.waitForSelector(".household-form");
    const rels = { 2: "spouse", 3: "child", 4: "child" };
    for (const [id, rel] of Object.entries(rels)) {
      await page.selectOption("#lookup-kind", "ref");
      await page.fill("#lookup-input", `P-00000${id}`);
      await page.click("#lookup-go");
      await page.click(".lookup-results .found button");
      await page.selectOption(`tr[data-person-id="${id}"] select`, rel);
    }
    await shot("en-household-builder");
    await page.click("#save-household");
    await page.waitForURL(/#\/households\/\d+$/);
    await page.waitForSelector("#open-case");
    assert.equal(await page.locator(".members-table tbody tr").count(), 4);
  });

  await t.test("open an AVRR case and move it along", async () => {
    await page.click("#open-case");
    await page.waitForSelector("#open-case-submit");
    await page.selectOption("#case-program", "AVRR");
    await page.click("#open-case-submit");
    await page.waitForURL(/#\/cases\/\d+$/);
    await page.waitForSelector(".steps");
    assert.match(await text("#case-status"), /Registered/);
    for (const [to, label] of [["counselling", "Counselling"], ["eligibility_review", "Eligibility review"], ["eligible", "Eligible"], ["documentation", "Documentation"]]) {
      await page.click(`.steps button[data-to=${to}]`);
      await page.locator("#case-status").getByText(label, { exact: true }).waitFor();
    }
    assert.equal(await page.locator(".timeline li").count(), 5);
  });

  await t.test("the travel-ready guard refuses, says why and what to do", async () => {
    await page.click(".steps button[data-to=travel_ready]");
    await page.waitForSelector("#refusal");
    const why = await text("#refusal");
    assert.match(why, /cannot move to “Ready to travel” yet/);
    assert.match(why, /Zahra Ahmadi \(P-000002\) has no valid travel document/);
    assert.match(why, /Ahmad Ahmadi \(P-000001\) has not given consent to travel/);
    assert.doesNotMatch(why, /Ali Ahmadi \(P-000003\) has not given consent/, "a child needs no consent");
    assert.match(await text("#case-status"), /Documentation/);
    await shot("en-case-refused");
  });

  await t.test("fix the cause: passports and consent to travel", async () => {
    for (const id of [1, 2, 3, 4]) {
      await go(`#/persons/${id}/edit`);
      await page.click("#add-document");
      await page.selectOption(".doc-row:last-of-type select.doc-type", "passport");
      await page.fill(".doc-row:last-of-type input.doc-number", `P${id}0012345`);
      await page.fill(".doc-row:last-of-type .date-input", "2031-06-30");
      await savePerson();
      if (id <= 2) {
        await page.selectOption("#consent-purpose", "travel");
        await page.click("#add-consent");
        await page.locator("#consents td").getByText("Travel", { exact: true }).waitFor();
      }
    }
    await go("#/cases/1");
    await page.click(".steps button[data-to=travel_ready]");
    await page.locator("#case-status").getByText("Ready to travel", { exact: true }).waitFor();
    assert.match(await text(".timeline li:first-child"), /Ready to travel/);
    await shot("en-case-file");
    await go("#/");
    await page.waitForSelector(".home-grid table");
    assert.match(await text(".home-grid"), /AVRR-THR-\d{4}-00001/);
    await shot("en-home");
    await go("#/persons");
    await page.waitForSelector(".results table");
    assert.equal(await page.locator(".results tbody tr").count(), 6, "the family and Mohammad Hossein Rezaei twice");
    await shot("en-persons");
    await go("#/cases");
    await page.waitForSelector(".results table");
    await shot("en-cases");
  });

  await t.test("consent withdrawn on a person's file", async () => {
    await go("#/persons/3");
    await page.click("#consents button[aria-label='Withdraw the consent for Processing of their data']");
    await page.waitForSelector("dialog[open] textarea");
    await page.fill("dialog[open] textarea", "the father asked for it on the phone");
    await page.click("dialog[open] button[type=submit]");
    await page.locator("#consents .badge").getByText("withdrawn", { exact: true }).waitFor();
    assert.match(await text("#consents"), /the father asked for it on the phone/);
  });

  await t.test("a step that needs a reason, by keyboard alone", async () => {
    // a second case: Ali alone, in the MOVEMENT programme, then withdrawn
    await go("#/persons/3");
    await page.click("a[href='#/cases/new?person=3']");
    await page.waitForSelector("#open-case-submit");
    await page.selectOption("#case-program", "MOVEMENT");
    await page.uncheck(".member-pick input[type=checkbox] >> nth=0");
    await page.uncheck(".member-pick input[type=checkbox] >> nth=1");
    await page.uncheck(".member-pick input[type=checkbox] >> nth=2");
    await page.click("#open-case-submit");
    await page.waitForURL(/#\/cases\/2$/);
    await page.waitForSelector(".steps button[data-to=withdrawn]");
    assert.equal(await page.locator("table.data tbody tr").count(), 1, "only the principal");
    await page.focus(".steps button[data-to=withdrawn]");
    await page.keyboard.press("Enter");
    await page.waitForSelector("dialog[open] textarea");
    // an empty reason is refused in the dialog, with a message
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    assert.match(await text("dialog[open] .field-error"), /Write the reason/);
    await page.focus("dialog[open] textarea");
    await page.keyboard.type("the family decided to stay in Iran");
    await page.keyboard.press("Tab");
    await shot("en-case-reason");
    await page.keyboard.press("Enter");
    await page.locator("#case-status").getByText("Withdrawn", { exact: true }).waitFor();
    assert.match(await text(".timeline li:first-child"), /the family decided to stay in Iran/);
    // the skip link takes the keyboard past the menu
    await page.focus("#skip-link");
    const box = await page.locator("#skip-link").boundingBox();
    assert.ok(box && box.y >= 0, "the skip link shows when it has the focus");
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement.id), "main");
  });

  await t.test("lists: sorting the page, filters, an empty result", async () => {
    await go("#/persons");
    await page.waitForSelector(".results table");
    const names = () => page.locator(".results tbody tr td:nth-child(2)").allInnerTexts();
    await page.click(".results th button.sort >> text=Date of birth");
    const asc = await names();
    assert.match(asc[0], /Ahmad/);
    await page.click(".results th button.sort >> text=Date of birth");
    assert.match((await names())[0], /Fatima/);
    assert.equal(await page.getAttribute(".results th:nth-child(5)", "aria-sort"), "descending");
    await page.selectOption(".filters [data-field=sex] select", "F");
    await page.click(".filters button[type=submit]");
    await page.waitForURL(/sex=F/);
    await page.waitForSelector(".results table");
    assert.equal(await page.locator(".results tbody tr").count(), 2);
    await page.selectOption(".filters select >> nth=0", "document");
    await page.fill("#lookup-value", "no-such-document");
    await page.click(".filters button[type=submit]");
    await page.waitForSelector(".results .empty");
    assert.match(await text(".results .empty"), /No one matches these filters/);
  });

  await t.test("Persian: right to left, translated, Solar Hijri dates", async () => {
    await go("#/cases/1");
    await page.click("#lang-toggle");
    await page.waitForFunction(() => document.documentElement.dir === "rtl");
    assert.equal(await page.getAttribute("html", "lang"), "fa");
    await page.waitForSelector(".steps");
    assert.match(await text("#case-status"), /آمادهٔ سفر/);
    assert.match(await text(".mainnav"), /خانه/);
    assert.match(await text(".mainnav"), /پرونده‌ها/);
    // the layout is mirrored: the brand is at the right edge
    const brand = await page.locator(".brand").boundingBox();
    assert.ok(brand.x > 1000, `brand at x=${brand.x}`);
    await shot("fa-case-file");
    // the calendar: Solar Hijri first, Gregorian beside it, Persian digits
    await page.selectOption("#calendar-select", "solar_hijri");
    await go("#/persons/1");
    assert.equal(await text("#birth-date .date-main"), "۱۲ اردیبهشت ۱۳۶۳");
    assert.equal(await text("#birth-date .date-other"), "(۲ مه ۱۹۸۴)");
    await shot("fa-person-file");
    // the choice is remembered across a reload
    await page.reload();
    await page.waitForSelector("#birth-date");
    assert.equal(await page.getAttribute("html", "dir"), "rtl");
    assert.equal(await text("#birth-date .date-main"), "۱۲ اردیبهشت ۱۳۶۳");
    for (const [hash, name, wait] of [["#/", "fa-home", ".home-grid table"], ["#/persons", "fa-persons", ".results table"],
      ["#/cases", "fa-cases", ".results table"], ["#/persons/new", "fa-register", ".person-form"], ["#/households/1", "fa-household", ".members-table"]]) {
      await go(hash);
      await page.waitForSelector(wait);
      await shot(name);
    }
    await go("#/cases/1");
    await page.waitForSelector(".timeline");
    // a date typed in the register form in either calendar
    await go("#/persons/new");
    await page.fill(".birth .date-input", "2024-03-20");
    assert.match(await text(".birth .date-echo"), /۱ فروردین ۱۴۰۳/);
    await page.fill(".birth .date-input", "1403-12-30");
    assert.match(await text(".birth .date-echo"), /۲۰ مارس ۲۰۲۵/);
    await page.fill(".birth .date-input", "1402-12-30");
    assert.match(await text(".birth .date-echo"), /چنین روزی/);
    // names typed in Persian script find Mohammad Hossein Rezaei, both times
    await page.fill("input[name=given_name_native]", "محمدحسین");
    await page.fill("input[name=family_name_native]", "رضایی");
    await page.locator(".dup-panel .dup-items li").filter({ hasText: "P-000006" }).waitFor();
    assert.match(await text(".dup-panel"), /P-000005/);
    assert.match(await text(".dup-panel"), /٪ شباهت/);
    await searchesSettled();
    await shot("fa-register-duplicates");
    // back to English for the rest
    await page.click("#lang-toggle");
    await page.waitForFunction(() => document.documentElement.dir === "ltr");
    await page.selectOption("#calendar-select", "gregorian");
  });

  await t.test("a CSV file imported from the browser: all or nothing, progress, report", async () => {
    const csv = "given_name,family_name,sex,birth_date\r\n" +
      "Gulalai,Amiri,F,1991-02-03\r\n" +
      "Najib,Sultani,M,1985-13-40\r\n" +
      "Somaya,Noorzai,F,2001-07-07\r\n";
    const upload = async (skipInvalid) => {
      await go("#/imports");
      await page.waitForSelector(".import-form");
      await page.setInputFiles(".import-form input[type=file]",
        { name: "drive.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
      if (skipInvalid) await page.check(".import-form [data-field=skip_invalid] input");
      await page.click(".import-form button[type=submit]");
    };
    // one refused row refuses the whole file: nothing imported
    await upload(false);
    await page.waitForSelector(".import-job h2:has-text('rows refused, nothing imported')");
    assert.doesNotMatch(await text(".import-job"), /Imported/);
    assert.match(await text(".import-job"), /Rows without a problem: 2/);
    assert.match(await text(".import-job"), /Refused: 1/);
    // the report names the row, the column and why
    const href = await page.getAttribute(".import-job a[download]", "href");
    const report = await page.evaluate((u) => fetch(u, { credentials: "same-origin" }).then((r) => r.text()), href);
    assert.match(report, /^3,birth_date,1985-13-40,/m);
    const none = await apiCall("GET", "/persons/search?q=Gulalai%20Amiri");
    assert.equal(none.body.items.filter((i) => i.person.given_name === "Gulalai").length, 0);
    // leaving the refused row out, the two others are registered
    await upload(true);
    await page.waitForSelector(".import-job h2:has-text('done')");
    assert.match(await text(".import-job"), /Imported: 2/);
    assert.match(await text(".import-job"), /Registered as P-\d+ – P-\d+/);
    await shot("en-import");
    const found = await apiCall("GET", "/persons/search?q=Gulalai%20Amiri");
    assert.equal(found.body.items[0].person.family_name, "Amiri");
    // both jobs are listed, the newest first
    await go("#/imports");
    await page.waitForSelector(".table-wrap table");
    const rows = await page.locator(".table-wrap tbody tr").allInnerTexts();
    assert.equal(rows.length, 2);
    assert.match(rows[0], /done/);
    assert.match(rows[1], /rows refused/);
  });

  await t.test("sign out, sign in as the administrator", async () => {
    await page.click("#sign-out");
    await page.waitForSelector("#signin-title");
    assert.equal(await page.locator("#topbar").isHidden(), true);
    await signIn("admin");
  });

  await t.test("user administration: list, create, change", async () => {
    await go("#/admin/users");
    await page.waitForSelector(".table-wrap table");
    assert.match(await text(".mainnav"), /Users/);
    // the users the server holds: the administrator made by `safar init`
    // and the caseworker this test added
    const row = (username) => page.locator(".table-wrap tbody tr").filter({ has: page.getByText(username, { exact: true }) });
    assert.match(await row("admin").innerText(), /Administrator/);
    assert.match(await row("maryam").innerText(), /Maryam Rahimi/);
    assert.equal(await page.locator(".table-wrap tbody tr").count(), 2);
    // a new caseworker for the Mashhad office
    await page.click(".actions button >> text=New user");
    await page.waitForSelector("dialog[open] .user-form");
    await page.fill("dialog[open] [data-field=username] input", "reza.karimi");
    await page.fill("dialog[open] [data-field=display_name] input", "Reza Karimi");
    await page.fill("dialog[open] input[type=password]", "A-first-password-for-Reza-2026");
    await page.check("dialog[open] input[name='role:caseworker']");
    await page.check("dialog[open] input[name='office:MHD']");
    await shot("en-admin-user-new");
    await page.click("dialog[open] button[type=submit]");
    await page.waitForSelector("dialog[open]", { state: "detached" });
    await row("reza.karimi").waitFor();
    const listed = await row("reza.karimi").innerText();
    assert.match(listed, /Reza Karimi/);
    assert.match(listed, /Caseworker/);
    assert.match(listed, /MHD/);
    assert.match(listed, /active/);
    const users = await apiCall("GET", "/users");
    assert.equal(users.status, 200, JSON.stringify(users.body));
    const reza = users.body.items.find((u) => u.username === "reza.karimi");
    assert.ok(reza, "the new user is on the server");
    assert.equal(reza.display_name, "Reza Karimi");
    assert.deepEqual(reza.roles, ["caseworker"]);
    assert.deepEqual(reza.offices, ["MHD"]);
    assert.equal(reza.disabled, false);
    // Maryam gets the data officer's role, is disabled and given a new password
    const before = users.body.items.find((u) => u.username === "maryam");
    await page.click("button[aria-label='Change maryam']");
    await page.waitForSelector("dialog[open] .user-form");
    await page.check("dialog[open] input[name='role:data_officer']");
    await page.check("dialog[open] [data-field=disabled] input");
    // a password with her name in it is refused at the field, and nothing
    // is changed
    await page.fill("dialog[open] input[type=password]", "A-new-password-for-Maryam-2026");
    await page.click("dialog[open] button[type=submit]");
    const err = page.locator("dialog[open] [data-field=password] .field-error");
    await err.getByText(/must not contain the user name/).waitFor();
    await shot("en-admin-user-edit");
    assert.equal((await apiCall("GET", `/users/${before.id}`)).body.version, before.version);
    await page.fill("dialog[open] input[type=password]", "Seven-blue-camels-crossed-Dasht-e-Kavir");
    const patch = page.waitForRequest((r) => r.method() === "PATCH" && /\/api\/v1\/users\/\d+$/.test(r.url()));
    await page.click("dialog[open] button[type=submit]");
    const req = await patch;
    assert.match(req.url(), new RegExp(`/api/v1/users/${before.id}$`));
    assert.ok(req.headers()["x-csrf-token"], "the CSRF token is sent");
    assert.deepEqual(req.postDataJSON(), { version: before.version, display_name: "Maryam Rahimi", roles: ["supervisor", "caseworker", "data_officer"], offices: ["THR"], password: "Seven-blue-camels-crossed-Dasht-e-Kavir", disabled: true });
    await page.waitForSelector("dialog[open]", { state: "detached" });
    await row("maryam").getByText("disabled", { exact: true }).waitFor();
    const maryam = await apiCall("GET", `/users/${before.id}`);
    assert.equal(maryam.body.disabled, true);
    assert.deepEqual([...maryam.body.roles].sort(), ["caseworker", "data_officer", "supervisor"]);
    assert.equal(maryam.body.version, before.version + 1);
    await shot("en-admin-users");
    // the same page in Persian
    await page.click("#lang-toggle");
    await page.waitForFunction(() => document.documentElement.dir === "rtl");
    await page.waitForSelector(".table-wrap table");
    await row("reza.karimi").waitFor();
    await shot("fa-admin-users");
    await page.click("#lang-toggle");
    await page.waitForFunction(() => document.documentElement.dir === "ltr");
  });

  await t.test("admin pages and sign out", async () => {
    await go("#/admin/users");
    // the users API arrives with access control: either its table or a note
    await page.waitForSelector("#users-unavailable, .table-wrap table");
    await shot("en-admin-users-server");
    await go("#/admin/offices");
    await page.waitForSelector(".table-wrap table");
    assert.match(await text(".table-wrap"), /THR/);
    // a new office, Zahedan in Sistan and Baluchestan
    await page.click("text=New office");
    await page.waitForSelector("dialog[open] .office-form");
    await page.fill("dialog[open] [data-field=code] input", "ZAH");
    await page.fill("dialog[open] [data-field=name] input", "Zahedan");
    await page.waitForSelector("dialog[open] [data-field=province] option[value='IR-11']", { state: "attached" });
    await page.selectOption("dialog[open] [data-field=province] select", "IR-11");
    await page.click("dialog[open] button[type=submit]");
    await page.waitForSelector("dialog[open]", { state: "detached" });
    await page.locator(".table-wrap td").getByText("ZAH", { exact: true }).waitFor();
    await shot("en-admin-offices");
    await page.click("#lang-toggle");
    await page.waitForFunction(() => document.documentElement.dir === "rtl");
    await page.waitForSelector(".table-wrap table");
    await shot("fa-admin-offices");
    await page.click("#sign-out");
    await page.waitForSelector("#signin-title");
    await shot("fa-signin");
    // signed out for real: the API says so
    const status = await page.evaluate(async () => (await fetch("/api/v1/me")).status);
    assert.equal(status, 401);
  });

  await t.test("no missing messages, no script errors", async () => {
    const missing = await page.evaluate(() => window.safarMissingKeys || []);
    assert.deepEqual(missing, []);
    assert.deepEqual(problems, []);
  });
});
