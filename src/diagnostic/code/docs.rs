//! `awsrun docs`.

use super::{Code, Entry, Section};

section! {
    Docs: Code = "Docs";

    Unknown = "awsrun::docs::unknown" {
        when: "`awsrun docs NAME` names no function.",
        what_to_do: "Use the suggested name; `awsrun docs` lists every function.",
    }
    Write = "awsrun::docs::write" {
        when: "`awsrun docs --definitions DIR` cannot create or write the definition files in \
               DIR.",
        what_to_do: "Give `--definitions` a directory you can create and write to (the message \
                     says what failed); if annotating fails, make `DIR/__static__.d.rhai` \
                     readable and writable and run it again.",
    }
}
