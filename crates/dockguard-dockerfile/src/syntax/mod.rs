//! Lossless-enough Dockerfile syntax: instructions with byte spans into the original text,
//! following BuildKit's grammar (directives, continuations, heredocs, flags, exec/shell forms).
//!
//! The parser never fails: problems BuildKit would reject are collected in
//! [`Dockerfile::errors`] and parsing carries on, so rules can still look at the rest of the file.

mod ast;
mod lexer;
mod parser;

pub use ast::*;
pub use lexer::{split_words, unquote};
pub use parser::parse;

#[cfg(test)]
mod tests;
