//! Every diagnostic code awsrun raises, described once.
//!
//! Each section of the catalogue is an enum in its own file, declared with
//! `section!`: a variant per code, with the code, when it happens and what
//! to do about it. [`catalogue`] renders `docs/errors.md` from these
//! sections; `tests/catalogue.rs` compares the file with it
//! (`SNAPSHOTS=overwrite` rewrites the file).
//!
//! What keeps the catalogue complete and current:
//! - A code is raised by naming its variant (`code::Cidr::Syntax`,
//!   `code::Aws::InvalidSubnetConflict`), never by text: [`Code`] and
//!   [`AwsCode`] are made from variants only, and `HostError::new`,
//!   `Report::plain`, `CloudError::new` and the warnings take nothing else.
//!   So a code that is raised has its entry.
//! - The enums are crate-private and the tables are plain data, so only a
//!   raising site constructs a variant: an entry nothing raises is a
//!   dead-code warning, which `clippy -D warnings` refuses. The stdlib's
//!   Rhai files are out of the compiler's sight: the codes they name are
//!   declared in `engine::stdlib::CODES`, which `tests/catalogue.rs` checks
//!   against the files.
//! - Codes awsrun does not own stay text: a team module's
//!   `fail(code, message, help)` (`HostError::custom`) and what AWS returns
//!   to a live run (`CloudError::returned`). Those that awsrun adds a help
//!   line to are grouped in `Hinted`, which the AWS backend's hints match on.

use std::fmt;

/// Declares one section of the catalogue: the enum of its codes, each
/// variant's code (`code()`, and `Into` the code type), and the section's
/// `SECTION` table for the catalogue.
macro_rules! section {
    (
        $name:ident: $code:ident = $title:literal $(, intro $intro:literal)?;
        $(
            $variant:ident = $text:literal {
                when: $when:literal,
                what_to_do: $what_to_do:literal $(,)?
            }
        )+
    ) => {
        #[doc = concat!("The codes of the catalogue's section \"", $title, "\".")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum $name {
            $($variant,)+
        }

        impl $name {
            /// The code as reports carry it.
            pub(crate) const fn code(self) -> $code {
                $code(match self {
                    $($name::$variant => $text,)+
                })
            }

            #[allow(dead_code)]
            pub(crate) const fn as_str(self) -> &'static str {
                self.code().as_str()
            }
        }

        impl From<$name> for $code {
            fn from(variant: $name) -> $code {
                variant.code()
            }
        }

        impl From<$name> for String {
            fn from(variant: $name) -> String {
                variant.as_str().to_string()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        pub(super) const SECTION: Section = Section {
            title: $title,
            intro: section!(@intro $($intro)?),
            prefix: $code::PREFIX,
            entries: &[$(Entry {
                codes: &[$text],
                when: $when,
                what_to_do: $what_to_do,
            },)+],
        };
    };
    (@intro) => { "" };
    (@intro $intro:literal) => { $intro };
}

mod aws;
mod backend;
mod catalogue;
mod cidr;
mod docs;
mod hinted;
mod limit;
mod lock;
mod module;
mod opts;
mod repl;
mod resource;
mod rolling;
mod script;
mod stop;
mod usage;
mod wait;
mod warn;

pub use catalogue::{catalogue, sections};

pub(crate) use aws::Aws;
pub(crate) use backend::Backend;
pub(crate) use cidr::Cidr;
pub(crate) use docs::Docs;
pub(crate) use hinted::Hinted;
pub(crate) use limit::Limit;
pub(crate) use lock::Lock;
pub(crate) use module::Module;
pub(crate) use opts::Opts;
pub(crate) use repl::Repl;
pub(crate) use resource::Resource;
pub(crate) use rolling::Rolling;
pub(crate) use script::Script;
pub(crate) use stop::Stop;
pub(crate) use usage::Usage;
pub(crate) use wait::Wait;
pub(crate) use warn::Warn;

/// One section of the catalogue: its heading, the prose under it and a row
/// per code.
#[derive(Debug)]
pub struct Section {
    pub title: &'static str,
    /// Paragraphs between the heading and the table; empty for none.
    pub intro: &'static str,
    /// What reports put before each code of the section (`awsrun::aws::`).
    pub prefix: &'static str,
    pub entries: &'static [Entry],
}

/// One row of the catalogue.
#[derive(Debug)]
pub struct Entry {
    /// The codes the row is about, without the section's prefix: one, but
    /// for the AWS codes awsrun adds one help line to.
    pub codes: &'static [&'static str],
    pub when: &'static str,
    pub what_to_do: &'static str,
}

/// What both code types share: the text, printed and compared as text.
macro_rules! code_text {
    ($name:ident, $prefix:literal) => {
        impl $name {
            /// What reports put before the code.
            pub const PREFIX: &'static str = $prefix;

            pub const fn as_str(self) -> &'static str {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(self.0, f)
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl From<$name> for String {
            fn from(code: $name) -> String {
                code.0.to_string()
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.0)
            }
        }
    };
}

/// One of awsrun's own codes, such as `awsrun::cidr::syntax`; made only
/// from a section's variant (`code::Cidr::Syntax.into()`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Code(&'static str);

code_text!(Code, "");

/// An AWS code awsrun raises itself (the simulated account, or the AWS
/// backend for a failure AWS gave no code to), such as
/// `InvalidSubnet.Conflict`; reports put `awsrun::aws::` before it. Made
/// only from a section's variant (`code::Aws::InvalidSubnetConflict.into()`).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AwsCode(&'static str);

code_text!(AwsCode, "awsrun::aws::");
