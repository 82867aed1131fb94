/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests: strict parsing with places, and faithful writing. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "internal.h"
#include "tap.h"

static void bad(const char *data, size_t len, const char *want, const char *what)
{
	struct json_object *o = NULL;
	ocirl_error *err = NULL;
	int r = ocirl_config_parse(&o, data, len, "c.json", &err);
	ok(r < 0 && !o && err && err->kind == OCIRL_ERROR_INPUT, "parse refuses %s", what);
	is_str(err ? err->message : NULL, want, "parse: %s: message", what);
	ocirl_error_free(err);
	json_object_put(o);
}
#define BAD(s, want, what) bad(s, sizeof(s) - 1, want, what)

/* Parses then writes pretty (indent) or compact; compares with want. */
static void roundtrip(const char *in, ocirl_style style, const char *indent, int nl, const char *want,
		  const char *what)
{
	struct json_object *o = NULL;
	ocirl_error *err = NULL;
	char *out = NULL;
	size_t len = 0;
	if (ocirl_config_parse(&o, in, strlen(in), "c.json", &err) < 0 ||
	    ocirl_config_serialize(&out, &len, o, style, indent, nl, &err) < 0) {
		ok(0, "round trip: %s: %s", what, err ? err->message : "?");
		ocirl_error_free(err);
		json_object_put(o);
		return;
	}
	is_str(out, want, "round trip: %s", what);
	ok(len == strlen(want), "round trip: %s: length", what);
	free(out);
	json_object_put(o);
}

/* ocirl_buffer_convert() of in (named c.json) in mode single for uid and gid
 * 1000, with no caller facts (an empty /proc/self). */
static int buffer_convert(char **out, size_t *len, const char *in, unsigned flags, ocirl_error **err)
{
	ocirl_options o = OCIRL_OPTIONS_INIT;
	o.mode = OCIRL_MODE_SINGLE;
	o.uid = 1000;
	o.gid = 1000;
	o.proc_self_path = "/nonexistent";
	static const char *const skip[] = { "mount-namespace", NULL }; /* the small inputs here have none */
	o.skip_rules = skip;
	*out = NULL;
	*len = 0;
	return ocirl_buffer_convert(out, len, NULL, in, strlen(in), "c.json", &o, flags, err);
}

static void convert_buf(const char *in, unsigned flags, const char *want, const char *what)
{
	char *out;
	size_t len;
	ocirl_error *err = NULL;
	if (buffer_convert(&out, &len, in, flags, &err) < 0) {
		ok(0, "buffer convert: %s: %s", what, err ? err->message : "?");
		ocirl_error_free(err);
		return;
	}
	is_str(out, want, "buffer convert: %s", what);
	free(out);
}

/* ocirl_buffer_convert must refuse in with exactly the message want. */
static void convert_buf_bad(const char *in, const char *want, const char *what)
{
	char *out;
	size_t len;
	ocirl_error *err = NULL;
	int r = buffer_convert(&out, &len, in, 0, &err);
	ok(r < 0 && !out, "buffer convert refuses %s", what);
	is_str(err ? err->message : NULL, want, "buffer convert refuses %s: message", what);
	ocirl_error_free(err);
	free(out);
}

