//! The `kbgen` binary. The command line lives in `kbgen::cli`; this file only picks the
//! allocator, which the library leaves to the program.

use std::process::ExitCode;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    kbgen::cli::main()
}
