#!/usr/bin/env bash
# Check that every setting of a config fragment survived into a .config.
# usage: guest-config-check.sh FRAGMENT DOTCONFIG
set -euo pipefail
frag=$1 cfg=$2
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		if ! grep -qxF -- "$line" "$cfg"; then
			sym=${line%%=*}
			have=$(grep -E "^(# )?$sym[= ]" "$cfg" || echo "(absent)")
			echo "[guest-config] $line dropped, .config has: $have" >&2
			bad=1
		fi
		;;
	'# CONFIG_'*' is not set')
		sym=${line#\# }
		sym=${sym%% *}
		if grep -qE "^$sym=" "$cfg"; then
			echo "[guest-config] $sym should be off: $(grep -E "^$sym=" "$cfg")" >&2
			bad=1
		fi
		;;
	esac
done <"$frag"
if [ "$bad" -ne 0 ]; then
	echo "[guest-config] ERROR: fragment $frag not fully applied" >&2
	exit 1
fi
echo "[guest-config] all settings of $(basename "$frag") present"