int main(void)
{
	BAD("", "c.json: empty input: expected a JSON object", "an empty file");
	BAD(" \n\t", "c.json: empty input: expected a JSON object", "white space only");
	BAD("[1]", "c.json:1:1: invalid JSON: expected a JSON object at the top level", "a top-level array");
	BAD("\n  \"x\"", "c.json:2:3: invalid JSON: expected a JSON object at the top level", "a top-level string");
	BAD("{\"a\": 1,\n \"b\": [1, 2\n", "c.json:3:1: invalid JSON: unexpected end of input (truncated?)", "truncated");
	BAD("{\"a\": 1} x", "c.json:1:10: invalid JSON: trailing data after the JSON object", "trailing data");
	BAD("{\"a\": 1}{}", "c.json:1:9: invalid JSON: trailing data after the JSON object", "a second object");
	BAD("{\"a\": 1,}", "c.json:1:9: invalid JSON: expected a key in double quotes (no trailing comma)", "a trailing comma");
	BAD("{\n\"a\": \"\xff\"}", "c.json:2:7: invalid JSON: invalid UTF-8", "invalid UTF-8");
	BAD("{\"a\": \"x\0y\"}", "c.json:1:9: invalid JSON: NUL byte", "a NUL byte");
	BAD("{/* c */}", "c.json:1:2: invalid JSON: a comment: comments are not allowed in JSON", "a comment");
	BAD("{\"a\": 1} // c", "c.json:1:10: invalid JSON: a comment: comments are not allowed in JSON", "a comment after the object");
	BAD("{\"a\": 1 /}", "c.json:1:9: invalid JSON: expected ',' or '}'", "a lone slash is no comment");
	/* What json-c's strict mode would take, or change, and JSON does not allow. */
	BAD("{\"a\": NaN}", "c.json:1:7: invalid JSON: unexpected character (expected a value)", "NaN");
	BAD("{\"a\": -Infinity}", "c.json:1:7: invalid JSON: invalid number", "-Infinity");
	BAD("{\"a\": 01}", "c.json:1:7: invalid JSON: invalid number (a leading zero)", "a leading zero");
	BAD("{\"a\": -01.5}", "c.json:1:7: invalid JSON: invalid number (a leading zero)", "a negative leading zero");
	BAD("{\"a\": 1.}", "c.json:1:7: invalid JSON: invalid number (no digit after '.')", "1.");
	BAD("{\"a\": 1e}", "c.json:1:7: invalid JSON: invalid number (no digit in the exponent)", "1e");
	BAD("{\"a\": .5}", "c.json:1:7: invalid JSON: unexpected character (expected a value)", ".5");
	BAD("{'a': 1}", "c.json:1:2: invalid JSON: expected a key in double quotes or '}'", "single quotes");
	BAD("{\"a\": tru}", "c.json:1:7: invalid JSON: unexpected character (expected a value)", "tru");
	BAD("{\"a\": \"x\ty\"}", "c.json:1:9: invalid JSON: control character in a string (it must be escaped)",
	    "a raw tab in a string");
	BAD("{\"a\": \"x\\qy\"}", "c.json:1:9: invalid JSON: invalid escape in a string", "an unknown escape");
	BAD("{\"a\": \"\\u12G4\"}", "c.json:1:8: invalid JSON: invalid \\u escape in a string", "a bad \\u escape");
	BAD("{\"a\": \"\xc0\xaf\"}", "c.json:1:8: invalid JSON: invalid UTF-8", "an overlong UTF-8 form");
	BAD("{\"a\": \"\xe0\x80\xaf\"}", "c.json:1:8: invalid JSON: invalid UTF-8", "an overlong 3-byte form");
	BAD("{\"a\": \"\xed\xa0\x80\"}", "c.json:1:8: invalid JSON: invalid UTF-8", "an encoded surrogate");
	BAD("{\"a\": \"\xf4\x90\x80\x80\"}", "c.json:1:8: invalid JSON: invalid UTF-8", "a code point above U+10FFFF");
	BAD("{\"a\": \"\xe2\x82\"}", "c.json:1:8: invalid JSON: invalid UTF-8", "a cut UTF-8 sequence");
	BAD("{\"a\": \"a\\ud800b\"}", "c.json:1:9: invalid JSON: a lone surrogate escape (\\uD800-\\uDBFF) cannot be kept",
	    "a lone high surrogate escape");
	BAD("{\"a\": \"\\udc00\"}", "c.json:1:8: invalid JSON: a lone surrogate escape (\\uDC00-\\uDFFF) cannot be kept",
	    "a lone low surrogate escape");
	BAD("{\"a\\u0000b\": 1}", "c.json:1:4: invalid JSON: \\u0000 in a key cannot be kept", "an escaped NUL in a key");
	BAD("{\"a\" 1}", "c.json:1:6: invalid JSON: expected ':' after a key", "a missing colon");
	BAD("{\"a\": [1 2]}", "c.json:1:10: invalid JSON: expected ',' or ']'", "a missing comma");
	BAD("{\"a\": \"x", "c.json:1:9: invalid JSON: unexpected end of input in a string (truncated?)", "a cut string");
	BAD("{\"a\": 18446744073709551616}", "c.json:1:7: invalid JSON: integer above 18446744073709551615 cannot be kept exactly"
	    " (a number such as 18446744073709552000 usually comes from a tool that went through a double, as jq 1.6 does; unlimited is 18446744073709551615)",
	    "an integer above the uint64 range");
	BAD("{\"a\": [\n -9223372036854775809]}",
	    "c.json:2:2: invalid JSON: integer below -9223372036854775808 cannot be kept exactly",
	    "an integer below the int64 range");
	BAD("{\"a\": 123456789012345678901234567890}", "c.json:1:7: invalid JSON: integer above 18446744073709551615 cannot be kept exactly"
	    " (a number such as 18446744073709552000 usually comes from a tool that went through a double, as jq 1.6 does; unlimited is 18446744073709551615)",
	    "a 30-digit integer");
	{
		char deep[2 * 70 + 20];
		size_t k = 0;
		k += (size_t)sprintf(deep + k, "{\"a\":");
		for (int i = 0; i < 70; i++)
			deep[k++] = '[';
		for (int i = 0; i < 70; i++)
			deep[k++] = ']';
		deep[k++] = '}';
		deep[k] = '\0';
		struct json_object *o = NULL;
		ocirl_error *err = NULL;
		ok(ocirl_config_parse(&o, deep, k, "c.json", &err) < 0 && err &&
			   strstr(err->message, "nested deeper than the limit of 64 levels"),
		   "parse refuses nesting deeper than 64");
		ocirl_error_free(err);
	}
	/* Numbers inside strings are not numbers. */
	roundtrip("{\"a\": \"18446744073709551616\\\"\", \"b\": 1}", OCIRL_STYLE_COMPACT, NULL, 0,
	      "{\"a\":\"18446744073709551616\\\"\",\"b\":1}", "a big number inside a string is text");

	roundtrip("{\"n\": [18446744073709551615, -9223372036854775808, 9223372036854775807, -1, 0, 1.0, 1.50e3, "
	      "1E-7, -0.0, 1e+2]}",
	      OCIRL_STYLE_COMPACT, NULL, 0,
	      "{\"n\":[18446744073709551615,-9223372036854775808,9223372036854775807,-1,0,1.0,1.50e3,1E-7,-0.0,1e+2]}",
	      "numbers are written as read");
	roundtrip("{\"s\": \"\\u00e9\\u2028\\/x\\ud83d\\ude00\\u0001\\t\\\"\\\\\"}", OCIRL_STYLE_COMPACT, NULL, 0,
	      "{\"s\":\"\xc3\xa9\xe2\x80\xa8/x\xf0\x9f\x98\x80\\u0001\\t\\\"\\\\\"}",
	      "strings: same value, escapes only where JSON needs them");
	roundtrip("{\"b\": 1, \"a\": {\"z\": null, \"y\": true, \"x\": false}, \"e\": {}, \"f\": []}",
	      OCIRL_STYLE_PRETTY, NULL, 1,
	      "{\n\t\"b\": 1,\n\t\"a\": {\n\t\t\"z\": null,\n\t\t\"y\": true,\n\t\t\"x\": false\n\t},\n\t\"e\": {},\n\t\"f\": []\n}\n",
	      "pretty with tabs, key order kept, empty containers as runc writes them");
	roundtrip("{\"a\": [1, {\"b\": 2}]}", OCIRL_STYLE_PRETTY, "    ", 0,
	      "{\n    \"a\": [\n        1,\n        {\n            \"b\": 2\n        }\n    ]\n}", "pretty with 4 spaces");
	BAD("{\"a\": 1,\n \"b\": {\"c\": 1, \"c\": 2}}", "c.json:2:16: invalid JSON: the key \"c\" appears twice in this object",
	    "a repeated key (runc would merge, json-c would keep the last: neither can be judged safely)");
	roundtrip("{\"a\": -0, \"b\": [-0.0, 0, -1]}", OCIRL_STYLE_COMPACT, NULL, 0, "{\"a\":-0,\"b\":[-0.0,0,-1]}",
	      "-0 is written as read");


	/* A repeated key in a big object (found by sorting): the place of the
	 * first second occurrence in the text. */
	{
		ocirl_buf b = { 0 };
		ocirl__buf_adds(&b, "{");
		for (int i = 0; i < 40; i++)
			ocirl__buf_printf(&b, "%s\"k%d\": %d", i ? ", " : "", i, i);
		ocirl__buf_adds(&b, ",\n\"k7\": 1, \"k3\": 2, \"k7\": 3}");
		bad(b.data, b.len, "c.json:2:1: invalid JSON: the key \"k7\" appears twice in this object",
		    "a repeated key in an object of 43 keys, reported where it first repeats");
		free(b.data);
	}

	/* Strings are scanned eight bytes at a time: a quote, a backslash, a
	 * control character or a UTF-8 lead byte at every offset of a long string
	 * is found where it is. */
	{
		static const char *const specials[] = { "\\\"", "\\\\", "\\n", "\xc3\xa9", "\\u00e9" };
		static const char *const decoded[] = { "\"", "\\", "\n", "\xc3\xa9", "\xc3\xa9" };
		int good = 0, total = 0;
		for (size_t k = 0; k < sizeof(specials) / sizeof(specials[0]); k++)
			for (int off = 0; off < 20; off++) {
				char in[128], want[64];
				snprintf(in, sizeof(in), "{\"k\": \"%.*s%s%.*s\"}", off, "abcdefghijklmnopqrstuvwxyz", specials[k],
					 19 - off, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
				snprintf(want, sizeof(want), "%.*s%s%.*s", off, "abcdefghijklmnopqrstuvwxyz", decoded[k], 19 - off,
					 "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
				struct json_object *o = NULL;
				struct json_object *v = NULL;
				total++;
				if (ocirl_config_parse(&o, in, strlen(in), "c.json", NULL) == 0 &&
				    json_object_object_get_ex(o, "k", &v) && strcmp(json_object_get_string(v), want) == 0)
					good++;
				json_object_put(o);
			}
		is_int(good, total, "strings with an escape or UTF-8 at each of 20 offsets decode exactly");
		int refused = 0;
		for (int off = 0; off < 20; off++) {
			char in[128];
			snprintf(in, sizeof(in), "{\"k\": \"%.*s\x01%.*s\"}", off, "abcdefghijklmnopqrstuvwxyz", 19 - off,
				 "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
			struct json_object *o = NULL;
			ocirl_error *err = NULL;
			char want[80];
			snprintf(want, sizeof(want), "c.json:1:%d: invalid JSON: control character in a string (it must be escaped)",
				 8 + off);
			if (ocirl_config_parse(&o, in, strlen(in), "c.json", &err) < 0 && strcmp(err->message, want) == 0)
				refused++;
			ocirl_error_free(err);
			json_object_put(o);
		}
		is_int(refused, 20, "a raw control character at each of 20 offsets is refused at its column");
	}

	/* ocirl_buffer_convert writes what no rule changed as it was read. */
	convert_buf("{\"process\": {\"args\": [\"a\\/b\", \"\\u00e9\\t\"], \"n\": 1.50e3, \"m\": -0}, \"x\\u0041\": 1,\n"
		    "\"linux\": {\"namespaces\": [{\"type\": \"network\"}, {\"type\": \"user\"}], "
		    "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}], "
		    "\"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]}}",
		    OCIRL_CONVERT_COMPACT,
		    "{\"process\":{\"args\":[\"a\\/b\",\"\\u00e9\\t\"],\"n\":1.50e3,\"m\":-0},\"x\\u0041\":1,"
		    "\"linux\":{\"namespaces\":[{\"type\":\"network\"},{\"type\":\"user\"}],"
		    "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],"
		    "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}}",
		    "keys, strings and numbers are copied as written, escapes too");


	/* Containers no rule reads, in a one-line config, are checked but kept
	 * as text: copied as read, or written again when they hold spaces. */
	{
		const char *lin = "\"linux\":{\"namespaces\":[{\"type\":\"network\"},{\"type\":\"user\"}],"
				  "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],"
				  "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}";
		char in[1024], want[1024];
		snprintf(in, sizeof(in),
			 "{\"annotations\":{\"k\":\"\\u00e9\\/\",\"n\":[1.50e3,-0,{}]},%s,\"seccomp\":[],"
			 "\"process\":{\"env\":[\"A=\\u0041\"]}}",
			 lin);
		snprintf(want, sizeof(want), "%s", in);
		convert_buf(in, 0, want, "one line: containers no rule reads are copied byte for byte");
		snprintf(in, sizeof(in), "{\"annotations\": {\"a\": [1, 2], \"b\": {}}, %s, \"x\": 1}", lin);
		snprintf(want, sizeof(want), "{\"annotations\":{\"a\":[1,2],\"b\":{}},%s,\"x\":1}", lin);
		convert_buf(in, 0, want, "one line with spaces: such a container is written on one line without them");
		snprintf(in, sizeof(in), "{\"annotations\": {\"a\": [1, 2]}, %s}", lin);
		snprintf(want, sizeof(want), "{\n\t\"annotations\": {\n\t\t\"a\": [\n\t\t\t1,\n\t\t\t2\n\t\t]\n\t},");
		char *out;
		size_t len;
		ok(buffer_convert(&out, &len, in, OCIRL_CONVERT_PRETTY, NULL) == 0 &&
			   strncmp(out, want, strlen(want)) == 0,
		   "--pretty on one line: such a container is indented like the rest");
		free(out);
		convert_buf_bad("{\"annotations\":{\"a\":{\"b\":1,\"b\":2}}}",
				"c.json:1:28: invalid JSON: the key \"b\" appears twice in this object",
				"a repeated key inside a container no rule reads");
		convert_buf_bad("{\"hooks\":{\"a\":[1,01]}}", "c.json:1:18: invalid JSON: invalid number (a leading zero)",
				"a bad number inside a container no rule reads");
		convert_buf_bad("{\"root\":{\"path\":\"a\\qb\"}}", "c.json:1:19: invalid JSON: invalid escape in a string",
				"a bad escape inside a container no rule reads");
	}

	/* The whole conversion keeps the input's indent and final newline. */
	const char *tail = "\"linux\": {\"namespaces\": [{\"type\": \"network\"}, {\"type\": \"user\"}], "
			   "\"uidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}], "
			   "\"gidMappings\": [{\"containerID\": 0, \"hostID\": 1000, \"size\": 1}]}}";
	char in[512];
	snprintf(in, sizeof(in), "{\n  \"x\": 1,\n  %s\n", tail);
	convert_buf(in, 0,
		    "{\n  \"x\": 1,\n  \"linux\": {\n    \"namespaces\": [\n      {\n        \"type\": \"network\"\n      },\n"
		    "      {\n        \"type\": \"user\"\n      }\n    ],\n    \"uidMappings\": [\n      {\n"
		    "        \"containerID\": 0,\n        \"hostID\": 1000,\n        \"size\": 1\n      }\n    ],\n"
		    "    \"gidMappings\": [\n      {\n        \"containerID\": 0,\n        \"hostID\": 1000,\n"
		    "        \"size\": 1\n      }\n    ]\n  }\n}\n",
		    "two-space input gives two-space output with a final newline");
	snprintf(in, sizeof(in), "{\"x\": 1, %s", tail);
	convert_buf(in, OCIRL_CONVERT_PRETTY,
		    "{\n\t\"x\": 1,\n\t\"linux\": {\n\t\t\"namespaces\": [\n\t\t\t{\n\t\t\t\t\"type\": \"network\"\n\t\t\t},\n"
		    "\t\t\t{\n\t\t\t\t\"type\": \"user\"\n\t\t\t}\n\t\t],\n\t\t\"uidMappings\": [\n\t\t\t{\n"
		    "\t\t\t\t\"containerID\": 0,\n\t\t\t\t\"hostID\": 1000,\n\t\t\t\t\"size\": 1\n\t\t\t}\n\t\t],\n"
		    "\t\t\"gidMappings\": [\n\t\t\t{\n\t\t\t\t\"containerID\": 0,\n\t\t\t\t\"hostID\": 1000,\n"
		    "\t\t\t\t\"size\": 1\n\t\t\t}\n\t\t]\n\t}\n}",
		    "--pretty on one-line input gives tabs, no final newline as in the input");
	convert_buf(in, OCIRL_CONVERT_COMPACT,
		    "{\"x\":1,\"linux\":{\"namespaces\":[{\"type\":\"network\"},{\"type\":\"user\"}],"
		    "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],"
		    "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}}",
		    "compact");
	convert_buf(in, 0,
		    "{\"x\":1,\"linux\":{\"namespaces\":[{\"type\":\"network\"},{\"type\":\"user\"}],"
		    "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],"
		    "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}}",
		    "one-line input stays one line");
	snprintf(in, sizeof(in), "{\n  \"x\": 1,\n  %s\n", tail);
	convert_buf(in, OCIRL_CONVERT_COMPACT,
		    "{\"x\":1,\"linux\":{\"namespaces\":[{\"type\":\"network\"},{\"type\":\"user\"}],"
		    "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],"
		    "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}}\n",
		    "--compact on indented input: one line, final newline kept");
	snprintf(in, sizeof(in), "{\r\n  \"x\": 1,\r\n  %s\r\n", tail);
	{
		char *out;
		size_t len;
		ocirl_error *err = NULL;
		int r = buffer_convert(&out, &len, in, 0, &err);
		bool all_crlf = r == 0 && len > 2 && out[len - 1] == '\n' && out[len - 2] == '\r';
		for (size_t i = 1; r == 0 && i < len; i++)
			if (out[i] == '\n' && out[i - 1] != '\r')
				all_crlf = false;
		ok(all_crlf && strstr(out, "{\r\n  \"x\": 1,\r\n"), "CRLF input gives CRLF output");
		free(out);
		ocirl_error_free(err);
	}
	return done_testing();
}
