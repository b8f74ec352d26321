/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The failsafe-uevent authors
 */
#ifndef TH_JSON_H
#define TH_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define TH_JSON_DEPTH 16

/* A streaming JSON writer: it places commas and indentation itself. */
struct th_json {
	FILE *f;
	unsigned int depth;
	bool first[TH_JSON_DEPTH];
};

void th_json_init(struct th_json *j, FILE *f);
/* key is NULL inside arrays. */
void th_json_obj_open(struct th_json *j, const char *key);
void th_json_obj_close(struct th_json *j);
void th_json_arr_open(struct th_json *j, const char *key);
void th_json_arr_close(struct th_json *j);
void th_json_str(struct th_json *j, const char *key, const char *v);
void th_json_u64(struct th_json *j, const char *key, uint64_t v);
void th_json_int(struct th_json *j, const char *key, int64_t v);
/* NaN is written as null: a measurement that could not be made. */
void th_json_dbl(struct th_json *j, const char *key, double v);
void th_json_bool(struct th_json *j, const char *key, bool v);
void th_json_null(struct th_json *j, const char *key);
/* Copies an already-formatted JSON value (a worker's fragment). */
void th_json_raw(struct th_json *j, const char *key, const char *raw);

#endif
