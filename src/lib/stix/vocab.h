/*
 * vocab.h - the STIX vocabularies and enumerations (STIX 2.1 section 10, and
 * the STIX 2.0 suggested vocabularies that 2.0 objects still need).
 *
 * Each is a NULL-terminated array of the exact values the specification
 * lists. Names follow the specification's vocabulary names with '-' as '_'
 * and the -ov / -enum suffix dropped; a _20 suffix marks a STIX 2.0 list.
 * Open vocabularies (-ov) are suggestions: a value outside them is a warning.
 * Enumerations (-enum) are closed: a value outside them is an error.
 *
 * Internal to libaccord.
 */
#ifndef ACCORD_STIX_VOCAB_H
#define ACCORD_STIX_VOCAB_H

#include "schema.h" /* declares acc__vocab_hash_algorithm, acc__vocab_encryption_algorithm */

/* ---- STIX 2.1 section 10 ------------------------------------------------- */
extern const char *const acc__vocab_account_type[];             /* 10.1  account-type-ov */
extern const char *const acc__vocab_attack_motivation[];        /* 10.2  attack-motivation-ov */
extern const char *const acc__vocab_attack_resource_level[];    /* 10.3  attack-resource-level-ov */
/* 10.4 encryption-algorithm-enum: acc__vocab_encryption_algorithm (schema.h) */
extern const char *const acc__vocab_extension_type[];           /* 10.5  extension-type-enum */
extern const char *const acc__vocab_grouping_context[];         /* 10.6  grouping-context-ov */
/* 10.7 hash-algorithm-ov: acc__vocab_hash_algorithm (schema.h) */
extern const char *const acc__vocab_identity_class[];           /* 10.8  identity-class-ov */
extern const char *const acc__vocab_implementation_language[];  /* 10.9  implementation-language-ov */
extern const char *const acc__vocab_indicator_type[];           /* 10.10 indicator-type-ov */
extern const char *const acc__vocab_industry_sector[];          /* 10.11 industry-sector-ov */
extern const char *const acc__vocab_infrastructure_type[];      /* 10.12 infrastructure-type-ov */
extern const char *const acc__vocab_malware_capabilities[];     /* 10.13 malware-capabilities-ov */
extern const char *const acc__vocab_malware_result[];           /* 10.14 malware-result-ov */
extern const char *const acc__vocab_malware_type[];             /* 10.15 malware-type-ov */
extern const char *const acc__vocab_network_socket_address_family[]; /* 10.16 ...-enum */
extern const char *const acc__vocab_network_socket_type[];      /* 10.17 network-socket-type-enum */
extern const char *const acc__vocab_opinion[];                  /* 10.18 opinion-enum */
extern const char *const acc__vocab_pattern_type[];             /* 10.19 pattern-type-ov */
extern const char *const acc__vocab_processor_architecture[];   /* 10.20 processor-architecture-ov */
extern const char *const acc__vocab_region[];                   /* 10.21 region-ov */
extern const char *const acc__vocab_report_type[];              /* 10.22 report-type-ov */
extern const char *const acc__vocab_threat_actor_type[];        /* 10.23 threat-actor-type-ov */
extern const char *const acc__vocab_threat_actor_role[];        /* 10.24 threat-actor-role-ov */
extern const char *const acc__vocab_threat_actor_sophistication[]; /* 10.25 ...-ov */
extern const char *const acc__vocab_tool_type[];                /* 10.26 tool-type-ov */
extern const char *const acc__vocab_windows_integrity_level[];  /* 10.27 windows-integrity-level-enum */
extern const char *const acc__vocab_windows_pebinary_type[];    /* 10.28 windows-pebinary-type-ov */
extern const char *const acc__vocab_windows_registry_datatype[]; /* 10.29 ...-enum */
extern const char *const acc__vocab_windows_service_start_type[]; /* 10.30 ...-enum */
extern const char *const acc__vocab_windows_service_type[];     /* 10.31 windows-service-type-enum */
extern const char *const acc__vocab_windows_service_status[];   /* 10.32 windows-service-status-enum */

/* ---- STIX 2.0 (Part 2 section 6, Part 4 section 3) ----------------------- */
extern const char *const acc__vocab_hash_algorithm_20[];     /* hash-algorithm-ov */
extern const char *const acc__vocab_identity_class_20[];     /* identity-class-ov */
extern const char *const acc__vocab_industry_sector_20[];    /* industry-sector-ov */
extern const char *const acc__vocab_indicator_label_20[];    /* indicator-label-ov */
extern const char *const acc__vocab_malware_label_20[];      /* malware-label-ov */
extern const char *const acc__vocab_report_label_20[];       /* report-label-ov */
extern const char *const acc__vocab_threat_actor_label_20[]; /* threat-actor-label-ov */
extern const char *const acc__vocab_tool_label_20[];         /* tool-label-ov */

/* ---- other lists ---------------------------------------------------------- */
/* ISO 3166-1 alpha-2 country codes (upper case), for location.country. */
extern const char *const acc__iso3166_1_alpha2[];

#endif
