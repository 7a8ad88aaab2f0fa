#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# One minute of rel_soak.sh, for the test suite; the full soak is
# scripts/soak.sh.
cd "$(dirname "$0")" || exit 1
SOAK_SECONDS=${SOAK_SECONDS:-60}
export SOAK_SECONDS
exec sh ./rel_soak.sh
