/* json_int.h - internals of the json module shared with other modules. */
#ifndef ACCORD_JSON_INT_H
#define ACCORD_JSON_INT_H

#include "accord/json.h"

/* acc_json_load for a span that acc_json_value_end has already framed: it
 * found exactly one value ending at len, within ACC_LIMIT_JSON_DEPTH. The
 * structural scan is not repeated; everything else (jansson's grammar,
 * duplicate keys, error mapping) is the same. */
acc_status acc__json_load_framed(const char *buf, size_t len, json_t **out,
				 acc_error *err) ACC_WUR;

#endif
