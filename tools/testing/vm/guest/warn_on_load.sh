#!/bin/sh
# Harness self-test: load a module that calls WARN_ON.  The script itself
# passes; the run must still fail because of the kernel's warning.
echo "1..1"
if modprobe warn_on_load; then
	echo "ok 1 - warn_on_load loaded"
else
	echo "not ok 1 - warn_on_load did not load"
fi
