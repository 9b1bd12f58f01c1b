//! Errors of the script as a program: parsing, names, types, operators.

use super::{Code, Entry, Section};

section! {
    Script: Code = "Script";

    Syntax = "awsrun::script::syntax" {
        when: "The script or an imported module does not parse: a missing `;`, bracket or quote, \
               an unknown operator, a keyword used as a name, or a use of `eval`. An error in \
               the script itself stops it before anything runs.",
        what_to_do: "Fix the marked place as the help says; `awsrun check SCRIPT` finds syntax \
                     errors without running anything.",
    }
    UnknownFunction = "awsrun::script::unknown_function" {
        when: "A call to a function that exists nowhere: not awsrun's, not the stdlib's, not the \
               script's own. `awsrun check` finds it before running; a run stops when it reaches \
               the call.",
        what_to_do: "Use the suggested name (`did you mean ...?`); `awsrun docs` lists every \
                     function.",
    }
    Arguments = "awsrun::script::arguments" {
        when: "A known function is called with arguments none of its forms takes (`awsrun check` \
               finds a wrong number of arguments before running): too few or too many, or of the \
               wrong type (e.g. options given as text instead of a `#{...}` map).",
        what_to_do: "Call it as the signature in the help shows; `awsrun docs NAME` has an \
                     example.",
    }
    UnknownVariable = "awsrun::script::unknown_variable" {
        when: "A variable is read that was never defined.",
        what_to_do: "Define it with `let NAME = ...;`, or pass it with `--var NAME=VALUE`.",
    }
    UnknownProperty = "awsrun::script::unknown_property" {
        when: "An object map has no such property, e.g. `a.subnett` on the map \
               `private_subnet(...)` returns.",
        what_to_do: "Use the suggested key; `print(x.keys())` lists the properties of a map `x`.",
    }
    Index = "awsrun::script::index" {
        when: "An array index is out of bounds (any index into an empty array).",
        what_to_do: "Check the index against `x.len()`, or walk the items with `for item in x { \
                     ... }`.",
    }
    Type = "awsrun::script::type" {
        when: "A value has the wrong type where the language needs a particular one, e.g. an \
               `if` condition that is not true or false, or an array index that is not a number.",
        what_to_do: "Convert the value (`to_string()`, `parse_int(...)`) or use one of its \
                     attributes, such as `.id`.",
    }
    Operator = "awsrun::script::operator" {
        when: "An operator is applied to values it cannot combine, e.g. `public_subnet(\"2a\") + \
               1`.",
        what_to_do: "Use a value of the resource (`.id`, `.cidr`, `.port`) rather than the \
                     resource, or convert with `to_string()` and `parse_int(...)`.",
    }
    NotIterable = "awsrun::script::not_iterable" {
        when: "`for` is given something it cannot walk over, e.g. a number.",
        what_to_do: "Loop over an array (`for s in [a, c]`), a range (`for n in 1..=count`) or a \
                     string.",
    }
    Arithmetic = "awsrun::script::arithmetic" {
        when: "Arithmetic failed: a division by zero or a number too large.",
        what_to_do: "Check the numbers on the marked line.",
    }
    Thrown = "awsrun::script::thrown" {
        when: "The script stopped itself with `throw VALUE`. (Re-throwing an awsrun error keeps \
               that error's own code.)",
        what_to_do: "Intended by the script: read its message.",
    }
    Runtime = "awsrun::script::runtime" {
        when: "Any other failure of the marked expression, e.g. indexing a value that cannot be \
               indexed or assigning to a constant.",
        what_to_do: "Fix the marked expression; `awsrun docs` lists every function and its \
                     arguments.",
    }
    Trace = "awsrun::trace" {
        when: "Not an error of its own: each extra `called from` entry of a report whose error \
               was raised inside nested function calls or modules.",
        what_to_do: "Follow the chain down to the line that failed; fix the error the report \
                     starts with.",
    }
}
