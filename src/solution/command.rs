//! `duet solution build`: read the definition, build every artifact, write them and print the manifest.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Context;

use super::{Artifacts, artifacts, zipper};
use crate::cli::BuildArgs;

/// Builds the solution artifacts into `args.out` and prints the manifest on stdout.
pub fn build(args: &BuildArgs) -> anyhow::Result<()> {
    let built = artifacts(args.definition.as_deref())?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let mut manifest = String::new();
    for (name, bytes) in outputs(&built, args) {
        write_file(&args.out.join(name), bytes)?;
        manifest.push_str(&manifest_lines(name, bytes)?);
    }
    if let Some(dir) = &args.unpacked {
        for (path, bytes) in &built.unpacked {
            write_file(&dir.join(path), bytes)?;
        }
        let _ = writeln!(
            manifest,
            "unpacked: {} files in {}",
            built.unpacked.len(),
            dir.display()
        );
    }
    print!("{manifest}");
    Ok(())
}

/// The (file name, bytes) pairs `args` asks for: the zips (both unless one flag is given), records.json, data.zip.
fn outputs<'a>(built: &'a Artifacts, args: &BuildArgs) -> Vec<(&'a str, &'a [u8])> {
    let mut files = Vec::new();
    if !args.unmanaged {
        files.push((
            built.managed_zip_name.as_str(),
            built.managed_zip.as_slice(),
        ));
    }
    if !args.managed {
        files.push((
            built.unmanaged_zip_name.as_str(),
            built.unmanaged_zip.as_slice(),
        ));
    }
    files.push(("records.json", built.records_json.as_slice()));
    files.push(("data.zip", built.data_zip.as_slice()));
    files
}

/// `<sha256>  <name>`, then for a zip one indented line per entry.
fn manifest_lines(name: &str, bytes: &[u8]) -> anyhow::Result<String> {
    let mut lines = format!("{}  {name}\n", zipper::sha256_hex(bytes));
    if name.ends_with(".zip") {
        for (entry, content) in
            zipper::entries(bytes).with_context(|| format!("reading back {name}"))?
        {
            let _ = writeln!(lines, "    {}  {entry}", zipper::sha256_hex(&content));
        }
    }
    Ok(lines)
}

fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
}
