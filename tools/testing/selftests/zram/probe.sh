#!/bin/sh
export PS4='+ $EPOCHREALTIME '
bash -x ./zram_attrs.sh 2>&1 | grep -v '^ok'
