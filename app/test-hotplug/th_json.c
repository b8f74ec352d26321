/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 *
 * JSON writer for the result file.
 */
#include <math.h>
#include <inttypes.h>

#include "th_json.h"

void
th_json_init(struct th_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->first[0] = true;
}

static void
th_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void
th_json_key(struct th_json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
	if (j->depth > 0)
		fprintf(j->f, "\n%*s", (int)j->depth * 2, "");
	if (key != NULL) {
		th_json_string(j->f, key);
		fputs(": ", j->f);
	}
}

static void
th_json_open(struct th_json *j, const char *key, char c)
{
	th_json_key(j, key);
	fputc(c, j->f);
	if (j->depth + 1 < TH_JSON_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

static void
th_json_close(struct th_json *j, char c)
{
	bool empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (!empty)
		fprintf(j->f, "\n%*s", (int)j->depth * 2, "");
	fputc(c, j->f);
	if (j->depth == 0)
		fputc('\n', j->f);
}

void th_json_obj_open(struct th_json *j, const char *key) { th_json_open(j, key, '{'); }
void th_json_obj_close(struct th_json *j) { th_json_close(j, '}'); }
void th_json_arr_open(struct th_json *j, const char *key) { th_json_open(j, key, '['); }
void th_json_arr_close(struct th_json *j) { th_json_close(j, ']'); }

void
th_json_str(struct th_json *j, const char *key, const char *v)
{
	th_json_key(j, key);
	if (v == NULL)
		fputs("null", j->f);
	else
		th_json_string(j->f, v);
}

void
th_json_u64(struct th_json *j, const char *key, uint64_t v)
{
	th_json_key(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void
th_json_int(struct th_json *j, const char *key, int64_t v)
{
	th_json_key(j, key);
	fprintf(j->f, "%" PRId64, v);
}

void
th_json_dbl(struct th_json *j, const char *key, double v)
{
	th_json_key(j, key);
	if (isnan(v) || isinf(v))
		fputs("null", j->f);
	else
		fprintf(j->f, "%.3f", v);
}

void
th_json_bool(struct th_json *j, const char *key, bool v)
{
	th_json_key(j, key);
	fputs(v ? "true" : "false", j->f);
}

void
th_json_null(struct th_json *j, const char *key)
{
	th_json_key(j, key);
	fputs("null", j->f);
}

void
th_json_raw(struct th_json *j, const char *key, const char *raw)
{
	th_json_key(j, key);
	fputs(raw, j->f);
}
