/*
 * accord/uuid.h - RFC 4122 UUIDs: random v4 (libsodium) and name-based v5
 * (SHA-1), parsing and formatting in the lower-case 8-4-4-4-12 form.
 */
#ifndef ACCORD_UUID_H
#define ACCORD_UUID_H

#include <stddef.h>
#include <stdint.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct acc_uuid {
	uint8_t b[16];
} acc_uuid;

#define ACC_UUID_STRLEN 37 /* 36 characters plus NUL */

/* The STIX 2.1 namespace for deterministic SCO identifiers
 * (00abedb4-aa42-466c-9c01-fed23315a9b7, STIX 2.1 section 2.9). */
ACC_API extern const acc_uuid acc_uuid_stix_namespace;

/* Fill out with a random version-4 UUID. Calls sodium_init() if needed;
 * ACC_ECRYPTO if libsodium cannot initialise. */
ACC_API acc_status acc_uuid_v4(acc_uuid *out) ACC_WUR;

/* The version-5 UUID of name (len bytes) in namespace ns. */
ACC_API acc_status acc_uuid_v5(const acc_uuid *ns, const void *name, size_t len,
			       acc_uuid *out) ACC_WUR;

/* Parse the 36-character hyphenated form. Upper-case hex digits are
 * accepted only when allow_upper is non-zero (STIX requires lower case). */
ACC_API acc_status acc_uuid_parse(const char *s, size_t len, int allow_upper, acc_uuid *out,
				  acc_error *err) ACC_WUR;

ACC_API void acc_uuid_format(const acc_uuid *u, char out[ACC_UUID_STRLEN]);

/* The version nibble (1..8, 0 for the nil UUID). */
ACC_API int acc_uuid_version(const acc_uuid *u);
/* Non-zero when the variant bits are RFC 4122's (10xx). */
ACC_API int acc_uuid_is_rfc4122(const acc_uuid *u);

#ifdef __cplusplus
}
#endif
#endif
