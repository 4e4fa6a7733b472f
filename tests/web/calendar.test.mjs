// web/js/calendar.js against two sources of truth:
//   1. NOWRUZ below: 1 Farvardin of 1354-1421 SH, derived by the rule of the
//      official calendar (the day of the March equinox when it comes before
//      noon, Iran Standard Time UTC+3:30, else the next day) from the
//      equinox times of equinox.mjs (Meeus), and cross-checked here: the
//      Meeus times are compared with published equinox times, and the test
//      recomputes every table row from them, refusing any equinox too close
//      to noon to be sure of;
//   2. well-known fixed dates (Nowruz 1403 = 2024-03-20, 22 Bahman 1357 =
//      11 February 1979, ...).
// Then every day of 1300-1500 SH is converted both ways.
import { test } from "node:test";
import assert from "node:assert/strict";

import * as cal from "../../web/js/calendar.js";
import { marchEquinox } from "./equinox.mjs";

const NOWRUZ = {
  1354: "1975-03-21", 1355: "1976-03-21", 1356: "1977-03-21", 1357: "1978-03-21",
  1358: "1979-03-21", 1359: "1980-03-21", 1360: "1981-03-21", 1361: "1982-03-21",
  1362: "1983-03-21", 1363: "1984-03-21", 1364: "1985-03-21", 1365: "1986-03-21",
  1366: "1987-03-21", 1367: "1988-03-21", 1368: "1989-03-21", 1369: "1990-03-21",
  1370: "1991-03-21", 1371: "1992-03-21", 1372: "1993-03-21", 1373: "1994-03-21",
  1374: "1995-03-21", 1375: "1996-03-20", 1376: "1997-03-21", 1377: "1998-03-21",
  1378: "1999-03-21", 1379: "2000-03-20", 1380: "2001-03-21", 1381: "2002-03-21",
  1382: "2003-03-21", 1383: "2004-03-20", 1384: "2005-03-21", 1385: "2006-03-21",
  1386: "2007-03-21", 1387: "2008-03-20", 1388: "2009-03-21", 1389: "2010-03-21",
  1390: "2011-03-21", 1391: "2012-03-20", 1392: "2013-03-21", 1393: "2014-03-21",
  1394: "2015-03-21", 1395: "2016-03-20", 1396: "2017-03-21", 1397: "2018-03-21",
  1398: "2019-03-21", 1399: "2020-03-20", 1400: "2021-03-21", 1401: "2022-03-21",
  1402: "2023-03-21", 1403: "2024-03-20", 1404: "2025-03-21", 1405: "2026-03-21",
  1406: "2027-03-21", 1407: "2028-03-20", 1408: "2029-03-20", 1409: "2030-03-21",
  1410: "2031-03-21", 1411: "2032-03-20", 1412: "2033-03-20", 1413: "2034-03-21",
  1414: "2035-03-21", 1415: "2036-03-20", 1416: "2037-03-20", 1417: "2038-03-21",
  1418: "2039-03-21", 1419: "2040-03-20", 1420: "2041-03-20", 1421: "2042-03-21",
};

// Published March equinox times (UTC, to the minute).
const PUBLISHED_EQUINOX = {
  1975: "1975-03-21T05:57Z", 2000: "2000-03-20T07:35Z", 2019: "2019-03-20T21:58Z",
  2020: "2020-03-20T03:50Z", 2024: "2024-03-20T03:06Z", 2025: "2025-03-20T09:01Z",
};

const iso = (g) => cal.formatISO(g);

test("the Meeus equinox agrees with published times within two minutes", () => {
  for (const [y, when] of Object.entries(PUBLISHED_EQUINOX)) {
    const diff = Math.abs(marchEquinox(Number(y)) - new Date(when)) / 60000;
    assert.ok(diff < 2, `${y}: off by ${diff.toFixed(1)} min`);
  }
});

