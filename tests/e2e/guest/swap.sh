# Swap integrity: write and re-read 384 MiB of checksummed pages through
# swap on xvda in a 128 MiB guest.
. /lab/run/lib.sh
mkswap /dev/xvda >/dev/null && swapon /dev/xvda || { echo "RESULT swapon=failed"; exit 1; }
echo "RESULT swapon=ok"
memstress -m "${SWAP_MIB:-384}" -s 42 -r 2
rc=$?
dump_counters
swapoff /dev/xvda && echo "RESULT swapoff=ok" || echo "RESULT swapoff=failed"
exit $rc
