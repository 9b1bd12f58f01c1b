//! The sandbox's limits.

use super::{Code, Entry, Section};

section! {
    Limit: Code = "Limits",
    intro "Each limit has a global flag and an environment variable; the report names\n\
           the current value and a higher one to try.";

    Operations = "awsrun::limit::operations" {
        when: "The script ran more than 50,000,000 operations (default): usually a loop that \
               never ends.",
        what_to_do: "Fix the loop; a script that really needs more raises it with \
                     `--max-operations N` or `AWSRUN_MAX_OPERATIONS=N`.",
    }
    CallDepth = "awsrun::limit::call_depth" {
        when: "Functions are nested more than 64 calls deep (default): usually a function that \
               calls itself without end.",
        what_to_do: "Fix the recursion; raise with `--max-call-depth N` or \
                     `AWSRUN_MAX_CALL_DEPTH=N` (at most 256).",
    }
    StringSize = "awsrun::limit::string_size" {
        when: "A string grew past 1,048,576 bytes (default).",
        what_to_do: "Look for a loop that keeps appending; raise with `--max-string-size N` or \
                     `AWSRUN_MAX_STRING_SIZE=N`.",
    }
    ArraySize = "awsrun::limit::array_size" {
        when: "An array grew past 200,000 items (default).",
        what_to_do: "Look for a loop that keeps adding; raise with `--max-array-size N` or \
                     `AWSRUN_MAX_ARRAY_SIZE=N`.",
    }
    MapSize = "awsrun::limit::map_size" {
        when: "An object map grew past 10,000 keys (default), counting the keys of maps nested \
               in it; a map grown key by key (`m[k] = v`) is caught within a few thousand \
               operations of passing the limit.",
        what_to_do: "Look for a loop that keeps adding keys; raise with `--max-map-size N` or \
                     `AWSRUN_MAX_MAP_SIZE=N`.",
    }
    ExpressionDepth = "awsrun::limit::expression_depth" {
        when: "An expression is nested deeper than the parser takes: 128 levels, 64 inside a \
               function (brackets, maps, arrays, calls within calls). This guard has no flag.",
        what_to_do: "Split the expression with `let`: give an inner part a name and use the \
                     name.",
    }
    Size = "awsrun::limit::size" {
        when: "Another value grew past its limit: a BLOB padded beyond the array limit.",
        what_to_do: "Keep data out of scripts; the BLOB limit is the array limit, \
                     `--max-array-size N` or `AWSRUN_MAX_ARRAY_SIZE=N`.",
    }
    Modules = "awsrun::limit::modules" {
        when: "More than 100 modules (default) were imported: usually modules that import each \
               other in a circle.",
        what_to_do: "Break the circle; raise with `--max-modules N` or `AWSRUN_MAX_MODULES=N` \
                     (at most 10000).",
    }
    ScriptSize = "awsrun::limit::script_size" {
        when: "The script file is larger than 1,048,576 bytes (default); nothing runs (exit \
               status 2).",
        what_to_do: "Keep data in variables (`--var`) or split the script into modules; raise \
                     with `--max-script-size N` or `AWSRUN_MAX_SCRIPT_SIZE=N`.",
    }
}
