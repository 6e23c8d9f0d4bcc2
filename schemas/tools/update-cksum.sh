#!/bin/sh
# update-cksum.sh FILE...: rewrite the "cksum" line of each .ovsschema FILE
# to the checksum of its content, computed the way OVS's build check does:
# POSIX cksum(1) of the file with the cksum line removed ("CRC LENGTH").
# Run after editing a schema by hand; tests/interop/test-schema-compare.py
# fails when the line is stale.  Fails (exit 1) if FILE has no cksum line.
set -e
for f in "$@"; do
    grep -q '^ *"cksum": *"[0-9]* [0-9]*",$' "$f" || {
        echo "update-cksum: no \"cksum\" line in $f" >&2; exit 1; }
    sum=$(sed '/^ *"cksum": *"[0-9]* [0-9]*",$/d' "$f" | cksum | cut -d' ' -f1,2)
    sed -i "s/^\( *\"cksum\": *\"\)[0-9]* [0-9]*\",\$/\1$sum\",/" "$f"
done
