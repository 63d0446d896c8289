//! Link settings of the `wscope` binary.
//!
//! On Linux with glibc 2.36 or later, relative relocations are packed (DT_RELR, the linker's
//! `-z pack-relative-relocs`). The binary holds about 30,000 of them (mostly in OpenSSL's
//! tables), which the loader otherwise reads from 720 KB of `.rela.dyn` at every start: packed
//! they take 10 KB, and a one-message run has 0.6 MiB less resident. The linker records that
//! the binary needs a glibc that understands them (GLIBC_ABI_DT_RELR), so an older one refuses
//! to start it rather than crashing; it is only asked for when the glibc we build on has them.
//! A linker without the option (GNU ld before 2.38) ignores it with a warning.
//!
//! Release builds linked by LLD (Rust's default linker on x86_64 Linux since 1.90) place the
//! functions of a short run side by side (`--symbol-ordering-file src/startup-order.txt`,
//! written by `bench/startup_order.py`): the kernel maps code 64 KiB at a time around each page
//! a run touches, and those functions, scattered over 4 MB, kept 3 MB resident for a
//! one-message run; side by side about 1 MB. Names the binary no longer has are skipped.

use std::process::Command;

const STARTUP_ORDER: &str = "src/startup-order.txt";

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={STARTUP_ORDER}");
    if packs_relocations() {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    if orders_symbols() {
        let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
        println!("cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={dir}/{STARTUP_ORDER}");
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}

/// A release build for x86_64 Linux linked by Rust's own LLD: Rust 1.90 or later, and no
/// other linker asked for (GNU ld does not know the option).
fn orders_symbols() -> bool {
    let var = |name| std::env::var(name).unwrap_or_default();
    let flags = var("CARGO_ENCODED_RUSTFLAGS");
    let other_linker = flags.contains("linker=")
        || flags.contains("linker-features=-lld")
        || flags.contains("link-self-contained=-linker")
        || std::env::var_os("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER").is_some();
    var("PROFILE") == "release"
        && var("TARGET") == "x86_64-unknown-linux-gnu"
        && !other_linker
        && rustc_minor().is_some_and(|m| m >= 90)
}

/// The minor version of the compiler building us (`rustc 1.95.0 (...)`: 95).
fn rustc_minor() -> Option<u32> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = Command::new(rustc).arg("--version").output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let version = text.split_whitespace().nth(1)?;
    version.strip_prefix("1.")?.split('.').next()?.parse().ok()
}

/// A native build for Linux on glibc 2.36 or later, on a processor GNU ld packs for.
fn packs_relocations() -> bool {
    let var = |name| std::env::var(name).unwrap_or_default();
    let native = var("TARGET") == var("HOST");
    let linux_gnu = var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu";
    let arch = matches!(var("CARGO_CFG_TARGET_ARCH").as_str(), "x86_64" | "aarch64");
    native && linux_gnu && arch && glibc_version().is_some_and(|v| v >= (2, 36))
}

/// The version of the glibc this build runs on (`getconf GNU_LIBC_VERSION`: "glibc 2.36").
fn glibc_version() -> Option<(u32, u32)> {
    let out = Command::new("getconf")
        .arg("GNU_LIBC_VERSION")
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let (major, minor) = text.trim().strip_prefix("glibc ")?.split_once('.')?;
    let minor = minor.split('.').next()?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}
