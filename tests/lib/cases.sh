# A small TAP harness for bash suites written as cases (tests/cli,
# tests/summary): begin NAME, any number of problem TEXT, then end; a case
# without a problem passes. Source it; finish with `echo "1..$n"; [ "$failed" = 0 ]`.
n=0
failed=0
name=
why=()
begin() { name=$1; why=(); }
problem() { why+=("$*"); }
end() {
	n=$((n + 1))
	if [ ${#why[@]} -eq 0 ]; then
		echo "ok $n - $name"
	else
		failed=$((failed + 1))
		echo "not ok $n - $name"
		printf '%s\n' "${why[@]}" | head -40 | sed 's/^/# /'
	fi
}
