/*
 * schema.h - the table-driven description of STIX types, shared by the
 * validation engine (validate.c) and the type tables (sdo.c, sco.c, meta.c).
 *
 * A type is a property table plus object-level co-constraint checks. The
 * engine checks, for every property present: the JSON kind, list-ness,
 * vocabulary membership, reference target types, ranges, and then calls the
 * property's own check; it reports required properties that are missing and
 * properties that are not defined (the custom-property rules). Common
 * properties (type, id, spec_version, created, modified, ... section 3.2)
 * are checked by the engine, not listed in the tables.
 *
 * Internal to libaccord: nothing here is API.
 */
#ifndef ACCORD_STIX_SCHEMA_H
#define ACCORD_STIX_SCHEMA_H

#include <jansson.h>
#include <stdint.h>

#include "accord/buf.h"
#include "accord/stix.h"
#include "accord/time.h"

/* JSON kind a property value must have (each list element, with F_LIST). */
enum acc__kind {
	K_ANY = 0,         /* any JSON value; the property's check decides */
	K_STRING,          /* a JSON string */
	K_INTEGER,         /* a JSON integer (no fraction, no exponent) */
	K_NUMBER,          /* a JSON number */
	K_BOOLEAN,         /* true / false */
	K_TIMESTAMP,       /* STIX timestamp string (section 2.?) */
	K_IDENTIFIER,      /* "type--uuid"; ref_types restricts the type part */
	K_HEX,             /* string of an even number of hex digits */
	K_BINARY,          /* base64 string (RFC 4648 section 4) */
	K_URL,             /* string holding an RFC 3986 URL */
	K_HASHES,          /* hashes dictionary (section 2.7) */
	K_DICT,            /* dictionary: JSON object with valid keys (section 2.8) */
	K_OBJECT,          /* JSON object validated against `sub` */
	K_KILL_CHAIN_PHASE,   /* section 2.11 */
	K_EXTERNAL_REFERENCE, /* section 2.10 */
};

/* Property flags. */
enum {
	F_REQ20 = 1u << 0,  /* required in STIX 2.0 */
	F_REQ21 = 1u << 1,  /* required in STIX 2.1 */
	F_REQ = F_REQ20 | F_REQ21,
	F_ONLY20 = 1u << 2, /* defined only in STIX 2.0 (2.1 treats it as undefined) */
	F_ONLY21 = 1u << 3, /* defined only in STIX 2.1 */
	F_LIST = 1u << 4,   /* a non-empty JSON array of `kind` values */
	F_OV = 1u << 5,     /* open vocabulary: a value not in `vocab` is a warning */
	F_ENUM = 1u << 6,   /* closed enumeration: a value not in `vocab` is an error */
	F_RANGE = 1u << 7,  /* integer/number in [min, max] */
	F_NONEMPTY = 1u << 8, /* string must not be empty */
	F_DEPRECATED = 1u << 9, /* use is a warning (the spec deprecates it) */
};

/* Object categories. */
enum acc__cat { CAT_SDO = 1, CAT_SRO, CAT_SCO, CAT_META, CAT_BUNDLE };

/* Versions a type exists in. */
enum { V20 = 1u << 0, V21 = 1u << 1, V_ALL = V20 | V21 };

typedef struct acc__vctx acc__vctx;
typedef struct acc__objdef acc__objdef;

/* A property's extra rule; v is one value (one list element with F_LIST) and
 * c's pointer names it. Called only when the kind check passed. */
typedef void (*acc__prop_check_fn)(acc__vctx *c, const json_t *v);
/* An object-level rule (co-constraints); c's pointer names obj. */
typedef void (*acc__obj_check_fn)(acc__vctx *c, const json_t *obj);

typedef struct acc__prop {
	const char *name;
	uint8_t kind;                 /* enum acc__kind */
	uint16_t flags;
	const char *const *vocab;     /* NULL-terminated; with F_OV / F_ENUM */
	const char *const *ref_types; /* K_IDENTIFIER: allowed types, NULL-terminated;
					 NULL = any type. "*sdo", "*sco", "*sro" name a category. */
	const acc__objdef *sub;       /* K_OBJECT: the embedded object's definition */
	acc__prop_check_fn check;     /* extra rule, may be NULL */
	int64_t min, max;             /* with F_RANGE */
} acc__prop;

