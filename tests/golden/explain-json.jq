# Checks the lines of --explain=json for one golden case (run.sh):
#   jq -n -r --slurpfile in INPUT --slurpfile out OUTPUT --slurpfile ch CHANGES \
#      --rawfile text EXPLAIN -f explain-json.jq
# prints one line per problem, nothing when all is well: every line has the
# fields; its pointer names a value of the input (changed, removed) or of the
# output (added); and the lines say what --explain says, line for line.
def tokens: if . == "" then [] else .[1:] | split("/") | map(gsub("~1"; "/") | gsub("~0"; "~")) end;
def has_at($t):
  if ($t | length) == 0 then true
  else $t[0] as $k
    | if type == "array" then ($k | test("^(0|[1-9][0-9]*)$")) and (($k | tonumber) < length) and (.[$k | tonumber] | has_at($t[1:]))
      elif type == "object" then has($k) and (.[$k] | has_at($t[1:]))
      else false end
  end;
($text | split("\n") | map(select(length > 0))) as $lines
| if ($ch | length) != ($lines | length) then "\($ch | length) JSON lines, \($lines | length) lines of --explain" else empty end,
  ($ch | to_entries[] | .key as $i | .value as $c
   | (["rule", "change", "pointer", "in", "place", "what", "why"] - ($c | keys)) as $missing
   | if ($missing | length) > 0 then "line \($i + 1): no \($missing | join(", "))"
     elif ($c.change == "added") != ($c.in == "output") then "line \($i + 1): a \($c.change) change points into the \($c.in)"
     elif (if $c.in == "output" then $out[0] else $in[0] end | has_at($c.pointer | tokens)) | not then "line \($i + 1): \($c.pointer) names nothing in the \($c.in)"
     elif ("\($c.place): \($c.what)\(if $c.why == "" then "" else ": \($c.why)" end) [\($c.rule)]") != $lines[$i] then "line \($i + 1) differs from --explain: \($lines[$i])"
     else empty end)
