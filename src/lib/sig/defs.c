/*
 * defs.c - the extension-definition of Accord's member-signature property
 * extension (ACC_SIG_EXTENSION_ID), served by every node. RFC 8785
 * canonical JSON (members sorted, no white space) so that it hashes and
 * signs the same everywhere; docs/signatures.md shows it pretty-printed and
 * test_sig checks that it is canonical, valid STIX and the same as the docs.
 * Its id, created and created_by_ref never change; a new version of the
 * definition changes modified and version only.
 */
#include "accord/sig.h"

const char acc_sig_extension_json[] =
    "{\"created\":\"2026-11-29T00:00:00.000Z\",\"created_by_ref\":\"identity"
    "--febcc9a0-4621-4994-81c0-0aae032530b9\",\"description\":\"An Ed2551"
    "9 signature by the member that produced the object: key_id names"
    " the member's public key (lower-case hex SHA-256 of its 32 bytes"
    "), algorithm is \\\"ed25519\\\", and signature is the standard base6"
    "4 of the signature of the RFC 8785 canonical JSON of the object "
    "without this extension (and without extensions when this extensi"
    "on is its only entry). Accord nodes verify it on ingest.\",\"exten"
    "sion_types\":[\"property-extension\"],\"id\":\"extension-definition--1"
    "e42a916-7cd0-4ddc-9cdd-69ce0bd41b5c\",\"modified\":\"2026-11-29T00:0"
    "0:00.000Z\",\"name\":\"Accord member signature\",\"schema\":\"https://ac"
    "cord.example/docs/signatures.md\",\"spec_version\":\"2.1\",\"type\":\"ex"
    "tension-definition\",\"version\":\"1.0.0\"}";
