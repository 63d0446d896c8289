//! Link settings of the `wscope` binary.
//!
//! On Linux with glibc 2.36 or later, relative relocations are packed (DT_RELR, the linker's
//! `-z pack-relative-relocs`). The binary holds about 30,000 of them (mostly in OpenSSL's
//! tables), which the loader otherwise reads from 720 KB of `.rela.dyn` at every start: packed
//! they take 10 KB, and a one-message run has 0.6 MiB less resident. The linker records that
//! the binary needs a glibc that understands them (GLIBC_ABI_DT_RELR), so an older one refuses
//! to start it rather than crashing; it is only asked for when the glibc we build on has them.
//! A linker without the option (GNU ld before 2.38) ignores it with a warning.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if packs_relocations() {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
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
