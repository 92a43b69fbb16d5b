#!/usr/bin/env bash
# A newcomer's first steps, from a fresh module: the README's install
# commands, a program built from the quick start and run against the
# in-process fake, and the README's testing example run with the commands
# the README gives for it. The commands are read from README.md (the sh
# blocks after "<!-- run by scripts/consumer-check.sh: install -->" and
# "...: test -->"), so the README cannot drift from what is checked.
#
#	scripts/consumer-check.sh                          # warm caches
#	CONSUMER_EMPTY_CACHES=1 scripts/consumer-check.sh  # empty module and build caches, as on a new machine
#
# Modules come from the Go module proxy. The clone the README names,
# ../rhombus-go, is this working tree.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
cleanup() {
	# The module cache is read-only; make it removable first.
	chmod -R u+w "$work" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
if [ "${CONSUMER_EMPTY_CACHES:-}" = 1 ]; then
	export GOMODCACHE=$work/gomodcache GOCACHE=$work/gocache
	echo "consumer-check: empty caches: GOMODCACHE=$GOMODCACHE GOCACHE=$GOCACHE"
fi
export GOFLAGS= GOWORK=off

# block NAME prints the sh block that follows the README's marker NAME.
block() {
	awk -v mark="<!-- run by scripts/consumer-check.sh: $1 -->" '
		$0 == mark { found = 1; next }
		found && /^```sh$/ { inside = 1; next }
		inside && /^```$/ { exit }
		inside { print }
	' "$repo/README.md"
}
# quoted FILE prints the Go block the README quotes from FILE.
quoted() {
	awk -v mark="<!-- quoted from $1 -->" '
		$0 == mark { found = 1; next }
		found && /^```go$/ { inside = 1; next }
		inside && /^```$/ { exit }
		inside { print }
	' "$repo/README.md"
}
install=$(block install)
testing=$(block test)
signup=$(quoted rhombustest/signup_test.go)
for v in install testing signup; do
	if [ -z "${!v}" ]; then
		echo "consumer-check: README.md has no $v block to run" >&2
		exit 1
	fi
done

ln -s "$repo" "$work/rhombus-go"
mkdir "$work/consumer"
cd "$work/consumer"
go mod init example.com/consumer

# The quick start's call, against the in-process fake, through a client
# built the way a program builds one.
cat >main.go <<'GO'
package main

import (
	"context"
	"fmt"
	"log"

	"github.com/rhombuskit/rhombus-go/api"
	"github.com/rhombuskit/rhombus-go/rhombustest"
	rhombus "github.com/rhombuskit/rhombus-go/wrapper"
)

func main() {
	s := rhombustest.NewUnstartedServer(nil)
	if err := s.Start(); err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	c, err := rhombus.New(rhombus.WithEndpoint(s.URL), rhombus.WithCredential(rhombus.APIToken(s.Key(rhombustest.OrgAPIToken))))
	if err != nil {
		log.Fatal(err)
	}
	user, err := c.CreateUser(context.Background(), api.CreateUserRequest{
		Email: "jane.doe@example.com", Name: "Jane Doe", PermissionGroupUUID: s.PermissionGroup(),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(user.ResponseStatus, user.UserUUID.Validate() == nil)
}
GO

step() {
	local start=$SECONDS
	echo "consumer-check: $1"
	shift
	"$@"
	echo "consumer-check: ... $((SECONDS - start)) s"
}
step "the README's install commands" bash -euxo pipefail -c "$install"
step "go build and run the quick start" go build -o consumer .
got=$(./consumer)
if [ "$got" != "SUCCESS true" ]; then
	echo "consumer-check: the quick start printed \"$got\", want \"SUCCESS true\"" >&2
	exit 1
fi

mkdir signup
printf '%s\n' "$signup" >signup/signup_test.go
step "the README's testing commands" bash -euxo pipefail -c "$testing"
echo "consumer-check: ok in ${SECONDS} s: install, quick start, testing example"
