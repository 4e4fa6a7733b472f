/* The OpenAPI document embedded in the binary (src/api/openapi.json) against
 * the router table (api_routes()): every route is documented with its
 * method, every documented operation exists, and the document says what the
 * router enforces (permission, public or signed in, path parameters). When
 * this fails after adding a route, document it in src/api/openapi.json. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <ctype.h>
#include <json-c/json.h>
#include <json-c/json_pointer.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "util/embedded.h"

static const char *const http_methods[] = {"get",  "put",   "post",  "delete", "options",
                                           "head", "patch", "trace", NULL};

static struct json_object *doc;

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* Follows a local "$ref" ("#/components/...") once; other objects as they are. */
static struct json_object *deref(struct json_object *o)
{
	const char *ref = get_str(o, "$ref");
	struct json_object *target = NULL;
	if (!ref)
		return o;
	if (ref[0] != '#' || json_pointer_get(doc, ref + 1, &target) != 0)
		return NULL;
	return target;
}

static void lower(const char *in, char *out, size_t n)
{
	size_t i = 0;
	for (; in[i] && i + 1 < n; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

static struct json_object *operation(const char *path, const char *method)
{
	char m[16];
	lower(method, m, sizeof(m));
	return get(get(get(doc, "paths"), path), m);
}

static bool is_http_method(const char *key)
{
	for (int i = 0; http_methods[i]; i++)
		if (!strcmp(http_methods[i], key))
			return true;
	return false;
}

static const struct route *find_route(const char *path, const char *method)
{
	for (const struct route *r = api_routes(); r->method; r++)
		if (!strcmp(r->pattern, path) && !strcasecmp(r->method, method))
			return r;
	return NULL;
}

static int setup(void **state)
{
	(void)state;
	const struct embedded_file *f = embedded_find("openapi.json");
	if (!f) {
		print_error("openapi.json is not embedded in the binary\n");
		return -1;
	}
	struct json_tokener *tok = json_tokener_new();
	doc = json_tokener_parse_ex(tok, f->data, (int)f->len);
	enum json_tokener_error err = json_tokener_get_error(tok);
	if (!doc || err != json_tokener_success) {
		print_error("openapi.json is not valid JSON: %s (at byte %zu)\n",
		            json_tokener_error_desc(err), json_tokener_get_parse_end(tok));
		json_tokener_free(tok);
		return -1;
	}
	json_tokener_free(tok);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	json_object_put(doc);
	doc = NULL;
	return 0;
}

static void test_document_header(void **state)
{
	(void)state;
	const char *version = get_str(doc, "openapi");
	assert_non_null(version);
	assert_int_equal(strncmp(version, "3.1.", 4), 0);
	assert_non_null(get_str(get(doc, "info"), "title"));
	/* the document describes this build */
	assert_string_equal(get_str(get(doc, "info"), "version"), SAFAR_VERSION);
	assert_non_null(get(doc, "paths"));

	struct json_object *schemes = get(get(doc, "components"), "securitySchemes");
	struct json_object *cookie = get(schemes, "cookieAuth");
	assert_string_equal(get_str(cookie, "type"), "apiKey");
	assert_string_equal(get_str(cookie, "in"), "cookie");
	assert_string_equal(get_str(cookie, "name"), "safar_session");
	struct json_object *bearer = get(schemes, "bearerAuth");
	assert_string_equal(get_str(bearer, "type"), "http");
	assert_string_equal(get_str(bearer, "scheme"), "bearer");

	const char *schemas[] = {"Problem",  "Person", "Household", "Case", "Office",
	                         "Workflow", "Me",     "Consent",   NULL};
	for (int i = 0; schemas[i]; i++)
		if (!get(get(get(doc, "components"), "schemas"), schemas[i]))
			fail_msg("components.schemas.%s is missing", schemas[i]);
	struct json_object *problem = get(get(get(doc, "components"), "schemas"), "Problem");
	const char *members[] = {"type", "title", "status", "detail", "errors", NULL};
	for (int i = 0; members[i]; i++)
		if (!get(get(problem, "properties"), members[i]))
			fail_msg("Problem has no property %s", members[i]);
}

static void test_every_route_is_documented(void **state)
{
	(void)state;
	int missing = 0, n = 0;
	for (const struct route *r = api_routes(); r->method; r++, n++) {
		if (!operation(r->pattern, r->method)) {
			print_error("route %s %s is not documented in src/api/openapi.json\n",
			            r->method, r->pattern);
			missing++;
		}
	}
	assert_true(n > 0);
	assert_int_equal(missing, 0);
}

static void test_every_documented_operation_is_routed(void **state)
{
	(void)state;
	int extra = 0, n = 0;
	json_object_object_foreach(get(doc, "paths"), path, item)
	{
		json_object_object_foreach(item, method, op)
		{
			(void)op;
			if (!is_http_method(method))
				continue;
			n++;
			char upper[16];
			size_t i = 0;
			for (; method[i] && i + 1 < sizeof(upper); i++)
				upper[i] = (char)toupper((unsigned char)method[i]);
			upper[i] = '\0';
			if (!find_route(path, upper)) {
				print_error("openapi.json documents %s %s, which the router does "
				            "not have\n",
				            upper, path);
				extra++;
			}
		}
	}
	assert_true(n > 0);
	assert_int_equal(extra, 0);
}

/* x-permission names route->permission (null or absent: any signed-in
 * user); public routes say `security: []`, the others inherit sign-in. */
static void test_permissions_and_sign_in_match_the_router(void **state)
{
	(void)state;
	int wrong = 0;
	for (const struct route *r = api_routes(); r->method; r++) {
		struct json_object *op = operation(r->pattern, r->method);
		if (!op)
			continue; /* reported by test_every_route_is_documented */
		const char *perm = get_str(op, "x-permission");
		if ((perm == NULL) != (r->permission == NULL) ||
		    (perm && strcmp(perm, r->permission))) {
			print_error("%s %s: openapi.json says x-permission %s, the router %s\n",
			            r->method, r->pattern, perm ? perm : "null",
			            r->permission ? r->permission : "null");
			wrong++;
		}
		struct json_object *sec = get(op, "security");
		bool documented_public = sec && json_object_is_type(sec, json_type_array) &&
		                         json_object_array_length(sec) == 0;
		bool is_public = (r->flags & ROUTE_PUBLIC) != 0;
		if (documented_public != is_public) {
			print_error("%s %s: the router says %s, openapi.json %s\n", r->method,
			            r->pattern, is_public ? "public" : "signed in",
			            documented_public ? "public (security: [])" : "signed in");
			wrong++;
		}
	}
	assert_int_equal(wrong, 0);
}

/* Every {name} of a path is a declared path parameter and vice versa. */
static void test_path_parameters_are_declared(void **state)
{
	(void)state;
	int wrong = 0;
	json_object_object_foreach(get(doc, "paths"), path, item)
	{
		json_object_object_foreach(item, method, op)
		{
			if (!is_http_method(method))
				continue;
			char names[REQ_MAX_PARAMS + 1][64];
			int nnames = 0;
			for (const char *p = strchr(path, '{'); p; p = strchr(p + 1, '{')) {
				const char *end = strchr(p, '}');
				if (!end || nnames > REQ_MAX_PARAMS || end - p - 1 >= 64)
					fail_msg("bad path template %s", path);
				snprintf(names[nnames++], 64, "%.*s", (int)(end - p - 1), p + 1);
			}
			int declared = 0;
			struct json_object *params = get(op, "parameters");
			for (size_t i = 0; params && i < json_object_array_length(params); i++) {
				struct json_object *pm =
				    deref(json_object_array_get_idx(params, i));
				if (!pm) {
					print_error("%s %s: parameter %zu does not resolve\n",
					            method, path, i);
					wrong++;
					continue;
				}
				const char *in = get_str(pm, "in"), *name = get_str(pm, "name");
				if (!in || !name || strcmp(in, "path"))
					continue;
				declared++;
				bool found = false;
				for (int k = 0; k < nnames; k++)
					found |= !strcmp(names[k], name);
				struct json_object *req = get(pm, "required");
				if (!found || !req || !json_object_get_boolean(req)) {
					print_error(
					    "%s %s: path parameter %s is not in the path or "
					    "not required\n",
					    method, path, name);
					wrong++;
				}
			}
			if (declared != nnames) {
				print_error("%s %s: %d path parameters in the path, %d declared\n",
				            method, path, nnames, declared);
				wrong++;
			}
		}
	}
	assert_int_equal(wrong, 0);
}

/* Unique operationIds; a success response; errors as problem+json; 401
 * listed for operations that need sign-in. */
static void test_operations_are_complete(void **state)
{
	(void)state;
	int wrong = 0;
	struct json_object *seen = json_object_new_object();
	json_object_object_foreach(get(doc, "paths"), path, item)
	{
		json_object_object_foreach(item, method, op)
		{
			if (!is_http_method(method))
				continue;
			const char *id = get_str(op, "operationId");
			if (!id || get(seen, id)) {
				print_error("%s %s: operationId missing or not unique\n", method,
				            path);
				wrong++;
			} else {
				json_object_object_add(seen, id, json_object_new_boolean(1));
			}
			if (!get_str(op, "summary")) {
				print_error("%s %s: no summary\n", method, path);
				wrong++;
			}
			struct json_object *responses = get(op, "responses");
			bool success = false;
			json_object_object_foreach(responses, code, resp)
			{
				if (code[0] == '2')
					success = true;
				if (code[0] != '4' && code[0] != '5')
					continue;
				struct json_object *r = deref(resp);
				if (!get(get(r, "content"), "application/problem+json")) {
					print_error("%s %s: response %s is not problem+json\n",
					            method, path, code);
					wrong++;
				}
			}
			if (!success) {
				print_error("%s %s: no 2xx response\n", method, path);
				wrong++;
			}
			struct json_object *sec = get(op, "security");
			bool public = sec && json_object_array_length(sec) == 0;
			if (!public && !get(responses, "401")) {
				print_error("%s %s: needs sign-in but lists no 401\n", method,
				            path);
				wrong++;
			}
		}
	}
	json_object_put(seen);
	assert_int_equal(wrong, 0);
}

static int check_refs(struct json_object *o, const char *where)
{
	int bad = 0;
	if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++)
			bad += check_refs(json_object_array_get_idx(o, i), where);
	} else if (json_object_is_type(o, json_type_object)) {
		const char *ref = get_str(o, "$ref");
		if (ref && !deref(o)) {
			print_error("$ref %s (in %s) does not resolve\n", ref, where);
			bad++;
		}
		json_object_object_foreach(o, key, val)
		{
			bad += check_refs(val, where[0] ? where : key);
		}
	}
	return bad;
}

static void test_refs_resolve(void **state)
{
	(void)state;
	assert_int_equal(check_refs(doc, ""), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_document_header),
	    cmocka_unit_test(test_every_route_is_documented),
	    cmocka_unit_test(test_every_documented_operation_is_routed),
	    cmocka_unit_test(test_permissions_and_sign_in_match_the_router),
	    cmocka_unit_test(test_path_parameters_are_declared),
	    cmocka_unit_test(test_operations_are_complete),
	    cmocka_unit_test(test_refs_resolve),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