test("the Nowruz table follows from the equinox-before-noon rule", () => {
  for (const [sh, date] of Object.entries(NOWRUZ)) {
    const eq = marchEquinox(Number(sh) + 621);
    const tehran = new Date(eq.getTime() + 3.5 * 3600000);
    const minutesFromNoon = tehran.getUTCHours() * 60 + tehran.getUTCMinutes() - 720;
    // the closest one in this range, 1371 SH, is 18 minutes after noon
    assert.ok(Math.abs(minutesFromNoon) > 10, `${sh}: equinox too close to noon`);
    if (minutesFromNoon >= 0) tehran.setUTCDate(tehran.getUTCDate() + 1);
    assert.equal(tehran.toISOString().slice(0, 10), date, `Nowruz ${sh}`);
  }
});

test("1 Farvardin of every year 1354-1421 SH", () => {
  for (const [sh, date] of Object.entries(NOWRUZ)) {
    const y = Number(sh);
    assert.equal(iso(cal.shToGregorian(y, 1, 1)), date, `1 Farvardin ${y}`);
    assert.equal(cal.shToISO(y, 1, 1), date);
    assert.deepEqual(cal.isoToSH(date), { year: y, month: 1, day: 1 });
  }
});

test("well-known dates", () => {
  const known = [
    [1403, 1, 1, "2024-03-20"], [1404, 1, 1, "2025-03-21"], [1354, 1, 1, "1975-03-21"],
    [1399, 1, 1, "2020-03-20"], [1357, 11, 22, "1979-02-11"], [1403, 12, 30, "2025-03-20"],
    [1402, 10, 1, "2023-12-22"], [1300, 1, 1, "1921-03-21"], [1363, 2, 12, "1984-05-02"],
  ];
  for (const [y, m, d, date] of known) {
    assert.equal(cal.shToISO(y, m, d), date, `${y}-${m}-${d}`);
    assert.deepEqual(cal.isoToSH(date), { year: y, month: m, day: d }, date);
  }
});

test("leap years: the length of each year in the table", () => {
  for (let y = 1354; y <= 1420; y++) {
    const days = (new Date(NOWRUZ[y + 1]) - new Date(NOWRUZ[y])) / 86400000;
    assert.equal(cal.isLeapSH(y), days === 366, `${y} has ${days} days`);
    assert.equal(cal.monthLengthSH(y, 12), days === 366 ? 30 : 29);
  }
  assert.ok(cal.isLeapSH(1403));
  assert.ok(cal.isLeapSH(1399));
  assert.ok(!cal.isLeapSH(1402));
  assert.ok(!cal.isLeapSH(1404));
  assert.equal(cal.shToISO(1403, 12, 30), "2025-03-20");
  assert.equal(cal.shToISO(1402, 12, 30), null, "30 Esfand 1402 does not exist");
  // 8 leap years in every 33
  let leaps = 0;
  for (let y = 1300; y < 1333; y++) if (cal.isLeapSH(y)) leaps++;
  assert.equal(leaps, 8);
});

test("every day of 1300-1500 SH converts both ways, one after another", () => {
  let prev = cal.shToDay(1300, 1, 1) - 1;
  let count = 0;
  for (let y = 1300; y <= 1500; y++) {
    for (let m = 1; m <= 12; m++) {
      const len = cal.monthLengthSH(y, m);
      assert.equal(cal.isValidSH(y, m, len + 1), false);
      for (let d = 1; d <= len; d++) {
        const day = cal.shToDay(y, m, d);
        assert.equal(day, prev + 1, `${y}-${m}-${d} follows the day before`);
        prev = day;
        const back = cal.dayToSH(day);
        if (back.year !== y || back.month !== m || back.day !== d)
          assert.fail(`${y}-${m}-${d} -> day ${day} -> ${JSON.stringify(back)}`);
        const g = cal.dayToGregorian(day);
        if (cal.gregorianToDay(g.year, g.month, g.day) !== day)
          assert.fail(`day ${day} -> ${iso(g)} does not come back`);
        count++;
      }
    }
  }
  // 201 years, 49 of them leap
  assert.equal(count, 201 * 365 + 49);
});

test("ISO parsing refuses impossible dates", () => {
  assert.equal(cal.parseISO("2023-02-29"), null);
  assert.deepEqual(cal.parseISO("2024-02-29"), { year: 2024, month: 2, day: 29 });
  assert.equal(cal.parseISO("2024-13-01"), null);
  assert.equal(cal.parseISO("24-01-01"), null);
  assert.equal(cal.isoToSH("nonsense"), null);
});
