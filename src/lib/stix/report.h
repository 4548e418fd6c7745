/* report.h - internal interface of report.c for the validator. */
#ifndef ACCORD_STIX_REPORT_H
#define ACCORD_STIX_REPORT_H

#include "accord/stix.h"

/* Append a problem (strings are copied). Counters are updated even when
 * storing fails, so the verdict stays right; ACC_ENOMEM then. */
acc_status acc__report_add(acc_stix_report *r, acc_stix_severity sev, const char *pointer,
			   size_t pointer_len, const char *msg, uint32_t line);
void acc__report_object_seen(acc_stix_report *r);
void acc__report_add_objects(acc_stix_report *r, size_t n);

#endif
