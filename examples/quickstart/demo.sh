#!/usr/bin/env bash
# Applies the quickstart configuration to a local Airbyte emulator: builds the provider and the
# emulator, starts the emulator on a free loopback port, then runs terraform apply, a plan that
# must show no changes, and destroy. Nothing is left behind: the provider, the Terraform CLI
# configuration and the state live in a temporary directory that is removed on exit.
#
# Usage (from anywhere): examples/quickstart/demo.sh
# Environment: GO (default go), TERRAFORM (default: terraform on PATH).
set -euo pipefail

GO=${GO:-go}
TERRAFORM=${TERRAFORM:-terraform}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
example="$root/examples/quickstart"

say() { printf 'demo: %s\n' "$*"; }
fail() {
	printf 'demo: FAILED: %s\n' "$*" >&2
	exit 1
}

if ! command -v "$TERRAFORM" >/dev/null 2>&1; then
	fail "no terraform CLI found (looked for \"$TERRAFORM\"). Install Terraform, or set TERRAFORM to its path."
fi
if ! command -v "$GO" >/dev/null 2>&1; then
	fail "no Go toolchain found (looked for \"$GO\"). Install Go, or set GO to its path."
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/airbyte-demo.XXXXXX")
emulator_pid=
cleanup() {
	status=$?
	if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
		say "stopping the emulator (pid $emulator_pid)"
		kill "$emulator_pid" 2>/dev/null || true
		wait "$emulator_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
	if [ "$status" -eq 0 ]; then
		say "done: apply, an empty plan and destroy all succeeded"
	else
		say "stopped after a failure (exit status $status); see the messages above"
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "building the provider and the emulator into $tmp"
(cd "$root" && "$GO" build -trimpath -ldflags "-X main.version=dev" -o "$tmp/providers/terraform-provider-airbyte" .) ||
	fail "the provider did not build; see the compiler output above"
(cd "$root" && "$GO" build -trimpath -o "$tmp/airbyte-emulator" ./cmd/airbyte-emulator) ||
	fail "the emulator did not build; see the compiler output above"

say "starting the emulator on a free loopback port"
"$tmp/airbyte-emulator" -addr 127.0.0.1:0 -env-file "$tmp/emulator.env" >"$tmp/emulator.json" 2>"$tmp/emulator.log" &
emulator_pid=$!
for _ in $(seq 100); do
	[ -s "$tmp/emulator.env" ] && break
	if ! kill -0 "$emulator_pid" 2>/dev/null; then
		cat "$tmp/emulator.log" >&2
		fail "the emulator exited before it was ready; its messages are above"
	fi
	sleep 0.1
done
[ -s "$tmp/emulator.env" ] || fail "the emulator did not write $tmp/emulator.env within 10 seconds"

# The file sets the AIRBYTE_* variables the provider reads, and the ids of seeded objects.
set -a
# shellcheck disable=SC1091
. "$tmp/emulator.env"
set +a
export TF_VAR_source_id="$AIRBYTE_EMULATOR_SOURCE_ID"
export TF_VAR_destination_id="$AIRBYTE_EMULATOR_DESTINATION_ID"
say "emulator ready at $AIRBYTE_SERVER_URL, workspace $AIRBYTE_WORKSPACE_ID"
say "source $AIRBYTE_EMULATOR_SOURCE_ID (streams: $AIRBYTE_EMULATOR_SOURCE_STREAMS), destination $AIRBYTE_EMULATOR_DESTINATION_ID"

# A CLI configuration of our own, so that Terraform uses the provider just built and the
# user's own ~/.terraformrc is neither read nor changed.
cat >"$tmp/terraformrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/airbyte-terraform/airbyte" = "$tmp/providers"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE="$tmp/terraformrc"
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
unset TF_DATA_DIR TF_WORKSPACE
say "wrote a Terraform CLI configuration with dev_overrides for registry.terraform.io/airbyte-terraform/airbyte"

mkdir "$tmp/work"
cp "$example"/*.tf "$tmp/work/"
tf() { "$TERRAFORM" -chdir="$tmp/work" "$@"; }
say "working on a copy of examples/quickstart in $tmp/work, with $("$TERRAFORM" version | head -n 1)"

say "terraform validate"
tf validate -no-color || fail "terraform validate rejected the quickstart configuration"

say "terraform apply -auto-approve"
tf apply -auto-approve -input=false -no-color || fail "terraform apply did not succeed"

say "the sync: status $(tf output -raw sync_status), $(tf output -raw sync_rows) rows"
say "the sync history, newest first:"
tf output -no-color -json sync_history | grep -o '"[^"]*"' | tr -d '"' | sed -e 's/^/demo:   /'

say "terraform plan -detailed-exitcode (expecting no changes)"
set +e
tf plan -detailed-exitcode -input=false -no-color
plan_status=$?
set -e
case $plan_status in
0) say "the plan is empty: what Terraform applied is what Airbyte reports" ;;
2) fail "terraform plan found changes right after apply; the provider does not read back what it wrote" ;;
*) fail "terraform plan did not succeed (exit status $plan_status)" ;;
esac

say "terraform destroy -auto-approve"
tf destroy -auto-approve -input=false -no-color || fail "terraform destroy did not succeed"
