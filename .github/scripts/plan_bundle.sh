#!/usr/bin/env bash
# Seal a saved plan and what it was made from for the trip from the plan job to the apply job.
#
#   plan_bundle.sh seal DIR OUT     tar DIR, encrypt it to the certificate in $PLAN_RECIPIENT_CERT (PEM)
#   plan_bundle.sh unseal IN DIR    decrypt with the private key in $PLAN_DECRYPTION_KEY (PEM), untar into DIR
#
# Why: a workflow artifact can be downloaded by anyone with read access to the repository, and tfplan
# holds the values Terraform redacts in its text. The plan job (read-only role, prod-plan environment)
# holds only the public certificate (a variable); the private key is a secret of the `prod`
# environment, which only the approved apply job, on main, can read. openssl CMS: AES-256 content
# key wrapped with the recipient's RSA key.
set -euo pipefail

die() { echo "error: $*" >&2; exit 1; }

case "${1:-}" in
  seal)
    [ $# -eq 3 ] || die "usage: plan_bundle.sh seal DIR OUT"
    [ -d "$2" ] || die "$2 is not a directory"
    [ -n "${PLAN_RECIPIENT_CERT:-}" ] || die "PLAN_RECIPIENT_CERT is empty: set the PLAN_RECIPIENT_CERT variable of the environment (docs/review-loop.md)"
    cert="$(mktemp)"
    trap 'rm -f "$cert"' EXIT
    printf '%s\n' "$PLAN_RECIPIENT_CERT" > "$cert"
    tar -C "$2" -czf - . | openssl cms -encrypt -binary -aes256 -outform DER -out "$3" "$cert"
    ;;
  unseal)
    [ $# -eq 3 ] || die "usage: plan_bundle.sh unseal IN DIR"
    [ -f "$2" ] || die "$2 not found"
    [ -n "${PLAN_DECRYPTION_KEY:-}" ] || die "PLAN_DECRYPTION_KEY is empty: set the secret of the environment (docs/review-loop.md)"
    key="$(umask 077 && mktemp)"
    trap 'rm -f "$key"' EXIT
    printf '%s\n' "$PLAN_DECRYPTION_KEY" > "$key"
    mkdir -p "$3"
    openssl cms -decrypt -binary -inform DER -in "$2" -inkey "$key" | tar -C "$3" -xzf -
    ;;
  *)
    die "usage: plan_bundle.sh seal DIR OUT | unseal IN DIR"
    ;;
esac
