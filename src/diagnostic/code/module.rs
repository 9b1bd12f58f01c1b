//! `import` and the module resolver.

use super::{Code, Entry, Section};

section! {
    Module: Code = "Modules";

    NotFound = "awsrun::module::not_found" {
        when: "`import \"PATH\"` finds no module in the script's folder, the folders of \
               `AWSRUN_PATH` or the stdlib, or the module file cannot be read.",
        what_to_do: "Fix the path: it is relative (`\"net/base\"`), without `.rhai`; or add the \
                     module's folder to `AWSRUN_PATH`.",
    }
    OutsideRoot = "awsrun::module::outside_root" {
        when: "`import` names an absolute path or one with `..`.",
        what_to_do: "Put the module in the script's folder (or below it) or in a folder of \
                     `AWSRUN_PATH`, and import it by its relative path.",
    }
}
