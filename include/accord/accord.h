/*
 * accord/accord.h - the umbrella header of libaccord.
 */
#ifndef ACCORD_ACCORD_H
#define ACCORD_ACCORD_H

#include "common.h"
#include "alloc.h"
#include "arena.h"
#include "buf.h"
#include "limits.h"
#include "time.h"
#include "uuid.h"
#include "json.h"
#include "stix.h"
#include "pattern.h"
#include "match.h"
#include "policy.h"
#include "store.h"
#include "tlog.h"
#include "sig.h"

#endif
