/*
 * defs.c - Accord's own STIX definitions, served by every node: the
 * extension-definition of the TLP:RED recipients property extension and the
 * identity that creates it. Both are RFC 8785 canonical JSON (members
 * sorted, no white space), so they hash and sign the same everywhere;
 * docs/policy.md shows them pretty-printed and test_policy checks that the
 * two agree.
 */
#include "accord/policy.h"

const char acc_policy_recipients_extension_json[] =
    "{\"created\":\"2026-11-29T00:00:00.000Z\",\"created_by_ref\":\"identity--febcc9"
    "a0-4621-4994-81c0-0aae032530b9\",\"description\":\"The members of "
    "an Accord node with whom a TLP:RED object is shared. Besides "
    "its producer (created_by_ref), only the members whose identities "
    "are listed in recipients may read the object, and it never leaves "
    "the node.\",\"extension_types\":[\"property-extension\"],\"id\":\"extension-defi"
    "nition--1455b14b-c811-4c23-b770-ccc1788cb7ee\",\"modified\":\"2026-11-29T00:"
    "00:00.000Z\",\"name\":\"Accord TLP:RED recipients\",\"schema\":\"Property "
    "extension for STIX 2.1 objects marked TLP:RED (TLP 2.0 or TLP "
    "1.0) in object_marking_refs. Properties: extension_type (required): "
    "the string \\\"property-extension\\\". recipients (required): a "
    "list of identifiers of type identity, at least one; duplicates "
    "count once; identifiers compare with the UUID in lower case. "
    "No other properties. An object that carries this extension without "
    "being marked TLP:RED is refused.\",\"spec_version\":\"2.1\",\"type\":\"extension"
    "-definition\",\"version\":\"1.0.0\"}";

const char acc_policy_accord_identity_json[] =
    "{\"created\":\"2026-11-29T00:00:00.000Z\",\"description\":\"The Accord "
    "project, which defines the STIX extensions that Accord nodes "
    "use and serve.\",\"id\":\"identity--febcc9a0-4621-4994-81c0-0aae032530b9\","
    "\"identity_class\":\"organization\",\"modified\":\"2026-11-29T00:00:00.000Z\","
    "\"name\":\"Accord\",\"spec_version\":\"2.1\",\"type\":\"identity\"}";
