// The March equinox by J. Meeus, "Astronomical Algorithms" (2nd ed.),
// chapter 27: the mean equinox for years 1000-3000 (table 27.B) corrected
// by the 24 periodic terms of table 27.C; good to about a minute over
// 1951-2050. Used by the tests as a second, astronomical source of truth for
// Nowruz, independent of web/js/calendar.js's arithmetic.

const TERMS = [
  [485, 324.96, 1934.136], [203, 337.23, 32964.467], [199, 342.08, 20.186],
  [182, 27.85, 445267.112], [156, 73.14, 45036.886], [136, 171.52, 22518.443],
  [77, 222.54, 65928.934], [74, 296.72, 3034.906], [70, 243.58, 9037.513],
  [58, 119.81, 33718.147], [52, 297.17, 150.678], [50, 21.02, 2281.226],
  [45, 247.54, 29929.562], [44, 325.15, 31555.956], [29, 60.93, 4443.417],
  [18, 155.12, 67555.328], [17, 288.79, 4562.452], [16, 198.04, 62894.029],
  [14, 199.76, 31436.921], [12, 95.39, 14577.848], [12, 287.11, 31931.756],
  [12, 320.81, 34777.259], [9, 227.73, 1222.114], [8, 15.45, 16859.074],
];

const RAD = Math.PI / 180;

// Julian Ephemeris Day (TT) of the March equinox of Gregorian year y.
export function marchEquinoxJDE(y) {
  const Y = (y - 2000) / 1000;
  const jde0 =
    2451623.80984 + 365242.37404 * Y + 0.05169 * Y ** 2 - 0.00411 * Y ** 3 - 0.00057 * Y ** 4;
  const T = (jde0 - 2451545.0) / 36525;
  const W = 35999.373 * T - 2.47;
  const dL = 1 + 0.0334 * Math.cos(W * RAD) + 0.0007 * Math.cos(2 * W * RAD);
  let S = 0;
  for (const [A, B, C] of TERMS) S += A * Math.cos((B + C * T) * RAD);
  return jde0 + (0.00001 * S) / dL;
}

// TT - UT in seconds: rough values from the published series (46 s in
// 1975, 64 s in 2000, 69 s in 2020), extrapolated gently. An error of a few
// seconds is nothing beside the minutes that matter here.
function deltaT(y) {
  if (y < 2000) return 46 + ((y - 1975) * (64 - 46)) / 25;
  if (y < 2020) return 64 + ((y - 2000) * 5) / 20;
  return 69 + (y - 2020) * 0.1;
}

// The March equinox of Gregorian year y as a JavaScript Date (UTC).
export function marchEquinox(y) {
  const jdUT = marchEquinoxJDE(y) - deltaT(y) / 86400;
  // JD 2440587.5 is 1970-01-01T00:00Z
  return new Date(Math.round((jdUT - 2440587.5) * 86400000));
}