/* Definition of an object shape: a type, an extension or an embedded type. */
struct acc__objdef {
	const char *name;        /* for messages: "indicator", "archive-ext", "kill chain phase" */
	const acc__prop *props;  /* terminated by an entry with name NULL */
	acc__obj_check_fn check; /* co-constraints, may be NULL */
	unsigned flags;          /* OD_* */
};

enum {
	/* Properties not in the table are errors even if they look custom
	 * (embedded types whose shape is closed). Without it, an undefined
	 * property is allowed when its name is a valid custom property name
	 * (warning: "custom property ... should be in an extension"), and an
	 * error otherwise. */
	OD_CLOSED = 1u << 0,
};

typedef struct acc__typedef {
	const char *name;
	uint8_t cat;                   /* enum acc__cat */
	uint8_t versions;              /* V20 / V21 */
	acc__objdef def;
	const char *const *id_contrib; /* SCO: ID-contributing properties (NULL-terminated) */
	const acc__objdef *const *exts; /* SCO: predefined extensions (NULL-terminated), whose
					  objdef name is the extension key ("archive-ext") */
} acc__typedef;

/* The tables (sdo.c, sco.c, meta.c), each terminated by an entry with name NULL. */
extern const acc__typedef acc__sdo_types[]; /* SDOs and SROs */
extern const acc__typedef acc__sco_types[];
extern const acc__typedef acc__meta_types[]; /* marking-definition, language-content,
						 extension-definition, bundle */

/* NULL when the type is not defined by the specification. */
const acc__typedef *acc__type_lookup(const char *name);

/* ---- the validation context ---------------------------------------------- */

struct acc__vctx {
	acc_stix_report *r;
	acc_buf ptr;            /* JSON pointer of the value being checked */
	uint32_t line;
	uint8_t version;        /* 20 or 21 */
	unsigned opt_flags;
	const json_t *root;     /* the top-level object being validated */
	const acc__typedef *type; /* its type (NULL for custom types) */
	int custom_ok;          /* a toplevel-property-extension is present: undefined
				   top-level properties are the extension's, not custom */
	acc_status status;      /* sticky: ACC_ENOMEM once a problem could not be stored */
};

/* Report at the current pointer. */
void acc__err(acc__vctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void acc__warn(acc__vctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Report at the current pointer + "/" + key. */
void acc__err_at(acc__vctx *c, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void acc__warn_at(acc__vctx *c, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Extend the pointer; returns a mark for acc__pop. */
size_t acc__push(acc__vctx *c, const char *key);
size_t acc__push_index(acc__vctx *c, size_t i);
void acc__pop(acc__vctx *c, size_t mark);

/* Check obj's properties against d (kinds, requiredness, custom rules) and
 * run d->check. c's pointer names obj. `common` lists properties handled
 * elsewhere that must not be reported as undefined (NULL-terminated, may be
 * NULL). */
void acc__check_object(acc__vctx *c, const acc__objdef *d, const json_t *obj,
		       const char *const *common);
/* Check one property value against its definition (c's pointer names v). */
void acc__check_prop(acc__vctx *c, const acc__prop *p, const json_t *v);

/* Helpers usable from type checks. */
int acc__vocab_has(const char *const *vocab, const char *s);
/* Parse a STIX timestamp value; reports and returns 0 when invalid. */
int acc__get_timestamp(acc__vctx *c, const json_t *v, acc_time *out);
/* Is s a valid identifier ("type--uuid")? type_out (may be NULL) receives
 * the type part, NUL-terminated, of at most ACC_LIMIT_STIX_TYPE_LEN. */
int acc__parse_identifier(const char *s, char *type_out, size_t type_out_len);
/* STIX 2.1 3.1: type names and custom property names. */
int acc__valid_type_name(const char *s, int version);
int acc__valid_property_name(const char *s, int version);
/* Is the key a valid dictionary key (section 2.8)? */
int acc__valid_dict_key(const char *s);
/* Is the string a hashing-algorithm name from hash-algorithm-ov, and does
 * the value have the right form for it? Reports at the pointer. */
void acc__check_hash_value(acc__vctx *c, const char *alg, const json_t *v);
/* Canonical form checks for ipv4/ipv6 address or CIDR strings. */
int acc__is_ipv4_cidr(const char *s);
int acc__is_ipv6_cidr(const char *s);

/* Vocabularies (vocab.c), each NULL-terminated. Names follow the spec's
 * vocabulary names with '-' as '_' and the -ov/-enum suffix dropped. */
extern const char *const acc__vocab_hash_algorithm[];
extern const char *const acc__vocab_encryption_algorithm[];

#endif
