/*
 * policy_int.h - internals shared by the policy module's files.
 *
 * Identifiers handled here are "<type>--<uuid>" with the UUID's hex digits
 * folded to lower case; every comparison in the module is between folded
 * forms.
 */
#ifndef ACCORD_POLICY_INT_H
#define ACCORD_POLICY_INT_H

#include "accord/policy.h"

/* The TLP 2.0 extension-definition of the OASIS marking definitions. */
#define ACC__POLICY_TLP2_EXT "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

/* If s is "<type>--<uuid>" (hex digits in any case), write it to out with
 * the UUID in lower case and return 1; otherwise return 0 (out is ""). */
int acc__policy_fold_id(const char *s, const char *type, char out[ACC_POLICY_ID_MAX]);

/* 1 for CLEAR..RED. */
int acc__policy_level_ok(acc_policy_tlp t);

#endif
