#!/usr/bin/env bash
# Recording overhead (issue 8): a workload run plain, under `dockguard seccomp record` and under
# `strace -f -c` (the usual way to list a program's syscalls), best of RUNS each, side by side.
# Workloads: a syscall-heavy busybox shell loop (forks, file I/O) and a multi-threaded Python
# program.
#
#   bench/seccomp-record.sh [RUNS]
#
# Needs busybox-static, python3 and strace (apt-get install strace). DOCKGUARD=path uses a given
# build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-5}
for tool in strace python3 /bin/busybox; do
  command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }
done
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 2; }
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
find_dockguard "$root"
out=$(mktemp -d -t dgrec.XXXXXX)
trap 'rm -rf "$out"' EXIT

# shellcheck disable=SC2016 # expanded by the traced shell, not here
shell_loop='i=0; while [ $i -lt 300 ]; do cat /etc/hostname > /dev/null; ls / > /dev/null; i=$((i+1)); done'
threads='import threading
def work():
    for _ in range(2000):
        with open("/etc/hostname") as f: f.read()
ts = [threading.Thread(target=work) for _ in range(4)]
[t.start() for t in ts]; [t.join() for t in ts]'

echo "cores: $(nproc)  date: $(date -u +%Y-%m-%dT%H:%MZ)  runs: best of $runs"
printf '%-34s %10s %12s %12s\n' workload plain "dockguard" "strace -f -c"
for name in shell-loop python-threads; do
  if [ "$name" = shell-loop ]; then
    cmd=(/bin/busybox sh -c "$shell_loop")
  else
    cmd=(python3 -c "$threads")
  fi
  read -r plain _ _ < <(measure plain "${cmd[@]}")
  read -r dg _ dg_rc < <(measure dockguard "$dockguard" seccomp record -o "$out/profile.json" -- "${cmd[@]}")
  read -r st _ _ < <(measure strace strace -f -c -o "$out/strace.txt" -- "${cmd[@]}")
  [ "$dg_rc" = 0 ] || { echo "dockguard seccomp record failed: $(cat "$out/dockguard.err")" >&2; exit 1; }
  printf '%-34s %9ss %11ss %11ss\n' "$name" "$plain" "$dg" "$st"
  echo "  $(tail -n 1 "$out/dockguard.err")"
done
