#!/usr/bin/env bash
# A command provider for the elastic pool tests. Usage: elastic-provider.sh RECORD_FOLDER MODE
# Records each request (its stdin) as RECORD_FOLDER/call-NNN.json (numbered in the order the calls began, also when
# they run side by side), then answers by MODE:
#   ok         every asked-for name as a simulated node
#   remote     every asked-for name as a node that is not simulated (a machine this server has no executor for)
#   fail       {"error": ...} and exit 1
#   fail-once  fails the first provision, succeeds afterwards
#   malformed  one good node and one without a name
#   garbage    text that is not JSON
#   slow       answers after 30 s
# A release is always answered {}.
set -eu
record="$1"
mode="${2:-ok}"
input="$(cat)"
n=1
while ! mkdir "$record/.call-$n" 2>/dev/null; do n=$((n + 1)); done
printf '%s' "$input" > "$record/call-$(printf '%03d' "$n").json"
action=$(printf '%s' "$input" | sed -n 's/.*"action":"\([a-z]*\)".*/\1/p')
if [ "$action" = "release" ]; then
  echo '{}'
  exit 0
fi
case "$mode" in
  fail) echo '{"error":"no capacity in zone eu-1"}'; exit 1 ;;
  fail-once)
    if [ ! -e "$record/failed-once" ]; then
      touch "$record/failed-once"
      echo '{"error":"zone eu-1 is busy, try later"}'
      exit 1
    fi ;;
  malformed) echo '{"nodes":[{"name":"half-registered","simulated":true},{"gpus":8,"simulated":true}]}'; exit 0 ;;
  garbage) echo 'Traceback (most recent call last): it broke'; exit 0 ;;
  slow) sleep 30; exit 0 ;;
esac
simulated=true
if [ "$mode" = "remote" ]; then simulated=false; fi
names=$(printf '%s' "$input" | sed -n 's/.*"names":\[\([^]]*\)\].*/\1/p')
nodes=""
for quoted in $(printf '%s' "$names" | tr ',' ' '); do
  nodes="$nodes${nodes:+,}{\"name\":$quoted,\"simulated\":$simulated}"
done
echo "{\"nodes\":[$nodes]}"
