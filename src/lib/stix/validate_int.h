/* validate_int.h - engine internals shared with meta.c and document.c. */
#ifndef ACCORD_STIX_VALIDATE_INT_H
#define ACCORD_STIX_VALIDATE_INT_H

#include "schema.h"

/* Validate obj (any STIX object) in context c; c->ptr names obj. */
acc_status acc__validate_object(acc__vctx *c, const json_t *obj);

/* acc_stix_validate_object without the acc_error; count = 0 leaves the
 * report's object count alone (a bundle's header). */
acc_status acc__validate_into(const json_t *obj, const char *pointer, uint32_t line,
			      const acc_stix_options *opt, acc_stix_report *r, int count);

/* The common-property tables, for meta types that share them. */
const acc__prop *acc__common_sdo_props(void);
const acc__prop *acc__common_sco_props(void);
extern const acc__objdef acc__gm_def; /* granular marking */

/* RFC 5646 language tag check (a property check function). */
void acc__check_lang(acc__vctx *c, const json_t *v);
void acc__check_lang_str(acc__vctx *c, const char *s);

#endif
