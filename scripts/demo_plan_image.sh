#!/bin/sh
# Regenerate docs/images/demo-plan-compliance.png: storey F02 of the demo
# building (3 storeys, 20 rooms each, seed 0) in compliance colours, with the
# demo allocations checked against the 2014 standard on a fixed date.
# Run from the repository root: sh scripts/demo_plan_image.sh
set -eu
TWIN="${TWIN:-twin}"
WORK="${WORK:-out/plan-demo}"
mkdir -p "$WORK" docs/images
$TWIN demo-model "$WORK/office.ifc" --storeys 3 --rooms-per-storey 20 --seed 0
$TWIN demo-allocations "$WORK/office.ifc" --out "$WORK/allocations.csv" --seed 0 --level municipal
$TWIN plan "$WORK/office.ifc" --storey F02 --colour compliance \
    --allocations "$WORK/allocations.csv" --level municipal --date 2026-01-01 \
    --out docs/images/demo-plan-compliance.png --width 1600
