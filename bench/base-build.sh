# Sourced by the before/after scripts (compare-builds.sh, paired-step.sh) with $root (the checkout)
# and $base (a git revision) set: finds JDK 25, builds $base in a temporary worktree at $work/base
# (removed on exit) and the current tree.
jdk="$(DESCENT_PRINT_JDK=1 "$root/bin/descent")"
export JAVA_HOME="$jdk"
work="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$root" worktree add -q --detach "$work/base" "$base"
echo "building $base ($(git -C "$root" rev-parse --short "$base")) and the current tree…" >&2
(cd "$work/base" && mvn -q -B -ntp -DskipTests package >"$work/base-build.log" 2>&1) || { echo "base build failed: $work/base-build.log" >&2; exit 1; }
"$root/bin/descent" --help >/dev/null
