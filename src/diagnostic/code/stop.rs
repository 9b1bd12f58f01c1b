//! A run stopped by Ctrl-C, by a confirmation refused, or by its cost.

use super::{Code, Entry, Section};

section! {
    Stop: Code = "Interrupted and refused";

    Interrupted = "awsrun::interrupted" {
        when: "Ctrl-C stopped the run at the next safe point (exit status 130); a second Ctrl-C \
               quits at once. A rolling deploy stops without rolling back.",
        what_to_do: "Re-run the script to continue where it stopped (nothing is created twice), \
                     or remove what it made with `awsrun destroy --stack NAME`.",
    }
    Refused = "awsrun::refused" {
        when: "A live run or `destroy` was not confirmed: the answer was not `yes`, or there is \
               no terminal to ask on and no `--yes` (exit status 2). Also `:mode live` in the \
               REPL without a terminal. Nothing was changed.",
        what_to_do: "Review the plan and answer `yes`, or re-run with `--yes`.",
    }
    OverMonthlyCost = "awsrun::cost::over_limit" {
        when: "`--max-monthly-cost USD` (or `AWSRUN_MAX_MONTHLY_COST`) is set and the plan leaves \
               the stack costing more a month, or costing what the price table cannot tell \
               (exit status 1, before any write). Nothing was changed.",
        what_to_do: "Raise the limit, or change the script: each plan line shows what its \
                     resource costs per hour.",
    }
}
