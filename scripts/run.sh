#!/bin/sh
# `make run`: the node (accord serve) arrives with the TAXII node work; until
# then this shows the command line and validates the bundled examples.
set -eu
ACCORD=build/release/accord
"$ACCORD" --help
echo
echo "== accord stix validate examples/ (STIX 2.1 example bundles)"
"$ACCORD" stix validate examples/*.json && echo "all examples are valid STIX 2.1"
echo
echo "Try:  $ACCORD stix validate --json examples/indicator-bundle.json"
echo "      $ACCORD help stix validate"
