"""The browser app served by `safar serve` from the files embedded in the
binary: index.html at / and for client-side routes, files under /assets/
with their content types, ETags (304 on a match) and cache rules, the
strict Content-Security-Policy, and /api/ paths left to the API."""

import http.client
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safar_harness import ApiTestCase, main  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WEB = os.path.join(ROOT, "web")


class WebTest(ApiTestCase):

    def fetch(self, path, method="GET", headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            conn.request(method, path, headers=headers or {})
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def web_file(self, rel):
        with open(os.path.join(WEB, rel), "rb") as f:
            return f.read()

    def test_index(self):
        status, h, body = self.fetch("/")
        self.assertEqual(status, 200)
        self.assertEqual(h["content-type"], "text/html; charset=utf-8")
        self.assertEqual(body, self.web_file("index.html"))
        csp = h["content-security-policy"]
        self.assertIn("script-src 'self';", csp)
        self.assertIn("style-src 'self';", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertEqual(h["cache-control"], "no-cache")
        self.assertEqual(h["x-content-type-options"], "nosniff")
        self.assertRegex(h["etag"], r'^"[0-9a-f]{20}"$')

    def test_assets_and_types(self):
        for rel, ctype in [
            ("js/main.js", "text/javascript; charset=utf-8"),
            ("js/calendar.js", "text/javascript; charset=utf-8"),
            ("css/app.css", "text/css; charset=utf-8"),
            ("i18n/fa.json", "application/json"),
            ("fonts/Vazirmatn-Variable.woff2", "font/woff2"),
            ("fonts/OFL.txt", "text/plain; charset=utf-8"),
        ]:
            status, h, body = self.fetch("/assets/" + rel)
            self.assertEqual(status, 200, rel)
            self.assertEqual(h["content-type"], ctype, rel)
            self.assertEqual(body, self.web_file(rel), rel)
        # the catalogue is valid JSON in UTF-8
        status, h, body = self.fetch("/assets/i18n/fa.json")
        self.assertEqual(json.loads(body.decode("utf-8"))["nav.home"], "خانه")
        # fonts may be kept a week; the rest is checked on every load
        status, h, _ = self.fetch("/assets/fonts/Vazirmatn-Variable.woff2")
        self.assertEqual(h["cache-control"], "public, max-age=604800")
        status, h, _ = self.fetch("/assets/js/main.js")
        self.assertEqual(h["cache-control"], "no-cache")

    def test_etag_revalidation(self):
        status, h, _ = self.fetch("/assets/js/api.js")
        etag = h["etag"]
        for sent in (etag, "W/" + etag, '"nope", ' + etag, "*"):
            status, h2, body = self.fetch("/assets/js/api.js", headers={"If-None-Match": sent})
            self.assertEqual(status, 304, sent)
            self.assertEqual(body, b"")
            self.assertEqual(h2["etag"], etag)
        status, _, _ = self.fetch("/assets/js/api.js", headers={"If-None-Match": '"other"'})
        self.assertEqual(status, 200)
        # another file has another tag
        _, h3, _ = self.fetch("/assets/js/ui.js")
        self.assertNotEqual(h3["etag"], etag)

    def test_client_routes_get_the_app(self):
        index = self.web_file("index.html")
        for path in ("/cases/12", "/persons", "/anything/at/all"):
            status, h, body = self.fetch(path)
            self.assertEqual(status, 200, path)
            self.assertEqual(body, index, path)

    def test_missing_files(self):
        for path in ("/assets/nope.js", "/assets/", "/favicon.ico", "/assets/../index.html",
                     "/assets/js/../js/main.js", "/assets/js%2Fmain.js"):
            status, h, body = self.fetch(path)
            self.assertEqual(status, 404, path)
            self.assertEqual(h["content-type"], "application/problem+json", path)

    def test_head_and_methods(self):
        status, h, body = self.fetch("/", method="HEAD")
        self.assertEqual(status, 200)
        self.assertEqual(body, b"")
        self.assertEqual(int(h["content-length"]), len(self.web_file("index.html")))
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            status, h, body = self.fetch("/assets/js/main.js", method=method)
            self.assertEqual(status, 405, method)
            self.assertEqual(h["allow"], "GET, HEAD")
            self.assertEqual(json.loads(body)["status"], 405)

    def test_api_paths_stay_the_apis(self):
        for path in ("/api/v1/nope", "/api", "/api/", "/api/v2/persons"):
            status, h, body = self.fetch(path)
            self.assertEqual(status, 404, path)
            self.assertEqual(h["content-type"], "application/problem+json", path)
            self.assertIn("no resource", json.loads(body)["detail"], path)
        status, h, _ = self.fetch("/api/v1/health")
        self.assertEqual(status, 200)
        self.assertEqual(h["cache-control"], "no-store")


if __name__ == "__main__":
    main()
