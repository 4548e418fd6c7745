/*
 * sco.h - STIX Cyber-observable Objects: the parts of sco.c and scoid.c that
 * other files of the stix module use besides the acc__sco_types table
 * (declared in schema.h).
 *
 * Internal to libaccord.
 */
#ifndef ACCORD_STIX_SCO_H
#define ACCORD_STIX_SCO_H

#include <jansson.h>

#include "accord/stix.h"
#include "schema.h"

/* Validate the `objects` dictionary of a STIX 2.0 observed-data object
 * (keys "0", "1", ...; each *_ref property holds a key of that dictionary).
 * c's pointer names `objects`; c->root must be the observed-data object.
 * Runs in STIX 2.0 mode whatever c->version says, and restores it. */
void acc__check_sco20(acc__vctx *c, const json_t *objects);

/* The SCO type named `type` in acc__sco_types, or NULL. */
const acc__typedef *acc__sco_lookup(const char *type);

/* The deterministic identifier (STIX 2.1 section 2.9) of obj computed from
 * the ID contributing properties `props` (NULL-terminated), for any type,
 * custom ones included. Same results as acc_stix_sco_id. */
acc_status acc__sco_id_props(const json_t *obj, const char *const *props, char out[ACC_STIX_ID_MAX],
                             acc_error *err);

#endif
